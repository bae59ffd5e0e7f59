// Package dsn reads connection strings — the Go drivers' own and JDBC URLs —
// into a Config: where to connect, who as, every TLS property with the key it
// came from, and the parameters passed on to the Go driver. It decides
// nothing about TLS: package verify turns a Config into a Strategy.
//
// # Shapes
//
// The family is decided by the shape:
//
//	SQL Server  jdbc:sqlserver://host[\instance][:port][;key=value]…    values may be {quoted;with;semicolons}, }} for }
//	            sqlserver://user:password@host:port/instance?key=value&… (go-mssqldb URL)
//	            server=[tcp:]host[\instance][,port];user id=…;key=value  (ADO; values may be "quoted" or 'quoted')
//	MySQL       user:password@tcp(host:port)/db?key=value&…              (go-sql-driver; also unix(/path), user@/db)
//	            mysql://user:password@host:port/db?…                     (also mariadb://, tidb://)
//	            jdbc:mysql://host:port/db?user=…&password=…&key=value     (Connector/J)
//	            jdbc:mariadb://host:port/db?…                             (MariaDB Connector/J)
//
// Parameters of the URL shapes and of go-sql-driver's DSN are percent-decoded,
// as are the user, password and database of the URL shapes. One host only:
// load-balancing and failover URLs are refused.
//
// # Keys
//
// Keys are case-insensitive. Both TLS vocabularies (encrypt,
// trustServerCertificate, trustStore, … and sslMode / ssl-mode, ssl-ca,
// tls-version, trustCertificateKeyStoreUrl, …) are read on both families,
// each into its Setting with the key as written. The table of TLS keys, their
// aliases and their concepts is keys.go. Parse refuses, as *kind.Error values
// of kind invalid-dsn naming the key and value:
//
//   - an unknown key on a SQL Server DSN, with "did you mean …" when a known
//     key is two edits away or less; on a MySQL DSN unknown keys stay
//     go-sql-driver session variables, except one without '_' that is two
//     edits or less from a TLS key or from password (ssl-mdoe, pasword);
//   - the same property twice, also through two aliases (sslMode, ssl-mode)
//     or go-sql-driver's tls= with sslMode; the error names both keys;
//   - two vocabularies for one concept (encrypt with sslMode, trustStore with
//     ssl-ca), naming both keys;
//   - a bad value (encrypt=maybe), port (1..65535), quoting ({ or " not
//     closed), or a value the Go driver's own parser refuses (parseTime=maybe);
//   - keys that cannot be honoured and must not be ignored (trustManagerClass,
//     go-sql-driver's allowFallbackToPlaintext and strict, tls=<registered
//     name>, go-mssqldb's tlsmin).
//
// Decisions: booleans are true/false, yes/no or 1/0 in any case (the union of
// what mssql-jdbc, Connector/J and the Go drivers accept). sslMode accepts
// '-' for '_' (verify-ca) and MariaDB's disable, trust and verify-full.
// go-mssqldb's certificate (a PEM file of trusted certificates) is an alias
// of trustStore. go-sql-driver's tls=false|preferred|skip-verify|true maps onto
// DISABLED, PREFERRED, REQUIRED, VERIFY_IDENTITY. user and password may be
// parameters in every MySQL shape.
//
// Properties the JDBC drivers define but the Go driver cannot honour
// (sendStringParametersAsUnicode, useUnicode, …) are accepted with a warning
// in Config.Warnings; those with an equivalent are mapped (applicationName →
// app name, loginTimeout → connection timeout, connectTimeout → timeout,
// allowMultiQueries → multiStatements, sessionVariables → session variables).
// Every key is listed in docs/properties.md.
//
// # Secrets
//
// String, RedactedDriverDSN, fmt's %v, %+v and %#v, every error and every
// warning show kind.Redacted in place of the password and of every secret
// property (trustStorePassword, …). Format shows them: Parse(c.Format())
// equals c. DriverDSN is the Go driver's own DSN, without any TLS property.
package dsn
