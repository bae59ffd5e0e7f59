package dsn

import (
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// parseCase is one row of the shared case table: unit tests (TestParse), the
// driver-parser round trips and the fuzz seed corpus all use it. Expected
// values are written from the spec (§1) and the drivers' documentation.
type parseCase struct {
	name   string
	dsn    string
	family Family
	shape  Shape
	host   string
	port   int
	inst   string
	db     string
	user   string
	pw     string
	net    string            // MySQL only; "" for SQL Server and for go-sql-driver's no-net form
	params map[string]string // when not nil: Config.Params exactly
	warn   string            // when set: a warning containing this text
	check  func(t *testing.T, c *Config)

	errKind kind.Kind
	errText []string // every one must be in the message
}

// errCase is a shorthand for an invalid-dsn row.
func errCase(name, dsn string, text ...string) parseCase {
	return parseCase{name: name, dsn: dsn, errKind: kind.InvalidDSN, errText: text}
}

// Helpers that check one TLS setting: set, key as written, value.
func wantEncrypt(key string, v Encrypt) func(*testing.T, *Config) {
	return func(t *testing.T, c *Config) {
		require.Equal(t, Setting[Encrypt]{Key: key, Raw: c.TLS.Encrypt.Raw, Value: v, Set: true}, c.TLS.Encrypt)
	}
}

func wantMode(key string, m SSLMode) func(*testing.T, *Config) {
	return func(t *testing.T, c *Config) {
		require.True(t, c.TLS.SSLMode.Set)
		require.Equal(t, key, c.TLS.SSLMode.Key)
		require.Equal(t, m, c.TLS.SSLMode.Value)
	}
}

func wantString(get func(*TLS) Setting[string], key, v string) func(*testing.T, *Config) {
	return func(t *testing.T, c *Config) {
		s := get(&c.TLS)
		require.True(t, s.Set)
		require.Equal(t, key, s.Key)
		require.Equal(t, v, s.Value)
	}
}

func wantBool(get func(*TLS) Setting[bool], key string, v bool) func(*testing.T, *Config) {
	return func(t *testing.T, c *Config) {
		s := get(&c.TLS)
		require.True(t, s.Set)
		require.Equal(t, key, s.Key)
		require.Equal(t, v, s.Value)
	}
}

func wantList(get func(*TLS) Setting[[]string], key string, v ...string) func(*testing.T, *Config) {
	return func(t *testing.T, c *Config) {
		s := get(&c.TLS)
		require.True(t, s.Set)
		require.Equal(t, key, s.Key)
		require.Equal(t, append([]string{}, v...), s.Value)
	}
}

func all(checks ...func(*testing.T, *Config)) func(*testing.T, *Config) {
	return func(t *testing.T, c *Config) {
		for _, f := range checks {
			f(t, c)
		}
	}
}

var (
	trustServerCert = func(t *TLS) Setting[bool] { return t.TrustServerCertificate }
	trustStore      = func(t *TLS) Setting[string] { return t.TrustStore }
	hostInCert      = func(t *TLS) Setting[string] { return t.HostNameInCertificate }
	sslCA           = func(t *TLS) Setting[string] { return t.SSLCA }
	tlsVersions     = func(t *TLS) Setting[[]string] { return t.TLSVersions }
	ciphers         = func(t *TLS) Setting[[]string] { return t.Ciphers }
)

var parseCases = []parseCase{
	// ---- jdbc:sqlserver:// ----
	{name: "jdbc sqlserver with {} quoting", dsn: "jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={s3cr;et}};x};encrypt=true",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "db.example.com", port: 1433, db: "orders", user: "app", pw: "s3cr;et};x",
		params: map[string]string{}, check: wantEncrypt("encrypt", EncryptTrue)},
	{name: "jdbc sqlserver instance", dsn: `jdbc:sqlserver://db\SQLEXPRESS;portNumber=1500;TRUSTSERVERCERTIFICATE=yes;Encrypt=Mandatory`,
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "db", port: 1500, inst: "SQLEXPRESS",
		check: all(wantBool(trustServerCert, "TRUSTSERVERCERTIFICATE", true), wantEncrypt("Encrypt", EncryptTrue))},
	{name: "jdbc sqlserver every where-to-connect property", dsn: "jdbc:sqlserver://;serverName=db;instanceName=INST;portNumber=1500;databaseName=d;userName=u;password=pw-1234",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "db", port: 1500, inst: "INST", db: "d", user: "u", pw: "pw-1234"},
	{name: "jdbc sqlserver serverName property and IPv6", dsn: "jdbc:sqlserver://;serverName=[::1];port=1433;encrypt=strict",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "::1", port: 1433, check: wantEncrypt("encrypt", EncryptStrict)},
	{name: "jdbc sqlserver encrypt optional", dsn: "jdbc:sqlserver://h;encrypt=Optional", family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: wantEncrypt("encrypt", EncryptFalse)},
	{name: "jdbc sqlserver encrypt NO", dsn: "jdbc:sqlserver://h;encrypt=NO", family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: wantEncrypt("encrypt", EncryptFalse)},
	{name: "jdbc sqlserver encrypt yes", dsn: "jdbc:sqlserver://h;encrypt=yes", family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: wantEncrypt("encrypt", EncryptTrue)},
	{name: "jdbc sqlserver boolean 1", dsn: "jdbc:sqlserver://h;trustServerCertificate=1", family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: wantBool(trustServerCert, "trustServerCertificate", true)},
	{name: "jdbc sqlserver boolean FALSE", dsn: "jdbc:sqlserver://h;trustServerCertificate=FALSE", family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: wantBool(trustServerCert, "trustServerCertificate", false)},
	{name: "jdbc sqlserver every TLS property", dsn: "jdbc:sqlserver://h;encrypt=strict;hostNameInCertificate=*.example.com;trustStore=/t.p12;trustStorePassword=changeit;trustStoreType=PKCS12;serverCertificate=/s.pem;sslProtocol=TLSv1.3",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h", params: map[string]string{},
		check: all(wantEncrypt("encrypt", EncryptStrict), wantString(hostInCert, "hostNameInCertificate", "*.example.com"),
			wantString(trustStore, "trustStore", "/t.p12"),
			wantString(func(t *TLS) Setting[string] { return t.TrustStorePassword }, "trustStorePassword", "changeit"),
			wantString(func(t *TLS) Setting[string] { return t.TrustStoreType }, "trustStoreType", "PKCS12"),
			wantString(func(t *TLS) Setting[string] { return t.ServerCertificate }, "serverCertificate", "/s.pem"),
			wantString(func(t *TLS) Setting[string] { return t.SSLProtocol }, "sslProtocol", "TLSv1.3"))},
	{name: "jdbc sqlserver trust store path in braces", dsn: `jdbc:sqlserver://h;encrypt=true;trustStore={C:\certs\my;store.jks}`,
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h", check: wantString(trustStore, "trustStore", `C:\certs\my;store.jks`)},
	{name: "jdbc sqlserver ignored property warns", dsn: "jdbc:sqlserver://h;sendStringParametersAsUnicode=false",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h", params: map[string]string{}, warn: "ignored: sendStringParametersAsUnicode"},
	{name: "jdbc sqlserver mapped property", dsn: "jdbc:sqlserver://h;applicationName=billing;loginTimeout=30;packetSize=8192",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		params: map[string]string{"app name": "billing", "connection timeout": "30", "packet size": "8192"}},
	{name: "jdbc sqlserver go-mssqldb parameters pass", dsn: "jdbc:sqlserver://h;dial timeout=5;keepAlive=30;log=1;multiSubnetFailover=true",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		params: map[string]string{"dial timeout": "5", "keepalive": "30", "log": "1", "multisubnetfailover": "true"}},
	{name: "jdbc sqlserver instanceName before serverName", dsn: "jdbc:sqlserver://;instanceName=INST;serverName=db",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "db", inst: "INST"},
	errCase("jdbc sqlserver instance in serverName and instanceName", `jdbc:sqlserver://;serverName=db\A;instanceName=B`, "given twice", "serverName and instanceName"),
	errCase("jdbc sqlserver port in serverName and portNumber", "jdbc:sqlserver://;serverName=db:1500;portNumber=1501", "given twice", "serverName and portNumber"),
	errCase("jdbc sqlserver instance and properties", `jdbc:sqlserver://db\SQLEXPRESS;instanceName=X;portNumber=1500`, "given twice", "instanceName"),
	errCase("jdbc sqlserver serverName after the URL's host", "jdbc:sqlserver://h;serverName=x", "given twice", "serverName"),
	errCase("jdbc sqlserver unterminated brace", "jdbc:sqlserver://h;password={abc", "unterminated {"),
	errCase("jdbc sqlserver text after braces", "jdbc:sqlserver://h;database={a}b;encrypt=true", "text after a quoted value"),
	errCase("jdbc sqlserver no value", "jdbc:sqlserver://h;encrypt", "without a value", "encrypt"),
	errCase("jdbc sqlserver typo", "jdbc:sqlserver://h;trustServerCertifcate=true", "unknown property (trustServerCertifcate=true)", "did you mean trustServerCertificate"),
	errCase("jdbc sqlserver typo in a connect key", "jdbc:sqlserver://h;databseName=x", "did you mean databaseName"),
	errCase("jdbc sqlserver unknown key far from every key", "jdbc:sqlserver://h;frobnicate=1", "unknown property (frobnicate=1)", "docs/properties.md"),
	errCase("jdbc sqlserver misspelt password is redacted", "jdbc:sqlserver://h;passwrd=hunter22", "unknown property (passwrd=xxxxx)", "did you mean password"),
	errCase("trust manager class refused", "jdbc:sqlserver://h;trustManagerClass=com.x.Y", "cannot be honoured", "TrustManager"),
	errCase("go-mssqldb tlsmin refused", "sqlserver://h?tlsmin=1.2", "tlsmin", "sslProtocol"),
	errCase("SQL Server client certificate refused", "jdbc:sqlserver://h;clientCertificate=/c.pem", "clientCertificate", "not supported"),
	errCase("bad encrypt", "jdbc:sqlserver://h;encrypt=maybe", "invalid encrypt value (encrypt=maybe)", "want false", "true", "strict"),
	errCase("go-mssqldb encrypt=disable refused", "sqlserver://h?encrypt=disable", "invalid encrypt value", "disable"),
	errCase("bad boolean", "jdbc:sqlserver://h;trustServerCertificate=sure", "invalid boolean value (trustServerCertificate=sure)", "want true or false"),
	errCase("bad port", "jdbc:sqlserver://h:99999", "invalid port", "99999", "1 to 65535"),
	errCase("port zero", "jdbc:sqlserver://h:0", "invalid port", "1 to 65535"),
	errCase("empty port", "jdbc:sqlserver://h:", "invalid port"),
	errCase("bad portNumber", "jdbc:sqlserver://h;portNumber=abc", "invalid port (portNumber=abc)"),
	errCase("same key twice", "jdbc:sqlserver://h;encrypt=true;ENCRYPT=false", "given twice", "encrypt and ENCRYPT"),
	errCase("loginTimeout and connection timeout", "jdbc:sqlserver://h;loginTimeout=30;connection timeout=5", "given twice", "loginTimeout and connection timeout"),
	errCase("bad go-mssqldb value", "jdbc:sqlserver://h;loginTimeout=abc", "invalid value for a go-mssqldb parameter (loginTimeout=abc)"),
	errCase("certificate and trustStore", "sqlserver://h?certificate=/a.pem&trustStore=/b.jks", "given twice", "certificate and trustStore"),
	errCase("vocabularies mixed", "jdbc:sqlserver://h;encrypt=true;sslMode=REQUIRED", "two vocabularies", "encrypt (SQL Server/JDBC) and sslMode (MySQL)"),
	errCase("trustServerCertificate with sslMode", "jdbc:mysql://h/d?sslMode=REQUIRED&trustServerCertificate=true", "two vocabularies", "sslMode (MySQL) and trustServerCertificate (SQL Server/JDBC)"),
	errCase("trustStore with trustCertificateKeyStoreUrl", "jdbc:sqlserver://h;trustStore=/a.jks;trustCertificateKeyStoreUrl=file:/b.jks", "two vocabularies", "trustStore", "trustCertificateKeyStoreUrl", "trust anchors"),
	errCase("anchors mixed", "jdbc:mysql://h/db?trustStore=/a.jks&ssl-ca=/b.pem", "two vocabularies", "trustStore", "ssl-ca"),
	errCase("versions mixed", "jdbc:mysql://h/db?sslProtocol=TLSv1.2&tls-version=TLSv1.3", "two vocabularies", "sslProtocol", "tls-version"),

	// ---- sqlserver:// (go-mssqldb) ----
	{name: "sqlserver URL", dsn: "sqlserver://sa:p%40ss@127.0.0.1:1433/SQLEXPRESS?database=x&encrypt=true&app+name=foo",
		family: SQLServer, shape: ShapeSQLServerURL, host: "127.0.0.1", port: 1433, inst: "SQLEXPRESS", db: "x", user: "sa", pw: "p@ss",
		params: map[string]string{"app name": "foo"}, check: wantEncrypt("encrypt", EncryptTrue)},
	{name: "sqlserver URL go-mssqldb key names", dsn: "sqlserver://h?TrustServerCertificate=true&hostnameincertificate=x&encrypt=true&certificate=/ca.pem",
		family: SQLServer, shape: ShapeSQLServerURL, host: "h",
		check: all(wantString(hostInCert, "hostnameincertificate", "x"), wantBool(trustServerCert, "TrustServerCertificate", true),
			wantString(trustStore, "certificate", "/ca.pem"))},
	errCase("sqlserver URL bad port", "sqlserver://h:70000", "invalid port"),

	// ---- ADO ----
	{name: "ADO", dsn: `server=tcp:db\INST,1444;user id=sa;password="a;b""c";database=orders;Encrypt=true`,
		family: SQLServer, shape: ShapeADO, host: "db", port: 1444, inst: "INST", db: "orders", user: "sa", pw: `a;b"c`,
		check: wantEncrypt("Encrypt", EncryptTrue)},
	{name: "ADO tcp prefix", dsn: "Server=tcp:db.example.com,1433;Encrypt=strict", family: SQLServer, shape: ShapeADO, host: "db.example.com", port: 1433,
		check: wantEncrypt("Encrypt", EncryptStrict)},
	{name: "ADO .NET names", dsn: `Data Source=db\INST;Initial Catalog=orders;UID=u;PWD='it''s';Application Name=x;Connect Timeout=15;Pooling=false`,
		family: SQLServer, shape: ShapeADO, host: "db", inst: "INST", db: "orders", user: "u", pw: "it's",
		params: map[string]string{"app name": "x", "connection timeout": "15"}, warn: "ignored: Pooling"},
	{name: "ADO starting with another key", dsn: "Application Name=billing;Server=db;Encrypt=true", family: SQLServer, shape: ShapeADO, host: "db",
		params: map[string]string{"app name": "billing"}, check: wantEncrypt("Encrypt", EncryptTrue)},
	errCase("ADO unknown key", "server=db;encrpyt=true", "did you mean encrypt"),
	errCase("ADO unterminated quote", `server=h;password="abc`, `unterminated "`),
	errCase("ADO bad port", "server=h,0", "invalid port"),

	// ---- go-sql-driver ----
	{name: "go-sql-driver", dsn: "app:p@ss:w@tcp(db.example.com:3307)/orders?ssl-mode=VERIFY_CA&ssl-ca=%2Fetc%2Fca.pem&parseTime=true&sql_mode=%27ANSI%27",
		family: MySQL, shape: ShapeMySQLGo, host: "db.example.com", port: 3307, db: "orders", user: "app", pw: "p@ss:w", net: "tcp",
		params: map[string]string{"parseTime": "true", "sql_mode": "'ANSI'"},
		check:  all(wantMode("ssl-mode", SSLVerifyCA), wantString(sslCA, "ssl-ca", "/etc/ca.pem"))},
	{name: "go-sql-driver unix socket", dsn: "root@unix(/run/mysqld/mysqld.sock)/", family: MySQL, shape: ShapeMySQLGo,
		host: "/run/mysqld/mysqld.sock", user: "root", net: "unix"},
	{name: "go-sql-driver no network", dsn: "user@/db", family: MySQL, shape: ShapeMySQLGo, user: "user", db: "db"},
	{name: "go-sql-driver tcp without address", dsn: "u:pw@tcp/db", family: MySQL, shape: ShapeMySQLGo, user: "u", pw: "pw", db: "db", net: "tcp"},
	{name: "go-sql-driver IPv6", dsn: "u@tcp([::1]:3306)/db", family: MySQL, shape: ShapeMySQLGo, user: "u", db: "db", net: "tcp", host: "::1", port: 3306},
	{name: "go-sql-driver percent-encoded database", dsn: "u@tcp(h)/my%20db", family: MySQL, shape: ShapeMySQLGo, user: "u", db: "my db", net: "tcp", host: "h"},
	{name: "go-sql-driver tls param maps", dsn: "u@tcp(h)/d?tls=skip-verify", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		params: map[string]string{}, check: wantMode("tls", SSLRequired)},
	{name: "go-sql-driver tls=true", dsn: "u@tcp(h)/d?tls=true", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantMode("tls", SSLVerifyIdentity)},
	{name: "go-sql-driver tls=false", dsn: "u@tcp(h)/d?tls=false", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantMode("tls", SSLDisabled)},
	{name: "go-sql-driver tls=preferred", dsn: "u@tcp(h)/d?tls=preferred", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantMode("tls", SSLPreferred)},
	{name: "go-sql-driver password as a parameter", dsn: "u@tcp(h)/d?password=pw", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", pw: "pw", db: "d", net: "tcp",
		params: map[string]string{}},
	{name: "go-sql-driver ? in the password", dsn: "u:a?b@tcp(h)/d?ssl-ca=/x.pem", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", pw: "a?b", db: "d", net: "tcp",
		check: wantString(sslCA, "ssl-ca", "/x.pem")},
	{name: "go-sql-driver password parameter with ?", dsn: "u@tcp(h)/d?password=a%3Fb%2F", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", pw: "a?b/", db: "d", net: "tcp"},
	{name: "go-sql-driver unescaped / in a parameter", dsn: "u@tcp(h)/d?ssl-ca=/etc/ca.pem", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantString(sslCA, "ssl-ca", "/etc/ca.pem")},
	{name: "Connector/J property in a go-sql-driver DSN warns", dsn: "u@tcp(h)/d?autoReconnect=true", family: MySQL, shape: ShapeMySQLGo,
		host: "h", user: "u", db: "d", net: "tcp", params: map[string]string{}, warn: "ignored: autoReconnect"},
	{name: "empty version list is set and empty", dsn: "u@tcp(h)/d?tls-version=", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantList(tlsVersions, "tls-version")},
	{name: "ciphers split on colon and comma", dsn: "u@tcp(h)/d?ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384,+TLS_RSA_WITH_AES_128_GCM_SHA256",
		family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantList(ciphers, "ssl-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256")},
	{name: "sslMode dashed and lower case", dsn: "u@tcp(h)/d?sslmode=verify-ca", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		check: wantMode("sslmode", SSLVerifyCA)},
	errCase("go-sql-driver registered tls refused", "u@tcp(h)/d?tls=custom", "invalid tls value (tls=custom)", "registered"),
	errCase("tls and sslMode", "u@tcp(h)/d?sslMode=DISABLED&tls=true", "given twice", "sslMode and tls"),
	errCase("go-sql-driver bad driver value", "u@tcp(h)/d?parseTime=maybe", "invalid value for a go-sql-driver parameter (parseTime=maybe)"),
	errCase("go-sql-driver strict refused", "u@tcp(h)/d?strict=true", "strict", "sql_mode"),
	errCase("allowFallbackToPlaintext refused", "u@tcp(h)/d?allowFallbackToPlaintext=true", "allowFallbackToPlaintext", "PREFERRED"),
	errCase("typo near a TLS key", "u@tcp(h)/d?ssl-mdoe=REQUIRED", "unknown property (ssl-mdoe=REQUIRED)", "did you mean ssl-mode"),
	errCase("typo sslmod", "jdbc:mysql://h/d?sslmod=REQUIRED", "did you mean sslMode"),
	errCase("typo trustStor", "jdbc:mysql://h/d?trustStor=/t.jks", "did you mean trustStore"),
	errCase("misspelt password on MySQL", "u@tcp(h)/d?pasword=hunter22", "unknown property (pasword=xxxxx)", "did you mean password"),
	errCase("bad sslMode", "u@tcp(h)/d?sslMode=ALWAYS", "invalid sslMode value (sslMode=ALWAYS)", "VERIFY_IDENTITY"),
	errCase("unterminated parenthesis", "u@tcp(h/d", "unterminated ("),
	errCase("unsupported network", "u@udp(h)/d", "unsupported network (net=udp)"),
	errCase("go-sql-driver bad port", "u@tcp(h:0)/d", "invalid port"),

	// ---- mysql:// mariadb:// tidb:// ----
	{name: "mysql URL", dsn: "mysql://app:pw@db:3306/orders?sslMode=REQUIRED&tls-version=TLSv1.2,TLSv1.3",
		family: MySQL, shape: ShapeMySQLURL, host: "db", port: 3306, db: "orders", user: "app", pw: "pw", net: "tcp",
		check: all(wantMode("sslMode", SSLRequired), wantList(tlsVersions, "tls-version", "TLSv1.2", "TLSv1.3"))},
	{name: "mysql URL percent-decoding", dsn: "mysql://a%40b:p%3Aw%2F@h/d%2Fx", family: MySQL, shape: ShapeMySQLURL, host: "h", user: "a@b", pw: "p:w/", db: "d/x", net: "tcp"},
	{name: "mariadb URL", dsn: "mariadb://u@[::1]:3307/d?ssl-mode=disabled", family: MySQL, shape: ShapeMySQLURL, host: "::1", port: 3307, user: "u", db: "d", net: "tcp",
		check: wantMode("ssl-mode", SSLDisabled)},
	{name: "tidb URL", dsn: "tidb://root@tidb.example.com:4000/test?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem", family: MySQL, shape: ShapeMySQLURL,
		host: "tidb.example.com", port: 4000, user: "root", db: "test", net: "tcp", check: wantMode("ssl-mode", SSLVerifyIdentity)},

	// ---- jdbc:mysql:// ----
	{name: "jdbc mysql user as parameter", dsn: "jdbc:mysql://127.0.0.1:3306/test?user=plain&password=pw&sslMode=required&useUnicode=true",
		family: MySQL, shape: ShapeJDBCMySQL, host: "127.0.0.1", port: 3306, db: "test", user: "plain", pw: "pw", net: "tcp",
		params: map[string]string{}, warn: "ignored: useUnicode", check: wantMode("sslMode", SSLRequired)},
	{name: "jdbc mysql connectTimeout maps", dsn: "jdbc:mysql://h/d?connectTimeout=5000", family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		params: map[string]string{"timeout": "5000ms"}},
	{name: "jdbc mysql mapped booleans", dsn: "jdbc:mysql://h/d?allowMultiQueries=yes&useCompression=TRUE&connectionCollation=utf8mb4_bin",
		family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		params: map[string]string{"multiStatements": "true", "compress": "true", "collation": "utf8mb4_bin"}},
	{name: "jdbc mysql sessionVariables", dsn: "jdbc:mysql://h/d?sessionVariables=sql_mode%3D'ANSI,TRADITIONAL'%3Bwait_timeout%3D60",
		family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		params: map[string]string{"sql_mode": "'ANSI,TRADITIONAL'", "wait_timeout": "60"}},
	{name: "jdbc mysql legacy booleans", dsn: "jdbc:mysql://h/d?useSSL=true&requireSSL=yes&verifyServerCertificate=NO",
		family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		check: all(wantBool(func(t *TLS) Setting[bool] { return t.UseSSL }, "useSSL", true),
			wantBool(func(t *TLS) Setting[bool] { return t.RequireSSL }, "requireSSL", true),
			wantBool(func(t *TLS) Setting[bool] { return t.VerifyServerCertificate }, "verifyServerCertificate", false))},
	{name: "jdbc mysql key stores", dsn: "jdbc:mysql://h/d?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:/t.jks&trustCertificateKeyStorePassword=tpw1&trustCertificateKeyStoreType=JKS&clientCertificateKeyStoreUrl=file:/c.p12&clientCertificateKeyStorePassword=cpw1&enabledTLSProtocols=TLSv1.3&enabledSSLCipherSuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		check: all(wantString(func(t *TLS) Setting[string] { return t.TrustCertKeyStoreURL }, "trustCertificateKeyStoreUrl", "file:/t.jks"),
			wantString(func(t *TLS) Setting[string] { return t.TrustCertKeyStorePassword }, "trustCertificateKeyStorePassword", "tpw1"),
			wantString(func(t *TLS) Setting[string] { return t.ClientKeyStoreURL }, "clientCertificateKeyStoreUrl", "file:/c.p12"),
			wantList(tlsVersions, "enabledTLSProtocols", "TLSv1.3"),
			wantList(ciphers, "enabledSSLCipherSuites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))},
	{name: "JDBC vocabulary on a MySQL DSN is read", dsn: "jdbc:mysql://h/d?encrypt=true&trustServerCertificate=true",
		family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		check: all(wantEncrypt("encrypt", EncryptTrue), wantBool(trustServerCert, "trustServerCertificate", true))},
	{name: "X DevAPI properties warn", dsn: "jdbc:mysql://h/d?xdevapi.ssl-mode=REQUIRED", family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d", net: "tcp",
		params: map[string]string{}, warn: "ignored: xdevapi.ssl-mode"},
	errCase("jdbc mysql user twice", "jdbc:mysql://u@h/d?user=v", "user given twice"),
	errCase("jdbc mysql bad connectTimeout", "jdbc:mysql://h/d?connectTimeout=soon", "invalid connectTimeout value (connectTimeout=soon)"),
	errCase("tlsVersions and tls-version", "jdbc:mysql://h/d?tls-version=TLSv1.3&tlsVersions=TLSv1.2", "given twice", "tls-version and tlsVersions"),
	errCase("several hosts refused", "jdbc:mysql://a,b/d", "several hosts"),
	errCase("loadbalance refused", "jdbc:mysql:loadbalance://a/d", "unsupported JDBC URL"),
	errCase("unterminated session variable quote", "jdbc:mysql://h/d?sessionVariables=sql_mode%3D'ANSI", "invalid sessionVariables value"),

	// ---- jdbc:mariadb:// ----
	{name: "jdbc mariadb", dsn: "jdbc:mariadb://h:3306/d?sslMode=VERIFY_IDENTITY&enabledSslCipherSuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
		family: MySQL, shape: ShapeJDBCMariaDB, host: "h", port: 3306, db: "d", net: "tcp",
		check: all(wantMode("sslMode", SSLVerifyIdentity), wantList(ciphers, "enabledSslCipherSuites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))},
	// MariaDB Connector/J's vocabulary only (spec §1, third column): the
	// keys of the other two are refused, its sslMode words are its own.
	errCase("mariadb: MySQL Connector/J key", "jdbc:mariadb://h/d?sslMode=verify-full&ssl-ca=/ca.pem", "property cannot be honoured", "not a MariaDB Connector/J property"),
	errCase("mariadb: JDBC key", "jdbc:mariadb://h/d?encrypt=true", "property cannot be honoured", "not a MariaDB Connector/J property"),
	errCase("mariadb: verify-identity is not its word", "jdbc:mariadb://h/d?sslMode=verify-identity", "invalid sslMode value"),
	errCase("mariadb: PREFERRED is not its word", "jdbc:mariadb://h/d?sslMode=PREFERRED", "invalid sslMode value"),
	errCase("mariadb: allow refused", "jdbc:mariadb://h/d?sslMode=allow", "sslMode dbtls does not offer"),
	errCase("mariadb: classpath refused", "jdbc:mariadb://h/d?serverSslCert=classpath:ca.pem", "classpath resource", "copy the resource to a file"),
	errCase("mariadb: https store refused", "jdbc:mariadb://h/d?trustStore=https://x/t.jks", "key store URL that dbtls cannot read"),
	errCase("mariadb: empty serverSslCert refused", "jdbc:mariadb://h/d?sslMode=verify-ca&serverSslCert=", "empty serverSslCert"),
	errCase("mariadb: empty trustStore refused", "jdbc:mariadb://h/d?trustStore=", "empty trustStore"),
	errCase("mariadb: keyPassword refused", "jdbc:mariadb://h/d?keyStore=/c.jks&keyPassword=x", "property cannot be honoured", "keyStorePassword"),
	// MariaDB Connector/J decodes no percent-encoding; dbtls reads every URL
	// shape's values percent-decoded (docs/divergences.md M9).
	{name: "jdbc mariadb percent-decoded", dsn: "jdbc:mariadb://h/d?serverSslCert=%2Fetc%2Fca%2Bx.pem", family: MySQL, shape: ShapeJDBCMariaDB, host: "h", db: "d", net: "tcp",
		check: wantString(sslCA, "serverSslCert", "/etc/ca+x.pem")},
	{name: "jdbc mariadb legacy", dsn: "jdbc:mariadb://h/d?useSSL=true&trustServerCertificate=true&disableSslHostnameVerification=false",
		family: MySQL, shape: ShapeJDBCMariaDB, host: "h", db: "d", net: "tcp",
		check: all(wantBool(func(t *TLS) Setting[bool] { return t.UseSSL }, "useSSL", true), wantBool(func(t *TLS) Setting[bool] { return t.TrustServerCertificate }, "trustServerCertificate", true),
			wantBool(func(t *TLS) Setting[bool] { return t.DisableSSLHostnameVerification }, "disableSslHostnameVerification", false))},
	{name: "jdbc mariadb aliases", dsn: "jdbc:mariadb://h/d?sslmode=true&trustCertificateKeyStoreUrl=file:/t.jks&clientCertificateKeyStoreUrl=/c.jks",
		family: MySQL, shape: ShapeJDBCMariaDB, host: "h", db: "d", net: "tcp",
		check: all(wantMode("sslmode", SSLVerifyIdentity), wantString(func(t *TLS) Setting[string] { return t.TrustStore }, "trustCertificateKeyStoreUrl", "file:/t.jks"),
			wantString(func(t *TLS) Setting[string] { return t.ClientKeyStoreURL }, "clientCertificateKeyStoreUrl", "/c.jks"))},
	{name: "jdbc mariadb names", dsn: "jdbc:mariadb://h/d?sslMode=trust&serverSslCert=/ca.pem&keyStore=/c.p12&keyStorePassword=kpw1&enabledSslProtocolSuites=TLSv1.2,TLSv1.3",
		family: MySQL, shape: ShapeJDBCMariaDB, host: "h", db: "d", net: "tcp",
		check: all(wantMode("sslMode", SSLRequired), wantString(sslCA, "serverSslCert", "/ca.pem"),
			wantString(func(t *TLS) Setting[string] { return t.ClientKeyStoreURL }, "keyStore", "/c.p12"),
			wantList(tlsVersions, "enabledSslProtocolSuites", "TLSv1.2", "TLSv1.3"))},
	{name: "jdbc mariadb verify-full", dsn: "jdbc:mariadb://h/d?sslMode=VERIFY-FULL", family: MySQL, shape: ShapeJDBCMariaDB, host: "h", db: "d", net: "tcp",
		check: wantMode("sslMode", SSLVerifyIdentity)},

	// ---- secrets in errors (lists.go, sessionvars.go) ----
	errCase("jdbc unquoted ; in a password", "jdbc:sqlserver://h;user=sa;password=hunter22;4dor;encrypt=true",
		"text after password that is not a property (password=xxxxx) at property 3", "{…}"),
	errCase("ado braces are not quotes", "server=h;Password={hunter22;4dor}", "(Password=xxxxx) at property 3", `"…"`),
	errCase("mysql unencoded & in a password", "jdbc:mysql://h/d?password=hunter22&4dor&sslMode=REQUIRED", "(password=xxxxx) at parameter 2", "%26"),
	errCase("mysql parameter without a value", "u@tcp(h)/d?sslMode=REQUIRED&frob", "parameter without a value (frob=)"),
	errCase("user:password@ in a jdbc:sqlserver URL", "jdbc:sqlserver://sa:hunter22@h", "user or password before the host (serverName=xxxxx)"),
	errCase("unencoded / in a URL password", "mysql://u:hunter22/x@h/d", "user or password not percent-encoded", "%2F"),
	errCase("jdbc one slash", "jdbc:sqlserver:/h;password=hunter22", "malformed JDBC URL (scheme=jdbc:sqlserver) at character 17"),
	errCase("sessionVariables sets the password", "jdbc:mysql://h/d?sessionVariables=password%3D'hunter22'", "session variable that sets a secret (sessionVariables=xxxxx)"),
	errCase("session variable @@session.password", "u@tcp(h)/d?@@session.password=hunter22", "session variable that sets a secret"),
	errCase("session variable value with a second assignment", "u@tcp(h)/d?sql_mode=ANSI%2Cautocommit%3D0", "unsafe session variable value (sql_mode=xxxxx)", "unquoted ,"),
	{name: "session variables as MySQL writes them", dsn: "u@tcp(h)/d?@@session.sql_mode=%27ANSI%27&SESSION%20time_zone=%27%2B00:00%27",
		family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d", net: "tcp",
		params: map[string]string{"@@session.sql_mode": "'ANSI'", "SESSION time_zone": "'+00:00'"}},
	{name: "go-sql-driver password with / ? and )", dsn: "u:a/b?c)d@tcp(h:3306)/db?ssl-ca=/etc/ca.pem",
		family: MySQL, shape: ShapeMySQLGo, host: "h", port: 3306, user: "u", pw: "a/b?c)d", db: "db", net: "tcp",
		check: wantString(sslCA, "ssl-ca", "/etc/ca.pem")},

	// ---- anything else ----
	errCase("empty", "  ", "empty DSN"),
	errCase("nonsense", "hello", "unrecognised DSN"),
	errCase("other JDBC driver", "jdbc:postgresql://h/d", "unsupported JDBC URL"),
}
