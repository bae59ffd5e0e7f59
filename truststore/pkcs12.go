package truststore

import (
	"crypto/x509"
	"errors"
	"strings"

	"github.com/dbtls/dbtls/kind"
	"software.sslmate.com/src/go-pkcs12"
)

// loadPKCS12 reads a Java-style PKCS12 trust store (certificates marked with
// Java's trusted-certificate attribute), or a key store, whose own
// certificate is then the anchor, as in the JDK.
func loadPKCS12(data []byte, src Source) ([]*x509.Certificate, error) {
	if err := checkPKCS12(data, src); err != nil {
		return nil, err
	}
	certs, err := pkcs12.DecodeTrustStore(data, src.Password)
	if err != nil && src.HasPassword && strings.Contains(err.Error(), "no MAC in data") {
		// A store without a MAC has no integrity to check; the JDK loads it
		// whatever password is given.
		certs, err = pkcs12.DecodeTrustStore(data, "")
	}
	if err == nil {
		return certs, nil
	}
	if e := src.pkcs12Error(err); e != nil {
		return nil, e
	}
	// Not a pure trust store: a key store (private key + chain)?
	if _, leaf, _, kerr := pkcs12.DecodeChain(data, src.Password); kerr == nil {
		return []*x509.Certificate{leaf}, nil
	}
	if strings.Contains(err.Error(), "not marked as trusted") {
		return nil, src.unreadable(src.Path, "the PKCS12 file holds certificates not marked as trusted (not made by keytool as a trust store)",
			"import the CA with keytool -importcert -storetype PKCS12, or give a PEM bundle", ErrNoTrustedCertificates)
	}
	return nil, src.unreadable(src.Path, "the PKCS12 file cannot be read: "+err.Error(), "make the store again with keytool", errors.Join(ErrUnreadable, err))
}

// pkcs12Error translates go-pkcs12's password failures; nil when err is not one.
func (src Source) pkcs12Error(err error) error {
	wrongPassword := errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption)
	noMAC := strings.Contains(err.Error(), "no MAC in data")
	switch {
	case !src.HasPassword && (wrongPassword || noMAC):
		return src.unreadable(src.Path, "the PKCS12 store is protected and no password was given",
			"set "+kind.KeyOr(src.PasswordKey, "trustStorePassword")+" to the store's password", errors.Join(ErrPasswordRequired, err))
	case wrongPassword:
		return src.integrity(err)
	}
	return nil
}

// checkPKCS12 runs scanPKCS12 and refuses a store without a MAC whose
// content is encrypted: go-pkcs12 would decrypt it with the empty password
// and decode whatever it holds (any number of bags, a key with any
// iteration count) without anything vouching for it.
func checkPKCS12(data []byte, src Source) error {
	l, err := scanPKCS12(data)
	if err != nil {
		return src.malformed("PKCS12", err.Error())
	}
	if !l.mac && l.encrypted {
		return src.malformed("PKCS12", "it has encrypted content but no MAC, so what decryption would reveal (its size, its key-derivation parameters) can neither be checked first nor trusted")
	}
	return nil
}
