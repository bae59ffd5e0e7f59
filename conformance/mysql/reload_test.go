package mysql

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	mysqldrv "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

// TestReloadAgainstServer (spec §7): the server's certificate is replaced by
// one from a new CA and FLUSH SSL reloads it; a pool with the old trust store
// fails new connections while its open connection keeps working; after the
// trust store file is rewritten and Reload runs, new connections succeed.
func TestReloadAgainstServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ip := []net.IP{net.ParseIP("127.0.0.1")}
	oldCA := certgen.Must(certgen.Spec{CN: "old CA", IsCA: true, NotBefore: nb, NotAfter: na})
	newCA := certgen.Must(certgen.Spec{CN: "new CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: oldCA, NotBefore: nb, NotAfter: na})})

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, oldCA.CertPEM(), 0o644))
	c, err := connector.New("jdbc:mysql://127.0.0.1:" + itoa(srv.Port) + "/?user=plain&password=" + mariadb.PlainPassword +
		"&sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile)
	require.NoError(t, err)
	db := sqlDB(c)
	defer db.Close()
	open, err := db.Conn(ctx)
	require.NoError(t, err)
	defer open.Close()

	require.NoError(t, srv.ReplaceCert(ctx, certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: newCA, NotBefore: nb, NotAfter: na})))

	fresh, err := db.Conn(ctx)
	if err == nil {
		fresh.Close()
	}
	require.ErrorIs(t, err, kind.UntrustedCertificate, "new connections meet the new certificate with the old trust")
	var one int
	require.NoError(t, open.QueryRowContext(ctx, "SELECT 1").Scan(&one), "the open connection keeps working")

	// A reload that fails keeps the old material.
	require.NoError(t, os.WriteFile(caFile, []byte("not a certificate"), 0o644))
	require.Error(t, c.Reload(ctx))
	require.Equal(t, "pem:"+caFile, c.Strategy().Trust.String())

	require.NoError(t, os.WriteFile(caFile, newCA.CertPEM(), 0o644))
	require.NoError(t, c.Reload(ctx))
	fresh, err = db.Conn(ctx)
	require.NoError(t, err, "after Reload new connections trust the new CA")
	defer fresh.Close()
	info, err := connector.Info(fresh)
	require.NoError(t, err)
	require.Equal(t, "CN=new CA", info.Peer[0].Issuer)
}

// TestNoStickyFallback (spec §5, §9): go-sql-driver stores a plaintext
// fallback in its shared configuration; through dbtls a PREFERRED pool that
// met a server without TLS uses TLS as soon as the server offers it.
func TestNoStickyFallback(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := mariadb.Need(t, mariadb.Options{})
	c, err := connector.New("jdbc:mysql://127.0.0.1:" + itoa(srv.Port) + "/?user=plain&password=" + mariadb.PlainPassword + "&sslMode=PREFERRED")
	require.NoError(t, err)
	db := sqlDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0) // every Conn below is a new connection

	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	cipher, err := mariadb.Status(ctx, conn, "Ssl_cipher")
	require.NoError(t, err)
	require.Empty(t, cipher, "first connection: the server has no TLS, plaintext")
	conn.Close()

	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", NotBefore: nb, NotAfter: na})
	require.NoError(t, srv.Restart(ctx, mariadb.Options{TLS: true, Cert: leaf}))

	conn, err = db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	cipher, err = mariadb.Status(ctx, conn, "Ssl_cipher")
	require.NoError(t, err)
	require.NotEmpty(t, cipher, "later connections use TLS: the fallback did not stick")
	info, err := connector.Info(conn)
	require.NoError(t, err)
	require.True(t, info.Encrypted)
}

// TestBareDriverFallbackSticks pins the upstream behaviour dbtls differs
// from (docs/divergences.md): the bare go-sql-driver connector, after one
// plaintext fallback, stays in plaintext after the server gains TLS.
func TestBareDriverFallbackSticks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := mariadb.Need(t, mariadb.Options{})
	cfg := mysqldrv.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = mariadb.PlainUser, mariadb.PlainPassword, "tcp", srv.Addr
	cfg.TLS = &tls.Config{InsecureSkipVerify: true}
	cfg.AllowFallbackToPlaintext = true
	bare, err := mysqldrv.NewConnector(cfg)
	require.NoError(t, err)
	db := sqlDB(bare)
	defer db.Close()
	db.SetMaxIdleConns(0)
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	conn.Close()

	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	require.NoError(t, srv.Restart(ctx, mariadb.Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "127.0.0.1", NotBefore: nb, NotAfter: na})}))
	conn, err = db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	cipher, err := mariadb.Status(ctx, conn, "Ssl_cipher")
	require.NoError(t, err)
	require.Empty(t, cipher, "upstream go-sql-driver keeps the plaintext fallback; if this fails, upstream fixed it: update docs/divergences.md")
}
