package connector

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// countingDialer dials to (when set) whatever address it is given, and
// remembers each address.
type countingDialer struct {
	mu    sync.Mutex
	addrs []string
	to    string
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, network+" "+addr)
	to := d.to
	d.mu.Unlock()
	if to == "" {
		to = addr
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, to)
}

func (d *countingDialer) seen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}

// TestWithDialerSQLServer: the dialer is handed the DSN's host name (not an
// address resolved by us), and its connection is still guarded: a server
// answering ENCRYPT_OFF to encrypt=true gets no login, and the chain and
// name are still checked.
func TestWithDialerSQLServer(t *testing.T) {
	f := newTDSFixture(t)
	on := f.server(t, tds.Config{Encryption: tds.On})
	off := f.server(t, tds.Config{Encryption: tds.NotSup})

	// a name that resolves nowhere: only the dialer knows where it is
	d := &countingDialer{to: on.Addr()}
	c, err := New("jdbc:sqlserver://db.invalid:1433;user=sa;password=Tds-s3cret;loginTimeout=5;encrypt=true;hostNameInCertificate=localhost;trustStore="+f.trustFile, WithDialer(d))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.True(t, info.Encrypted)
	require.Equal(t, "db.invalid:1433", info.Addr)
	require.Equal(t, []string{"tcp db.invalid:1433"}, d.seen())

	// the PRELOGIN guard: no login byte to a server that refuses TLS
	d2 := &countingDialer{}
	c, err = New(sqlServerURL(off.Port(), "encrypt=true;trustStore="+f.trustFile), WithDialer(d2))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.EncryptionNotSupported)
	require.Len(t, d2.seen(), 1)
	for _, r := range off.Records() {
		require.False(t, r.LoggedIn)
	}

	// the certificate check: the host's pool does not hold the test CA
	c, err = New(sqlServerURL(on.Port(), "encrypt=true"), WithDialer(&countingDialer{}))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.UntrustedCertificate)

	// a dialer that returns neither a connection nor an error
	c, err = New(sqlServerURL(on.Port(), "encrypt=true;trustStore="+f.trustFile), WithDialer(dialerFunc(func(context.Context, string, string) (net.Conn, error) { return nil, nil })))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.Network)
}

// TestWithDialerMySQL: go-sql-driver's dial goes through the dialer, the
// authentication guard and TLS still apply.
func TestWithDialerMySQL(t *testing.T) {
	srv := tlsServer(t)
	d := &countingDialer{}
	c, err := New(mysqlDSN(srv, "sslMode=REQUIRED"), WithDialer(d))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.True(t, info.Encrypted)
	require.Equal(t, []string{"tcp 127.0.0.1:" + strconv.Itoa(srv.Port)}, d.seen())
}

// TestWithPasswordFuncSQLServer: the provider is called at every Connect,
// its value logs in, and it appears in no error, log or String.
func TestWithPasswordFuncSQLServer(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On, User: "sa", Password: "rotated-2"})
	var calls atomic.Int32
	secrets := []string{"rotated-1", "rotated-2"}
	provider := func(ctx context.Context) (string, error) {
		if ctx == nil {
			return "", errors.New("no context")
		}
		n := calls.Add(1)
		return secrets[min(int(n), len(secrets))-1], nil
	}
	url := "jdbc:sqlserver://localhost:" + strconv.Itoa(srv.Port()) + ";user=sa;loginTimeout=5;encrypt=true;trustStore=" + f.trustFile
	var logs strings.Builder
	c, err := New(url, WithPasswordFunc(provider), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	_, err = connectOnce(t, c) // rotated-1: refused by the server
	require.ErrorIs(t, err, kind.ServerRefused)
	require.NotContains(t, err.Error(), "rotated-1")
	_, err = connectOnce(t, c) // rotated-2: the server's
	require.NoError(t, err)
	require.EqualValues(t, 2, calls.Load())
	require.NotContains(t, c.String(), "rotated")
	require.NotContains(t, fmt.Sprintf("%#v %+v", c, c), "rotated")
	require.NotContains(t, logs.String(), "rotated")

	// a provider's failure: nothing is dialed
	boom := errors.New("vault sealed")
	before := len(srv.Records())
	c, err = New(url, WithPasswordFunc(func(context.Context) (string, error) { return "", boom }))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, boom)
	require.NotErrorIs(t, err, kind.InvalidDSN, "the connection string is not at fault")
	require.ErrorIs(t, err, kind.Network)
	require.ErrorContains(t, err, "the function given to WithPasswordFunc failed: vault sealed")
	require.Len(t, srv.Records(), before)
	// A provider's error that has a kind keeps it.
	c, err = New(url, WithPasswordFunc(func(context.Context) (string, error) {
		return "", &kind.Error{Kind: kind.TruststoreUnreadable, What: "no secret file"}
	}))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.TruststoreUnreadable)

	// never an override of the DSN's password
	_, err = New(url+";password=dsn-s3cret", WithPasswordFunc(provider))
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.ErrorContains(t, err, "WithPasswordFunc")
	require.NotContains(t, err.Error(), "dsn-s3cret")
}

