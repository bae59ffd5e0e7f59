package truststore

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/dbtls/dbtls/kind"
	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// LoadKeyPair reads a client key store (Connector/J
// clientCertificateKeyStoreUrl): a PKCS12 file or a JKS private-key entry,
// whose password also protects the key.
func LoadKeyPair(src Source) (tls.Certificate, error) {
	path, err := filePath(src)
	if err != nil {
		return tls.Certificate{}, err
	}
	data, err := readBounded(path, src, "cannot load the client key store")
	if err != nil {
		return tls.Certificate{}, err
	}
	src.Path = path
	return keyPairBytes(data, src)
}

// keyPairBytes is LoadKeyPair on the file's content.
func keyPairBytes(data []byte, src Source) (tls.Certificate, error) {
	path := src.Path
	if len(data) > MaxFileSize {
		return tls.Certificate{}, src.tooLarge(path, int64(len(data)))
	}
	f, err := detect(data, src)
	if err != nil {
		return tls.Certificate{}, err
	}
	switch f {
	case PKCS12:
		if err := checkPKCS12(data, src); err != nil {
			return tls.Certificate{}, err
		}
		key, leaf, chain, err := pkcs12.DecodeChain(data, src.Password)
		if err != nil {
			if e := src.pkcs12Error(err); e != nil {
				return tls.Certificate{}, e
			}
			return tls.Certificate{}, src.unreadable(path, "no private key and certificate in the PKCS12 file: "+err.Error(), "export the client key with its certificate", errors.Join(ErrUnreadable, err))
		}
		tc := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
		for _, c := range chain {
			tc.Certificate = append(tc.Certificate, c.Raw)
		}
		return tc, nil
	case JKS:
		keys, err := scanJKSKeys(data)
		if err != nil {
			return tls.Certificate{}, src.malformed("JKS", err.Error())
		}
		ks := keystore.New(keystore.WithOrderedAliases())
		if err := ks.Load(bytes.NewReader(data), []byte(src.Password)); err != nil {
			if invalidDigest(err) {
				return tls.Certificate{}, src.integrity(err)
			}
			return tls.Certificate{}, src.unreadable(path, "the JKS store is damaged: "+err.Error(), "make the store again with keytool", errors.Join(ErrUnreadable, err))
		}
		for _, alias := range ks.Aliases() {
			if !ks.IsPrivateKeyEntry(alias) {
				continue
			}
			// keystore-go's key protector slices the protected key by the
			// lengths of its salt and digest (panicking on a shorter one).
			for _, k := range keys {
				if err := checkJKSProtectedKey(k); err != nil {
					return tls.Certificate{}, src.malformed("JKS", err.Error())
				}
			}
			e, err := ks.GetPrivateKeyEntry(alias, []byte(src.Password))
			if err != nil {
				return tls.Certificate{}, src.integrity(err)
			}
			key, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
			if err != nil {
				return tls.Certificate{}, src.unreadable(path, fmt.Sprintf("the private key of %q does not parse: %v", alias, err), "export the key again", errors.Join(ErrUnreadable, err))
			}
			tc := tls.Certificate{PrivateKey: key}
			for _, c := range e.CertificateChain {
				tc.Certificate = append(tc.Certificate, c.Content)
			}
			if len(tc.Certificate) > 0 {
				tc.Leaf, _ = x509.ParseCertificate(tc.Certificate[0])
			}
			return tc, nil
		}
	}
	return tls.Certificate{}, &kind.Error{Kind: kind.TruststoreUnreadable, What: "no client key in the key store", Key: kind.KeyOr(src.PathKey, "clientCertificateKeyStoreUrl"), Value: path,
		Why: "it holds no private-key entry", Fix: "point to a key store with the client's key and certificate", Err: ErrNoTrustedCertificates}
}
