package mysql

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/certgen"
	"github.com/stretchr/testify/require"
)

// TestMigratingFromJDBC does, step by step, what docs/migrating-from-jdbc.md
// tells a team to do: take the Java service's JDBC URL and its JKS trust
// store (made by keytool, as the Java team made it) and open a *sql.DB.
func TestMigratingFromJDBC(t *testing.T) {
	dir := t.TempDir()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "Corp Root CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"},
		IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: na})})

	// Step 1: the Java service's trust store, as its team made it with keytool.
	caPEM, _, err := ca.WriteFiles(dir, "corp-root")
	require.NoError(t, err)
	jks := filepath.Join(dir, "truststore.jks")
	out, err := exec.Command("keytool", "-importcert", "-noprompt", "-alias", "corp-root", "-file", caPEM,
		"-keystore", jks, "-storetype", "JKS", "-storepass", "changeit").CombinedOutput()
	require.NoError(t, err, string(out))

	// Step 2: the Java service's JDBC URL, unchanged.
	jdbcURL := "jdbc:mysql://localhost:" + strconv.Itoa(srv.Port) + "/?user=plain&password=" + mariadb.PlainPassword +
		"&sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:" + jks + "&trustCertificateKeyStorePassword=changeit"

	// Step 3: open a *sql.DB through dbtls.
	db, err := connector.OpenDB(jdbcURL)
	require.NoError(t, err)
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()

	// Step 4: check what was negotiated.
	info, err := connector.Info(conn)
	require.NoError(t, err)
	require.True(t, info.Encrypted)
	require.Equal(t, "VERIFY_IDENTITY", info.Row)
	require.Equal(t, "CN=Corp Root CA", info.Peer[0].Issuer)
	cipher, err := mariadb.Status(ctx, conn, "Ssl_cipher")
	require.NoError(t, err)
	require.Equal(t, info.CipherOpenSSL, cipher)
}