// TestWithPasswordFuncMySQL: the same against MariaDB, through the
// authentication guard (which judges the provided password).
func TestWithPasswordFuncMySQL(t *testing.T) {
	srv := tlsServer(t)
	var calls atomic.Int32
	c, err := New("jdbc:mysql://127.0.0.1:"+strconv.Itoa(srv.Port)+"/?user=plain&sslMode=REQUIRED",
		WithPasswordFunc(func(context.Context) (string, error) { calls.Add(1); return mariadb.PlainPassword, nil }))
	require.NoError(t, err)
	for range 2 {
		_, err = connectOnce(t, c)
		require.NoError(t, err)
	}
	require.EqualValues(t, 2, calls.Load())
	require.NotContains(t, c.String(), mariadb.PlainPassword)

	c, err = New("jdbc:mysql://127.0.0.1:"+strconv.Itoa(srv.Port)+"/?user=plain&sslMode=REQUIRED",
		WithPasswordFunc(func(context.Context) (string, error) { return "wrong-pw", nil }))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.ServerRefused)
	require.NotContains(t, err.Error(), "wrong-pw")
}

// TestWithAccessTokenFunc: go-mssqldb's security-token login over our TLS
// and dialer; the provider's failure sends no login.
func TestWithAccessTokenFunc(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	url := "jdbc:sqlserver://localhost:" + strconv.Itoa(srv.Port()) + ";loginTimeout=5;encrypt=true;trustStore=" + f.trustFile
	var calls atomic.Int32
	d := &countingDialer{}
	c, err := New(url, WithDialer(d), WithAccessTokenFunc(func(ctx context.Context) (string, error) {
		calls.Add(1)
		return "eyJ0eXAiOiJKV1QifQ.token", nil
	}))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.True(t, info.Encrypted)
	require.EqualValues(t, 1, calls.Load())
	require.Len(t, d.seen(), 1)
	var rec tds.Record
	for _, r := range srv.Records() {
		if r.LoggedIn {
			rec = r
		}
	}
	require.True(t, rec.LoggedIn)
	require.True(t, rec.LoginEncrypted)

	boom := errors.New("no token today")
	before := len(srv.Records())
	c, err = New(url, WithAccessTokenFunc(func(context.Context) (string, error) { return "", boom }))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, boom)
	require.NotErrorIs(t, err, kind.InvalidDSN, "the connection string is not at fault")
	require.ErrorContains(t, err, "the function given to WithAccessTokenFunc failed: no token today")
	for _, r := range srv.Records()[before:] {
		require.False(t, r.LoggedIn)
	}

	tok := func(context.Context) (string, error) { return "t", nil }
	_, err = New(url+";user=sa;password=pw", WithAccessTokenFunc(tok))
	require.ErrorIs(t, err, kind.InvalidDSN)
	_, err = New(url, WithAccessTokenFunc(tok), WithPasswordFunc(tok))
	require.ErrorIs(t, err, kind.InvalidDSN)
	_, err = New("jdbc:mysql://127.0.0.1/?user=plain&sslMode=REQUIRED", WithAccessTokenFunc(tok))
	require.ErrorIs(t, err, kind.InvalidDSN)
}

