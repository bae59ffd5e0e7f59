package verify

import (
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// mysqlMode decides the effective sslMode and the key that decided it:
// the JDBC vocabulary (spec §5 mapping), sslMode, or Connector/J's legacy
// useSSL / requireSSL / verifyServerCertificate; PREFERRED by default.
// What PREFERRED and REQUIRED leave open, for their warnings
// (docs/security.md, "What an active attacker gets").
const (
	unauthenticated = "the server is not authenticated, so a machine in the middle can do TLS with a certificate of its own " +
		"and be sent the password itself, in clear inside that TLS (caching_sha2_password full authentication, sha256_password), " +
		"or a scramble of it to crack offline (mysql_native_password)"
)

func mysqlMode(t *dsn.TLS) (dsn.SSLMode, string, error) {
	legacy := []dsn.Setting[bool]{t.UseSSL, t.RequireSSL, t.VerifyServerCertificate}
	var legacyKey string
	for _, l := range legacy {
		if l.Set {
			legacyKey = l.Key
			break
		}
	}
	switch {
	case t.Encrypt.Set || t.TrustServerCertificate.Set:
		key := t.Encrypt.Key
		if !t.Encrypt.Set {
			key = t.TrustServerCertificate.Key
		}
		switch {
		case t.Encrypt.Set && t.Encrypt.Value == dsn.EncryptStrict:
			return 0, "", &kind.Error{Kind: kind.InvalidDSN, What: "encrypt=strict on a MySQL DSN", Key: t.Encrypt.Key, Value: t.Encrypt.Raw,
				Why: "strict encryption is TDS 8.0, which only SQL Server speaks", Fix: "use encrypt=true (VERIFY_IDENTITY) or sslMode"}
		case t.Encrypt.Value == dsn.EncryptTrue && t.TrustServerCertificate.Value:
			return dsn.SSLRequired, key, nil
		case t.Encrypt.Value == dsn.EncryptTrue:
			return dsn.SSLVerifyIdentity, key, nil
		}
		return dsn.SSLPreferred, key, nil
	case t.SSLMode.Set: // Connector/J ignores the legacy keys beside sslMode (legacyIgnored warns)
		return t.SSLMode.Value, t.SSLMode.Key, nil
	case t.UseSSL.Set && !t.UseSSL.Value:
		return dsn.SSLDisabled, t.UseSSL.Key, nil
	case t.VerifyServerCertificate.Value:
		return dsn.SSLVerifyCA, t.VerifyServerCertificate.Key, nil
	case t.RequireSSL.Value:
		return dsn.SSLRequired, t.RequireSSL.Key, nil
	case legacyKey != "":
		return dsn.SSLPreferred, legacyKey, nil
	}
	return dsn.SSLPreferred, "", nil
}

func (r *resolver) resolveMySQL(cfg *dsn.Config) (*Strategy, error) {
	t, emptied := withoutEmptyStoreURLs(&cfg.TLS)
	mariadb := cfg.Shape == dsn.ShapeJDBCMariaDB
	var mode dsn.SSLMode
	var modeKey string
	var modeWarnings []string
	var err error
	if mariadb {
		mode, modeKey, modeWarnings = mariadbMode(t)
	} else if mode, modeKey, err = mysqlMode(t); err != nil {
		return nil, err
	} else {
		modeWarnings = legacyIgnored(t)
	}
	expected, sni := hostOf(cfg)
	s := &Strategy{Family: dsn.MySQL, Row: mode.String(), ServerName: sni, CheckValidity: true, Trust: Trust{Source: "none"}, modeKey: modeKey, mariadb: mariadb}
	if t.ServerCertificate.Set {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "serverCertificate on a MySQL DSN", Key: t.ServerCertificate.Key, Value: t.ServerCertificate.Value,
			Why: "the serverCertificate pin belongs to TDS 8.0 strict encryption, which only SQL Server speaks",
			Fix: "trust the CA that issued the server's certificate instead: " + s.ModeFix(dsn.SSLVerifyCA) + " with " + anchorKey(cfg.Shape, anchors{}) + "=<the CA's file>"}
	}
	s.Warnings = append(s.Warnings, modeWarnings...)
	s.Warnings = append(s.Warnings, emptied...)

	// Protocol versions.
	versions := t.TLSVersions
	if t.SSLProtocol.Set {
		versions = dsn.Setting[[]string]{Key: t.SSLProtocol.Key, Raw: t.SSLProtocol.Raw, Value: []string{t.SSLProtocol.Value}, Set: true}
		if t.SSLProtocol.Value == "" {
			versions.Value = nil
		}
	}
	if versions.Set {
		if len(versions.Value) == 0 {
			if mode > dsn.SSLPreferred {
				return nil, &kind.Error{Kind: kind.InvalidDSN, What: "TLS required with no TLS version allowed", Key: versions.Key, Value: versions.Raw,
					Why: "an empty version list means no encrypted connection may be made, but " + kind.KeyOr(modeKey, "sslMode") + " asks for " + mode.String(),
					Fix: "list the versions to allow in " + versions.Key + ", or lower " + kind.KeyOr(modeKey, "sslMode")}
			}
			mode = dsn.SSLDisabled
			s.Row = mode.String()
			s.Warnings = append(s.Warnings, versions.Key+" is empty: no encrypted connection will be made")
		} else {
			min, max, warn, err := ParseVersions(versions.Key, versions.Value)
			if err != nil {
				return nil, err
			}
			s.MinVersion, s.MaxVersion = min, max
			s.Warnings = append(s.Warnings, warn...)
		}
	}
	if t.Ciphers.Set && len(t.Ciphers.Value) == 0 { // Connector/J 9.7 connects with its default suites
		s.Warnings = append(s.Warnings, t.Ciphers.Key+" is empty: the default TLS 1.2 cipher suites are used (as in Connector/J); list the suites or remove "+t.Ciphers.Key)
	} else if t.Ciphers.Set {
		if s.CipherSuites, err = ParseCiphers(t.Ciphers.Key, t.Ciphers.Value); err != nil {
			return nil, err
		}
	}
	if t.TLS13Suites.Set {
		if err := CheckTLS13Suites(t.TLS13Suites.Key, t.TLS13Suites.Value); err != nil {
			return nil, err
		}
	}

	switch mode {
	case dsn.SSLDisabled:
		s.Mode, s.Disabled, s.CheckValidity = ModeNone, true, false
		if modeKey != "" { // an empty version list has its own warning
			s.Warnings = append(s.Warnings, disabledWarning(t, s))
		}
	case dsn.SSLPreferred:
		s.Mode = ModeNone
		s.Warnings = append(s.Warnings, "sslMode PREFERRED: TLS when the server offers it, without certificate validation, else plaintext; "+
			unauthenticated+"; or, stripping TLS, a scramble of it to crack offline (mysql_native_password, caching_sha2_password); "+verifyAdvice(s))
	case dsn.SSLRequired:
		s.Mode, s.TLSRequired = ModeNone, true
		s.Warnings = append(s.Warnings, "sslMode REQUIRED: TLS is required but the server's certificate chain and name are not validated; "+
			unauthenticated+"; "+verifyAdvice(s))
		if mariadb { // MariaDB Connector/J's trust accepts any certificate, its dates unchecked
			s.CheckValidity = false
		}
	case dsn.SSLVerifyCA:
		s.Mode, s.TLSRequired, s.NameRules = ModeCAChain, true, NoName
	case dsn.SSLVerifyIdentity:
		s.Mode, s.TLSRequired, s.NameRules, s.ExpectedName = ModeCAChain, true, MySQLNames, expected
		if t.HostNameInCertificate.Set {
			s.Mode, s.ExpectedName = ModeHostnameOverride, t.HostNameInCertificate.Value
		}
	}
	if t.HostNameInCertificate.Set && mode != dsn.SSLVerifyIdentity {
		s.Warnings = append(s.Warnings, t.HostNameInCertificate.Key+" is ignored: names are only checked in VERIFY_IDENTITY")
	}

	a, given, err := mysqlAnchors(t)
	if err != nil {
		return nil, err
	}
	switch {
	case mode < dsn.SSLVerifyCA && given:
		s.Warnings = append(s.Warnings, a.first()+" is ignored: certificate chains are only checked in VERIFY_CA and VERIFY_IDENTITY")
	case mode >= dsn.SSLVerifyCA:
		if !given && r.given == 0 && t.FallbackToSystemTrustStore.Set && !t.FallbackToSystemTrustStore.Value {
			return nil, &kind.Error{Kind: kind.InvalidDSN, What: "no trust anchors", Key: t.FallbackToSystemTrustStore.Key, Value: t.FallbackToSystemTrustStore.Raw,
				Why: mode.String() + " needs trust anchors, no trust store is given and the system store is refused", Fix: "set " + anchorKey(cfg.Shape, a)}
		}
		s.anchorKey = anchorKey(cfg.Shape, a)
		if mariadb && a.path.Set && inlinePEM(a.path) {
			s.Roots, s.Trust, err = r.inlineAnchors(a)
		} else {
			s.Roots, s.Trust, err = r.anchors(a)
		}
		if err != nil {
			return nil, err
		}
	}
	if !s.Disabled {
		if s.ClientCertificate, err = r.clientCert(t); err != nil {
			return nil, err
		}
	}
	if s.ServerRSAKey, err = r.rsaKey(cfg.Auth.ServerRSAPublicKeyFile); err != nil {
		return nil, err
	}
	return s, nil
}

