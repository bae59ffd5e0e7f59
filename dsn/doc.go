// Package dsn reads connection strings — the Go drivers' own and JDBC URLs —
// into a Config: where to connect, who as, every TLS property with the key it
// came from, and the parameters passed on to the Go driver.
//
// Accepted shapes (the family is decided by the shape):
//
//	SQL Server  jdbc:sqlserver://host[\instance][:port][;key=value]…   values may be {quoted;with;semicolons}
//	            sqlserver://user:password@host:port/instance?key=value&…   (go-mssqldb URL)
//	            server=host\instance,port;user id=…;password=…;key=value   (ADO)
//	MySQL       user:password@tcp(host:port)/db?key=value&…              (go-sql-driver)
//	            mysql://user:password@host:port/db?… (also mariadb://, tidb://)
//	            jdbc:mysql://host:port/db?user=…&password=…&key=value     (Connector/J)
//	            jdbc:mariadb://host:port/db?…
//
// Keys are case-insensitive. Both TLS vocabularies (encrypt,
// trustServerCertificate, trustStore, … and sslMode / ssl-mode, ssl-ca,
// tls-version, trustCertificateKeyStoreUrl, …) are read on both families;
// package verify decides what they mean. Parse refuses, as *kind.Error values
// of kind invalid-dsn naming the key:
//
//   - an unknown key (with a "did you mean" suggestion); for MySQL, unknown
//     keys stay go-sql-driver session variables, except one a letter or two
//     from a TLS key (ssl-mdoe), which is a typo;
//   - the same property twice, also through two aliases (sslMode, ssl-mode);
//   - two vocabularies for one concept (encrypt with sslMode);
//   - a bad value (encrypt=maybe), port, or quoting.
//
// JDBC properties the Go driver cannot honour (sendStringParametersAsUnicode,
// useUnicode, …) are accepted with a warning in Config.Warnings. String never
// shows a password; Format does, and Parse(c.Format()) equals c. The full key
// list is in docs/properties.md.
package dsn
