package connector

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestReload (spec §7) against MariaDB: a reload that fails keeps the old
// material (new connections still succeed with it); a reload that succeeds
// is used by new connections only; the open connection keeps working and
// keeps its own record.
func TestReload(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ip := []net.IP{net.ParseIP("127.0.0.1")}
	ca1 := certgen.Must(certgen.Spec{CN: "first CA", IsCA: true, NotBefore: nb, NotAfter: na})
	ca2 := certgen.Must(certgen.Spec{CN: "second CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: ca1, NotBefore: nb, NotAfter: na})})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca1.CertPEM(), 0o644))

	var logs bytes.Buffer
	c, err := New(mysqlDSN(srv, "sslMode=VERIFY_IDENTITY&ssl-ca="+caFile), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0) // every db.Conn after the first is a new connection
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	open, err := db.Conn(ctx)
	require.NoError(t, err)
	defer open.Close()
	before, err := Info(open)
	require.NoError(t, err)
	require.Equal(t, "CN=first CA", before.Peer[0].Issuer)
	old := c.Strategy()

	// A cancelled context: nothing happens.
	done, stop := context.WithCancel(ctx)
	stop()
	require.ErrorIs(t, c.Reload(done), context.Canceled)

	// A failed reload keeps the old material.
	require.NoError(t, os.Remove(caFile))
	err = c.Reload(ctx)
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
	require.Same(t, old.Roots, c.Strategy().Roots, "the old trust anchors stay in force")
	again, err := db.Conn(ctx)
	require.NoError(t, err, "new connections still use the old material")
	again.Close()

	// The server moves to a certificate from the second CA; the trust file
	// follows; Reload picks it up for new connections.
	require.NoError(t, srv.ReplaceCert(ctx, certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: ca2, NotBefore: nb, NotAfter: na})))
	_, err = db.Conn(ctx)
	require.ErrorIs(t, err, kind.UntrustedCertificate, "before Reload, the second CA is not trusted")
	require.NoError(t, os.WriteFile(caFile, ca2.CertPEM(), 0o644))
	require.NoError(t, c.Reload(ctx))
	require.NotSame(t, old.Roots, c.Strategy().Roots)
	fresh, err := db.Conn(ctx)
	require.NoError(t, err)
	defer fresh.Close()
	after, err := Info(fresh)
	require.NoError(t, err)
	require.Equal(t, "CN=second CA", after.Peer[0].Issuer)

	// The open connection was untouched.
	var one int
	require.NoError(t, open.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	require.True(t, serverSaysEncrypted(t, open))
	still, err := Info(open)
	require.NoError(t, err)
	require.Equal(t, before, still)

	require.Contains(t, logs.String(), "reload failed")
	require.Contains(t, logs.String(), "reloaded trust material")
	require.NotContains(t, logs.String(), mariadb.PlainPassword)
}

// TestReloadWhileConnecting: Reload swaps the strategy atomically while
// connections are being made (run with -race); every connection is made
// under one whole strategy, the old or the new.
func TestReloadWhileConnecting(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	c, err := New("jdbc:sqlserver://localhost:" + strconv.Itoa(srv.Port()) + ";user=sa;password=pw;loginTimeout=5;encrypt=true;trustStore=" + f.trustFile)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				conn, err := c.Connect(ctx)
				if err != nil {
					errs <- err
					return
				}
				conn.Close()
			}
		}()
	}
	for i := 0; i < 10; i++ {
		if err := c.Reload(ctx); err != nil {
			errs <- err
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
