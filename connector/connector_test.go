package connector

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

func tlsServer(t testing.TB) *mariadb.Server {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: nb, NotAfter: na})
	return mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf})
}

func mysqlDSN(s *mariadb.Server, params string) string {
	return "jdbc:mysql://127.0.0.1:" + strconv.Itoa(s.Port) + "/?user=plain&password=" + mariadb.PlainPassword + "&" + params
}

// TestEachConnectionItsOwnRecord: pooled connections made at the same time
// each carry their own facts, read back through Info, the observer and slog.
func TestEachConnectionItsOwnRecord(t *testing.T) {
	srv := tlsServer(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	seen := map[uint64]ConnInfo{}
	c, err := New(mysqlDSN(srv, "sslMode=REQUIRED"),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		WithObserver(func(i ConnInfo) { mu.Lock(); seen[i.ID] = i; mu.Unlock() }))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	ctx := context.Background()
	var conns []*sql.Conn
	for i := 0; i < 3; i++ {
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		conns = append(conns, conn)
	}
	ids := map[uint64]bool{}
	for _, conn := range conns {
		info, err := Info(conn)
		require.NoError(t, err)
		require.True(t, info.Encrypted)
		require.Equal(t, "REQUIRED", info.Row)
		require.Equal(t, srv.Addr, info.Addr)
		require.NotEmpty(t, info.Peer)
		ids[info.ID] = true
		require.Equal(t, info, seen[info.ID], "the observer saw the same record")
	}
	require.Len(t, ids, 3, "three connections, three records")
	require.Contains(t, logs.String(), "dbtls: connected")
	require.NotContains(t, logs.String(), mariadb.PlainPassword, "no password in a log line")

	// database/sql keeps the driver's own connection and its fast paths.
	require.NoError(t, conns[0].Raw(func(dc any) error {
		if _, ok := dc.(driver.QueryerContext); !ok {
			return errors.New("the driver connection lost QueryerContext")
		}
		return nil
	}))
}

func TestInfoOnAForeignConnection(t *testing.T) {
	srv := tlsServer(t)
	db, err := sql.Open("mysql", "plain:"+mariadb.PlainPassword+"@tcp("+srv.Addr+")/")
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	_, err = Info(conn)
	require.ErrorIs(t, err, ErrNotDBTLS)
}

func TestErrorsHaveKinds(t *testing.T) {
	off := mariadb.Need(t, mariadb.Options{})
	_, err := sqlConnect(t, mysqlDSN(off, "sslMode=REQUIRED"))
	require.ErrorIs(t, err, kind.EncryptionNotSupported)

	_, err = sqlConnect(t, "jdbc:mysql://127.0.0.1:"+strconv.Itoa(off.Port)+"/?user=plain&password=wrong-pw&sslMode=DISABLED")
	require.ErrorIs(t, err, kind.ServerRefused)
	require.NotContains(t, err.Error(), "wrong-pw")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(addr)
	_, err = sqlConnect(t, "jdbc:mysql://127.0.0.1:"+port+"/?sslMode=REQUIRED")
	require.ErrorIs(t, err, kind.Network)

	_, err = New("jdbc:mysql://h/?sslMode=SOMETIMES")
	require.ErrorIs(t, err, kind.InvalidDSN)
}

func sqlConnect(t *testing.T, dsn string) (*sql.Conn, error) {
	db, err := OpenDB(dsn)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err == nil {
		t.Cleanup(func() { conn.Close() })
	}
	return conn, err
}

// TestResumption: the connector's session cache lets later connections
// resume, and the checks still run on a resumed session: after Reload with
// another CA, a connection that could resume is refused.
func TestResumption(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "resumption CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CertPEM(), 0o644))
	c, err := New(mysqlDSN(srv, "sslMode=VERIFY_IDENTITY&tls-version=TLSv1.2&ssl-ca="+caFile))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0)
	ctx := context.Background()
	var resumed bool
	for i := 0; i < 3; i++ {
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		info, err := Info(conn)
		require.NoError(t, err)
		require.NotEmpty(t, info.Peer, "VerifyConnection ran and recorded the certificate")
		resumed = resumed || info.DidResume
		conn.Close()
	}
	require.True(t, resumed, "later connections resume through the connector's session cache")

	other := certgen.Must(certgen.Spec{CN: "other CA", IsCA: true, NotBefore: nb, NotAfter: na})
	require.NoError(t, os.WriteFile(caFile, other.CertPEM(), 0o644))
	require.NoError(t, c.Reload(ctx))
	_, err = db.Conn(ctx)
	require.ErrorIs(t, err, kind.UntrustedCertificate, "a resumable session is still checked against the trust in force")
}
