package tidb

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

// The differences between TiDB and MariaDB that the matrix's cases do not
// show, each pinned here against both servers (docs/agreement.md lists them).

func leafFrom(ca *certgen.Cert, notAfter time.Time) *certgen.Cert {
	nb, _ := certgen.Window(time.Now(), time.Hour, time.Hour)
	return certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: notAfter})
}

func mariaNeed(t *testing.T, o mariadb.Options) *mariadb.Server { return mariadb.Need(t, o) }

// TestRequireSANOnlyTiDB: TiDB has REQUIRE SAN (the matrix's sanuser cases
// prove it is enforced); MariaDB has no such clause, CREATE USER … REQUIRE
// SAN is a syntax error (1064).
func TestRequireSANOnlyTiDB(t *testing.T) {
	waitBinary(t) // before any deadline: the build may be in progress
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	ti := Need(t, Options{})
	db, err := ti.Admin()
	require.NoError(t, err)
	defer db.Close()
	var stmt string
	require.NoError(t, db.QueryRowContext(ctx, "SHOW CREATE USER '"+SANUser+"'@'%'").Scan(&stmt))
	require.Contains(t, stmt, "REQUIRE SAN '"+ClientSAN+"'")

	ma := mariaNeed(t, mariadb.Options{})
	err = ma.Exec(ctx, "CREATE USER 'sanprobe'@'%' IDENTIFIED BY 'x' REQUIRE SAN '"+ClientSAN+"'")
	var me *mysql.MySQLError
	require.True(t, errors.As(err, &me), "MariaDB accepted REQUIRE SAN: %v", err)
	require.EqualValues(t, 1064, me.Number)
}

// TestNotAfterOfAnOpenConnection: after the server's certificate is replaced
// and reloaded, MariaDB's Ssl_server_not_after on a connection opened before
// still names the certificate that connection got, as its record does; TiDB's
// names the server's current certificate (TiDB reads it from its TLS
// configuration at each SHOW STATUS), so on TiDB the server's view and the
// connection's record of an older connection differ after a reload.
func TestNotAfterOfAnOpenConnection(t *testing.T) {
	waitBinary(t) // before any deadline: the build may be in progress
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "not-after CA", IsCA: true, NotBefore: nb, NotAfter: na})
	first, second := leafFrom(ca, na), leafFrom(ca, na.Add(time.Hour))
	ti := Need(t, Options{TLS: true, Cert: first})
	ma := mariaNeed(t, mariadb.Options{TLS: true, Cert: first})
	format := func(tm time.Time) string { return tm.UTC().Format("Jan _2 15:04:05 2006") }
	for _, srv := range []struct {
		name    string
		port    int
		replace func() error
		want    *certgen.Cert // what the open connection's Ssl_server_not_after names after the reload
	}{
		{"MariaDB", ma.Port, func() error { return ma.ReplaceCert(ctx, second) }, first},
		{"TiDB", ti.Port, func() error { return ti.ReplaceCert(ctx, second) }, second},
	} {
		db, err := connector.OpenDB("jdbc:mysql://127.0.0.1:" + strconv.Itoa(srv.port) + "/?user=" + PlainUser + "&password=" + PlainPassword + "&sslMode=REQUIRED")
		require.NoError(t, err)
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		require.NoError(t, srv.replace())
		info, err := connector.Info(conn)
		require.NoError(t, err)
		require.Equal(t, first.Cert.NotAfter.Truncate(time.Second), info.Peer[0].NotAfter.Truncate(time.Second), "%s: the record keeps the certificate the connection got", srv.name)
		v, err := Status(ctx, conn, "Ssl_server_not_after")
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(v, format(srv.want.Cert.NotAfter)), "%s: open connection's Ssl_server_not_after %q", srv.name, v)
		conn.Close()
		db.Close()
	}
}

// TestClientCertificateDemanded: with require_secure_transport=ON and an
// ssl-ca, TiDB asks every client for a verified certificate in the TLS
// handshake (tls.RequireAndVerifyClientCert) once it has (re)loaded its TLS
// material with require_secure_transport on — after a restart, or ALTER
// INSTANCE RELOAD TLS — so an account without a REQUIRE clause cannot log in
// without a client certificate; MariaDB in the same configuration asks for
// none. A client certificate from the CA lets the plain account in.
func TestClientCertificateDemanded(t *testing.T) {
	waitBinary(t) // before any deadline: the build may be in progress
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "demand CA", IsCA: true, NotBefore: nb, NotAfter: na})
	clientCA := certgen.Must(certgen.Spec{CN: "client CA", IsCA: true, NotBefore: nb, NotAfter: na})
	client := certgen.Must(certgen.Spec{CN: "dbtls client", Org: "dbtls", Parent: clientCA, NotBefore: nb, NotAfter: na})
	o := Options{TLS: true, Cert: leafFrom(ca, na), ClientCA: clientCA, RequireSecureTransport: true}
	ti := Need(t, o)
	ma := mariaNeed(t, mariadb.Options{TLS: o.TLS, Cert: o.Cert, ClientCA: clientCA, RequireSecureTransport: true})
	dsn := func(port int, extra string) string {
		return "jdbc:mysql://127.0.0.1:" + strconv.Itoa(port) + "/?user=" + PlainUser + "&password=" + PlainPassword + "&sslMode=REQUIRED" + extra
	}
	connect := func(d string) error {
		db, err := connector.OpenDB(d)
		require.NoError(t, err)
		defer db.Close()
		conn, err := db.Conn(ctx)
		if err == nil {
			conn.Close()
		}
		return err
	}
	require.NoError(t, connect(dsn(ma.Port, "")), "MariaDB asks no client certificate")
	require.NoError(t, connect(dsn(ti.Port, "")), "TiDB loaded its TLS material before require_secure_transport was set")

	require.NoError(t, ti.Restart(ctx, o))
	_, err := bare(t, ti, PlainUser, PlainPassword, versions(tls.VersionTLS12, tls.VersionTLS13))
	require.ErrorContains(t, err, "invalid connection", "TiDB now refuses a TLS client without a certificate")
	dir := t.TempDir()
	certPath, keyPath, err := client.WriteFiles(dir, "client")
	require.NoError(t, err)
	require.NoError(t, connect(dsn(ti.Port, "&ssl-cert="+certPath+"&ssl-key="+keyPath)), "with a client certificate from the CA")

	err = connect(dsn(ti.Port, ""))
	require.Error(t, err, "TiDB demands a client certificate")
	// Spec §8: a TLS alert the server sends after the handshake is
	// handshake-failed. The alert ("remote error: tls: certificate
	// required") arrives after the TLS 1.3 handshake, on the first read;
	// go-sql-driver logs it and returns only "invalid connection".
	require.ErrorIs(t, err, kind.HandshakeFailed)
	require.Contains(t, err.Error(), "client certificate")
	require.Contains(t, err.Error(), "certificate required")
}
