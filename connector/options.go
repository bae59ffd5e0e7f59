package connector

import (
	"cmp"
	"context"
	"crypto/x509"
	"log/slog"
	"net"
	"time"

	"github.com/dbtls/dbtls/verify"
)

// Option configures a Connector.
type Option func(*options)

type options struct {
	observer func(ConnInfo)
	log      *slog.Logger
	clock    func() time.Time

	dialer   Dialer                                // WithDialer: the raw TCP dial
	password func(context.Context) (string, error) // WithPasswordFunc
	token    func(context.Context) (string, error) // WithAccessTokenFunc
	resolve  []verify.Option                       // WithRootCAs, WithRootCAsPEM: trust material for verify.Resolve
}

// WithObserver calls f with the record of every connection made.
func WithObserver(f func(ConnInfo)) Option { return func(o *options) { o.observer = f } }

// WithLogger logs every connection, failure, warning and reload to l. No
// password is ever logged. Without it, warnings and reloads go to
// slog.Default() (connections are logged only to a logger given here); a
// connector's warnings are also returned by Connector.Warnings.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithClock sets the clock that certificate validity is judged by (tests).
// The timings of ConnInfo always use the real clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// Dialer makes the raw TCP connections of a Connector (WithDialer):
// *net.Dialer, golang.org/x/net/proxy's ContextDialer, an SSH client's
// DialContext, a cloud SQL connector's dialer.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// WithDialer makes every TCP connection through d instead of a net.Dialer:
// proxies, SSH tunnels, cloud connectors. It replaces only the raw dial:
// the connection d returns is wrapped as any other — the PRELOGIN guard
// (no login byte in plaintext when TLS is required), the MySQL
// authentication guard, the Connect deadline, the record — and TLS runs
// over it with the connector's own configuration. d is handed the host
// name as the DSN (or a SQL Server routing answer) names it, never an
// address resolved here, so that a proxy may resolve it remotely; with a
// dialer, SQL Server's multiSubnetFailover dials the name once, through d.
// SQL Browser's UDP exchange for a named instance's port cannot go through
// d, and is never made around it: with d, a named instance needs its port
// (portNumber) — without it New fails (invalid-dsn), and a routing answer
// naming host\instance fails the Connect (network), no packet sent.
func WithDialer(d Dialer) Option { return func(o *options) { o.dialer = d } }

// WithPasswordFunc calls f at every Connect for the password of that
// connection (rotating secrets), in place of a password in the DSN: a DSN
// that holds one is an error at New, never silently overridden. The value
// is used for that connection only: it is not kept, logged, recorded or
// shown by String. An error from f fails that Connect before anything is
// dialed, with an error naming WithPasswordFunc that wraps f's error
// (errors.Is reaches it): of f's kind when f's error has one, else network —
// never invalid-dsn, as the connection string is not at fault.
func WithPasswordFunc(f func(ctx context.Context) (string, error)) Option {
	return func(o *options) { o.password = f }
}

// WithAccessTokenFunc (SQL Server only) logs in with an access token
// (Microsoft Entra ID, formerly Azure AD) that f returns at every Connect,
// in place of a user and password: go-mssqldb's security-token login
// (mssql.NewSecurityTokenConnector, as NewAccessTokenConnector and
// NewConnectorWithAccessTokenProvider use), with the connector's own TLS
// configuration and dialer. A DSN with a password, WithPasswordFunc, or a
// MySQL DSN is an error at New. The token is never logged or recorded; an
// error from f fails that Connect as for WithPasswordFunc (naming
// WithAccessTokenFunc, wrapping f's error, kind network unless f's error has
// one), and nothing of the login is sent.
func WithAccessTokenFunc(f func(ctx context.Context) (string, error)) Option {
	return func(o *options) { o.token = f }
}

// WithRootCAs gives the trust anchors from code (a secret manager, an
// embedded bundle) instead of a trust-store file: the strategies that
// validate a chain (SQL Server rows 3 and 4; MySQL VERIFY_CA and
// VERIFY_IDENTITY) check the server's chain against pool, in place of the
// host's pool, with JDBC's name rules unchanged; Strategy.Trust reads
// "option". The pool is copied at New, and Reload keeps it.
//
// It never overrides a DSN: a DSN that names trust anchors (trustStore,
// trustStorePassword, ssl-ca, trustCertificateKeyStoreUrl,
// trustCertificateKeyStorePassword) is an error at New, naming the key, as
// are WithRootCAs together with WithRootCAsPEM and a nil or empty pool. A
// strategy that validates no chain (rows 1, 2 and 11; DISABLED, PREFERRED,
// REQUIRED) ignores the anchors and says so in a warning. Under VERIFY_CA
// and VERIFY_IDENTITY, fallbackToSystemTrustStore=false is satisfied by
// them: the host's pool is not used.
func WithRootCAs(pool *x509.CertPool) Option { return resolveOption(verify.WithRootCAs(pool)) }

// WithRootCAsPEM is WithRootCAs for PEM text holding one or more
// CERTIFICATE blocks. Text that holds no certificate, a block of another
// type or a certificate that does not parse is an error at New, of kind
// truststore-unreadable.
func WithRootCAsPEM(pemCerts []byte) Option { return resolveOption(verify.WithRootCAsPEM(pemCerts)) }

// resolveOption hands opt to every verify.Resolve of the connector.
func resolveOption(opt verify.Option) Option {
	return func(o *options) { o.resolve = append(o.resolve, opt) }
}

// logger is the logger given, or slog.Default(): a warning must reach the
// user without WithLogger.
func (o *options) logger() *slog.Logger { return cmp.Or(o.log, slog.Default()) }
