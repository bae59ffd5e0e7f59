package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

const (
	jks    = "../../truststore/testdata/trust.jks"
	p12    = "../../truststore/testdata/trust.p12"
	caPEM  = "../../truststore/testdata/ca.pem"
	secret = "S3cr3t-pw" // must never be printed
)

// scenarioCases are the scenario table of spec §2 (seed 004_…) and the
// sslModes of spec §5, each with the row and mode the spec gives — written
// from the spec, not from the resolver.
var scenarioCases = []struct {
	name        string
	dsn         string
	row         string // "1"–"11" for SQL Server, the sslMode for MySQL: a string everywhere
	mode        string
	tlsRequired bool
	name_       string // expected name, "" = not checked
	trust       string // the trust field
	warn        string // a warning that must appear
}{
	// Row 1: encrypt false or blank; anything else irrelevant.
	{"row1 blank", "jdbc:sqlserver://db.example.com;user=sa;password=" + secret, "1", "none", false, "", "none", "encrypt is not set"},
	{"row1 false", "jdbc:sqlserver://db.example.com;encrypt=false;password=" + secret, "1", "none", false, "", "none", "no certificate validation"},
	{"row1 no + trust store", "jdbc:sqlserver://db.example.com;encrypt=no;trustStore=" + jks + ";hostNameInCertificate=x", "1", "none", false, "", "none", ""},
	{"row1 optional + TSC", "sqlserver://sa:" + secret + "@db.example.com?encrypt=optional&trustServerCertificate=true", "1", "none", false, "", "none", ""},
	// Row 2: true + trustServerCertificate=true.
	{"row2", "jdbc:sqlserver://db.example.com;encrypt=true;trustServerCertificate=true", "2", "none", true, "", "none", "not validated"},
	{"row2 yes + store", "server=db.example.com;encrypt=yes;trustServerCertificate=true;trustStore=" + jks, "2", "none", true, "", "none", ""},
	// Rows 3–10: true, trustServerCertificate false or blank.
	{"row3", "jdbc:sqlserver://db.example.com;encrypt=true", "3", "ca-chain", true, "db.example.com", "system", ""},
	{"row3 mandatory + TSC false", "jdbc:sqlserver://db.example.com;encrypt=mandatory;trustServerCertificate=false", "3", "ca-chain", true, "db.example.com", "system", ""},
	{"row4", "jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=*.example.com", "4", "hostname-override", true, "*.example.com", "system", ""},
	{"row5 jks", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + jks + ";trustStorePassword=changeit", "5", "ca-chain", true, "db.example.com", "jks", ""},
	{"row5 pkcs12", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + p12 + ";trustStorePassword=changeit;trustStoreType=PKCS12", "5", "ca-chain", true, "db.example.com", "pkcs12", ""},
	{"row6", "jdbc:sqlserver://db.example.com;encrypt=true;trustStorePassword=changeit", "6", "ca-chain", true, "db.example.com", "java-default", ""},
	{"row7", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + jks, "7", "ca-chain", true, "db.example.com", "jks", ""},
	{"row7 pem", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + caPEM, "7", "ca-chain", true, "db.example.com", "pem", ""},
	{"row8", "jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=sql.internal;trustStorePassword=changeit", "8", "hostname-override", true, "sql.internal", "java-default", ""},
	{"row9", "jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=sql.internal;trustStore=" + jks, "9", "hostname-override", true, "sql.internal", "jks", ""},
	{"row10", "jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=sql.internal;trustStore=" + jks + ";trustStorePassword=changeit", "10", "hostname-override", true, "sql.internal", "jks", ""},
	// Row 11: strict.
	{"row11 pin", "jdbc:sqlserver://db.example.com;encrypt=strict;serverCertificate=" + caPEM, "11", "pin", true, "", "pin", ""},
	{"row11 pin, TSC ignored", "jdbc:sqlserver://db.example.com;encrypt=strict;trustServerCertificate=true;serverCertificate=" + caPEM, "11", "pin", true, "", "pin", "ignored with encrypt=strict"},
	{"row11 as row 3", "jdbc:sqlserver://db.example.com;encrypt=strict", "11", "ca-chain", true, "db.example.com", "system", ""},
	{"row11 as row 10", "jdbc:sqlserver://db.example.com;encrypt=strict;hostNameInCertificate=sql.internal;trustStore=" + jks + ";trustStorePassword=changeit", "11", "hostname-override", true, "sql.internal", "jks", ""},
	{"serverCertificate outside strict is ignored", "jdbc:sqlserver://db.example.com;encrypt=true;serverCertificate=" + caPEM, "3", "ca-chain", true, "db.example.com", "system", "ignored outside encrypt=strict"},

	// MySQL sslModes (spec §5).
	{"DISABLED", "app:" + secret + "@tcp(db.example.com:3306)/app?ssl-mode=DISABLED", "DISABLED", "none", false, "", "none", ""},
	{"PREFERRED default", "app:" + secret + "@tcp(db.example.com:3306)/app", "PREFERRED", "none", false, "", "none", ""},
	{"PREFERRED", "jdbc:mysql://db.example.com/app?sslMode=PREFERRED&user=app&password=" + secret, "PREFERRED", "none", false, "", "none", ""},
	{"REQUIRED", "jdbc:mysql://db.example.com/app?sslMode=REQUIRED", "REQUIRED", "none", true, "", "none", ""},
	{"VERIFY_CA pem", "mysql://app@db.example.com/app?ssl-mode=verify_ca&ssl-ca=" + caPEM, "VERIFY_CA", "ca-chain", true, "", "pem", ""},
	{"VERIFY_CA jks", "jdbc:mysql://db.example.com/app?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:" + jks + "&trustCertificateKeyStorePassword=changeit", "VERIFY_CA", "ca-chain", true, "", "jks", ""},
	{"VERIFY_IDENTITY", "jdbc:mariadb://db.example.com/app?sslMode=VERIFY_IDENTITY", "VERIFY_IDENTITY", "ca-chain", true, "db.example.com", "system", ""},
	// Legacy Connector/J properties.
	{"useSSL=false", "jdbc:mysql://db.example.com/app?useSSL=false", "DISABLED", "none", false, "", "none", ""},
	{"requireSSL", "jdbc:mysql://db.example.com/app?useSSL=true&requireSSL=true", "REQUIRED", "none", true, "", "none", ""},
	{"verifyServerCertificate", "jdbc:mysql://db.example.com/app?useSSL=true&verifyServerCertificate=true", "VERIFY_CA", "ca-chain", true, "", "system", ""},
	// The JDBC vocabulary on a MySQL DSN.
	{"jdbc encrypt=false", "jdbc:mysql://db.example.com/app?encrypt=false", "PREFERRED", "none", false, "", "none", ""},
	{"jdbc encrypt+TSC", "jdbc:mysql://db.example.com/app?encrypt=true&trustServerCertificate=true", "REQUIRED", "none", true, "", "none", ""},
	{"jdbc encrypt=true", "jdbc:mysql://db.example.com/app?encrypt=true&trustStore=" + jks + "&trustStorePassword=changeit", "VERIFY_IDENTITY", "ca-chain", true, "db.example.com", "jks", ""},
	{"jdbc encrypt=true + hostNameInCertificate", "jdbc:mysql://db.example.com/app?encrypt=true&hostNameInCertificate=mysql.internal", "VERIFY_IDENTITY", "hostname-override", true, "mysql.internal", "system", ""},
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	requireContract(t, args, code, out.String())
	require.NotContains(t, out.String()+errb.String(), secret, "a password was printed")
	require.NotContains(t, out.String()+errb.String(), "changeit", "a trust store password was printed")
	return code, out.String(), errb.String()
}

