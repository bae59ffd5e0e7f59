// Package certgen makes X.509 certificates in-process for tests and test
// servers: CAs, intermediates and leaves with any names, validity window and
// key usage, so every certificate situation of the spec can be presented
// without checked-in certificates that expire.
//
// Unit tests pass a fixed clock (Clock) and set the same time in
// tls.Config.Time; servers that real clients (JDBC, OpenSSL, tedious) talk to
// use windows around time.Now().
package certgen

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// Clock is the fixed "now" of the unit tests: certificates made with
// Window(Clock, …) are valid at Clock.
var Clock = time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)

// Spec describes one certificate.
type Spec struct {
	CN       string   // subject common name (may be empty)
	Org      string   // subject organisation (optional)
	DNSNames []string // SAN dNSName entries
	IPs      []net.IP // SAN iPAddress entries

	NotBefore, NotAfter time.Time // zero: Window(time.Now(), 0, 1 year)

	IsCA bool // a CA (self-signed root when Parent is nil)
	// ExtKeyUsage for a leaf; nil means serverAuth+clientAuth. Set NoEKU for
	// a certificate without the extension.
	ExtKeyUsage []x509.ExtKeyUsage
	NoEKU       bool

	Parent *Cert    // the issuer; nil: self-signed
	Serial *big.Int // nil: a fresh positive serial
	RSA    bool     // an RSA-2048 key instead of ECDSA P-256
	// RSABits, when set, is the RSA key's size (an old server's 1024);
	// it implies RSA.
	RSABits int
	// SignatureAlgorithm, when set, is the algorithm the issuer signs with
	// (x509.SHA1WithRSA for an old server's certificate; its issuer's key
	// must be RSA); 0: crypto/x509's choice for the issuer's key.
	SignatureAlgorithm x509.SignatureAlgorithm
}

// Cert is a made certificate with its key.
type Cert struct {
	Cert   *x509.Certificate
	DER    []byte
	Key    crypto.Signer
	Parent *Cert
}

var serials atomic.Int64

// Window returns (now-before, now+after).
func Window(now time.Time, before, after time.Duration) (time.Time, time.Time) {
	return now.Add(-before), now.Add(after)
}

// New makes the certificate s describes.
func New(s Spec) (*Cert, error) {
	var key crypto.Signer
	var err error
	switch {
	case s.RSABits != 0:
		s.RSA = true
		key, err = rsa.GenerateKey(rand.Reader, s.RSABits)
	case s.RSA:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	nb, na := s.NotBefore, s.NotAfter
	if nb.IsZero() && na.IsZero() {
		nb, na = Window(time.Now(), time.Hour, 365*24*time.Hour)
	}
	serial := s.Serial
	if serial == nil {
		serial = big.NewInt(time.Now().UnixNano()%1e12*1000 + serials.Add(1))
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: s.CN},
		DNSNames:              s.DNSNames,
		IPAddresses:           s.IPs,
		NotBefore:             nb,
		NotAfter:              na,
		BasicConstraintsValid: true,
		IsCA:                  s.IsCA,
		SignatureAlgorithm:    s.SignatureAlgorithm,
	}
	if s.Org != "" {
		tmpl.Subject.Organization = []string{s.Org}
	}
	if s.IsCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		if s.RSA {
			tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
		}
		switch {
		case s.NoEKU:
		case s.ExtKeyUsage != nil:
			tmpl.ExtKeyUsage = s.ExtKeyUsage
		default:
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
		}
	}
	parentCert, parentKey := tmpl, key
	if s.Parent != nil {
		parentCert, parentKey = s.Parent.Cert, s.Parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("certgen: create %q: %w", s.CN, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certgen: parse %q: %w", s.CN, err)
	}
	return &Cert{Cert: c, DER: der, Key: key, Parent: s.Parent}, nil
}

// Must is New that panics; for test set-up only.
func Must(s Spec) *Cert {
	c, err := New(s)
	if err != nil {
		panic(err)
	}
	return c
}

// CertPEM returns the certificate in PEM.
func (c *Cert) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER})
}

// ChainPEM returns the certificate followed by its issuers up to, not
// including, the self-signed root.
func (c *Cert) ChainPEM() []byte {
	out := c.CertPEM()
	for p := c.Parent; p != nil && p.Parent != nil; p = p.Parent {
		out = append(out, p.CertPEM()...)
	}
	return out
}

// KeyPEM returns the private key in PKCS#8 PEM.
func (c *Cert) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		panic(err) // only ECDSA and RSA keys are made here
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// TLS returns the certificate as a tls.Certificate; with chain=true the
// intermediates (not the root) are sent too.
func (c *Cert) TLS(chain bool) tls.Certificate {
	tc := tls.Certificate{Certificate: [][]byte{c.DER}, PrivateKey: c.Key, Leaf: c.Cert}
	if chain {
		for p := c.Parent; p != nil && p.Parent != nil; p = p.Parent {
			tc.Certificate = append(tc.Certificate, p.DER)
		}
	}
	return tc
}

// Pool returns a pool holding just this certificate.
func (c *Cert) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.Cert)
	return p
}

// SHA256 returns the hex SHA-256 of the DER certificate.
func (c *Cert) SHA256() string {
	sum := sha256.Sum256(c.DER)
	return hex.EncodeToString(sum[:])
}

// WriteFiles writes name.crt (the chain without the root) and name.key into
// dir and returns their paths.
func (c *Cert) WriteFiles(dir, name string) (certPath, keyPath string, err error) {
	certPath = filepath.Join(dir, name+".crt")
	keyPath = filepath.Join(dir, name+".key")
	if err = os.WriteFile(certPath, c.ChainPEM(), 0o644); err != nil {
		return "", "", err
	}
	if err = os.WriteFile(keyPath, c.KeyPEM(), 0o600); err != nil {
		return "", "", err
	}
	return certPath, keyPath, nil
}