// mysqlAnchors picks the one trust-anchor source given: ssl-ca, the
// Connector/J trustCertificateKeyStore* properties, or the JDBC trustStore*
// properties (spec §5). Two sources are an error naming both.
func mysqlAnchors(t *dsn.TLS) (anchors, bool, error) {
	cj := t.TrustCertKeyStoreURL.Set || t.TrustCertKeyStorePassword.Set
	jdbc := t.TrustStore.Set || t.TrustStorePassword.Set
	if t.SSLCA.Set && (cj || jdbc) {
		other := t.TrustCertKeyStoreURL.Key + t.TrustStore.Key
		if other == "" {
			other = t.TrustCertKeyStorePassword.Key + t.TrustStorePassword.Key
		}
		return anchors{}, false, &kind.Error{Kind: kind.InvalidDSN, What: "two trust anchor sources", Key: t.SSLCA.Key, Value: t.SSLCA.Value,
			Why: t.SSLCA.Key + " and " + other + " both name trust anchors", Fix: "keep one"}
	}
	switch {
	case t.SSLCA.Set:
		return anchors{path: t.SSLCA}, true, nil
	case cj:
		return anchors{t.TrustCertKeyStoreURL, t.TrustCertKeyStoreType, t.TrustCertKeyStorePassword, connectorJAnchorKeys}, true, nil
	case jdbc:
		return anchors{t.TrustStore, t.TrustStoreType, t.TrustStorePassword, jdbcAnchorKeys}, true, nil
	}
	return anchors{}, false, nil
}

