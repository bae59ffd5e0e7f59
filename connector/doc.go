// Package connector gives database/sql a driver.Connector for SQL Server
// (go-mssqldb) or the MySQL family (go-sql-driver/mysql) whose every
// connection obeys the TLS strategy of its connection string.
//
// # Connecting securely
//
// Give New (or OpenDB) the connection string your Java service used — a JDBC
// URL works as it is — and keep its trust store:
//
//	db, err := connector.OpenDB("jdbc:sqlserver://db.example.com;databaseName=orders;" +
//		"user=app;password=…;encrypt=true;trustStore=/etc/app/trust.jks;trustStorePassword=…")
//
// What you get is the scenario table of Microsoft JDBC (docs/scenario-table.md)
// or MySQL's sslMode, never something weaker:
//
//   - encrypt=true (and strict, and MySQL REQUIRED and above) require TLS: a
//     server that answers "no encryption" — or a machine in the middle that
//     rewrites its answer — is an error of kind encryption-not-supported,
//     and no login byte is sent in plaintext.
//   - The certificate is judged by JDBC's rules (package verify), in
//     VerifyConnection, so resumed TLS sessions are judged too.
//   - Trust material is read when the connector is made and follows its
//     files (spec §7): a connection that starts one second after a trust
//     store, ssl-ca, pin, client certificate, RSA key or CRL file changed
//     on disk uses the new content, whatever made the connector (New,
//     OpenDB, NewFromConfig, sql.Open); a change that does not load keeps
//     the previous material, with one warning. Reload re-reads it all now.
//   - Every connection starts from its own copy of the driver configuration
//     and its own *tls.Config: go-sql-driver's plaintext fallback in
//     PREFERRED never outlives its connection, and go-mssqldb's changes to
//     the TLS configuration never reach another connection.
//   - encrypt=false (row 1) means what the documented table says: TLS only
//     as the server asks, without validation. Prefer encrypt=true.
//
// Options cover what a connection string cannot say without weakening any
// check: WithDialer (the raw TCP dial only; the connection is still guarded
// and recorded), WithPasswordFunc and WithAccessTokenFunc (called on every
// connect), WithRootCAs and WithRootCAsPEM (trust anchors from code, refused
// beside a trust store in the DSN). sql.Open("dbtls", dsn) works too.
//
// Each connection records what was negotiated (Info, WithObserver,
// WithLogger). Failures are *kind.Error values: branch with
// errors.Is(err, kind.HostnameMismatch) and friends. A handshake the server
// refuses (an old server: RSA key exchange, 3DES, TLS 1.0/1.1 only) is
// explained: a second handshake, which never logs in, learns what the server
// insists on, and the error names it, the server's setting to change and
// the DSN key that allows it where there is one (verify.ExplainHandshake).
//
// # Bytes that break the protocol
//
// Whatever a server, or a machine in the middle, sends, the application
// gets an error, never a crash. The bytes dbtls already reads — SQL
// Server's PRELOGIN answer on every hop (and, under encrypt=false, the
// plaintext answer to LOGIN7), MySQL's greeting and authentication packets
// until TLS starts — are checked for structure before the driver reads
// them; a malformed one is an error of kind protocol-violation naming what
// is wrong. Everything else (result sets, error packets, what comes inside
// TLS) is the driver's to read, so every method database/sql calls on a
// connection, statement, rows or transaction runs behind a recover: a
// driver's panic is a protocol-violation error, the network connection is
// closed, and database/sql discards the connection (IsValid false,
// driver.ErrBadConn afterwards). One kind of failure escapes any recover: a
// driver that allocates what a length field asks for before reading it
// (docs/security.md lists the one known in go-mssqldb).
//
// # The driver's own connection (sql.Conn.Raw)
//
// sql.Conn.Raw hands over dbtls's connection, which has exactly the
// optional database/sql interfaces of the driver's connection
// (QueryerContext, ExecerContext and the deprecated Execer and Queryer for
// go-sql-driver; ConnBeginTx, ConnPrepareContext, Pinger, SessionResetter,
// Validator and NamedValueChecker for both), and keeps the driver's results
// (res.(mysql.Result).AllRowsAffected() works as go-sql-driver documents).
// go-mssqldb's bulk copy is on the connection itself:
//
//	err := conn.Raw(func(dc any) error {
//		bulk := dc.(interface {
//			CreateBulkContext(ctx context.Context, table string, columns []string) *mssql.Bulk
//		}).CreateBulkContext(ctx, "orders", []string{"id", "total"})
//		…
//	})
//
// and anything else of the driver's own type (*mssql.Conn, a statement's
// *mssql.Stmt) through Unwrap, on the connection and on its statements:
//
//	ms := dc.(interface{ Unwrap() driver.Conn }).Unwrap().(*mssql.Conn)
//
// Calls made on what Unwrap returns, and on a bulk copy, are not guarded.
package connector
