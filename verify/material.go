package verify

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
)

// How the resolver takes the trust material a configuration names: Resolve
// loads it through package truststore (one bounded reader for every file);
// Describe only says where it would come from.

// anchors says which trust-anchor properties were given, in one vocabulary.
type anchors struct {
	path, typ, password dsn.Setting[string]
	// spelling names the three properties in the vocabulary the user
	// wrote, for messages about one that is not set (a protected store
	// given by trustCertificateKeyStoreUrl asks for
	// trustCertificateKeyStorePassword, not trustStorePassword).
	spelling [3]string
}

// anchorKey is the property to name in a message that asks for other trust
// anchors: the one the user set, else the usual one of the DSN's vocabulary.
func anchorKey(shape dsn.Shape, a anchors) string {
	switch {
	case a.path.Key != "":
		return a.path.Key
	case a.password.Key != "":
		return a.spelling[0]
	}
	switch shape {
	case dsn.ShapeMySQLGo, dsn.ShapeMySQLURL:
		return "ssl-ca"
	case dsn.ShapeJDBCMySQL:
		return "trustCertificateKeyStoreUrl"
	case dsn.ShapeJDBCMariaDB:
		return "serverSslCert"
	}
	return "trustStore"
}

// The spellings of the trust-anchor properties per vocabulary.
var (
	jdbcAnchorKeys       = [3]string{"trustStore", "trustStoreType", "trustStorePassword"}
	connectorJAnchorKeys = [3]string{"trustCertificateKeyStoreUrl", "trustCertificateKeyStoreType", "trustCertificateKeyStorePassword"}
)

// anchors loads the trust anchors per spec §4: a store path (with or
// without a password), the JDK's default store file (password only), the
// pool of WithRootCAs, or the host's pool (none of these).
func (r *resolver) anchors(a anchors) (*x509.CertPool, Trust, error) {
	src := truststore.Source{Type: a.typ.Value, Password: a.password.Value, HasPassword: a.password.Set,
		PathKey: kind.KeyOr(a.path.Key, a.spelling[0]), TypeKey: kind.KeyOr(a.typ.Key, a.spelling[1]),
		PasswordKey: kind.KeyOr(a.password.Key, a.spelling[2])}
	switch {
	case a.path.Set && !r.read:
		return nil, Trust{Source: "store", Path: a.path.Value}, nil
	case a.path.Set:
		src.Path = a.path.Value
		st, err := truststore.Load(src)
		if err != nil {
			return nil, Trust{}, err
		}
		return st.Pool(), Trust{Source: string(st.Format), Path: st.Path}, nil
	case a.password.Set:
		p, err := truststore.DefaultStoreFile()
		if !r.read {
			return nil, Trust{Source: "java-default", Path: p}, nil // found by name; Resolve reports a missing one
		}
		if err != nil {
			var e *kind.Error
			if errors.As(err, &e) {
				e.Key, e.Fix = a.password.Key, "set JAVA_HOME to a JDK, or set "+a.spelling[0]+" to the store's path"
			}
			return nil, Trust{}, err
		}
		src.Path, src.PathKey = p, kind.KeyOr(a.path.Key, a.password.Key)
		st, err := truststore.Load(src)
		if err != nil {
			return nil, Trust{}, err
		}
		return st.Pool(), Trust{Source: "java-default", Path: p}, nil
	case r.roots != nil || r.rootsPEM != nil:
		return r.roots, Trust{Source: "option"}, nil
	}
	return nil, Trust{Source: "system"}, nil
}

// pin loads the serverCertificate file (PEM or DER).
func (r *resolver) pin(s dsn.Setting[string]) (*x509.Certificate, error) {
	if !r.read {
		return nil, nil
	}
	return truststore.LoadCertificate(s.Value, kind.KeyOr(s.Key, "serverCertificate"))
}

// clientCert loads ssl-cert + ssl-key (PEM) or a client key store; Describe
// only checks that the properties name one certificate.
func (r *resolver) clientCert(t *dsn.TLS) (*tls.Certificate, error) {
	pemPair := t.SSLCert.Set || t.SSLKey.Set
	switch {
	case pemPair && t.ClientKeyStoreURL.Set:
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "two client certificates", Key: t.ClientKeyStoreURL.Key, Value: t.ClientKeyStoreURL.Value,
			Why: "both " + firstKey(t.SSLCert, t.SSLKey) + " and " + t.ClientKeyStoreURL.Key + " name a client certificate", Fix: "keep one"}
	case pemPair && (!t.SSLCert.Set || !t.SSLKey.Set):
		missing, given := "ssl-cert", t.SSLKey
		if t.SSLCert.Set {
			missing, given = "ssl-key", t.SSLCert
		}
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "half a client certificate", Key: given.Key, Value: given.Value,
			Why: "ssl-cert and ssl-key go together", Fix: "set " + missing + " too"}
	case !r.read:
		return nil, nil
	case t.SSLCert.Set:
		c, err := truststore.LoadKeyPairPEM(t.SSLCert.Value, kind.KeyOr(t.SSLCert.Key, "ssl-cert"), t.SSLKey.Value, kind.KeyOr(t.SSLKey.Key, "ssl-key"))
		return &c, err
	case t.ClientKeyStoreURL.Set:
		c, err := truststore.LoadKeyPair(truststore.Source{Path: t.ClientKeyStoreURL.Value, Type: t.ClientKeyStoreType.Value,
			Password: t.ClientKeyStorePassword.Value, HasPassword: t.ClientKeyStorePassword.Set,
			PathKey: t.ClientKeyStoreURL.Key, TypeKey: t.ClientKeyStoreType.Key, PasswordKey: kind.KeyOr(t.ClientKeyStorePassword.Key, "clientCertificateKeyStorePassword")})
		return &c, err
	}
	return nil, nil
}

// rsaKey loads the server's RSA public key (serverRSAPublicKeyFile).
func (r *resolver) rsaKey(s dsn.Setting[string]) (*rsa.PublicKey, error) {
	if !s.Set || !r.read {
		return nil, nil
	}
	return truststore.LoadRSAPublicKey(s.Value, kind.KeyOr(s.Key, "serverRSAPublicKeyFile"))
}

func firstKey(a, b dsn.Setting[string]) string {
	if a.Set {
		return a.Key
	}
	return b.Key
}
