package tidb

import (
	"context"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"errors"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

// bare connects with go-sql-driver alone (no dbtls) and returns the
// server's Ssl_version, or the error: these tests establish what the server
// does, independently of the library under test.
func bare(t *testing.T, s *Server, user, pw string, tc *tls.Config) (string, error) {
	t.Helper()
	c := mysql.NewConfig()
	c.User, c.Passwd, c.Net, c.Addr, c.TLS = user, pw, "tcp", s.Addr, tc
	conn, err := mysql.NewConnector(c)
	require.NoError(t, err)
	db := sql.OpenDB(conn)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer cn.Close()
	return Status(ctx, cn, "Ssl_version")
}

func versions(lo, hi uint16) *tls.Config {
	return &tls.Config{InsecureSkipVerify: true, MinVersion: lo, MaxVersion: hi}
}

// TestServerConfigurations checks that each configuration the matrix uses is
// what TiDB serves: TLS off or on, require-secure-transport (error 3159
// without TLS, the unix socket still open to root), the minimum tls-version
// (TLSv1.2 also accepts TLSv1.3; TLSv1.1 is refused by TiDB, which keeps its
// default), and Ssl_server_not_after naming the certificate served.
func TestServerConfigurations(t *testing.T) {
	waitBinary(t) // before any deadline: the build may be in progress
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "harness CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: na})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	off := Need(t, Options{})
	have, err := off.Variable(ctx, "have_ssl")
	require.NoError(t, err)
	require.Equal(t, "DISABLED", have)
	v, err := bare(t, off, PlainUser, PlainPassword, nil)
	require.NoError(t, err)
	require.Empty(t, v)
	_, err = bare(t, off, PlainUser, PlainPassword, versions(tls.VersionTLS12, tls.VersionTLS13))
	require.ErrorIs(t, err, mysql.ErrNoTLS)

	t.Run("require-secure-transport", func(t *testing.T) {
		s := Need(t, Options{TLS: true, Cert: leaf, RequireSecureTransport: true})
		rst, err := s.Variable(ctx, "require_secure_transport")
		require.NoError(t, err)
		require.Equal(t, "ON", rst)
		_, err = bare(t, s, PlainUser, PlainPassword, nil)
		var me *mysql.MySQLError
		require.True(t, errors.As(err, &me), "%v", err)
		require.EqualValues(t, 3159, me.Number)
		v, err := bare(t, s, PlainUser, PlainPassword, versions(tls.VersionTLS12, tls.VersionTLS13))
		require.NoError(t, err)
		require.Equal(t, "TLSv1.3", v)

		// Through dbtls, the refusal says what to write in the DSN's own
		// spelling, and writing it connects.
		for _, c := range []struct{ off, advice, on string }{
			{"tls=false", "set tls=true (or at least tls=skip-verify)", "tls=skip-verify"},
			{"ssl-mode=DISABLED", "set ssl-mode=VERIFY_IDENTITY (or at least ssl-mode=REQUIRED)", "ssl-mode=REQUIRED"},
		} {
			base := PlainUser + ":" + PlainPassword + "@tcp(" + s.Addr + ")/?"
			db, err := connector.OpenDB(base + c.off)
			require.NoError(t, err)
			err = db.PingContext(ctx)
			db.Close()
			require.ErrorIs(t, err, kind.ServerRefused)
			require.ErrorContains(t, err, c.advice)
			db, err = connector.OpenDB(base + c.on)
			require.NoError(t, err)
			require.NoError(t, db.PingContext(ctx), c.on)
			db.Close()
		}
	})

	t.Run("tls-version", func(t *testing.T) {
		for _, tc := range []struct {
			setting string
			lo, hi  uint16
			want    string // "" = no connection
		}{
			{"", tls.VersionTLS12, tls.VersionTLS12, "TLSv1.2"},
			{"", tls.VersionTLS10, tls.VersionTLS11, ""},
			{"TLSv1.2", tls.VersionTLS12, tls.VersionTLS12, "TLSv1.2"},
			{"TLSv1.2", tls.VersionTLS13, tls.VersionTLS13, "TLSv1.3"}, // a minimum, not a list
			{"TLSv1.3", tls.VersionTLS12, tls.VersionTLS12, ""},
			{"TLSv1.3", tls.VersionTLS12, tls.VersionTLS13, "TLSv1.3"},
			{"TLSv1.1", tls.VersionTLS11, tls.VersionTLS11, ""}, // ignored: TiDB keeps TLSv1.2
			{"TLSv1.1", tls.VersionTLS12, tls.VersionTLS12, "TLSv1.2"},
		} {
			s := server(t, Options{TLS: true, Cert: leaf, TLSVersion: tc.setting})
			got, err := bare(t, s, PlainUser, PlainPassword, versions(tc.lo, tc.hi))
			if tc.want == "" {
				require.Error(t, err, "tls-version=%q, client %x-%x", tc.setting, tc.lo, tc.hi)
				continue
			}
			require.NoError(t, err, "tls-version=%q, client %x-%x", tc.setting, tc.lo, tc.hi)
			require.Equal(t, tc.want, got, "tls-version=%q", tc.setting)
		}
		log, _ := os.ReadFile(servers[Options{TLS: true, Cert: leaf, TLSVersion: "TLSv1.1"}].logPath)
		require.Contains(t, string(log), "Invalid TLS version", "TiDB says it ignores tls-version=TLSv1.1")
	})

	t.Run("not-after", func(t *testing.T) {
		s := server(t, Options{TLS: true, Cert: leaf})
		db := sql.OpenDB(mustConnector(t, s, versions(tls.VersionTLS12, tls.VersionTLS13)))
		defer db.Close()
		cn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer cn.Close()
		na, err := Status(ctx, cn, "Ssl_server_not_after")
		require.NoError(t, err)
		require.Equal(t, leaf.Cert.NotAfter.UTC().Format("Jan _2 15:04:05 2006 MST"), na)
		require.True(t, strings.HasSuffix(na, " UTC"), "TiDB writes the zone as UTC (MariaDB: GMT): %q", na)
	})
}

// waitBinary waits for tidb-server (Binary); without one the test fails
// under CI and is skipped elsewhere.
func waitBinary(t *testing.T) {
	t.Helper()
	if _, err := Binary(); err != nil {
		Unavailable(t, err)
	}
}

var servers = map[Options]*Server{}

// server is Need, shared between the subtests of one test.
func server(t *testing.T, o Options) *Server {
	t.Helper()
	if s, ok := servers[o]; ok {
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		Unavailable(t, err)
	}
	servers[o] = s
	return s
}

func mustConnector(t *testing.T, s *Server, tc *tls.Config) driver.Connector {
	c := mysql.NewConfig()
	c.User, c.Passwd, c.Net, c.Addr, c.TLS = PlainUser, PlainPassword, "tcp", s.Addr, tc
	conn, err := mysql.NewConnector(c)
	require.NoError(t, err)
	return conn
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range servers {
		s.Stop()
	}
	if fx != nil {
		fx.Close()
	}
	os.Exit(code)
}

func sqlDB(c driver.Connector) *sql.DB { return sql.OpenDB(c) }
