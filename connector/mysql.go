package connector

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dbtls/dbtls/connector/internal/mysqlauth"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/driverparam"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
)

// mySQL is the backend of the MySQL family (MySQL, MariaDB, TiDB):
// go-sql-driver/mysql, never its global TLS registry. One go-sql-driver
// connector, built over the configuration from the fields, makes every
// connection. Its BeforeConnect option hands each Connect a copy of that
// configuration, where the connection's own *tls.Config, password, plaintext
// fallback and logger are set: a fallback in PREFERRED never outlives its
// connection. Its DialFunc, which the driver reads from the shared
// configuration, finds the connection's attempt in the context the driver
// derives from Connect's.
type mySQL struct {
	cfg      *dsn.Config
	opts     *options
	base     *mysql.Config // the driver's configuration from the fields; not changed after New
	charsets []string      // a charset list, set after the driver's connect (setNames); nil: the driver sets the charset
	gen      atomic.Pointer[myGen]
}

// myGen is go-sql-driver's connector for one pinned server key (nil: none
// of dbtls's), and the authentication guard's policy over it.
type myGen struct {
	key    *rsa.PublicKey
	name   string // the name key was registered under for NewConnector
	conn   driver.Connector
	policy mysqlauth.Policy // each connection adds its password and sslMode
}

// myAttempt is one Connect, in the context go-sql-driver hands its hooks.
type myAttempt struct {
	*attempt
	ctx context.Context // the Connect's: it bounds every connection dialed (deadline.go)
	gen *myGen
}

type attemptKey struct{}

// newMySQL refuses WithAccessTokenFunc (SQL Server's), builds the driver's
// configuration and its connector; the driver's own checks run on it there.
func newMySQL(cfg *dsn.Config, o *options) (backend, error) {
	if o.token != nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "WithAccessTokenFunc on a " + string(cfg.Family) + " DSN",
			Why: "access-token (Microsoft Entra ID) login is SQL Server's", Fix: "use WithPasswordFunc for a rotating password"}
	}
	m, charsets, err := mysqlConfig(cfg)
	if err != nil {
		return nil, err
	}
	b := &mySQL{cfg: cfg, opts: o, base: m, charsets: charsets}
	if err := b.generation(nil); err != nil {
		return nil, err
	}
	return b, nil
}

// prepare builds the connector for st's pinned server key when it is not
// the one in use.
func (b *mySQL) prepare(st *verify.Strategy) error {
	key := st.ServerRSAKey // serverRSAPublicKeyFile's, loaded by verify.Resolve: a Reload re-reads it
	if in := b.gen.Load().key; key == in || key != nil && in != nil && key.Equal(in) {
		return nil
	}
	return b.generation(key)
}

// generation builds go-sql-driver's connector over a copy of the base
// configuration with the hooks set, pinning key when it is not nil, and
// puts it in force: the key is registered (mysql.RegisterServerPubKey)
// under a name of its own for NewConnector, which keeps the key itself, and
// deregistered at once. NewConnector runs the driver's checks on the
// configuration every connection then starts from.
func (b *mySQL) generation(key *rsa.PublicKey) error {
	m := b.base.Clone()
	m.DialFunc, m.Logger = b.dial, driverLog{b.opts, 0, nil}
	_ = m.Apply(mysql.BeforeConnect(b.beforeConnect)) // it returns no error
	if b.charsets != nil {
		m.Params = nil // sent after the charset (setNames)
	}
	g := &myGen{key: key}
	if key != nil {
		var id [12]byte
		_, _ = rand.Read(id[:])
		g.name = "dbtls-pinned-" + hex.EncodeToString(id[:])
		mysql.RegisterServerPubKey(g.name, key)
		defer mysql.DeregisterServerPubKey(g.name)
		m.ServerPubKey = g.name
	}
	var err error
	if g.conn, err = mysql.NewConnector(m); err != nil {
		return driverRefused(m, err) // mysql_errors.go
	}
	a := b.cfg.Auth
	p := &g.policy
	*p = mysqlauth.Policy{Pinned: m.ServerPubKey != "", AllowKey: "allowPublicKeyRetrieval", AllowValue: "false"}
	if a.AllowPublicKeyRetrieval.Set {
		p.AllowKey, p.AllowValue = a.AllowPublicKeyRetrieval.Key, a.AllowPublicKeyRetrieval.Raw
	}
	p.Retrieval = a.AllowPublicKeyRetrieval.Value && !p.Pinned
	switch {
	case a.ServerRSAPublicKeyFile.Set:
		p.PinKey, p.PinValue = a.ServerRSAPublicKeyFile.Key, a.ServerRSAPublicKeyFile.Value
		if strings.Contains(p.PinValue, "-----BEGIN") {
			p.PinValue = "(PEM text)"
		}
	case p.Pinned:
		p.PinKey, p.PinValue = "serverPubKey", m.ServerPubKey
	}
	b.gen.Store(g)
	return nil
}

