package verify

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

func describe(t *testing.T, s string) (*Strategy, error) {
	t.Helper()
	cfg, err := dsn.Parse(s)
	require.NoError(t, err, s)
	return Describe(cfg)
}

// TestDescribeWithoutTheFiles: what a string means does not
// depend on the files it names being there. Each case names files that do
// not exist; Describe gives the row, mode, TLS demand, name and trust source
// of spec §2 / §5, and Resolve the error of kind truststore-unreadable (spec
// §4) for the same string.
func TestDescribeWithoutTheFiles(t *testing.T) {
	home := t.TempDir() // a JDK without a default store file
	require.NoError(t, os.MkdirAll(filepath.Join(home, "lib", "security"), 0o755))
	t.Setenv("JAVA_HOME", home)
	missing := filepath.Join(t.TempDir(), "missing")
	for _, tc := range []struct {
		name, dsn    string
		row          string
		mode         Mode
		required     bool
		strict       bool
		rules        NameRules
		expectedName string
		trust        Trust
		alpn         []string
	}{
		{"row 5", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + missing + ".jks;trustStorePassword=changeit",
			"5", ModeCAChain, true, false, SQLServerNames, "db.example.com", Trust{"store", missing + ".jks"}, nil},
		{"row 6, no default store file", "jdbc:sqlserver://db.example.com;encrypt=true;trustStorePassword=changeit",
			"6", ModeCAChain, true, false, SQLServerNames, "db.example.com", Trust{"java-default", ""}, nil},
		{"row 7", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + missing + ".p12",
			"7", ModeCAChain, true, false, SQLServerNames, "db.example.com", Trust{"store", missing + ".p12"}, nil},
		{"row 10", "jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=*.example.com;trustStore=" + missing + ".jks;trustStorePassword=changeit",
			"10", ModeHostnameOverride, true, false, SQLServerNames, "*.example.com", Trust{"store", missing + ".jks"}, nil},
		{"row 11 pin", "jdbc:sqlserver://db.example.com;encrypt=strict;serverCertificate=" + missing + ".pem",
			"11", ModePin, true, true, NoName, "", Trust{"pin", missing + ".pem"}, []string{"tds/8.0"}},
		{"row 11 store", "jdbc:sqlserver://db.example.com;encrypt=strict;trustStore=" + missing + ".jks",
			"11", ModeCAChain, true, true, SQLServerNames, "db.example.com", Trust{"store", missing + ".jks"}, []string{"tds/8.0"}},
		// The README's own example.
		{"VERIFY_CA ssl-ca", "app:pw@tcp(127.0.0.1:3306)/orders?ssl-mode=VERIFY_CA&ssl-ca=" + missing + ".pem",
			"VERIFY_CA", ModeCAChain, true, false, NoName, "", Trust{"store", missing + ".pem"}, nil},
		{"VERIFY_IDENTITY Connector/J store", "jdbc:mysql://db.example.com/app?sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:" + missing + ".jks",
			"VERIFY_IDENTITY", ModeCAChain, true, false, MySQLNames, "db.example.com", Trust{"store", "file:" + missing + ".jks"}, nil},
		{"REQUIRED client certificate", "app@tcp(db.example.com)/app?ssl-mode=REQUIRED&ssl-cert=" + missing + ".crt&ssl-key=" + missing + ".key",
			"REQUIRED", ModeNone, true, false, NoName, "", Trust{"none", ""}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := describe(t, tc.dsn)
			require.NoError(t, err)
			require.Equal(t, tc.row, st.Row)
			require.Equal(t, tc.mode, st.Mode)
			require.Equal(t, tc.required, st.TLSRequired)
			require.Equal(t, tc.strict, st.Strict)
			require.Equal(t, tc.rules, st.NameRules)
			require.Equal(t, tc.expectedName, st.ExpectedName)
			require.Equal(t, tc.trust, st.Trust)
			require.Equal(t, tc.alpn, st.NextProtos)
			require.Nil(t, st.Roots)
			require.Nil(t, st.Pin)
			require.Nil(t, st.ClientCertificate)

			_, err = resolve(t, tc.dsn)
			require.ErrorIs(t, err, kind.TruststoreUnreadable)
		})
	}
}

