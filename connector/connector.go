package connector

import (
	"context"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// Connector is a database/sql driver.Connector whose every connection obeys
// the strategy resolved from its DSN. It is safe for concurrent use.
type Connector struct {
	// *core holds every field, so that a Connector value is one pointer:
	// its printers (print.go) have value receivers and cover a
	// dereferenced Connector too, with no lock copied.
	*core
}

// core is the state of a Connector.
type core struct {
	cfg    *dsn.Config
	opts   options
	be     backend
	nextID atomic.Uint64

	// The trust material in force and when its files are next looked at
	// (live.go): gen is swapped whole; mu makes one look, or one Reload, at
	// a time.
	gen   atomic.Pointer[generation]
	epoch time.Time    // due counts from it, on the monotonic clock
	due   atomic.Int64 // nanoseconds after epoch
	mu    sync.Mutex

	expired expiryLog // expiry.go: which certificate was warned of when
}

// backend is one driver family's side of a Connector. The core — this
// file, the options, the record, the wire wrapper and the Connect deadline
// — resolves the strategy and makes each connection's record and
// *tls.Config; the backend hands them to its driver.
type backend interface {
	// connect makes one connection through the driver with a's TLS
	// configuration and password. Every TCP connection it makes is dialed
	// through a.rec.dialTCP, so that the record sees it and ctx bounds it.
	connect(ctx context.Context, a *attempt) (driver.Conn, error)
	// mapError gives the error of a failed connect its kind (spec §8).
	mapError(ctx context.Context, err error, rec *record) error
	// diagnose connects to addr, the server a failed connect reached last,
	// as connect does (through a.rec.dialTCP, bound by ctx), far enough to
	// run a TLS handshake with a.tls, and returns the driver's error: the
	// diagnostic handshake of diagnose.go. It sends no credential.
	diagnose(ctx context.Context, a *attempt, addr string) error
	// prepare readies the backend for st before the connector puts it in
	// force: it is the last step of resolve, and its error fails New and
	// Reload.
	prepare(st *verify.Strategy) error
	// redactedDSN writes the driver's configuration as the driver's own DSN,
	// without TLS and with every secret redacted (RedactedDriverDSN).
	redactedDSN() string
	driver() driver.Driver
	// guard gives the driver's connection in g the backend's guarded type
	// (guarded.go): g's methods, and exactly the optional interfaces the
	// driver's connection has besides.
	guard(g *guardConn) driver.Conn
	// driverName names the driver in messages.
	driverName() string
}

// backends gives each family its backend, built from a normalized Config
// and the connector's options: its checks of the options that concern it,
// the driver's configuration from the Config's fields, the driver's own
// checks. Adding a driver is adding its files and an entry here.
var backends = map[dsn.Family]func(cfg *dsn.Config, o *options) (backend, error){
	dsn.SQLServer: newSQLServer,
	dsn.MySQL:     newMySQL,
}

// attempt is what the core hands a backend for one Connect.
type attempt struct {
	rec      *record     // its strategy is rec.strategy
	tls      *tls.Config // this connection's own; nil when the strategy disables TLS
	password string      // WithPasswordFunc's, or the DSN's
}

// New parses dsn (any shape of package dsn, JDBC URLs included), resolves its
// TLS strategy — loading trust stores, pins and client certificates once —
// and returns a connector for the driver of its family.
func New(s string, opts ...Option) (*Connector, error) {
	cfg, err := dsn.Parse(s) // checked as it is read, and ours alone
	if err != nil {
		return nil, err
	}
	return newConnector(cfg, opts)
}

// NewFromConfig is New for a Config, parsed or built as a struct. The
// Config is checked from its fields as Parse checks a DSN (dsn.Normalize)
// and kept as a private copy: what Parse refuses, NewFromConfig refuses with
// the same error, and a change the caller makes to cfg afterwards changes
// nothing here. The driver's configuration is built from the fields, never
// from DSN text.
func NewFromConfig(cfg *dsn.Config, opts ...Option) (*Connector, error) {
	n, err := dsn.Normalize(cfg)
	if err != nil {
		return nil, err
	}
	return newConnector(n, opts)
}

// newConnector is New and NewFromConfig past their one check: n is a
// normalized Config no one else holds, and nothing checks it again
// (verify.Resolve takes it as it is: n.Normalized()).
func newConnector(n *dsn.Config, opts []Option) (*Connector, error) {
	var err error
	c := &Connector{&core{cfg: n, epoch: time.Now()}}
	for _, o := range opts {
		o(&c.opts)
	}
	if err := c.checkOptions(); err != nil { // hatches.go
		return nil, err
	}
	if c.be, err = backends[n.Family](n, &c.opts); err != nil {
		return nil, err
	}
	st, err := c.resolve()
	if err != nil {
		return nil, err
	}
	c.gen.Store(newGeneration(st, 1, st.Files()))
	c.due.Store(int64(lookEvery))
	for _, w := range c.Warnings() {
		c.opts.logger().Warn("dbtls: "+w, "row", st.Row)
	}
	return c, nil
}

// RedactedDriverDSN returns the configuration the connector hands the Go
// driver for cfg, written as that driver's own DSN (a sqlserver:// URL for
// go-mssqldb, go-sql-driver's user@tcp(host:port)/db?…), with the password
// and every secret replaced by kind.Redacted, for display: dbtls explain
// shows it. It holds no TLS property (the connector sets TLS for each
// connection) and is never parsed: the drivers are given the configuration
// itself. The driver's configuration is built and checked as New does
// (cfg is normalized first unless dsn.Parse or dsn.Normalize returned it);
// an error is the one New would return for the same reason. No file is
// read.
func RedactedDriverDSN(cfg *dsn.Config) (string, error) {
	var err error
	if !cfg.Normalized() {
		if cfg, err = dsn.Normalize(cfg); err != nil {
			return "", err
		}
	}
	be, err := backends[cfg.Family](cfg, &options{})
	if err != nil {
		return "", err
	}
	return be.redactedDSN(), nil
}

// OpenDB is sql.OpenDB over New.
func OpenDB(s string, opts ...Option) (*sql.DB, error) {
	c, err := New(s, opts...)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// Strategy returns the strategy in force now: it changes on Reload and when
// a file of its trust material changes (spec §7), as for a Connect.
func (c *Connector) Strategy() verify.Strategy { return *c.current().st }

// Warnings returns the warnings of the connector's configuration (the
// properties accepted but not honoured) and of the strategy in force (e.g.
// that REQUIRED does not validate the certificate), as explain and probe
// show them; New also logs each one (to slog.Default() without WithLogger).
func (c *Connector) Warnings() []string {
	return append(append([]string(nil), c.cfg.Warnings...), c.gen.Load().st.Warnings...)
}

// Config returns a copy of the connector's configuration, normalized
// (dsn.Normalize): changing it changes nothing in the connector.
func (c *Connector) Config() *dsn.Config { return c.cfg.Clone() }

// Reload re-reads the trust stores, pins, client certificates, RSA public
// keys and revocation lists the DSN names (spec §7), now, whether or not
// their files changed. New connections use the new material; open
// connections are untouched. A reload that fails keeps the old material and
// returns the error. Files also follow themselves without it (live.go).
func (c *Connector) Reload(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := c.resolve() // hatches.go: WithRootCAs is kept
	if err != nil {
		c.opts.logger().Error("dbtls: reload failed; keeping the previous trust material", "kind", string(kind.Of(err)), "error", err.Error())
		return err
	}
	g := newGeneration(st, c.gen.Load().n+1, st.Files())
	c.gen.Store(g)
	c.due.Store(int64(time.Since(c.epoch) + lookEvery))
	c.opts.logger().Info("dbtls: reloaded trust material", "row", st.Row, "trust", st.Trust.String(), "generation", g.n)
	return nil
}

// Driver returns the wrapped driver.
func (c *Connector) Driver() driver.Driver { return c.be.driver() }

// Connect makes one connection under the current strategy. Each connection
// starts from its own copy of the driver configuration and its own
// *tls.Config, so nothing one connection learns (a plaintext fallback, a
// routed server name) reaches another.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	g := c.current() // live.go: a look at the files when one is due
	st := g.st
	rec := newRecord(c.nextID.Add(1), st)
	rec.info.Generation = g.n
	a := &attempt{rec: rec}
	if !st.Disabled {
		a.tls = verify.TLSConfig(st, verify.Options{Observe: rec.observe, SessionCache: g.cache, Time: c.opts.clock, HopName: rec.hopName})
	}
	var conn driver.Conn
	var err error
	if a.password, err = c.credential(ctx); err == nil { // hatches.go: WithPasswordFunc
		conn, err = c.connectDriver(ctx, a)
	}
	rec.release(err == nil)
	if err != nil {
		err = c.diagnose(ctx, rec, c.be.mapError(ctx, err, rec)) // diagnose.go: what an old server insists on
		c.reportFailed(ctx, rec.info.ID, st, err)
		return nil, err
	}
	rec.finish()
	c.checkExpiry(g, rec) // expiry.go
	conn = c.be.guard(&guardConn{dc: conn, rec: rec, opts: &c.opts, driver: c.be.driverName()})
	register(conn, rec)
	c.reportConnected(ctx, rec) // info.go: the record's strings are made only for a logger or an observer
	return conn, nil
}

// connectDriver is the backend's connect behind the last line of defence
// (guarded.go): a panic of the driver while connecting — or of the Error
// method of the error it returns — is an error of kind protocol-violation,
// and every connection the attempt dialed is closed.
func (c *Connector) connectDriver(ctx context.Context, a *attempt) (conn driver.Conn, err error) {
	defer func() {
		if p := recover(); p != nil {
			conn, err = nil, panicError(c.be.driverName(), "Connect", a.rec.closeNow(), p, &c.opts)
		} else if err != nil {
			if p := errorPanics(err); p != nil {
				err = panicError(c.be.driverName(), "Connect, in the Error method of the error it returned", a.rec.closeNow(), p, &c.opts)
			}
		}
	}()
	return c.be.connect(ctx, a)
}

// String describes the connector without any secret: the redacted DSN and
// the strategy's row and mode. fmt's %v, %+v and %#v all print this.
func (c *Connector) String() string {
	if c == nil || c.core == nil {
		return "dbtls connector <nil>"
	}
	st := c.gen.Load().st
	return "dbtls connector " + c.cfg.String() + " (row " + st.Row + ", " + st.Mode.String() + ")"
}

// GoString is String, so that %#v does not show the password either.
func (c *Connector) GoString() string { return c.String() }