func (a anchors) first() string {
	if a.path.Set {
		return a.path.Key
	}
	return a.password.Key
}

// legacyIgnored warns of each legacy Connector/J key (useSSL, requireSSL,
// verifyServerCertificate) written beside sslMode: Connector/J 8.0.13 and
// later ignore them then, and so does dbtls (URLs in the wild carry both).
func legacyIgnored(t *dsn.TLS) []string {
	if !t.SSLMode.Set {
		return nil
	}
	var w []string
	for _, l := range []dsn.Setting[bool]{t.UseSSL, t.RequireSSL, t.VerifyServerCertificate} {
		if l.Set {
			w = append(w, l.Key+"="+l.Raw+" is ignored: "+t.SSLMode.Key+" decides the TLS mode, as in Connector/J; remove "+l.Key)
		}
	}
	return w
}

// withoutEmptyStoreURLs reads an empty trustCertificateKeyStoreUrl or
// clientCertificateKeyStoreUrl as Connector/J 9.7 does, as not given (no
// store: the system's trust anchors, no client certificate), with a warning
// naming it (spec §8; conformance/mysql TestLegacyKeysAndHostFormsConnectorJ).
// t itself is not changed.
func withoutEmptyStoreURLs(t *dsn.TLS) (*dsn.TLS, []string) {
	trust := t.TrustCertKeyStoreURL.Set && t.TrustCertKeyStoreURL.Value == ""
	client := t.ClientKeyStoreURL.Set && t.ClientKeyStoreURL.Value == ""
	if !trust && !client {
		return t, nil
	}
	c := *t
	var w []string
	if trust {
		w = append(w, c.TrustCertKeyStoreURL.Key+" is empty: no trust store is read (as in Connector/J), so the system's trust anchors are used; give the store's path or remove "+c.TrustCertKeyStoreURL.Key)
		c.TrustCertKeyStoreURL = dsn.Setting[string]{}
	}
	if client {
		w = append(w, c.ClientKeyStoreURL.Key+" is empty: no client certificate is sent (as in Connector/J); give the key store's path or remove "+c.ClientKeyStoreURL.Key)
		c.ClientKeyStoreURL = dsn.Setting[string]{}
	}
	return &c, w
}

// disabledWarning is the warning for a MySQL-family DSN that turns TLS off
// with its mode key, as encrypt=false warns on SQL Server: the string is weaker than
// a reader may think, and the way out is named in the same vocabulary.
func disabledWarning(t *dsn.TLS, s *Strategy) string {
	key := s.modeKey
	said, fix := key, s.ModeFix(dsn.SSLVerifyIdentity)
	switch key {
	case t.SSLMode.Key:
		said = key + "=" + t.SSLMode.Raw
	case t.UseSSL.Key:
		said = key + "=" + t.UseSSL.Raw
	}
	return "no encryption at all: " + said + " turns TLS off, so queries, results and the login travel in clear; set " + fix + " to require TLS and validate the server's certificate"
}

// verifyAdvice is the way out of PREFERRED and REQUIRED, in the DSN's own
// spelling of its mode.
func verifyAdvice(s *Strategy) string {
	return "set " + s.ModeFix(dsn.SSLVerifyIdentity) + " (or VERIFY_CA with a trust store of your own CA) so that the password goes only to the server"
}
