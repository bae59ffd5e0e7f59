package verify

import (
	"crypto/x509"
	"strings"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/truststore"
)

// mariadbMode decides the mode of a jdbc:mariadb: URL as MariaDB Connector/J
// does (Configuration, 3.5 and 4.0): useSsl=true decides over sslMode,
// making trust with trustServerCertificate=true, else verify-ca with
// disableSslHostnameVerification=true, else verify-full; then sslMode;
// without either, verify-full (4.0's default; 3.5's was disable, a
// divergence listed in docs/divergences.md). trustServerCertificate and
// disableSslHostnameVerification mean nothing without useSsl=true (a
// warning each); useSsl=false is disable when sslMode is not given (4.0;
// 3.5 ignores it, and its default is disable too).
func mariadbMode(t *dsn.TLS) (dsn.SSLMode, string, []string) {
	var warn []string
	legacyOnly := func(s dsn.Setting[bool], name string) {
		if s.Set {
			warn = append(warn, s.Key+"="+s.Raw+" is ignored: MariaDB Connector/J reads "+name+" only with useSsl=true; use sslMode")
		}
	}
	switch {
	case t.UseSSL.Set && t.UseSSL.Value:
		if t.SSLMode.Set {
			warn = append(warn, t.SSLMode.Key+"="+t.SSLMode.Raw+" is ignored: "+t.UseSSL.Key+"=true decides the TLS mode, as in MariaDB Connector/J; remove one of them")
		}
		switch {
		case t.TrustServerCertificate.Value:
			if t.DisableSSLHostnameVerification.Set {
				warn = append(warn, t.DisableSSLHostnameVerification.Key+" is ignored: "+t.TrustServerCertificate.Key+"=true checks no certificate at all")
			}
			return dsn.SSLRequired, t.TrustServerCertificate.Key, warn
		case t.DisableSSLHostnameVerification.Value:
			return dsn.SSLVerifyCA, t.DisableSSLHostnameVerification.Key, warn
		}
		return dsn.SSLVerifyIdentity, t.UseSSL.Key, warn
	case t.UseSSL.Set && t.SSLMode.Set:
		warn = append(warn, t.UseSSL.Key+"="+t.UseSSL.Raw+" is ignored: "+t.SSLMode.Key+" decides the TLS mode, as in MariaDB Connector/J; remove "+t.UseSSL.Key)
	case t.UseSSL.Set: // MariaDB Connector/J 4.0: useSsl=false without sslMode is disable
		legacyOnly(t.TrustServerCertificate, "trustServerCertificate")
		legacyOnly(t.DisableSSLHostnameVerification, "disableSslHostnameVerification")
		return dsn.SSLDisabled, t.UseSSL.Key, warn
	}
	legacyOnly(t.TrustServerCertificate, "trustServerCertificate")
	legacyOnly(t.DisableSSLHostnameVerification, "disableSslHostnameVerification")
	if t.SSLMode.Set {
		return t.SSLMode.Value, t.SSLMode.Key, warn
	}
	return dsn.SSLVerifyIdentity, "", warn
}

// inlinePEM reports whether a serverSslCert value is the PEM text itself,
// as MariaDB Connector/J reads a value that begins with "-----".
func inlinePEM(s dsn.Setting[string]) bool { return strings.HasPrefix(s.Value, "-----") }

// inlineAnchors reads the trust anchors of an inline serverSslCert.
func (r *resolver) inlineAnchors(a anchors) (*x509.CertPool, Trust, error) {
	t := Trust{Source: "pem", Path: "(inline)"}
	if !r.read {
		return nil, t, nil
	}
	pool, err := truststore.PoolFromPEM([]byte(a.path.Value), a.path.Key)
	return pool, t, err
}

// mariadbModeFix is ModeFix in a jdbc:mariadb: URL: sslMode with MariaDB
// Connector/J's word for m (PREFERRED has none: disable is the mode that
// accepts plaintext), spelt as the DSN spelt sslMode; when useSsl=true
// decided the mode, sslMode cannot be added beside it (useSsl=true decides
// over sslMode), so the fix says to write it in useSsl's place.
func (s *Strategy) mariadbModeFix(m dsn.SSLMode) string {
	w, ok := dsn.MariaDBModeValue(m)
	if !ok {
		w, _ = dsn.MariaDBModeValue(dsn.SSLDisabled)
	}
	switch strings.ToLower(s.modeKey) {
	case "usessl", "trustservercertificate", "disablesslhostnameverification":
		if s.Row != dsn.SSLDisabled.String() { // useSsl=false (disable) gives way to sslMode
			return "sslMode=" + w + " in place of useSsl=true"
		}
	case "sslmode":
		return s.modeKey + "=" + w
	}
	return "sslMode=" + w
}
