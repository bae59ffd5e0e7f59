package mysqlfake_test

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestOfferedTLS pins what dbtls sends to the attacker who does not strip
// TLS but offers it (docs/security.md, "What an active attacker gets"): the
// fake greets with CLIENT_SSL, does TLS with its own self-signed
// certificate, and asks for the password inside it. PREFERRED and REQUIRED
// authenticate no server, so the TLS succeeds and the password goes to the
// attacker in clear inside it — caching_sha2_password after "perform full
// authentication" (01 04) and sha256_password, as go-sql-driver and MySQL's
// Connector/J (conformance/mysql TestDifferentialOfferedTLS) both do;
// mysql_clear_password only with allowCleartextPasswords=true. VERIFY_CA and
// VERIFY_IDENTITY refuse the certificate: nothing of the password leaves.
func TestOfferedTLS(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	attacker := certgen.Must(certgen.Spec{CN: "127.0.0.1", NotBefore: nb, NotAfter: na})
	realCA := certgen.Must(certgen.Spec{CN: "real CA", IsCA: true, NotBefore: nb, NotAfter: na})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, realCA.CertPEM(), 0o600))
	pair := attacker.TLS(false)
	offered := &tls.Config{Certificates: []tls.Certificate{pair}}

	for _, tc := range []struct {
		name, plugin, params string
		gives                bool      // the attacker reads the password
		fail                 kind.Kind // "": connects
	}{
		{"caching_sha2 full auth/PREFERRED", mysqlfake.CachingSHA2, "sslMode=PREFERRED", true, ""},
		{"caching_sha2 full auth/REQUIRED", mysqlfake.CachingSHA2, "sslMode=REQUIRED", true, ""},
		{"caching_sha2 full auth/default (PREFERRED)", mysqlfake.CachingSHA2, "", true, ""},
		{"sha256_password/REQUIRED", mysqlfake.SHA256, "sslMode=REQUIRED", true, ""},
		{"mysql_clear_password/REQUIRED", mysqlfake.Clear, "sslMode=REQUIRED", false, kind.HandshakeFailed},
		{"mysql_clear_password allowed/REQUIRED", mysqlfake.Clear, "sslMode=REQUIRED&allowCleartextPasswords=true", true, ""},
		{"caching_sha2 full auth/VERIFY_CA", mysqlfake.CachingSHA2, "sslMode=VERIFY_CA&ssl-ca=" + caFile, false, kind.UntrustedCertificate},
		{"caching_sha2 full auth/VERIFY_IDENTITY", mysqlfake.CachingSHA2, "sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile, false, kind.UntrustedCertificate},
		{"sha256_password/VERIFY_IDENTITY", mysqlfake.SHA256, "sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile, false, kind.UntrustedCertificate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := start(t, mysqlfake.Config{Plugin: tc.plugin, TLS: offered})
			conn, err := connect(t, fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&%s", srv.Port(), password, tc.params))
			if conn != nil {
				conn.Close()
			}
			srv.Close()
			if tc.fail == "" {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.fail)
				require.NotContains(t, err.Error(), password)
				if tc.plugin == mysqlfake.Clear { // go-sql-driver stopped; the one thing missing is its consent, and a verified server
					require.Contains(t, err.Error(), "dbtls: cleartext password not sent: ")
					require.Contains(t, err.Error(), "set allowCleartextPasswords=true")
					require.Contains(t, err.Error(), "VERIFY_IDENTITY")
				}
			}
			s := srv.Sessions()[0]
			if tc.gives {
				require.True(t, s.TLS, "the client did TLS with the attacker's certificate")
				require.Equal(t, []string{password}, s.Recovered, "the attacker reads the password, in clear inside its TLS")
				return
			}
			require.Empty(t, s.Recovered)
			require.Zero(t, s.KeyRequests)
		})
	}
}

// TestServerMessageEscaped: a server's error message (here the ERR ending
// the authentication) reaches the error with its control characters
// escaped and cut to a bounded length (spec §8): 1,000 ESC sequences and CR
// LF forging "ERROR: NONE (ALL GOOD)" neither forge a line nor drive a
// terminal.
func TestServerMessageEscaped(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	attacker := certgen.Must(certgen.Spec{CN: "127.0.0.1", NotBefore: nb, NotAfter: na})
	forged := strings.Repeat("\x1b[2K\r\nERROR: NONE (ALL GOOD)", 1000)
	srv := start(t, mysqlfake.Config{TLS: &tls.Config{Certificates: []tls.Certificate{attacker.TLS(false)}}, Refuse: forged})
	conn, err := connect(t, fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&sslMode=REQUIRED", srv.Port(), password))
	if conn != nil {
		conn.Close()
	}
	require.ErrorIs(t, err, kind.ServerRefused)
	msg := err.Error()
	require.Contains(t, msg, `\x1b[2K\r\nERROR: NONE (ALL GOOD)`)
	require.False(t, strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }), "a control character in %q", msg)
	require.Less(t, len(msg), 1024)
}
