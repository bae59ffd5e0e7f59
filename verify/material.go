package verify

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
)

// anchors says which trust-anchor properties were given, in one vocabulary.
type anchors struct {
	path, typ, password dsn.Setting[string]
}

// loadAnchors loads the trust anchors per spec §4: a store path (with or
// without a password), the JDK's default store file (password only), or the
// host's pool (neither).
func loadAnchors(a anchors) (*x509.CertPool, Trust, error) {
	src := truststore.Source{Type: a.typ.Value, Password: a.password.Value, HasPassword: a.password.Set,
		PathKey: a.path.Key, TypeKey: a.typ.Key, PasswordKey: a.password.Key}
	switch {
	case a.path.Set:
		src.Path = a.path.Value
		st, err := truststore.Load(src)
		if err != nil {
			return nil, Trust{}, err
		}
		return st.Pool(), Trust{Source: string(st.Format), Path: st.Path}, nil
	case a.password.Set:
		p, err := truststore.DefaultStoreFile()
		if err != nil {
			return nil, Trust{}, err
		}
		src.Path = p
		if src.PathKey == "" {
			src.PathKey = a.password.Key
		}
		st, err := truststore.Load(src)
		if err != nil {
			return nil, Trust{}, err
		}
		return st.Pool(), Trust{Source: "java-default", Path: p}, nil
	}
	return nil, Trust{Source: "system"}, nil
}

// loadPin reads the serverCertificate file (PEM or DER). A file that does
// not parse is an error, never an accept-all.
func loadPin(s dsn.Setting[string]) (*x509.Certificate, error) {
	data, err := truststore.ReadFile(s.Value, s.Key) // bounded: truststore.MaxFileSize
	if err != nil {
		return nil, err
	}
	der := data
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "CERTIFICATE" {
			return nil, &kind.Error{Kind: kind.InvalidDSN, What: "pinned file is not a certificate", Key: s.Key, Value: s.Value,
				Why: "its first PEM block is " + b.Type, Fix: "point " + s.Key + " to the server's certificate (PEM or DER)"}
		}
		der = b.Bytes
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "pinned certificate does not parse", Key: s.Key, Value: s.Value,
			Why: err.Error(), Fix: "point " + s.Key + " to the server's certificate (PEM or DER)", Err: err}
	}
	return c, nil
}

// checkClientCert checks, without reading a file, that the client
// certificate properties name one certificate: ssl-cert with ssl-key, or a
// client key store, not both.
func checkClientCert(t *dsn.TLS) error {
	pemPair := t.SSLCert.Set || t.SSLKey.Set
	switch {
	case pemPair && t.ClientKeyStoreURL.Set:
		return &kind.Error{Kind: kind.InvalidDSN, What: "two client certificates", Key: t.ClientKeyStoreURL.Key, Value: t.ClientKeyStoreURL.Value,
			Why: "both " + firstKey(t.SSLCert, t.SSLKey) + " and " + t.ClientKeyStoreURL.Key + " name a client certificate", Fix: "keep one"}
	case pemPair && (!t.SSLCert.Set || !t.SSLKey.Set):
		missing, given := "ssl-cert", t.SSLKey
		if t.SSLCert.Set {
			missing, given = "ssl-key", t.SSLCert
		}
		return &kind.Error{Kind: kind.InvalidDSN, What: "half a client certificate", Key: given.Key, Value: given.Value,
			Why: "ssl-cert and ssl-key go together", Fix: "set " + missing + " too"}
	}
	return nil
}

// loadClientCert reads ssl-cert + ssl-key (PEM) or a client key store.
func loadClientCert(t *dsn.TLS) (*tls.Certificate, error) {
	if err := checkClientCert(t); err != nil {
		return nil, err
	}
	switch {
	case t.SSLCert.Set:
		certPEM, err := truststore.ReadFile(t.SSLCert.Value, t.SSLCert.Key) // bounded: truststore.MaxFileSize
		if err != nil {
			return nil, err
		}
		keyPEM, err := truststore.ReadFile(t.SSLKey.Value, t.SSLKey.Key)
		if err != nil {
			return nil, err
		}
		c, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot load the client certificate", Key: t.SSLCert.Key, Value: t.SSLCert.Value,
				Why: err.Error() + " (key file " + t.SSLKey.Value + ")", Fix: "check ssl-cert and ssl-key", Err: errors.Join(truststore.ErrUnreadable, err)}
		}
		return &c, nil
	case t.ClientKeyStoreURL.Set:
		c, err := truststore.LoadKeyPair(truststore.Source{Path: t.ClientKeyStoreURL.Value, Type: t.ClientKeyStoreType.Value,
			Password: t.ClientKeyStorePassword.Value, HasPassword: t.ClientKeyStorePassword.Set,
			PathKey: t.ClientKeyStoreURL.Key, TypeKey: t.ClientKeyStoreType.Key, PasswordKey: kind.KeyOr(t.ClientKeyStorePassword.Key, "clientCertificateKeyStorePassword")})
		if err != nil {
			return nil, err
		}
		return &c, nil
	}
	return nil, nil
}

func firstKey(a, b dsn.Setting[string]) string {
	if a.Set {
		return a.Key
	}
	return b.Key
}
