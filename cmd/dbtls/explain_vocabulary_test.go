package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExplainVocabulary: explain names the vocabulary a string was read in,
// chosen by its shape (spec §1), in text and JSON; a jdbc:mariadb: URL is
// read in MariaDB Connector/J's words, so useSsl=true alone is verify-full
// there and Connector/J's optional TLS in a jdbc:mysql: URL.
func TestExplainVocabulary(t *testing.T) {
	for _, tc := range []struct {
		dsn, vocabulary, row, trust string
	}{
		{"jdbc:sqlserver://db.example.com;encrypt=true", "microsoft-jdbc", "3", "system"},
		{"server=db.example.com;encrypt=true", "microsoft-jdbc", "3", "system"},
		{"app:" + secret + "@tcp(db.example.com:3306)/app?tls=true", "mysql-connector-j", "VERIFY_IDENTITY", "system"},
		{"jdbc:mysql://db.example.com/app?useSSL=true", "mysql-connector-j", "PREFERRED", "none"},
		{"jdbc:mariadb://db.example.com:3306/orders?user=app&password=" + secret + "&useSsl=true", "mariadb-connector-j", "VERIFY_IDENTITY", "system"},
		{"jdbc:mariadb://db.example.com:3306/orders?user=app&password=" + secret + "&useSsl=true&trustServerCertificate=true", "mariadb-connector-j", "REQUIRED", "none"},
		{"jdbc:mariadb://db.example.com:3306/orders?useSsl=true&disableSslHostnameVerification=true&serverSslCert=" + caPEM, "mariadb-connector-j", "VERIFY_CA", "pem"},
		{"jdbc:mariadb://db.example.com/app?sslMode=verify-ca&trustStore=" + jks + "&trustStorePassword=changeit", "mariadb-connector-j", "VERIFY_CA", "jks"},
	} {
		code, out, _ := runCLI(t, "explain", "--json", tc.dsn)
		require.Equal(t, 0, code, out)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		require.Equal(t, tc.vocabulary, got["vocabulary"], tc.dsn)
		require.Equal(t, tc.row, got["row"], tc.dsn)
		require.Equal(t, tc.trust, got["trust"], tc.dsn)
		_, text, _ := runCLI(t, "explain", tc.dsn)
		require.Contains(t, text, "vocabulary:         "+tc.vocabulary+"\n", tc.dsn)
	}
}