// fakeJavaHome gives rows 6 and 8 a JDK default store file with a known password.
func fakeJavaHome(t *testing.T) {
	home := t.TempDir()
	sec := filepath.Join(home, "lib", "security")
	require.NoError(t, os.MkdirAll(sec, 0o755))
	data, err := os.ReadFile(jks)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(sec, "cacerts"), data, 0o644))
	t.Setenv("JAVA_HOME", home)
}

func TestExplainScenarioTable(t *testing.T) {
	fakeJavaHome(t)
	for _, tc := range scenarioCases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "explain", "--json", tc.dsn)
			require.Equal(t, 0, code, out)
			var got map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			require.Equal(t, tc.row, got["row"])
			require.Equal(t, tc.mode, got["mode"])
			require.Equal(t, tc.tlsRequired, got["tlsRequired"])
			if tc.name_ != "" {
				require.Equal(t, tc.name_, got["expectedName"])
			}
			require.Equal(t, tc.trust, got["trust"])
			if tc.warn != "" {
				require.Contains(t, out, tc.warn)
			}
			require.NotNil(t, got["warnings"], "warnings is always an array")
		})
	}
}

func TestExplainFailures(t *testing.T) {
	fakeJavaHome(t)
	for _, tc := range []struct{ name, dsn, kind, contains string }{
		{"typo", "jdbc:sqlserver://h;encrypt=true;trustServerCertifcate=true", "invalid-dsn", "did you mean trustServerCertificate"},
		{"mysql typo", "app@tcp(h)/db?ssl-mdoe=REQUIRED", "invalid-dsn", "did you mean"},
		{"vocabularies mixed", "jdbc:mysql://h/db?encrypt=true&sslMode=REQUIRED", "invalid-dsn", "encrypt"},
		{"bad encrypt", "jdbc:sqlserver://h;encrypt=maybe", "invalid-dsn", "encrypt=maybe"},
		{"wrong store password", "jdbc:sqlserver://h;encrypt=true;trustStore=" + jks + ";trustStorePassword=" + secret, "truststore-integrity", "trustStorePassword=xxxxx"},
		{"missing store", "jdbc:sqlserver://h;encrypt=true;trustStore=/nonexistent.jks", "truststore-unreadable", "/nonexistent.jks"},
		{"pin does not parse", "jdbc:sqlserver://h;encrypt=strict;serverCertificate=" + jks, "invalid-dsn", "serverCertificate"},
		{"strict on mysql", "jdbc:mysql://h/db?encrypt=strict", "invalid-dsn", "TDS 8.0"},
		{"hole in versions", "jdbc:mysql://h/db?sslMode=REQUIRED&tlsVersions=TLSv1.1,TLSv1.3", "invalid-dsn", "hole"},
		{"empty versions with REQUIRED", "app@tcp(h)/db?ssl-mode=REQUIRED&tls-version=", "invalid-dsn", "no TLS version"},
		{"restricted cipher", "app@tcp(h)/db?ssl-mode=REQUIRED&ssl-cipher=RC4-SHA", "invalid-dsn", "RC4"},
		{"tls13 restriction", "app@tcp(h)/db?ssl-mode=REQUIRED&tls-ciphersuites=TLS_AES_128_GCM_SHA256", "invalid-dsn", "cannot be restricted"},
		{"password in error never shown", "jdbc:sqlserver://h;password=" + secret + ";user=sa;encrypt=bogus", "invalid-dsn", "encrypt=bogus"},
		// Right after the password, encrypt=bogus may be the rest of it (a ; inside an unquoted value ends it).
		{"value right after a password is not shown", "jdbc:sqlserver://h;password=" + secret + ";encrypt=bogus", "invalid-dsn", "invalid encrypt value (encrypt=xxxxx) at property 2"},
		{"session variable setting the password", "jdbc:mysql://h/db?user=u&password=" + secret + "&sessionVariables=password%3DPASSWORD('changeit')", "invalid-dsn", "session variable that sets a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "explain", "--json", tc.dsn)
			require.NotEqual(t, 0, code)
			var got struct {
				Error struct{ Kind, Message string }
			}
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			require.Equal(t, tc.kind, got.Error.Kind)
			require.Contains(t, got.Error.Message, tc.contains)
		})
	}
}

