package connector

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"errors"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/driverparam"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// sqlServer is the SQL Server backend: go-mssqldb, given our encryption
// mode and our *tls.Config (its own defaults differ from the spec), a fresh
// configuration per connection, and our dialer (sqlserver_hops.go), which
// reads the PRELOGIN answer of every hop (sqlserver_prelogin.go).
type sqlServer struct {
	cfg   msdsn.Config // built from the fields; TLS and the password are set per connection
	token func(context.Context) (string, error)
	opts  *options // for the dial: WithDialer's dialer, or a net.Dialer
}

// newSQLServer checks WithAccessTokenFunc, which is SQL Server's only, and
// builds go-mssqldb's configuration.
func newSQLServer(cfg *dsn.Config, o *options) (backend, error) {
	if o.token != nil {
		switch {
		case cfg.Password != "":
			return nil, conflict("password", cfg.Password, "WithAccessTokenFunc", "the DSN holds a password and WithAccessTokenFunc logs in with a token instead",
				"remove the password from the DSN")
		case o.password != nil:
			return nil, conflict("", "", "WithAccessTokenFunc", "both WithPasswordFunc and WithAccessTokenFunc are given", "give one of them")
		}
	}
	p, err := sqlServerConfig(cfg)
	if err != nil {
		return nil, err
	}
	if o.dialer != nil && p.Instance != "" && p.Port == 0 {
		return nil, browserBehindDialer(kind.InvalidDSN, cfg.Host+`\`+p.Instance)
	}
	return &sqlServer{cfg: p, token: o.token, opts: o}, nil
}

func (b *sqlServer) connect(ctx context.Context, a *attempt) (driver.Conn, error) {
	st := a.rec.strategy
	p := b.cfg
	p.Password = a.password
	switch {
	case st.Strict:
		p.Encryption = msdsn.EncryptionStrict
	case st.TLSRequired:
		p.Encryption = msdsn.EncryptionRequired
	default:
		p.Encryption = msdsn.EncryptionOff
	}
	p.TLSConfig, p.TrustServerCertificate = a.tls, false // every check is in a.tls
	mc := b.connector(p, a.rec)
	a.rec.tds.instance = p.Instance
	mc.Dialer = &sqlServerDialer{connectCtx: ctx, rec: a.rec, parallel: p.MultiSubnetFailover, o: b.opts}
	return mc.Connect(ctx)
}

// connector is go-mssqldb's connector for one Connect: with
// WithAccessTokenFunc, its security-token login (mssql.NewSecurityTokenConnector,
// as NewAccessTokenConnector uses) over the same configuration.
func (b *sqlServer) connector(p msdsn.Config, rec *record) *mssql.Connector {
	f := b.token
	if f == nil {
		return mssql.NewConnectorConfig(p)
	}
	mc, err := mssql.NewSecurityTokenConnector(p, func(ctx context.Context) (string, error) {
		tok, err := f(ctx)
		if err == nil && tok == "" {
			err = errors.New("an empty token")
		}
		if err != nil {
			e := providerError("WithAccessTokenFunc", err)
			rec.refuse(e)
			return "", e
		}
		return tok, nil
	})
	if err != nil { // only for a nil provider, which f is not
		panic(err)
	}
	return mc
}

func (b *sqlServer) prepare(*verify.Strategy) error { return nil }

func (b *sqlServer) driver() driver.Driver { return &mssql.Driver{} }

func (b *sqlServer) driverName() string { return "go-mssqldb" }

func (b *sqlServer) guard(g *guardConn) driver.Conn {
	c := &sqlServerConn{guardConn: g}
	g.outer = c
	return c
}

// sqlServerConn is a guarded go-mssqldb connection (guarded.go). It has the
// optional interfaces of *mssql.Conn — ConnBeginTx, ConnPrepareContext,
// Pinger, SessionResetter, Validator, NamedValueChecker —, its bulk copy,
// and Commit and Rollback: go-mssqldb's transaction is its connection.
// Unwrap returns the *mssql.Conn itself.
type sqlServerConn struct{ *guardConn }

// Commit is (*mssql.Conn).Commit: the connection is its own transaction.
func (c *sqlServerConn) Commit() (err error) {
	if c.bad.Load() {
		return driver.ErrBadConn
	}
	defer c.catch("Tx.Commit", &err)
	return c.dc.(driver.Tx).Commit()
}

// Rollback is (*mssql.Conn).Rollback.
func (c *sqlServerConn) Rollback() (err error) {
	if c.bad.Load() {
		return driver.ErrBadConn
	}
	defer c.catch("Tx.Rollback", &err)
	return c.dc.(driver.Tx).Rollback()
}

// CreateBulk is (*mssql.Conn).CreateBulk. The copy itself runs in
// go-mssqldb, unguarded.
func (c *sqlServerConn) CreateBulk(table string, columns []string) *mssql.Bulk {
	return c.dc.(*mssql.Conn).CreateBulk(table, columns)
}

// CreateBulkContext is (*mssql.Conn).CreateBulkContext.
func (c *sqlServerConn) CreateBulkContext(ctx context.Context, table string, columns []string) *mssql.Bulk {
	return c.dc.(*mssql.Conn).CreateBulkContext(ctx, table, columns)
}

// redactedDSN writes the configuration as a go-mssqldb URL.
func (b *sqlServer) redactedDSN() string {
	p := b.cfg
	u := url.URL{Scheme: "sqlserver", Host: p.Host}
	if p.Port != 0 {
		u.Host = net.JoinHostPort(p.Host, strconv.FormatUint(p.Port, 10))
	} else if strings.Contains(p.Host, ":") {
		u.Host = "[" + p.Host + "]"
	}
	if p.Instance != "" {
		u.Path = "/" + p.Instance
	}
	if p.User != "" || p.Password != "" {
		u.User = url.UserPassword(p.User, kind.Redact("password", p.Password))
	}
	var q []string
	if p.Database != "" {
		q = append(q, "database="+url.QueryEscape(p.Database))
	}
	for _, k := range slices.Sorted(maps.Keys(p.Parameters)) {
		q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(kind.Redact(k, p.Parameters[k])))
	}
	u.RawQuery = strings.Join(q, "&")
	return u.String()
}

// sqlServerConfig builds go-mssqldb's configuration as its msdsn.Parse
// would from a DSN holding the same properties (go-mssqldb v1.11.2): its
// defaults (app name go-mssqldb, keepalive 30 s, dial timeout 15 s a
// protocol, multisubnetfailover true, this machine's name as workstation
// id, MSSQL_USE_EPA when epa enabled is not given), host "." and "(local)"
// read as localhost, and the admin protocol's port and SQL Browser message.
// Each parameter is read into its field with the reader of
// internal/driverparam that dsn checked it with, never as DSN text; one the
// driver would refuse is an invalid-dsn error naming its key. Params are
// also kept in Parameters, where go-mssqldb's optional packages read theirs
// (pipe).
func sqlServerConfig(cfg *dsn.Config) (msdsn.Config, error) {
	p := msdsn.Config{
		Host: cfg.Host, Port: uint64(cfg.Port), Instance: cfg.Instance,
		Database: cfg.Database, User: cfg.User, Password: cfg.Password,
		Parameters:         maps.Clone(cfg.Params),
		ProtocolParameters: map[string]any{},
		Protocols:          []string{"tcp"},
		BrowserMessage:     msdsn.BrowserAllInstances,
		Encoding:           msdsn.EncodeParameters{Timezone: time.UTC},
		KeepAlive:          30 * time.Second,
		AppName:            "go-mssqldb",
		// go-mssqldb defaults to true, "to prevent breaking change although
		// other client libraries default to false".
		MultiSubnetFailover: true,
		ActivityID:          activityID(),
	}
	if p.Host == "" || p.Host == "." || strings.EqualFold(p.Host, "(local)") {
		p.Host = "localhost"
	}
	if name, err := os.Hostname(); err == nil {
		p.Workstation = name
	}
	texts := map[string]*string{"app name": &p.AppName, "failoverpartner": &p.FailOverPartner, "failoverpartnerspn": &p.FailOverPartnerSPN,
		"workstation id": &p.Workstation, "serverspn": &p.ServerSPN}
	bools := map[string]*bool{"disableretry": &p.DisableRetry, "guid conversion": &p.Encoding.GuidConversion, "notraceid": &p.NoTraceID, "epa enabled": &p.EpaEnabled}
	seconds := map[string]*time.Duration{"connection timeout": &p.ConnTimeout, "dial timeout": &p.DialTimeout, "keepalive": &p.KeepAlive}
	for _, k := range slices.Sorted(maps.Keys(cfg.Params)) {
		v := cfg.Params[k]
		var err error
		var n uint64
		var n16 uint16
		switch k {
		case "applicationintent":
			p.ReadOnlyIntent, err = driverparam.ParseIntent(v)
		case "packet size": // the TDS range: 512 to 32767 bytes
			n16, err = driverparam.ParseUint16(v)
			p.PacketSize = min(max(n16, 512), 32767)
		case "log":
			n, err = driverparam.ParseUint(v)
			p.LogFlags = msdsn.Log(n)
		case "failoverport":
			n16, err = driverparam.ParseUint16(v)
			p.FailOverPort = uint64(n16)
		case "multisubnetfailover":
			p.MultiSubnetFailover, err = driverparam.ParseMSBoolEnabled(v)
		case "protocol":
			if err = driverparam.CheckProtocol(v); err == nil && v == "admin" {
				// the dedicated administrator connection: SQL Browser's DAC
				// message, and port 1434 when no instance names one
				p.Protocols, p.BrowserMessage = []string{"admin"}, msdsn.BrowserDAC
			}
		case "pipe": // read from Parameters by go-mssqldb's named-pipe protocol
		case "timezone":
			p.Encoding.Timezone, err = driverparam.ParseLocation(v)
		default:
			if t, ok := texts[k]; ok {
				*t = v
			} else if b, ok := bools[k]; ok {
				*b, err = driverparam.ParseMSBool(v)
			} else if d, ok := seconds[k]; ok {
				n, err = driverparam.ParseUint(v)
				*d = time.Duration(n) * time.Second
			} else {
				err = errors.New("it is not a go-mssqldb parameter dbtls passes on")
			}
		}
		if err != nil {
			return msdsn.Config{}, paramError("go-mssqldb", k, v, err)
		}
	}
	if p.Protocols[0] == "admin" && p.Instance == "" {
		p.Port = 1434
	}
	if _, given := cfg.Params["dial timeout"]; !given {
		p.DialTimeout = 15 * time.Second * time.Duration(len(p.Protocols))
	}
	_, epa := cfg.Params["epa enabled"]
	if env := os.Getenv("MSSQL_USE_EPA"); !epa && env != "" {
		var err error
		if p.EpaEnabled, err = driverparam.ParseMSBool(env); err != nil {
			return msdsn.Config{}, &kind.Error{Kind: kind.InvalidDSN, What: "invalid MSSQL_USE_EPA", Key: "epa enabled", Value: env,
				Why: "go-mssqldb reads the environment variable MSSQL_USE_EPA when epa enabled is not given: " + err.Error(),
				Fix: "set MSSQL_USE_EPA to true or false, or give epa enabled", Err: err}
		}
	}
	if p.ReadOnlyIntent && p.Database == "" { // dsn.Normalize refuses it first
		return msdsn.Config{}, &kind.Error{Kind: kind.InvalidDSN, What: "read-only intent without a database", Key: "applicationintent", Value: "ReadOnly",
			Why: "go-mssqldb: database must be specified when ApplicationIntent is ReadOnly", Fix: "set databaseName"}
	}
	return p, nil
}

// activityID is a random (version 4) UUID, as msdsn.Parse gives each
// configuration: the activity id of PRELOGIN's trace data.
func activityID() []byte {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// diagnose is go-mssqldb's connect up to the TLS handshake, to the hop at
// addr (host:port, as dialed: no SQL Browser), on a copy of the
// configuration without user, password, database or routing intent:
// PRELOGIN (or, strict, TLS first) and the handshake with a.tls, which stops
// at the server's answer, so LOGIN7 is never written. It never uses
// WithAccessTokenFunc, and never retries.
func (b *sqlServer) diagnose(ctx context.Context, a *attempt, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return err
	}
	p := b.cfg
	p.Host, p.Port, p.Instance, p.Protocols = host, n, "", []string{"tcp"}
	p.User, p.Password, p.Database, p.ReadOnlyIntent, p.FailOverPartner = "", "", "", false, ""
	p.DisableRetry, p.MultiSubnetFailover = true, false
	p.Encryption = msdsn.EncryptionRequired
	if a.rec.strategy.Strict {
		p.Encryption = msdsn.EncryptionStrict
	}
	p.TLSConfig, p.TrustServerCertificate = a.tls, false
	mc := mssql.NewConnectorConfig(p)
	mc.Dialer = &sqlServerDialer{connectCtx: ctx, rec: a.rec, o: b.opts}
	conn, err := mc.Connect(ctx)
	if err == nil {
		conn.Close() // not reached: the handshake never completes
	}
	return err
}
