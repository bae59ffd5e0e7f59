package connector

import (
	"context"
	"crypto/tls"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// connectSQLServer: go-mssqldb with our encryption mode and our *tls.Config
// (its own defaults differ from the spec), a fresh configuration per
// connection, and our dialer.
func (c *Connector) connectSQLServer(ctx context.Context, st *verify.Strategy, tlsCfg *tls.Config, rec *record) (driver.Conn, error) {
	p := c.msBase
	var err error
	if p.Password, err = c.credential(ctx, p.Password); err != nil { // hatches.go: WithPasswordFunc
		return nil, err
	}
	switch {
	case st.Strict:
		p.Encryption = msdsn.EncryptionStrict
	case st.TLSRequired:
		p.Encryption = msdsn.EncryptionRequired
	default:
		p.Encryption = msdsn.EncryptionOff
	}
	p.TLSConfig = tlsCfg
	p.TrustServerCertificate = false // every check is in tlsCfg
	// hatches.go: go-mssqldb's security-token login with WithAccessTokenFunc
	mc := c.sqlServerConnector(p, rec)
	rec.path.instance = p.Instance
	mc.Dialer = &sqlServerDialer{connectCtx: ctx, rec: rec, parallel: p.MultiSubnetFailover, tcp: c.opts.dialer} // hops.go
	return mc.Connect(ctx)
}

type dialerFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialerFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// connectMySQL: go-sql-driver with our *tls.Config in Config.TLS (never the
// global registry), from a fresh copy of the configuration, so a plaintext
// fallback in PREFERRED never outlives its connection.
func (c *Connector) connectMySQL(ctx context.Context, st *verify.Strategy, tlsCfg *tls.Config, rec *record) (driver.Conn, error) {
	m := c.myBase.Clone()
	var err error
	if m.Passwd, err = c.credential(ctx, m.Passwd); err != nil { // hatches.go: WithPasswordFunc
		return nil, err
	}
	m.TLS = tlsCfg
	m.AllowFallbackToPlaintext = !st.Disabled && !st.TLSRequired
	m.DialFunc = c.dial(ctx, rec)
	m.DialFunc = c.guardMySQLAuth(m.DialFunc, m, st, rec) // mysqlauth.go: no password in clear or to a server-supplied key without TLS
	m.Logger = driverLog{c.opts.logger(), rec.info.ID}
	mc, err := mysql.NewConnector(m)
	if err != nil {
		return nil, err
	}
	return mc.Connect(ctx)
}

// driverLog routes go-sql-driver's own log lines ("[mysql] packets.go: …
// unexpected EOF", written to stderr by default) into the connector's
// logger, at debug level: the error itself reaches the caller, mapped.
type driverLog struct {
	l  *slog.Logger
	id uint64
}

func (d driverLog) Print(v ...any) {
	if d.l.Enabled(context.Background(), slog.LevelDebug) {
		d.l.Debug("dbtls: go-sql-driver: "+strings.TrimSpace(fmt.Sprint(v...)), "id", d.id)
	}
}