// TestExplainText: the text output labels each line with the JSON field's
// words (mode, not strategy; docs/cli.md), and a failure is two lines, the
// kind and the message, on standard output; standard error stays empty.
func TestExplainText(t *testing.T) {
	code, out, errText := runCLI(t, "explain", "jdbc:sqlserver://db.example.com;encrypt=true;password="+secret)
	require.Equal(t, 0, code)
	require.Empty(t, errText)
	require.Contains(t, out, "row:                3\n")
	require.Contains(t, out, "mode:               ca-chain\n")
	require.NotContains(t, out, "strategy")

	code, out, errText = runCLI(t, "explain", "jdbc:sqlserver://h;encrypt=maybe")
	require.Equal(t, 3, code)
	require.Empty(t, errText)
	require.Contains(t, out, "error:              invalid-dsn\nmessage:            dbtls: invalid encrypt value (encrypt=maybe)")
	require.NotContains(t, out, "invalid-dsndbtls")

	code, _, _ = runCLI(t, "explain")
	require.Equal(t, 2, code)
	code, _, _ = runCLI(t, "nosuch")
	require.Equal(t, 2, code)
}

// TestExplainAnchorExpiry (spec §7): explain shows the earliest expiry among
// the trust anchors it loaded.
func TestExplainAnchorExpiry(t *testing.T) {
	now := time.Now()
	soon := certgen.Must(certgen.Spec{CN: "soon CA", IsCA: true, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(40*24*time.Hour + time.Hour)})
	later := certgen.Must(certgen.Spec{CN: "later CA", IsCA: true, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(400 * 24 * time.Hour)})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, append(later.CertPEM(), soon.CertPEM()...), 0o644))
	dsn := "jdbc:mysql://db.example.com/app?sslMode=VERIFY_CA&ssl-ca=" + ca
	code, out, _ := runCLI(t, "explain", "--json", dsn)
	require.Equal(t, 0, code, out)
	var ex struct {
		EarliestAnchorExpiry *struct {
			Subject, NotAfter string
			DaysLeft          int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &ex))
	require.NotNil(t, ex.EarliestAnchorExpiry)
	require.Equal(t, "CN=soon CA", ex.EarliestAnchorExpiry.Subject)
	require.Equal(t, 40, ex.EarliestAnchorExpiry.DaysLeft)
	require.Equal(t, soon.Cert.NotAfter.UTC().Format(time.RFC3339), ex.EarliestAnchorExpiry.NotAfter)

	code, out, _ = runCLI(t, "explain", dsn)
	require.Equal(t, 0, code)
	require.Contains(t, out, "anchors expire:     "+soon.Cert.NotAfter.UTC().Format(time.RFC3339)+" (CN=soon CA, 40 days left)\n")

	code, out, _ = runCLI(t, "explain", "--json", "jdbc:mysql://db.example.com/app?sslMode=VERIFY_CA")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "earliestAnchorExpiry", "the host's pool is not listed")
}
