package truststore

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// The trust material that is not a store: a pinned certificate
// (serverCertificate), a PEM client certificate and key (ssl-cert,
// ssl-key), the server's RSA public key (serverRSAPublicKeyFile) and trust
// anchors given as PEM text in code. Every file is read through ReadFile,
// the one bounded reader, and every failure names the property: a file
// that cannot be read (or is over MaxFileSize) is kind truststore-unreadable;
// content that is not what the property names is kind invalid-dsn for a
// pin and an RSA key (a configuration error: the wrong file), and
// truststore-unreadable for a client certificate (as for a client key
// store).

// LoadCertificate reads the certificate file a pin names (PEM or DER), for
// the property key. A file that does not parse is an error, never an
// accept-all.
func LoadCertificate(path, key string) (*x509.Certificate, error) {
	data, err := ReadFile(path, key)
	if err != nil {
		return nil, err
	}
	fix := "point " + key + " to the server's certificate (PEM or DER)"
	der := data
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "CERTIFICATE" {
			return nil, &kind.Error{Kind: kind.InvalidDSN, What: "pinned file is not a certificate", Key: key, Value: path,
				Why: "its first PEM block is " + b.Type, Fix: fix}
		}
		der = b.Bytes
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "pinned certificate does not parse", Key: key, Value: path,
			Why: err.Error(), Fix: fix, Err: err}
	}
	return c, nil
}

// LoadKeyPairPEM reads a client certificate and its private key from two
// PEM files (MySQL's ssl-cert and ssl-key; certKey and keyKey name them).
func LoadKeyPairPEM(certPath, certKey, keyPath, keyKey string) (tls.Certificate, error) {
	certPEM, err := ReadFile(certPath, certKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := ReadFile(keyPath, keyKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	if encryptedPEMKey(keyPEM) {
		return tls.Certificate{}, &kind.Error{Kind: kind.TruststoreUnreadable, What: "the client private key is encrypted", Key: keyKey, Value: keyPath,
			Why: "the PEM key is protected by a passphrase, and " + keyKey + " takes an unencrypted key, as MySQL's ssl-key does",
			Fix: "decrypt it into a file only the service can read (openssl pkey -in " + keyPath + " -out <plain key>.pem), or put the pair in a PKCS12 key store (openssl pkcs12 -export) and give it as clientCertificateKeyStoreUrl with clientCertificateKeyStorePassword",
			Err: errors.Join(ErrUnreadable, ErrEncryptedKey)}
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot load the client certificate", Key: certKey, Value: certPath,
			Why: err.Error() + " (key file " + keyPath + ")", Fix: "check " + certKey + " and " + keyKey, Err: errors.Join(ErrUnreadable, err)}
	}
	return c, nil
}

// LoadRSAPublicKey reads the server's RSA public key for the property key
// (serverRSAPublicKeyFile): PEM, "PUBLIC KEY" (as MySQL writes
// public_key.pem) or "RSA PUBLIC KEY", from the file at value, or from value
// itself when it holds the PEM text (as MariaDB Connector/J accepts). The
// text itself is never shown in an error.
func LoadRSAPublicKey(value, key string) (*rsa.PublicKey, error) {
	shown, data := "(PEM text)", []byte(value)
	if !strings.Contains(value, "-----BEGIN") {
		var err error
		if data, err = ReadFile(value, key); err != nil {
			return nil, err
		}
		shown = value
	}
	bad := func(why string, err error) error {
		return &kind.Error{Kind: kind.InvalidDSN, What: "server RSA public key does not parse", Key: key, Value: shown, Why: why,
			Fix: "point " + key + " to the server's RSA public key in PEM (the server's public_key.pem; SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key' prints it)",
			Err: err}
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, bad("no PEM block found", nil)
	}
	var pub any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, bad("its first PEM block is "+block.Type+", not PUBLIC KEY", nil)
	}
	if err != nil {
		return nil, bad(err.Error(), err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		e := bad(fmt.Sprintf("it is a %T; MySQL encrypts passwords with RSA only", pub), nil).(*kind.Error)
		e.What = "server public key is not an RSA key"
		return nil, e
	}
	return rsaPub, nil
}

// PoolFromPEM reads trust anchors given as PEM text in code (key names
// where they came from, e.g. "WithRootCAsPEM"): CERTIFICATE blocks only,
// each one a certificate, at least one.
func PoolFromPEM(b []byte, key string) (*x509.CertPool, error) {
	bad := func(why string, err error) error {
		return &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot read the trust anchors given", Key: key,
			Why: why, Fix: "give PEM text of CERTIFICATE blocks", Err: errors.Join(ErrUnreadable, err)}
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		n++
		if blk.Type != "CERTIFICATE" {
			return nil, bad("PEM block "+strconv.Itoa(n)+" is a "+blk.Type+", not a CERTIFICATE", nil)
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, bad("PEM block "+strconv.Itoa(n)+" does not parse: "+err.Error(), err)
		}
		pool.AddCert(cert)
	}
	if n == 0 {
		return nil, bad("it holds no PEM block", nil)
	}
	return pool, nil
}

// ErrEncryptedKey: a PEM private key protected by a passphrase
// (ENCRYPTED PRIVATE KEY, or a traditional key with Proc-Type 4,ENCRYPTED).
var ErrEncryptedKey = errors.New("truststore: the PEM private key is encrypted")

// encryptedPEMKey reports whether the first private key of data is
// encrypted.
func encryptedPEMKey(data []byte) bool {
	for rest := data; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			return false
		}
		switch {
		case blk.Type == "ENCRYPTED PRIVATE KEY":
			return true
		case strings.HasSuffix(blk.Type, "PRIVATE KEY"):
			return strings.Contains(blk.Headers["Proc-Type"], "ENCRYPTED")
		}
	}
}
