package verify

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
)

// TestMariaDBVocabulary: a jdbc:mariadb: URL means what MariaDB Connector/J
// (4.0; 3.5 where they agree) makes of it (spec §1's third column), written
// from its Configuration: useSsl=true decides over sslMode (trust with
// trustServerCertificate=true, verify-ca with
// disableSslHostnameVerification=true, else verify-full); useSsl=false
// without sslMode is disable; trustServerCertificate and
// disableSslHostnameVerification alone change nothing; no key is
// verify-full. The first three are the strings.
func TestMariaDBVocabulary(t *testing.T) {
	for _, tc := range []struct {
		dsn      string
		row      string
		required bool
		validity bool   // certificate dates checked
		warn     string // a warning holding this, when not ""
	}{
		{"jdbc:mariadb://db:3306/orders?user=app&password=pw&useSsl=true", "VERIFY_IDENTITY", true, true, ""},
		{"jdbc:mariadb://db:3306/orders?user=app&password=pw&useSsl=true&trustServerCertificate=true", "REQUIRED", true, false, ""},
		{"jdbc:mariadb://db:3306/orders?user=app&password=pw&useSsl=true&disableSslHostnameVerification=true&serverSslCert=ca.pem", "VERIFY_CA", true, true, ""},
		{"jdbc:mariadb://db/", "VERIFY_IDENTITY", true, true, ""},
		{"jdbc:mariadb://db/?sslMode=disable", "DISABLED", false, false, ""},
		{"jdbc:mariadb://db/?sslMode=trust", "REQUIRED", true, false, "not validated"},
		{"jdbc:mariadb://db/?sslMode=verify-ca", "VERIFY_CA", true, true, ""},
		{"jdbc:mariadb://db/?sslMode=verify-full", "VERIFY_IDENTITY", true, true, ""},
		{"jdbc:mariadb://db/?sslMode=REQUIRED", "REQUIRED", true, false, ""},
		{"jdbc:mariadb://db/?sslMode=VERIFY_IDENTITY", "VERIFY_IDENTITY", true, true, ""},
		{"jdbc:mariadb://db/?sslMode=false", "DISABLED", false, false, ""},
		{"jdbc:mariadb://db/?sslMode=1", "VERIFY_IDENTITY", true, true, ""},
		{"jdbc:mariadb://db/?sslMode=disable&useSsl=true", "VERIFY_IDENTITY", true, true, "sslMode=disable is ignored"},
		{"jdbc:mariadb://db/?sslMode=trust&useSSL=true&disableSslHostnameVerification=true", "VERIFY_CA", true, true, "sslMode=trust is ignored"},
		{"jdbc:mariadb://db/?useSsl=true&trustServerCertificate=true&disableSslHostnameVerification=true", "REQUIRED", true, false, "disableSslHostnameVerification is ignored"},
		{"jdbc:mariadb://db/?useSsl=false", "DISABLED", false, false, ""},
		{"jdbc:mariadb://db/?useSsl=false&sslMode=verify-ca", "VERIFY_CA", true, true, "useSsl=false is ignored"},
		{"jdbc:mariadb://db/?trustServerCertificate=true", "VERIFY_IDENTITY", true, true, "only with useSsl=true"},
		{"jdbc:mariadb://db/?disableSslHostnameVerification=true&sslMode=verify-full", "VERIFY_IDENTITY", true, true, "only with useSsl=true"},
		// dbtls reads keys and booleans in any case (spec §1); MariaDB
		// Connector/J reads useSsl only as useSsl or useSSL and true, 1 or ""
		// (docs/divergences.md M11).
		{"jdbc:mariadb://db/?USESSL=TRUE&trustServerCertificate=yes", "REQUIRED", true, false, ""},
		// A jdbc:mysql: URL keeps Connector/J's meaning.
		{"jdbc:mysql://db/?useSSL=true", "PREFERRED", false, true, ""},
	} {
		c, err := dsn.Parse(tc.dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.dsn, err)
			continue
		}
		st, err := Describe(c)
		if err != nil {
			t.Errorf("Describe(%q): %v", tc.dsn, err)
			continue
		}
		if st.Row != tc.row || st.TLSRequired != tc.required || st.CheckValidity != tc.validity {
			t.Errorf("%s: row %s, TLS required %v, dates checked %v; want %s, %v, %v", tc.dsn, st.Row, st.TLSRequired, st.CheckValidity, tc.row, tc.required, tc.validity)
		}
		if tc.warn != "" && !strings.Contains(strings.Join(st.Warnings, "\n"), tc.warn) {
			t.Errorf("%s: warnings %q; want one saying %q", tc.dsn, st.Warnings, tc.warn)
		}
	}
}

