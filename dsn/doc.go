// Package dsn reads connection strings — the Go drivers' own and JDBC URLs —
// into a Config: where to connect, who as, every TLS property with the key it
// came from, and the parameters passed on to the Go driver. It decides
// nothing about TLS: package verify turns a Config into a Strategy; package
// connector builds the drivers' configurations from it (dsn imports neither
// driver).
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
// load-balancing and failover URLs are refused. The JDBC MySQL shapes also
// take Connector/J's single-host forms, (host=h,port=p,key=value,…) and
// address=(host=h)(port=p)(key=value)…, whose per-host properties are read
// as the URL's. An IPv6 address is written [::1] in a URL's host part and in
// ADO's server=[::1],1433; serverName=::1 (a property) is the address alone.
//
// # Keys
//
// Keys are case-insensitive. Both TLS vocabularies (encrypt,
// trustServerCertificate, trustStore, … and sslMode / ssl-mode, ssl-ca,
// tls-version, trustCertificateKeyStoreUrl, …) are read on both families,
// each into its Setting with the key as written. The table of TLS keys, their
// aliases and their concepts is keys.go. A jdbc:mariadb: URL is read in
// MariaDB Connector/J's own vocabulary instead (keys_mariadb.go: sslMode =
// disable, trust, verify-ca, verify-full; useSsl, trustServerCertificate,
// disableSslHostnameVerification; serverSslCert, also inline PEM; trustStore…,
// keyStore…, enabledSslProtocolSuites, enabledSslCipherSuites), whose fields
// fill the same Settings, plus TLS.DisableSSLHostnameVerification; the keys
// of the other two are refused there. Config.Vocabulary names the one a DSN
// is read in. Parse refuses, as *kind.Error values of kind invalid-dsn naming
// the key and value:
//
//   - an unknown key on a SQL Server DSN, with "did you mean …" when a known
//     key is two edits away or less; on a MySQL DSN unknown keys stay
//     go-sql-driver session variables, except one without '_' that is two
//     edits or less from a TLS key or from password (ssl-mdoe, pasword), and
//     those refused under Session variables below;
//   - a key written without '=' (;encrypt; or &4dor&): go-sql-driver skips
//     it and Connector/J reads it as empty, dbtls never ignores it nor makes
//     it a session variable;
//   - the same property twice, also through two aliases (sslMode, ssl-mode)
//     or go-sql-driver's tls= with sslMode; the error names both keys;
//   - two vocabularies for one concept (encrypt with sslMode, trustStore with
//     ssl-ca), naming both keys;
//   - a bad value (encrypt=maybe), port (1..65535), quoting ({ or " not
//     closed), or a value the Go driver's own parser refuses (parseTime=maybe);
//   - keys that cannot be honoured and must not be ignored (trustManagerClass,
//     go-sql-driver's allowFallbackToPlaintext and strict, tls=<registered
//     name>, go-mssqldb's tlsmin), and a login dbtls does not honour
//     (authentication=ActiveDirectoryPassword, integratedSecurity=true,
//     authenticationScheme=JavaKerberos, accessToken, credentialType);
//   - an empty hostNameInCertificate (spec §8), and a key store URL that is
//     not a file: URL or a path (trustCertificateKeyStoreUrl=https://…).
//
// A driver parameter's value is checked as the driver reads it
// (internal/driverparam, the reader connector fills the driver's
// configuration with); where the driver would silently take another meaning
// (go-mssqldb's applicationintent=readonly, notraceid=maybe) dbtls refuses
// or reads it as the JDBC driver does.
//
// # How a DSN flows
//
// Parse reads a DSN forward, once: it splits it into key=value tokens in
// its shape's syntax, looks each key up in one table (keys.go), reads each
// value as its field or the driver reads it, and applies the rules across
// keys (reader.go) as it goes. The Config it returns is already checked; it
// is Normalized, and nothing needs to check it again.
//
// # A Config built as a struct
//
// The exported fields of a Config are its only truth. A program may fill one
// in instead of writing a DSN, or change one Parse returned; Normalize checks
// it from its fields with the rules Parse applies — vocabularies, conflicts,
// values, driver parameters, secrets, run by the same code — and returns a
// checked copy, as go-sql-driver's NewConnector runs the normalize its
// ParseDSN runs. For a Config whose FormatDSN is a DSN that Parse refuses,
// Normalize returns Parse's error. Config.Normalized reports whether a Config
// came from Parse or Normalize (or is a Clone of one): a package given such a
// Config need not normalize it again, unless it was changed since.
//
// A Setting built with NewSetting has no Key and no Raw: messages name the
// property by its canonical key, FormatDSN writes the value in its canonical
// form. Params are under the driver's own names (and, on a MySQL
// configuration, session variables); Ignored lists the JDBC properties
// accepted with a warning. Refused in a struct as they cannot be meant: a
// Value with Set false, a Key that does not spell its field, a TLS key or an
// alias among Params.
//
// FormatDSN and String write from the fields. A Config that Parse returned
// keeps the DSN it read; when FormatDSN or String is called, it is split again
// (not checked again) to recover the order and spelling its properties were
// written in, a display hint that is followed while it still says what the
// fields hold and is never read for meaning: a property set or changed since
// is written with its canonical key and value. Parse(c.FormatDSN()) holds what
// Normalize(c) holds.
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
// # Session variables
//
// go-sql-driver sends the parameters it does not know as one statement,
// SET name1 = value1, name2 = value2, written as they are. Both routes to it
// — an unknown parameter in any MySQL shape, and Connector/J's
// sessionVariables=name=value,… — are checked (sessionvars.go): a name is one
// MySQL variable (sql_mode, @@session.sql_mode, SESSION sql_mode,
// `sql_mode`, @var); a name that is a secret in any spelling (password via
// sessionVariables, @@password, session.password, `PASSWORD`, PASSWORD FOR …,
// authentication_string, pwd) is refused, since SET password = … changes the
// account's password; a value is one expression (quotes and parentheses
// balanced; outside quotes no top-level ',', no ';', no comment; no
// backslash or control character) and may not mention a secret
// (PASSWORD('…')). password=… itself is the password, as Connector/J reads
// it, never a variable. A sessionVariables item may not be a property
// (parseTime=true).
//
// # Secrets
//
// String, fmt's %v, %+v and %#v, log/slog (LogValue), encoding/json
// (MarshalJSON), every error and every warning show kind.Redacted in place
// of the password and of every secret property: kind.IsSecretKey is the one
// rule (password, pwd, passwd, and every key whose name holds password,
// secret, token or passphrase, and keyVaultProviderClientKey); TLS's secret
// fields are redacted whatever their Key, and a Setting printed alone with
// no Key and text in it is redacted too. FormatDSN shows them. Where String
// puts the password never depends on what it holds.
//
// An error never shows text that dbtls could not read, since it may hold a
// password (lists.go):
//
//   - a jdbc: URL that is not one of the three shapes shows the sub-protocol
//     when it is a known word (jdbc:oracle, jdbc:mysql:loadbalance) and where
//     the text differs from what dbtls reads (jdbc:sqlserver:/host is
//     "at character 17"), never the rest; so does sqlserver:/host;
//   - user:password@ where a shape has none (jdbc:sqlserver://sa:pw@host), a
//     user or password holding an unencoded '/', '?' or '#' that ends a URL's
//     host part (an '@' then follows it), bad percent-encoding in the user,
//     password or database, and a host, port, network or instance that does
//     not read are not shown; the error names the key, the first character
//     refused, and what to percent-encode. A port of digits is shown;
//   - a value not quoted ({…} in JDBC, "…" in ADO) or percent-encoded (URL
//     parameters) ends at the first ';' or '&': password=Tr0ub;4dor;… is the
//     password Tr0ub followed by a token 4dor. A token right after a secret
//     that does not read — no '=', a key dbtls does not know, a bad value,
//     bad quoting or percent-encoding, a session variable name that is not
//     a name — may be the rest of the secret: the error names the secret's
//     key with kind.Redacted ("text after password that is not a property
//     (password=xxxxx) at property 3"), shows neither the token's key
//     (unless dbtls knows it) nor its value, and says how to quote: {…} with
//     }} for } in JDBC, "…" with "" for " in ADO (which does not quote with
//     {…}), percent-encoding (& as %26, …) in URLs. On a MySQL DSN a
//     session variable right after a secret (password=Tr0ub&dor=x) is
//     refused the same way, never sent: write it earlier or in
//     sessionVariables. A known key with a value that reads
//     (password=Tr0ub;encrypt=true) is taken as written;
//   - a key that is not a plain word is not shown; an error that does not
//     name its token says which one it is ("parameter 3"). Character
//     positions are given only before any secret, and ordinals after, so
//     that an error never tells a secret's length.
package dsn
