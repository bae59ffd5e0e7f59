package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/certgen"
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