// TestWithRootCAs: the anchors from code replace the host's pool for the
// rows that validate a chain, survive Reload, and never override the DSN.
func TestWithRootCAs(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	pool := x509.NewCertPool()
	pool.AddCert(f.ca.Cert)

	for name, opt := range map[string]Option{"pool": WithRootCAs(pool), "pem": WithRootCAsPEM(f.ca.CertPEM())} {
		t.Run(name, func(t *testing.T) {
			c, err := New(sqlServerURL(srv.Port(), "encrypt=true"), opt)
			require.NoError(t, err)
			st := c.Strategy()
			require.Equal(t, "3", st.Row)
			require.Equal(t, "option", st.Trust.String())
			info, err := connectOnce(t, c)
			require.NoError(t, err)
			require.True(t, info.Encrypted)
			require.NoError(t, c.Reload(context.Background()))
			require.Equal(t, "option", c.Strategy().Trust.Source)
			_, err = connectOnce(t, c)
			require.NoError(t, err)

			// the name is still checked: row 4 with a name the leaf lacks
			c, err = New(sqlServerURL(srv.Port(), "encrypt=true;hostNameInCertificate=other.example"), opt)
			require.NoError(t, err)
			_, err = connectOnce(t, c)
			require.ErrorIs(t, err, kind.HostnameMismatch)
		})
	}

	// another CA: untrusted
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	other := certgen.Must(certgen.Spec{CN: "other CA", IsCA: true, NotBefore: nb, NotAfter: na})
	c, err := New(sqlServerURL(srv.Port(), "encrypt=true"), WithRootCAsPEM(other.CertPEM()))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.UntrustedCertificate)

	// rows that validate no chain: ignored, with a warning
	c, err = New(sqlServerURL(srv.Port(), "encrypt=true;trustServerCertificate=true"), WithRootCAs(pool))
	require.NoError(t, err)
	require.Equal(t, "none", c.Strategy().Trust.Source)
	require.Contains(t, strings.Join(c.Strategy().Warnings, "\n"), "WithRootCAs is ignored: row 2")

	// conflicts and bad input: errors at New
	for _, tc := range []struct {
		dsn  string
		opts []Option
		want kind.Kind
		text string
	}{
		{sqlServerURL(srv.Port(), "encrypt=true;trustStore="+f.trustFile), []Option{WithRootCAs(pool)}, kind.InvalidDSN, "trustStore"},
		{sqlServerURL(srv.Port(), "encrypt=true;trustStorePassword=changeit"), []Option{WithRootCAs(pool)}, kind.InvalidDSN, "trustStorePassword"},
		{"jdbc:mysql://127.0.0.1/?sslMode=VERIFY_CA&ssl-ca=/x.pem", []Option{WithRootCAs(pool)}, kind.InvalidDSN, "ssl-ca"},
		{sqlServerURL(srv.Port(), "encrypt=true"), []Option{WithRootCAs(pool), WithRootCAsPEM(f.ca.CertPEM())}, kind.InvalidDSN, "twice"},
		{sqlServerURL(srv.Port(), "encrypt=true"), []Option{WithRootCAs(nil)}, kind.TruststoreUnreadable, "holds no certificate"},
		{sqlServerURL(srv.Port(), "encrypt=true"), []Option{WithRootCAs(x509.NewCertPool())}, kind.TruststoreUnreadable, "holds no certificate"},
		{sqlServerURL(srv.Port(), "encrypt=true"), []Option{WithRootCAsPEM([]byte("not pem"))}, kind.TruststoreUnreadable, "no PEM block"},
		{sqlServerURL(srv.Port(), "encrypt=true"), []Option{WithRootCAsPEM(f.leaf.KeyPEM())}, kind.TruststoreUnreadable, "not a CERTIFICATE"},
	} {
		_, err := New(tc.dsn, tc.opts...)
		require.ErrorIs(t, err, tc.want, tc.dsn)
		require.ErrorContains(t, err, tc.text)
	}

	// MySQL: VERIFY_CA with the host's pool refused is satisfied by them
	c, err = New("jdbc:mysql://127.0.0.1/?sslMode=VERIFY_CA&fallbackToSystemTrustStore=false", WithRootCAs(pool))
	require.NoError(t, err)
	require.Equal(t, "option", c.Strategy().Trust.Source)
}

