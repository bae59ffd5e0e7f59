package verify

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// TestExplainHandshake: what a diagnostic handshake saw turns a refused
// handshake into an error that names what the server insists on, the
// server's setting, and the key of the DSN's own vocabulary that allows it
// (spec §8: tls-version-mismatch for versions, handshake-failed for
// suites). The servers themselves are in connector's TestOldMariaDBExplained
// and TestOldSQLServerExplained; this is every vocabulary's key.
func TestExplainHandshake(t *testing.T) {
	refused := ClassifyHandshake(errString("remote error: tls: handshake failure"))
	noVersion := ClassifyHandshake(errString("remote error: tls: protocol version not supported"))
	const user = "u:pw@tcp(db:3306)/?"
	cases := []struct {
		name    string
		dsn     string
		err     error
		version uint16 // what the diagnostic agreed on; 0: it was refused too
		suite   uint16
		kind    kind.Kind
		says    []string
		unsaid  []string
	}{
		{"RSA key exchange, Connector/J URL", "jdbc:mysql://db/?sslMode=REQUIRED", refused, tls.VersionTLS12, tls.TLS_RSA_WITH_AES_128_CBC_SHA, kind.HandshakeFailed,
			[]string{"TLS_RSA_WITH_AES_128_CBC_SHA (AES128-SHA)", "RSA key exchange", "ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256", "enabledSSLCipherSuites=TLS_RSA_WITH_AES_128_CBC_SHA"}, nil},
		{"RSA key exchange, MariaDB Connector/J URL", "jdbc:mariadb://db/?sslMode=trust", refused, tls.VersionTLS12, tls.TLS_RSA_WITH_AES_256_CBC_SHA, kind.HandshakeFailed,
			[]string{"enabledSslCipherSuites=TLS_RSA_WITH_AES_256_CBC_SHA"}, nil},
		{"RSA key exchange, a list given as tlsCiphersuites", "jdbc:mysql://db/?sslMode=REQUIRED&tlsCiphersuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", refused,
			tls.VersionTLS12, tls.TLS_RSA_WITH_AES_128_GCM_SHA256, kind.HandshakeFailed,
			[]string{"tlsCiphersuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256"}, nil},
		{"RSA key exchange, go-sql-driver DSN", user + "tls=skip-verify", refused, tls.VersionTLS12, tls.TLS_RSA_WITH_AES_128_CBC_SHA, kind.HandshakeFailed,
			[]string{"enabledSSLCipherSuites=TLS_RSA_WITH_AES_128_CBC_SHA"}, nil},
		{"a suite outside the list given, in OpenSSL names", user + "tls=skip-verify&ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256", refused,
			tls.VersionTLS12, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, kind.HandshakeFailed,
			[]string{"not in the connection's cipher list", "ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"}, []string{"RSA key exchange"}},
		{"3DES, MySQL: no key", "jdbc:mysql://db/?sslMode=REQUIRED", refused, tls.VersionTLS12, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, kind.HandshakeFailed,
			[]string{"3DES", "no setting of dbtls allows TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, []string{"knowingly"}},
		{"RSA key exchange, SQL Server: no key", "jdbc:sqlserver://db;encrypt=true;trustServerCertificate=true", refused, tls.VersionTLS12, tls.TLS_RSA_WITH_AES_128_CBC_SHA,
			kind.HandshakeFailed, []string{"Schannel cipher suite order", "no cipher-suite setting for SQL Server"}, []string{"knowingly"}},
		{"TLS 1.1, Connector/J URL", "jdbc:mysql://db/?sslMode=REQUIRED", noVersion, tls.VersionTLS11, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, kind.TLSVersionMismatch,
			[]string{"offers TLS only up to TLSv1.1", "tls_version=TLSv1.2,TLSv1.3", "tlsVersions=TLSv1.1,TLSv1.2,TLSv1.3"}, nil},
		{"TLS 1.0, go-sql-driver DSN", user + "tls=skip-verify", noVersion, tls.VersionTLS10, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, kind.TLSVersionMismatch,
			[]string{"tls-version=TLSv1,TLSv1.1,TLSv1.2,TLSv1.3"}, nil},
		{"TLS 1.1, enabledTLSProtocols given", "jdbc:mysql://db/?sslMode=REQUIRED&enabledTLSProtocols=TLSv1.2", noVersion, tls.VersionTLS11, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
			kind.TLSVersionMismatch, []string{"allows TLSv1.2 only", "enabledTLSProtocols=TLSv1.1,TLSv1.2"}, nil},
		{"TLS 1.1, MariaDB Connector/J URL", "jdbc:mariadb://db/?sslMode=trust", refused, tls.VersionTLS11, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, kind.TLSVersionMismatch,
			[]string{"enabledSslProtocolSuites=TLSv1.1,TLSv1.2,TLSv1.3"}, nil},
		{"TLS 1.0, SQL Server", "jdbc:sqlserver://db;encrypt=true", noVersion, tls.VersionTLS10, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, kind.TLSVersionMismatch,
			[]string{`SCHANNEL\Protocols\TLS 1.2\Server`, "sslProtocol=TLSv1 "}, nil},
		{"refused too", "jdbc:mysql://db/?sslMode=REQUIRED", refused, 0, 0, kind.HandshakeFailed,
			[]string{"was refused too", "tls_version=TLSv1.2,TLSv1.3", "ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := dsn.Parse(tc.dsn)
			if err != nil {
				t.Fatal(err)
			}
			st, err := Resolve(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var d Diagnosis
			if tc.version != 0 {
				d.saw(tls.ConnectionState{Version: tc.version, CipherSuite: tc.suite})
			}
			got := ExplainHandshake(cfg, st, tc.err, &d)
			if kind.Of(got) != tc.kind {
				t.Errorf("kind %q, want %q: %v", kind.Of(got), tc.kind, got)
			}
			for _, s := range tc.says {
				if !strings.Contains(got.Error(), s) {
					t.Errorf("%v\ndoes not say %q", got, s)
				}
			}
			for _, s := range tc.unsaid {
				if strings.Contains(got.Error(), s) {
					t.Errorf("%v\nsays %q", got, s)
				}
			}
		})
	}
}

// TestExplainHandshakeKeepsWhatItCannotExplain: a diagnostic handshake that
// agreed on what the connection offers explains nothing; the error is kept.
func TestExplainHandshakeKeepsWhatItCannotExplain(t *testing.T) {
	cfg, err := dsn.Parse("jdbc:mysql://db/?sslMode=REQUIRED")
	if err != nil {
		t.Fatal(err)
	}
	st, err := Resolve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	refused := ClassifyHandshake(errString("remote error: tls: bad certificate"))
	var d Diagnosis
	d.saw(tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256})
	if got := ExplainHandshake(cfg, st, refused, &d); got != refused {
		t.Errorf("got %v, want the error unchanged", got)
	}
	d.saw(tls.ConnectionState{Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256})
	if got := ExplainHandshake(cfg, st, refused, &d); got != refused {
		t.Errorf("got %v, want the error unchanged", got)
	}
	if !Diagnosable(refused) || Diagnosable(ClassifyHandshake(errString("x509: certificate signed by unknown authority"))) {
		t.Error("Diagnosable: a refused handshake is, a certificate verdict is not")
	}
}
