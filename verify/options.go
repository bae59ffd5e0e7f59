package verify

import (
	"crypto/x509"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
)

// Option gives Resolve and Describe trust material from code, where a
// connection string cannot name it. None of them weakens a check.
type Option func(*settings)

type settings struct {
	given    int            // how many root options were given
	roots    *x509.CertPool // WithRootCAs's pool (a copy), or WithRootCAsPEM's once read
	rootsPEM []byte         // WithRootCAsPEM's text (a copy), read by checkRoots
	rootsKey string         // the option's name, for messages
}

// WithRootCAs gives the trust anchors from code (a secret manager, an
// embedded bundle) instead of a trust-store file: the strategies that
// validate a chain (SQL Server rows 3, 4 and 11 without a pin; MySQL
// VERIFY_CA and VERIFY_IDENTITY) check the server's chain against pool, in
// place of the host's pool, with JDBC's name rules unchanged; Trust reads
// "option". The pool is copied when the option is made.
//
// It never overrides the configuration: one that names trust anchors
// (trustStore, trustStorePassword, ssl-ca, trustCertificateKeyStoreUrl,
// trustCertificateKeyStorePassword) is an invalid-dsn error naming the key,
// as are WithRootCAs together with WithRootCAsPEM; a nil or empty pool is
// kind truststore-unreadable. A strategy that validates no chain (rows 1 and
// 2, a pin; DISABLED, PREFERRED, REQUIRED) ignores the anchors and says so in
// a warning. Under VERIFY_CA and VERIFY_IDENTITY, fallbackToSystemTrustStore=false
// is satisfied by them: the host's pool is not used.
func WithRootCAs(pool *x509.CertPool) Option {
	if pool != nil {
		pool = pool.Clone()
	}
	return func(s *settings) { s.given++; s.roots, s.rootsKey = pool, "WithRootCAs" }
}

// WithRootCAsPEM is WithRootCAs for PEM text holding one or more
// CERTIFICATE blocks (copied when the option is made). Text that holds no
// certificate, a block of another type or a certificate that does not parse
// is kind truststore-unreadable, naming WithRootCAsPEM.
func WithRootCAsPEM(pemCerts []byte) Option {
	pemCerts = append([]byte{}, pemCerts...)
	return func(s *settings) { s.given++; s.rootsPEM, s.rootsKey = pemCerts, "WithRootCAsPEM" }
}

// checkRoots refuses root options that conflict with the configuration or
// with each other, and reads WithRootCAsPEM's text.
func (s *settings) checkRoots(cfg *dsn.Config) error {
	if s.given == 0 {
		return nil
	}
	if s.given > 1 {
		return conflict("", "", s.rootsKey, "trust anchors are given twice (WithRootCAs, WithRootCAsPEM)", "give them once")
	}
	t := &cfg.TLS
	for _, a := range []struct {
		set               bool
		key, canon, value string
	}{
		{t.TrustStore.Set, t.TrustStore.Key, "trustStore", t.TrustStore.Value},
		{t.TrustStorePassword.Set, t.TrustStorePassword.Key, "trustStorePassword", t.TrustStorePassword.Value},
		{t.SSLCA.Set, t.SSLCA.Key, "ssl-ca", t.SSLCA.Value},
		{t.TrustCertKeyStoreURL.Set, t.TrustCertKeyStoreURL.Key, "trustCertificateKeyStoreUrl", t.TrustCertKeyStoreURL.Value},
		{t.TrustCertKeyStorePassword.Set, t.TrustCertKeyStorePassword.Key, "trustCertificateKeyStorePassword", t.TrustCertKeyStorePassword.Value},
	} {
		if a.set {
			key := kind.KeyOr(a.key, a.canon)
			return conflict(key, a.value, s.rootsKey, "the DSN names trust anchors ("+key+") and "+s.rootsKey+" gives others",
				"remove "+key+" from the DSN, or do not give "+s.rootsKey)
		}
	}
	if s.rootsPEM != nil {
		pool, err := truststore.PoolFromPEM(s.rootsPEM, s.rootsKey)
		if err != nil {
			return err
		}
		s.roots, s.rootsPEM = pool, nil
	}
	if s.roots == nil || s.roots.Equal(x509.NewCertPool()) {
		return &kind.Error{Kind: kind.TruststoreUnreadable, What: "no trust anchors given", Key: s.rootsKey,
			Why: "the pool is nil or holds no certificate", Fix: "add the CA certificates to the pool", Err: truststore.ErrUnreadable}
	}
	return nil
}

// conflict is the error for an option that would override the
// configuration (key names the property; "" for two options).
func conflict(key, value, option, why, fix string) error {
	what := option + " conflicts with the DSN"
	if key == "" {
		what = "conflicting options"
	}
	return &kind.Error{Kind: kind.InvalidDSN, What: what, Key: key, Value: kind.Redact(key, value),
		Why: why + "; dbtls never lets one silently override the other", Fix: fix}
}