// TestDescribeConfigurationErrors: what is wrong with the string itself is
// Describe's error too, the same one Resolve gives, with no Strategy.
func TestDescribeConfigurationErrors(t *testing.T) {
	for _, tc := range []struct{ dsn, contains string }{
		{"jdbc:sqlserver://db;encrypt=true;ssl-ca=/etc/ca.pem", "MySQL property on a SQL Server DSN"},
		{"jdbc:mysql://db/app?encrypt=strict", "TDS 8.0"},
		{"jdbc:mysql://db/app?sslMode=REQUIRED&serverCertificate=/x.pem", "serverCertificate"},
		{"app@tcp(db)/app?ssl-mode=REQUIRED&ssl-cert=/nonexistent.crt", "half a client certificate"},
		{"jdbc:mysql://db/app?sslMode=REQUIRED&ssl-cert=/a.crt&ssl-key=/a.key&clientCertificateKeyStoreUrl=file:/c.p12", "two client certificates"},
		{"jdbc:mysql://db/app?sslMode=VERIFY_CA&ssl-ca=/a.pem&trustCertificateKeyStoreUrl=file:/b.jks", "two trust anchor sources"},
		{"app@tcp(db)/app?ssl-mode=REQUIRED&tls-version=", "no TLS version"},
	} {
		t.Run(tc.dsn, func(t *testing.T) {
			st, err := describe(t, tc.dsn)
			require.Nil(t, st)
			require.ErrorIs(t, err, kind.InvalidDSN)
			require.Contains(t, err.Error(), tc.contains)
			_, rerr := resolve(t, tc.dsn)
			require.Equal(t, err.Error(), rerr.Error(), "Describe and Resolve give the same configuration error")
		})
	}
}

// TestDescribeAgreesWithResolve: when the files are there, Describe and
// Resolve say the same about everything but the loaded material and the
// store's format (read from its content).
func TestDescribeAgreesWithResolve(t *testing.T) {
	dir := t.TempDir()
	c := certgen.Must(certgen.Spec{CN: "client"})
	certPath, keyPath, err := c.WriteFiles(dir, "client")
	require.NoError(t, err)
	const jks, pem = "../truststore/testdata/trust.jks", "../truststore/testdata/ca.pem"
	for _, s := range []string{
		"jdbc:sqlserver://db.example.com;encrypt=false",
		"jdbc:sqlserver://db.example.com;encrypt=true;trustServerCertificate=true",
		"jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=x.example.com;trustStore=" + jks + ";trustStorePassword=changeit",
		"jdbc:sqlserver://db.example.com;encrypt=strict;serverCertificate=" + pem + ";sslProtocol=TLSv1.3",
		"jdbc:mysql://db.example.com/app?sslMode=VERIFY_IDENTITY&ssl-ca=" + pem + "&tls-version=TLSv1.2&ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256",
		"app@tcp(db.example.com)/app?ssl-mode=REQUIRED&ssl-cert=" + certPath + "&ssl-key=" + keyPath,
		"app@tcp(db.example.com)/app?ssl-mode=PREFERRED&ssl-ca=" + pem,
	} {
		t.Run(s, func(t *testing.T) {
			d, err := describe(t, s)
			require.NoError(t, err)
			r, err := resolve(t, s)
			require.NoError(t, err)
			require.Equal(t, r.Trust.Path == "", d.Trust.Path == "")
			if d.Trust.Source == "store" {
				require.Contains(t, []string{"jks", "pkcs12", "pem"}, r.Trust.Source)
			} else {
				require.Equal(t, r.Trust, d.Trust)
			}
			// Everything else, field by field.
			d2, r2 := *d, *r
			d2.Trust, r2.Trust = Trust{}, Trust{}
			r2.Roots, r2.Anchors, r2.Pin, r2.ClientCertificate, r2.Revocation, r2.chains, r2.files = nil, nil, nil, nil, nil, nil, nil
			d2.described = false
			require.Equal(t, r2, d2)
		})
	}
}

// TestDescribedStrategyCannotConnect: a Strategy from Describe has no trust
// material; it must never stand for "the host's pool" or "no pin" in a
// handshake. Check refuses every chain, even in mode none.
func TestDescribedStrategyCannotConnect(t *testing.T) {
	leaf := certgen.Must(certgen.Spec{CN: "db.example.com", DNSNames: []string{"db.example.com"}})
	for _, s := range []string{
		"jdbc:sqlserver://db.example.com;encrypt=true;trustStore=/nonexistent.jks",
		"jdbc:sqlserver://db.example.com;encrypt=strict;serverCertificate=/nonexistent.pem",
		"jdbc:sqlserver://db.example.com;encrypt=true;trustServerCertificate=true",
	} {
		st, err := describe(t, s)
		require.NoError(t, err)
		err = Check(st, []*x509.Certificate{leaf.Cert}, time.Now())
		require.ErrorIs(t, err, kind.HandshakeFailed, s)
		require.Contains(t, err.Error(), "verify.Resolve")
		cfg := TLSConfig(st, Options{})
		require.Error(t, cfg.VerifyConnection(tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf.Cert}}), s)
	}
}