// TestMariaDBInlinePEM: serverSslCert may hold the PEM itself (MariaDB
// Connector/J reads a value beginning "-----" as the certificate); a PEM that
// does not parse is truststore-unreadable naming serverSslCert.
func TestMariaDBInlinePEM(t *testing.T) {
	nb, na := certgen.Window(now, time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "inline CA", IsCA: true, NotBefore: nb, NotAfter: na}).CertPEM()
	good := "jdbc:mariadb://db/?sslMode=verify-full&serverSslCert=" + url.QueryEscape(string(ca))
	c, err := dsn.Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Resolve(c)
	if err != nil || st.Roots == nil || st.Trust.Source != "pem" || st.Trust.Path != "(inline)" {
		t.Fatalf("inline PEM: %+v %v", st, err)
	}
	bad := "jdbc:mariadb://db/?sslMode=verify-full&serverSslCert=" + url.QueryEscape("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	c, err = dsn.Parse(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(c); !errors.Is(err, kind.TruststoreUnreadable) || !strings.Contains(err.Error(), "serverSslCert") {
		t.Errorf("broken inline PEM: %v; want truststore-unreadable naming serverSslCert", err)
	}
}

// TestMariaDBTwoTrustSources: MariaDB Connector/J reads trustStore and
// ignores serverSslCert when both are given; dbtls refuses the pair, naming
// both (docs/divergences.md M8).
func TestMariaDBTwoTrustSources(t *testing.T) {
	c, err := dsn.Parse("jdbc:mariadb://db/?sslMode=verify-ca&serverSslCert=/ca.pem&trustStore=/t.jks")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Describe(c)
	if !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "serverSslCert") || !strings.Contains(err.Error(), "trustStore") {
		t.Errorf("serverSslCert with trustStore: %v; want invalid-dsn naming both", err)
	}
}

// TestMariaDBModeFix: a message asking for another mode spells it in MariaDB
// Connector/J's words, as the URL spelt its mode; where useSsl=true decided
// (and would decide over an added sslMode) it says to write sslMode in its
// place.
func TestMariaDBModeFix(t *testing.T) {
	for _, tc := range []struct {
		dsn  string
		m    dsn.SSLMode
		want string
	}{
		{"jdbc:mariadb://db/?sslmode=trust", dsn.SSLVerifyIdentity, "sslmode=verify-full"},
		{"jdbc:mariadb://db/?sslMode=verify-full", dsn.SSLRequired, "sslMode=trust"},
		{"jdbc:mariadb://db/", dsn.SSLVerifyCA, "sslMode=verify-ca"},
		{"jdbc:mariadb://db/?sslMode=verify-ca", dsn.SSLPreferred, "sslMode=disable"},
		{"jdbc:mariadb://db/?useSsl=true&trustServerCertificate=true", dsn.SSLVerifyIdentity, "sslMode=verify-full in place of useSsl=true"},
		{"jdbc:mariadb://db/?useSsl=false", dsn.SSLVerifyIdentity, "sslMode=verify-full"},
	} {
		c, err := dsn.Parse(tc.dsn)
		if err != nil {
			t.Fatal(err)
		}
		st, err := Describe(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.ModeFix(tc.m); got != tc.want {
			t.Errorf("%s: ModeFix(%v) = %q; want %q", tc.dsn, tc.m, got, tc.want)
		}
	}
	c, _ := dsn.Parse("jdbc:mariadb://db/?sslMode=disable")
	st, _ := Describe(c)
	if w := strings.Join(st.Warnings, "\n"); !strings.Contains(w, "set sslMode=verify-full to require TLS") {
		t.Errorf("sslMode=disable warns %q; want the fix in MariaDB Connector/J's words", w)
	}
}