// TestWithRootCAsMySQL: VERIFY_IDENTITY against MariaDB with the anchors
// from code.
func TestWithRootCAsMySQL(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "roots CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf})
	c, err := New(mysqlDSN(srv, "sslMode=VERIFY_IDENTITY"), WithRootCAsPEM(ca.CertPEM()))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.True(t, info.Encrypted)

	c, err = New(mysqlDSN(srv, "sslMode=VERIFY_IDENTITY"))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.UntrustedCertificate)
}

// TestSQLOpen: sql.Open("dbtls", dsn) is OpenDB(dsn); New's errors are
// sql.Open's.
func TestSQLOpen(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	db, err := sql.Open("dbtls", sqlServerURL(srv.Port(), "encrypt=true;trustStore="+f.trustFile))
	require.NoError(t, err)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var one int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	require.Equal(t, 1, one)

	_, err = sql.Open("dbtls", sqlServerURL(srv.Port(), "encrypt=maybe;password=s3cret-x"))
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.NotContains(t, err.Error(), "s3cret-x")

	// Open (without OpenConnector) connects once
	conn, err := Driver{}.Open(sqlServerURL(srv.Port(), "encrypt=true;trustStore="+f.trustFile))
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	_, err = Driver{}.Open("jdbc:sqlserver://localhost;encrypt=maybe")
	require.ErrorIs(t, err, kind.InvalidDSN)
}

type dialerFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialerFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// TestWithDialerNamedInstance: SQL Browser's UDP lookup never goes around
// the dialer of WithDialer. A named instance without its port is refused at
// New (invalid-dsn, in every SQL Server shape), a routing answer naming
// host\instance fails the Connect (network): in both cases the browser,
// listening and ready to answer, receives no packet. With the port given,
// the instance is reached through the dialer and the browser is not asked.
func TestWithDialerNamedInstance(t *testing.T) {
	f := newPathFixture(t)
	br := f.browserAnywhere(t, tds.BrowserConfig{})
	ip := br.Host()
	srv := f.server(t, ip, tds.Config{Encryption: tds.On})
	br.SetInstances([]tds.Instance{{Name: "INST", Port: srv.Port()}})
	for _, d := range []string{
		`jdbc:sqlserver://` + ip + `\INST;` + pathsCreds + "encrypt=true;trustStore=" + f.trust,
		`jdbc:sqlserver://` + ip + `;instanceName=INST;` + pathsCreds + "encrypt=true;trustStore=" + f.trust,
		`server=` + ip + `\INST;user id=sa;password=Tds-s3cret;encrypt=true;trustStore=` + f.trust,
		`sqlserver://sa:Tds-s3cret@` + ip + `/INST?encrypt=true&trustStore=` + f.trust,
	} {
		d2 := &countingDialer{}
		_, err := New(d, WithDialer(d2))
		require.ErrorIs(t, err, kind.InvalidDSN, d)
		require.Contains(t, err.Error(), "SQL Browser cannot be asked through WithDialer (instanceName=")
		require.Contains(t, err.Error(), "portNumber")
		require.Empty(t, d2.addrs)
	}
	require.Empty(t, br.Requests(), "a packet went around the dialer")

	d2 := &countingDialer{}
	c, err := New(`jdbc:sqlserver://`+ip+`\INST;portNumber=`+strconv.Itoa(srv.Port())+";"+pathsCreds+"encrypt=true;trustStore="+f.trust, WithDialer(d2))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.NoError(t, err)
	require.Equal(t, []string{"tcp " + ip + ":" + strconv.Itoa(srv.Port())}, d2.addrs)
	require.Empty(t, br.Requests(), "the port was given")

	a := f.server(t, "127.0.0.29", tds.Config{Encryption: tds.On, Route: &tds.Route{Server: ip + `\INST`}})
	d3 := &countingDialer{}
	c, err = New(firstURL("127.0.0.29", a, "encrypt=true;trustStore="+f.trust), WithDialer(d3))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.Network)
	require.Contains(t, err.Error(), "SQL Browser cannot be asked through WithDialer")
	require.Empty(t, br.Requests(), "a routed named instance: a packet went around the dialer")
	require.Len(t, d3.addrs, 1, "only the first hop was dialed")
}
