package tidb

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestReloadAgainstServer (spec §7) against TiDB: the server's certificate
// is replaced by one from a new CA and ALTER INSTANCE RELOAD TLS reloads it;
// TiDB's Ssl_server_not_after names the new certificate at once; a pool with
// the old trust store fails new connections (untrusted-certificate) while its
// open connection keeps working; a Reload after the trust file was garbage
// fails and keeps the old material; after the trust file is rewritten and
// Connector.Reload runs, new connections succeed and record the new CA.
func TestReloadAgainstServer(t *testing.T) {
	waitBinary(t) // before any deadline: the build may be in progress
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ip := []net.IP{net.ParseIP("127.0.0.1")}
	oldCA := certgen.Must(certgen.Spec{CN: "old CA", IsCA: true, NotBefore: nb, NotAfter: na})
	newCA := certgen.Must(certgen.Spec{CN: "new CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv := Need(t, Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: oldCA, NotBefore: nb, NotAfter: na})})

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, oldCA.CertPEM(), 0o644))
	c, err := connector.New("jdbc:mysql://127.0.0.1:" + strconv.Itoa(srv.Port) + "/?user=" + PlainUser + "&password=" + PlainPassword +
		"&sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile)
	require.NoError(t, err)
	db := sqlDB(c)
	defer db.Close()
	open, err := db.Conn(ctx)
	require.NoError(t, err)
	defer open.Close()
	before, err := connector.Info(open)
	require.NoError(t, err)
	require.Equal(t, "CN=old CA", before.Peer[0].Issuer)

	// Later than the old one, so that Ssl_server_not_after tells them apart.
	newLeaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: newCA, NotBefore: nb, NotAfter: na.Add(time.Hour)})
	require.NoError(t, srv.ReplaceCert(ctx, newLeaf))

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
	notAfter, err := Status(ctx, fresh, "Ssl_server_not_after")
	require.NoError(t, err)
	require.Equal(t, info.Peer[0].NotAfter.UTC().Format("Jan _2 15:04:05 2006 MST"), notAfter, "TiDB reports the reloaded certificate")
	version, err := Status(ctx, fresh, "Ssl_version")
	require.NoError(t, err)
	require.Equal(t, info.Version, version)
}
