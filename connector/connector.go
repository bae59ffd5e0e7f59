package connector

import (
	"context"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// Connector is a database/sql driver.Connector whose every connection obeys
// the strategy resolved from its DSN. It is safe for concurrent use.
type Connector struct {
	cfg      *dsn.Config
	opts     options
	strategy atomic.Pointer[verify.Strategy]
	cache    tls.ClientSessionCache
	nextID   atomic.Uint64

	msBase msdsn.Config  // SQL Server: the driver's configuration, TLS left to us
	myBase *mysql.Config // MySQL family: likewise
}

// New parses dsn (any shape of package dsn, JDBC URLs included), resolves its
// TLS strategy — loading trust stores, pins and client certificates once —
// and returns a connector for the driver of its family.
func New(s string, opts ...Option) (*Connector, error) {
	cfg, err := dsn.Parse(s)
	if err != nil {
		return nil, err
	}
	return NewFromConfig(cfg, opts...)
}

// NewFromConfig is New for a Config, parsed or built as a struct; both take
// this one path. The Config is checked from its fields as Parse checks a DSN
// (dsn.Normalize) and kept as a private copy: what Parse refuses,
// NewFromConfig refuses with the same error, and a change the caller makes
// to cfg afterwards changes nothing here. The driver's configuration is
// built from the fields (driverconfig.go), never from DSN text.
func NewFromConfig(cfg *dsn.Config, opts ...Option) (*Connector, error) {
	n, err := dsn.Normalize(cfg)
	if err != nil {
		return nil, err
	}
	c := &Connector{cfg: n, cache: tls.NewLRUClientSessionCache(64)}
	for _, o := range opts {
		o(&c.opts)
	}
	if err := c.checkOptions(); err != nil { // hatches.go
		return nil, err
	}
	st, err := c.resolve()
	if err != nil {
		return nil, err
	}
	switch n.Family {
	case dsn.SQLServer:
		if c.msBase, err = sqlServerConfig(n); err != nil {
			return nil, err
		}
	case dsn.MySQL:
		if c.myBase, err = mysqlConfig(n); err != nil {
			return nil, err
		}
		if err := c.pinServerRSAKey(); err != nil { // mysqlauth.go
			return nil, err
		}
		if err := checkMySQLConfig(c.myBase); err != nil {
			return nil, err
		}
	}
	c.strategy.Store(st)
	for _, w := range append(append([]string(nil), n.Warnings...), st.Warnings...) {
		c.opts.logger().Warn("dbtls: "+w, "row", st.Row)
	}
	return c, nil
}

// OpenDB is sql.OpenDB over New.
func OpenDB(s string, opts ...Option) (*sql.DB, error) {
	c, err := New(s, opts...)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// Strategy returns the strategy in force now (it changes only on Reload).
func (c *Connector) Strategy() verify.Strategy { return *c.strategy.Load() }

// Warnings returns the warnings of the connector's configuration (the
// properties accepted but not honoured) and of the strategy in force (e.g.
// that REQUIRED does not validate the certificate), as explain and probe
// show them; New also logs each one (to slog.Default() without WithLogger).
func (c *Connector) Warnings() []string {
	return append(append([]string(nil), c.cfg.Warnings...), c.strategy.Load().Warnings...)
}

// Config returns a copy of the connector's configuration, normalized
// (dsn.Normalize): changing it changes nothing in the connector.
func (c *Connector) Config() *dsn.Config { return c.cfg.Clone() }

// Reload re-reads the trust stores, pins and client certificates the DSN
// names (spec §7). New connections use the new material; open connections
// are untouched. A reload that fails keeps the old material and returns the
// error.
func (c *Connector) Reload(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := c.resolve() // hatches.go: WithRootCAs is kept
	if err != nil {
		c.opts.logger().Error("dbtls: reload failed; keeping the previous trust material", "kind", string(kind.Of(err)), "error", err.Error())
		return err
	}
	c.strategy.Store(st)
	c.opts.logger().Info("dbtls: reloaded trust material", "row", st.Row, "trust", st.Trust.String())
	return nil
}

// Driver returns the wrapped driver.
func (c *Connector) Driver() driver.Driver {
	if c.cfg.Family == dsn.SQLServer {
		return &mssql.Driver{}
	}
	return mysql.MySQLDriver{}
}

// Connect makes one connection under the current strategy. Each connection
// starts from its own copy of the driver configuration and its own
// *tls.Config, so nothing one connection learns (a plaintext fallback, a
// routed server name) reaches another.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	st := c.strategy.Load()
	rec := &record{info: ConnInfo{ID: c.nextID.Add(1), Mode: st.Mode.String(), Row: st.Row}, strategy: st, firstByte: -1}
	var tlsCfg *tls.Config
	if !st.Disabled {
		tlsCfg = verify.TLSConfig(st, verify.Options{Observe: rec.observe, SessionCache: c.cache, Time: c.opts.clock, HopName: rec.hopName})
	}
	var conn driver.Conn
	var err error
	switch c.cfg.Family {
	case dsn.SQLServer:
		conn, err = c.connectSQLServer(ctx, st, tlsCfg, rec)
	default:
		conn, err = c.connectMySQL(ctx, st, tlsCfg, rec)
	}
	rec.release(err == nil)
	if err != nil {
		err = explainPath(mapError(ctx, err, rec), rec) // hops.go: named instances and routed hops
		c.reportFailed(ctx, rec.info.ID, st, err)
		return nil, err
	}
	rec.finish()
	register(conn, rec)
	c.reportConnected(ctx, rec) // info.go: the record's strings are made only for a logger or an observer
	return conn, nil
}

// dial is the dialer the drivers use for one Connect. Every TCP connection
// it makes is wrapped (wire.go) and bound to connectCtx, the context given to
// Connect, for the whole connect (deadline.go). A UDP dial is go-mssqldb
// asking SQL Browser for a named instance's port ([MC-SQLR]): it is not TDS,
// so it passes untouched.
func (c *Connector) dial(connectCtx context.Context, rec *record) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		if strings.HasPrefix(network, "udp") {
			rec.mu.Lock()
			rec.info.BrowserAddr = addr
			rec.mu.Unlock()
			return d.DialContext(ctx, network, addr)
		}
		start := time.Now()
		nc, err := c.opts.dialTCP(ctx, network, addr) // hatches.go: WithDialer
		rec.mu.Lock()
		rec.info.Network, rec.info.Addr, rec.info.DialStart, rec.info.DialDuration = network, addr, start, time.Since(start)
		rec.mu.Unlock()
		if err != nil {
			return nil, err
		}
		w := rec.wrap(nc)
		w.bind(connectCtx)
		return w, nil
	}
}

// String describes the connector without any secret: the redacted DSN and
// the strategy's row and mode. fmt's %v, %+v and %#v all print this.
func (c *Connector) String() string {
	st := c.strategy.Load()
	return "dbtls connector " + c.cfg.String() + " (row " + st.Row + ", " + st.Mode.String() + ")"
}

// GoString is String, so that %#v does not show the password either.
func (c *Connector) GoString() string { return c.String() }
