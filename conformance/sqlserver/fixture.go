package sqlserver

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// The passwords of the matrix's trust stores.
const (
	StorePassword = "changeit"         // the right one, as the JDK's default
	WrongPassword = "not-the-password" // "wrong" in the matrix
)

// Fixture is the certificate material of the matrix, written under Dir: a
// test CA, one server leaf per kind of server certificate, trust stores
// holding the CA in every format, a JDK-style default store file, and pin
// files. Real clients use the real clock, so validity windows are around
// the time given to NewFixture.
type Fixture struct {
	Dir      string
	CA       *certgen.Cert            // issues every leaf but "untrusted"
	OtherCA  *certgen.Cert            // issues "untrusted"; in no store
	Leaves   map[string]*certgen.Cert // by kind of server certificate (Certs)
	Another  *certgen.Cert            // a valid leaf that no server presents
	CAFile   string                   // the CA in PEM: also the host's default pool (SSL_CERT_FILE)
	Stores   map[string]string        // jks, pkcs12, pem → path; all hold the CA
	JavaHome string                   // $JAVA_HOME with lib/security/jssecacerts (JKS, StorePassword)
	Pins     map[string]string        // a leaf kind, or "another" → PEM file of that certificate
}

// NewFixture makes the material in dir.
func NewFixture(dir string, now time.Time) (*Fixture, error) {
	f := &Fixture{Dir: dir, Leaves: map[string]*certgen.Cert{}, Stores: map[string]string{}, Pins: map[string]string{}}
	nb, na := certgen.Window(now, 24*time.Hour, 30*24*time.Hour)
	var err error
	if f.CA, err = certgen.New(certgen.Spec{CN: "dbtls conformance CA", IsCA: true, NotBefore: nb, NotAfter: na.Add(time.Hour)}); err != nil {
		return nil, err
	}
	if f.OtherCA, err = certgen.New(certgen.Spec{CN: "some other CA", IsCA: true, NotBefore: nb, NotAfter: na}); err != nil {
		return nil, err
	}
	for _, kind := range Certs {
		n := CertNames[kind]
		s := certgen.Spec{CN: n.CN, DNSNames: n.DNS, Parent: f.CA, NotBefore: nb, NotAfter: na}
		for _, ip := range n.IPs {
			s.IPs = append(s.IPs, net.ParseIP(ip))
		}
		switch kind {
		case "expired":
			s.NotBefore, s.NotAfter = now.Add(-60*24*time.Hour), now.Add(-24*time.Hour)
		case "untrusted":
			s.Parent = f.OtherCA
		case "clientauth-only":
			s.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		}
		if f.Leaves[kind], err = certgen.New(s); err != nil {
			return nil, fmt.Errorf("leaf %s: %w", kind, err)
		}
	}
	if f.Another, err = certgen.New(certgen.Spec{CN: Matching, DNSNames: []string{Host, Matching}, Parent: f.CA, NotBefore: nb, NotAfter: na}); err != nil {
		return nil, err
	}

	write := func(name string, b []byte) (string, error) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		return p, os.WriteFile(p, b, 0o644)
	}
	if f.CAFile, err = write(filepath.Join("roots", "ca.pem"), f.CA.CertPEM()); err != nil {
		return nil, err
	}
	f.Stores["pem"] = f.CAFile
	jks, err := JKS(f.CA.Cert, StorePassword, now)
	if err != nil {
		return nil, err
	}
	if f.Stores["jks"], err = write("truststore.jks", jks); err != nil {
		return nil, err
	}
	p12, err := pkcs12.Modern2023.EncodeTrustStore([]*x509.Certificate{f.CA.Cert}, StorePassword)
	if err != nil {
		return nil, err
	}
	if f.Stores["pkcs12"], err = write("truststore.p12", p12); err != nil {
		return nil, err
	}
	f.JavaHome = filepath.Join(dir, "jdk")
	if _, err = write(filepath.Join("jdk", "lib", "security", "jssecacerts"), jks); err != nil {
		return nil, err
	}
	for kind, leaf := range f.Leaves {
		if f.Pins[kind], err = write("pin-"+kind+".pem", leaf.CertPEM()); err != nil {
			return nil, err
		}
	}
	if f.Pins["another"], err = write("pin-another.pem", f.Another.CertPEM()); err != nil {
		return nil, err
	}
	return f, nil
}

// JKS returns a Java key store holding cert as a trusted entry.
func JKS(cert *x509.Certificate, password string, now time.Time) ([]byte, error) {
	ks := keystore.New()
	err := ks.SetTrustedCertificateEntry("ca", keystore.TrustedCertificateEntry{
		CreationTime: now,
		Certificate:  keystore.Certificate{Type: "X509", Content: cert.Raw},
	})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := ks.Store(&b, []byte(password)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UseAsDefaults points this process's default trust at the fixture: the
// host's pool (SSL_CERT_FILE and SSL_CERT_DIR, which hold only the CA; Go
// reads them on first use) and the JDK default
// store file ($JAVA_HOME/lib/security/jssecacerts). Call it before anything
// loads the system pool.
func (f *Fixture) UseAsDefaults() error {
	if err := os.Setenv("SSL_CERT_FILE", f.CAFile); err != nil {
		return err
	}
	if err := os.Setenv("SSL_CERT_DIR", filepath.Dir(f.CAFile)); err != nil {
		return err
	}
	return os.Setenv("JAVA_HOME", f.JavaHome)
}
