package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

func TestProbeAgainstMariaDB(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "probe CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CertPEM(), 0o644))
	base := "jdbc:mysql://127.0.0.1:" + strconv.Itoa(srv.Port) + "/?user=plain&password=" + mariadb.PlainPassword

	var out struct {
		OK     bool
		Family string
		Row    string
		Mode   string
		TLS    struct {
			Version, Cipher, CipherOpenSSL string
			LoginOnly                      bool
			PeerCertificates               []struct{ Subject, Issuer, SHA256, NotAfter string }
		}
		Server struct{ SSLVersion, SSLCipher, SSLServerNotAfter string }
		Error  *struct{ Kind, Message string }
	}
	code, stdout, _ := runProbeCLI(t, "probe", "--json", base+"&sslMode=VERIFY_IDENTITY&ssl-ca="+caFile)
	require.Equal(t, 0, code, stdout)
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	require.True(t, out.OK)
	require.Equal(t, "mysql", out.Family)
	require.Equal(t, "VERIFY_IDENTITY", out.Row)
	require.Equal(t, "ca-chain", out.Mode)
	require.Equal(t, out.Server.SSLVersion, out.TLS.Version, "the server's view and the connection's agree")
	require.Equal(t, out.Server.SSLCipher, out.TLS.CipherOpenSSL)
	require.Equal(t, leaf.SHA256(), out.TLS.PeerCertificates[0].SHA256)
	require.Equal(t, "CN=probe CA", out.TLS.PeerCertificates[0].Issuer)

	// The system pool does not hold this run's CA: untrusted, exit 1.
	code, stdout, _ = runProbeCLI(t, "probe", "--json", "--timeout", "20s", base+"&sslMode=VERIFY_CA")
	require.Equal(t, 1, code)
	out.Error = nil
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	require.False(t, out.OK)
	require.Equal(t, "untrusted-certificate", out.Error.Kind)

	code, text, _ := runProbeCLI(t, "probe", base+"&sslMode=REQUIRED")
	require.Equal(t, 0, code)
	require.Contains(t, text, "encryption:      full")
}

func runProbeCLI(t *testing.T, args ...string) (int, string, string) {
	code, out, errOut := runCLI(t, args...)
	require.NotContains(t, out+errOut, mariadb.PlainPassword, "a password was printed")
	return code, out, errOut
}

// TestProbeSQLServer runs probe against in-process TDS servers: row 1
// against a server answering OFF reports login-only encryption; row 7
// validates against a PEM store and reports full TLS and the certificate;
// row 2 against a server without encryption fails with
// encryption-not-supported and exit status 1.
func TestProbeSQLServer(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "probe tds CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, Parent: ca, NotBefore: nb, NotAfter: na})
	cert := leaf.TLS(true)
	listen := func(s tds.Setting) int {
		srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: s, Certificate: &cert})
		require.NoError(t, err)
		t.Cleanup(func() { srv.Close() })
		return srv.Port()
	}
	off, notSup := listen(tds.Off), listen(tds.NotSup)
	trust := filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(trust, ca.CertPEM(), 0o644))
	url := func(port int, props string) string {
		return "jdbc:sqlserver://localhost:" + strconv.Itoa(port) + ";user=sa;password=" + mariadb.PlainPassword + ";loginTimeout=5;" + props
	}
	type result struct {
		OK     bool
		Family string
		Row    string
		Mode   string
		TLS    *struct {
			Encrypted, LoginOnly bool
			Version              string
			PeerCertificates     []struct {
				Subject, Issuer, SHA256 string
				DaysLeft                *int
			}
		}
		Server *struct{ SSLVersion string }
		Error  *struct{ Kind, Message string }
	}
	probeJSON := func(dsn string) (int, result) {
		code, stdout, _ := runProbeCLI(t, "probe", "--json", "--timeout", "20s", dsn)
		var r result
		require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
		return code, r
	}

	code, r := probeJSON(url(off, "encrypt=false"))
	require.Equal(t, 0, code)
	require.True(t, r.OK)
	require.Equal(t, "sqlserver", r.Family)
	require.Equal(t, "1", r.Row)
	require.Equal(t, "none", r.Mode)
	require.True(t, r.TLS.LoginOnly)
	require.False(t, r.TLS.Encrypted)
	require.Nil(t, r.Server, "the Ssl_* status is MySQL's")

	code, r = probeJSON(url(off, "encrypt=true;trustStore="+trust))
	require.Equal(t, 0, code)
	require.Equal(t, "7", r.Row)
	require.Equal(t, "ca-chain", r.Mode)
	require.True(t, r.TLS.Encrypted)
	require.False(t, r.TLS.LoginOnly)
	require.Equal(t, "TLSv1.2", r.TLS.Version)
	require.Equal(t, leaf.SHA256(), r.TLS.PeerCertificates[0].SHA256)
	require.Equal(t, "CN=probe tds CA", r.TLS.PeerCertificates[0].Issuer)
	require.NotNil(t, r.TLS.PeerCertificates[0].DaysLeft)
	require.Equal(t, 0, *r.TLS.PeerCertificates[0].DaysLeft, "the certificate expires within the day (spec §7: probe prints the days left)")

	code, r = probeJSON(url(notSup, "encrypt=true;trustServerCertificate=true"))
	require.Equal(t, 1, code)
	require.False(t, r.OK)
	require.Equal(t, "encryption-not-supported", r.Error.Kind)

	code, text, errText := runProbeCLI(t, "probe", url(off, "encrypt=false"))
	require.Equal(t, 0, code, errText)
	require.Contains(t, text, "encryption:      login packet only")
	require.Contains(t, text, "Z (0 days left)\n")
	require.True(t, strings.HasPrefix(text, "ok:"), text)
}

func TestProbeUsage(t *testing.T) {
	code, _, errText := runProbeCLI(t, "probe")
	require.Equal(t, 2, code)
	require.Contains(t, errText, "usage: dbtls probe")
	code, _, _ = runProbeCLI(t, "probe", "--timeout", "soon", "jdbc:mysql://h/")
	require.Equal(t, 2, code)

	code, stdout, _ := runProbeCLI(t, "probe", "--json", "jdbc:mysql://h/?user=u&password="+mariadb.PlainPassword+"&sslMode=SOMETIMES")
	require.Equal(t, 3, code, "invalid-dsn (docs/cli.md)")
	var r struct {
		OK    bool
		Error struct{ Kind string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Equal(t, "invalid-dsn", r.Error.Kind)
}
