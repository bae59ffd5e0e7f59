package verify

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// sslMode beside useSSL / requireSSL /
// verifyServerCertificate is accepted, as Connector/J accepts it: sslMode
// decides, and each legacy key is named in a warning.
func TestSSLModeWithLegacyKeys(t *testing.T) {
	for s, want := range map[string]string{
		"jdbc:mysql://db/?sslMode=REQUIRED&useSSL=false":                              "REQUIRED",
		"jdbc:mysql://db/?useSSL=true&requireSSL=true&sslMode=DISABLED":               "DISABLED",
		"jdbc:mysql://db/?sslMode=PREFERRED&verifyServerCertificate=true&useSSL=true": "PREFERRED",
		"db:pw@tcp(db:3306)/x?tls=skip-verify&requireSSL=false":                       "REQUIRED",
	} {
		c, err := dsn.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		st, err := Describe(c)
		if err != nil {
			t.Errorf("Describe(%q) = %v; want %s", s, err, want)
			continue
		}
		legacy := 0
		for _, w := range st.Warnings {
			if strings.Contains(w, "is ignored: ") && (strings.Contains(w, "useSSL") || strings.Contains(w, "requireSSL") || strings.Contains(w, "verifyServerCertificate")) {
				legacy++
			}
		}
		if st.Row != want || legacy != strings.Count(s, "SSL=")+strings.Count(s, "Certificate=") {
			t.Errorf("Describe(%q): row %s, warnings %q; want row %s and each legacy key named as ignored", s, st.Row, st.Warnings, want)
		}
	}
	// Without sslMode the legacy keys still decide, with no such warning.
	c, _ := dsn.Parse("jdbc:mysql://db/?useSSL=true&requireSSL=true")
	if st, err := Describe(c); err != nil || st.Row != "REQUIRED" || slices.ContainsFunc(st.Warnings, func(w string) bool { return strings.Contains(w, "is ignored: ") }) {
		t.Errorf("legacy keys alone: %v %v", st, err)
	}
}

// Spec §8: an empty hostNameInCertificate is invalid-dsn
// naming it, never row 4 with no name; in a struct too.
func TestEmptyHostNameInCertificate(t *testing.T) {
	for _, s := range []string{
		"jdbc:sqlserver://db;encrypt=true;hostNameInCertificate=",
		"jdbc:sqlserver://db;encrypt=true;hostNameInCertificate={ }",
		"sqlserver://db?encrypt=true&hostNameInCertificate=",
		"server=db;encrypt=true;hostNameInCertificate=",
		"jdbc:mysql://db/?encrypt=true&hostNameInCertificate=",
	} {
		_, err := dsn.Parse(s)
		if !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "(hostNameInCertificate=") || !strings.Contains(err.Error(), "empty hostNameInCertificate") {
			t.Errorf("Parse(%q) = %v; want invalid-dsn naming hostNameInCertificate", s, err)
		}
	}
	cfg := &dsn.Config{Family: dsn.SQLServer, Host: "db"}
	cfg.TLS.Encrypt = dsn.NewSetting(dsn.EncryptTrue)
	cfg.TLS.HostNameInCertificate = dsn.NewSetting("")
	if _, err := Describe(cfg); !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "hostNameInCertificate") {
		t.Errorf("struct with an empty HostNameInCertificate: %v; want invalid-dsn naming it", err)
	}
}

// The other empty TLS values, as the differential runs
// show the JDBC drivers treat them (conformance/mysql
// TestLegacyKeysAndHostFormsConnectorJ, conformance/sqlserver
// TestEmptyTLSValuesMssqlJdbc): accepted ones with a warning naming the
// property; an empty key store type refused (docs/divergences.md #32).
func TestOtherEmptyTLSValues(t *testing.T) {
	for s, warning := range map[string]string{
		"jdbc:mysql://db/?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=":    "trustCertificateKeyStoreUrl is empty",
		"jdbc:mysql://db/?sslMode=REQUIRED&clientCertificateKeyStoreUrl=":    "clientCertificateKeyStoreUrl is empty",
		"jdbc:mysql://db/?sslMode=REQUIRED&tlsCiphersuites=":                 "tlsCiphersuites is empty",
		"jdbc:sqlserver://db;encrypt=true;trustStore=/x.jks;trustStoreType=": "trustStoreType is empty",
	} {
		c, err := dsn.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		st, err := Describe(c)
		if err != nil || !slices.ContainsFunc(st.Warnings, func(w string) bool { return strings.Contains(w, warning) }) {
			t.Errorf("Describe(%q) = %v, %v; want a warning holding %q", s, st, err, warning)
		}
		if strings.Contains(s, "trustCertificateKeyStoreUrl") && st != nil && st.Trust.Source != "system" {
			t.Errorf("Describe(%q): trust %v; want the system's anchors", s, st.Trust)
		}
	}
	for _, s := range []string{
		"jdbc:mysql://db/?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:/x.jks&trustCertificateKeyStoreType=",
		"jdbc:mysql://db/?clientCertificateKeyStoreUrl=file:/x.jks&clientCertificateKeyStoreType=",
		"jdbc:mariadb://db/?keyStore=/x.jks&keyStoreType=",
	} {
		if _, err := dsn.Parse(s); !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "KeyStoreType=)") && !strings.Contains(err.Error(), "keyStoreType=)") {
			t.Errorf("Parse(%q) = %v; want invalid-dsn naming the empty type", s, err)
		}
	}
}