func (b *mySQL) connect(ctx context.Context, a *attempt) (driver.Conn, error) {
	g := b.gen.Load()
	conn, err := g.conn.Connect(context.WithValue(ctx, attemptKey{}, &myAttempt{attempt: a, ctx: ctx, gen: g}))
	if err != nil || b.charsets == nil {
		return conn, err
	}
	if err := b.setNames(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// beforeConnect is go-sql-driver's BeforeConnect: m is its copy of the
// configuration for the Connect of ctx.
func (b *mySQL) beforeConnect(ctx context.Context, m *mysql.Config) error {
	a := ctx.Value(attemptKey{}).(*myAttempt) // the driver's connector is only reached through connect
	st := a.rec.strategy
	m.TLS, m.Passwd = a.tls, a.password
	m.AllowFallbackToPlaintext = !st.Disabled && !st.TLSRequired
	m.Logger = driverLog{b.opts, a.rec.info.ID, a.rec}
	return nil
}

// dial is go-sql-driver's DialFunc; ctx derives from the Connect's. The TCP
// connection is the core's (record.dialTCP), followed by the authentication
// guard (internal/mysqlauth) until TLS starts or the login ends, which checks
// the structure of every server packet before the driver reads it: no password
// leaves without TLS in clear, or encrypted to a key the server supplied
// unless allowPublicKeyRetrieval=true. A unix socket is not guarded:
// go-sql-driver and the server treat it as secure transport, and no network
// lies in between.
func (b *mySQL) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	a := ctx.Value(attemptKey{}).(*myAttempt)
	nc, err := a.rec.dialTCP(a.ctx, network, addr, nil, func() (net.Conn, error) { return b.opts.dialTCP(ctx, network, addr) })
	if err != nil || network == "unix" {
		return nc, err
	}
	p := a.gen.policy
	p.Password, p.Mode, p.Disabled, p.Addr = a.password, a.rec.strategy.Row, a.rec.strategy.Disabled, addr
	p.Verified, p.VerifiedCA = a.rec.strategy.ModeFix(dsn.SSLVerifyIdentity), a.rec.strategy.ModeFix(dsn.SSLVerifyCA)
	return mysqlauth.Guard(nc, p, a.rec.refuse), nil
}

// setNames does for a charset list what go-sql-driver does, inside its
// Connect, for the list its DSN parser reads: SET NAMES with each charset in
// turn (COLLATE the collation, when one is given) until one succeeds, then
// the session variables in one SET, after the charset as the driver sends
// them.
func (b *mySQL) setNames(ctx context.Context, conn driver.Conn) error {
	ex := conn.(driver.ExecerContext)
	var err error
	for _, cs := range b.charsets {
		q := "SET NAMES " + cs
		if b.base.Collation != "" {
			q += " COLLATE " + b.base.Collation
		}
		if _, err = ex.ExecContext(ctx, q, nil); err == nil {
			break
		}
	}
	if err != nil || len(b.base.Params) == 0 {
		return err
	}
	var set []string
	for _, k := range slices.Sorted(maps.Keys(b.base.Params)) {
		set = append(set, k+" = "+b.base.Params[k])
	}
	_, err = ex.ExecContext(ctx, "SET "+strings.Join(set, ", "), nil)
	return err
}

func (b *mySQL) driver() driver.Driver { return mysql.MySQLDriver{} }

func (b *mySQL) driverName() string { return "go-sql-driver/mysql" }

func (b *mySQL) guard(g *guardConn) driver.Conn {
	c := &mySQLConn{guardConn: g}
	g.outer = c
	return c
}

// mySQLConn is a guarded go-sql-driver connection (guarded.go). It has the
// optional interfaces of the driver's connection: those of guardConn, and
// ExecerContext, QueryerContext, Execer and Queryer. Results are the
// driver's own, so res.(mysql.Result) works as the driver documents.
type mySQLConn struct{ *guardConn }

func (c *mySQLConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.execContext(ctx, query, args)
}

func (c *mySQLConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.queryContext(ctx, query, args)
}

// Exec is go-sql-driver's Exec (driver.Execer), which its documentation
// reaches through sql.Conn.Raw.
func (c *mySQLConn) Exec(query string, args []driver.Value) (_ driver.Result, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("Exec", &err)
	return c.dc.(driver.Execer).Exec(query, args)
}

// Query is go-sql-driver's Query (driver.Queryer).
func (c *mySQLConn) Query(query string, args []driver.Value) (_ driver.Rows, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("Query", &err)
	r, err := c.dc.(driver.Queryer).Query(query, args)
	if err != nil {
		return nil, err
	}
	return c.rows(r), nil
}

// redactedDSN writes the base configuration with go-sql-driver's FormatDSN.
// A charset list, which FormatDSN writes only when the DSN parser read it,
// takes the place of a one-name stand-in.
func (b *mySQL) redactedDSN() string {
	m := b.base.Clone()
	m.Passwd = kind.Redact("password", m.Passwd)
	for k, v := range m.Params {
		m.Params[k] = kind.Redact(k, v)
	}
	if b.charsets == nil {
		return m.FormatDSN()
	}
	const stand = "\x00charsets\x00"
	_ = m.Apply(mysql.Charset(stand, m.Collation))
	return strings.Replace(m.FormatDSN(), stand, strings.Join(b.charsets, ","), 1)
}

// driverLog routes go-sql-driver's own log lines ("[mysql] packets.go: …
// unexpected EOF", written to stderr by default) into the connector's
// logger, at debug level, with the connection's id (0: a line the driver
// writes through the shared configuration, which knows no connection): the
// error itself reaches the caller, mapped.
type driverLog struct {
	o   *options
	id  uint64
	rec *record // the connect's record, told of a TLS alert; nil outside a connect
}

func (d driverLog) Print(v ...any) {
	if d.rec != nil {
		for _, x := range v {
			var oe *net.OpError
			if err, ok := x.(error); ok && errors.As(err, &oe) && oe.Op == "remote error" {
				d.rec.keepFirst(&d.rec.tlsAlert, err)
			}
		}
	}
	l := d.o.logger()
	if !l.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	var attrs []any
	if d.id != 0 {
		attrs = []any{"id", d.id}
	}
	l.Debug("dbtls: go-sql-driver: "+strings.TrimSpace(fmt.Sprint(v...)), attrs...)
}

// mysqlConfig builds go-sql-driver's configuration as its ParseDSN would
// from a DSN holding the same properties (go-sql-driver v1.10.1): its
// defaults (mysql.NewConfig), each of its parameters in its field (compress,
// timeTruncate and a charset through its options), every other parameter a
// session variable in Params, sent as SET name = value. Each value is read
// with the reader of internal/driverparam that dsn checked it with, never
// as DSN text; one the driver would refuse is an invalid-dsn error naming
// its key. A charset list (charset=utf8mb4,utf8), which the driver keeps
// only when its DSN parser reads it, is returned apart (mySQL.setNames).
func mysqlConfig(cfg *dsn.Config) (m *mysql.Config, charsets []string, err error) {
	m = mysql.NewConfig()
	if v, ok := cfg.Params["charset"]; ok {
		if charsets, err = driverparam.ParseCharsets(v); err != nil {
			return nil, nil, paramError("go-sql-driver", "charset", v, err)
		}
	}
	var opts []mysql.Option
	bools := map[string]*bool{
		"allowAllFiles": &m.AllowAllFiles, "allowCleartextPasswords": &m.AllowCleartextPasswords,
		"allowNativePasswords": &m.AllowNativePasswords, "allowOldPasswords": &m.AllowOldPasswords,
		"checkConnLiveness": &m.CheckConnLiveness, "clientFoundRows": &m.ClientFoundRows, "columnsWithAlias": &m.ColumnsWithAlias,
		"interpolateParams": &m.InterpolateParams, "multiStatements": &m.MultiStatements, "parseTime": &m.ParseTime,
		"rejectReadOnly": &m.RejectReadOnly,
	}
	durations := map[string]*time.Duration{"readTimeout": &m.ReadTimeout, "writeTimeout": &m.WriteTimeout, "timeout": &m.Timeout}
	for _, k := range slices.Sorted(maps.Keys(cfg.Params)) {
		v := cfg.Params[k]
		if _, known := driverparam.MySQL[k]; !known {
			if m.Params == nil {
				m.Params = map[string]string{}
			}
			m.Params[k] = v // a session variable, name and value as written (go-sql-driver decodes neither here)
			continue
		}
		var err error
		switch k {
		case "compress":
			var on bool
			on, err = driverparam.ParseMyBool(v)
			opts = append(opts, mysql.EnableCompression(on))
		case "timeTruncate":
			var d time.Duration
			d, err = driverparam.ParseDuration(v)
			opts = append(opts, mysql.TimeTruncate(d))
		case "charset": // above, and with the collation below
		case "collation":
			m.Collation = v
		case "connectionAttributes":
			m.ConnectionAttributes = v
		case "loc":
			m.Loc, err = driverparam.ParseLocation(v)
		case "maxAllowedPacket":
			m.MaxAllowedPacket, err = driverparam.ParseInt(v)
		case "serverPubKey":
			m.ServerPubKey = v
		default:
			if b, ok := bools[k]; ok {
				*b, err = driverparam.ParseMyBool(v)
			} else if d, ok := durations[k]; ok {
				*d, err = driverparam.ParseDuration(v)
			} else {
				err = errors.New("it is not a go-sql-driver parameter dbtls reads")
			}
		}
		if err != nil {
			return nil, nil, paramError("go-sql-driver", k, v, err)
		}
	}
	if len(charsets) == 1 {
		opts, charsets = append(opts, mysql.Charset(charsets[0], m.Collation)), nil
	}
	_ = m.Apply(opts...) // these options return no error
	m.User, m.Passwd, m.DBName = cfg.User, cfg.Password, cfg.Database
	m.Net = cmp.Or(cfg.Net, "tcp")
	switch {
	case m.Net == "unix":
		m.Addr = cfg.Host
	case cfg.Host != "" || cfg.Port != 0:
		m.Addr = net.JoinHostPort(cmp.Or(cfg.Host, "127.0.0.1"), strconv.Itoa(cmp.Or(cfg.Port, 3306)))
	}
	return m, charsets, nil
}

// diagnose is go-sql-driver's connection phase up to the TLS handshake, on
// a configuration of its own that holds no user, password, database or
// session variable: the driver reads the greeting, sends the SSLRequest and
// runs the handshake with a.tls, which stops at the server's answer, so the
// login packet is never written. A server that offers no TLS this time is
// an error (no fallback to plaintext).
func (b *mySQL) diagnose(ctx context.Context, a *attempt, addr string) error {
	m := mysql.NewConfig()
	m.Net, m.Addr, m.TLS, m.AllowFallbackToPlaintext = b.base.Net, addr, a.tls, false
	if m.Net == "unix" {
		m.Addr = b.base.Addr
	}
	m.Logger = driverLog{o: b.opts, id: a.rec.info.ID}
	m.DialFunc = func(dctx context.Context, network, addr string) (net.Conn, error) {
		return a.rec.dialTCP(ctx, network, addr, nil, func() (net.Conn, error) { return b.opts.dialTCP(dctx, network, addr) })
	}
	mc, err := mysql.NewConnector(m)
	if err != nil {
		return err
	}
	conn, err := mc.Connect(ctx)
	if err == nil {
		conn.Close() // not reached: the handshake never completes
	}
	return err
}
