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
//   - Trust stores are read once per connector; Reload re-reads them.
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
package connector
