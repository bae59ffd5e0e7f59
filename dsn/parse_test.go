package dsn

import (
	"fmt"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
	"github.com/stretchr/testify/require"
)

// parseCases is the shared case table: unit tests and the fuzz seed corpus use it.
var parseCases = []struct {
	name    string
	dsn     string
	family  Family
	shape   Shape
	host    string
	port    int
	inst    string
	db      string
	user    string
	pw      string
	check   func(t *testing.T, c *Config)
	errKind kind.Kind
	errText string
}{
	{name: "jdbc sqlserver with {} quoting", dsn: "jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={s3cr;et}};x};encrypt=true",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "db.example.com", port: 1433, db: "orders", user: "app", pw: "s3cr;et};x",
		check: func(t *testing.T, c *Config) {
			require.True(t, c.TLS.Encrypt.Set)
			require.Equal(t, EncryptTrue, c.TLS.Encrypt.Value)
		}},
	{name: "jdbc sqlserver instance and properties", dsn: `jdbc:sqlserver://db\SQLEXPRESS;instanceName=X;portNumber=1500`, errKind: kind.InvalidDSN, errText: "given twice"},
	{name: "jdbc sqlserver instance", dsn: `jdbc:sqlserver://db\SQLEXPRESS;portNumber=1500;TRUSTSERVERCERTIFICATE=yes;Encrypt=Mandatory`,
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "db", port: 1500, inst: "SQLEXPRESS",
		check: func(t *testing.T, c *Config) {
			require.Equal(t, "TRUSTSERVERCERTIFICATE", c.TLS.TrustServerCertificate.Key, "the key as written is kept")
			require.True(t, c.TLS.TrustServerCertificate.Value)
			require.Equal(t, EncryptTrue, c.TLS.Encrypt.Value)
		}},
	{name: "jdbc sqlserver serverName property and IPv6", dsn: "jdbc:sqlserver://;serverName=[::1];port=1433;encrypt=strict",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "::1", port: 1433,
		check: func(t *testing.T, c *Config) { require.Equal(t, EncryptStrict, c.TLS.Encrypt.Value) }},
	{name: "jdbc sqlserver unterminated brace", dsn: "jdbc:sqlserver://h;password={abc", errKind: kind.InvalidDSN, errText: "unterminated {"},
	{name: "jdbc sqlserver no value", dsn: "jdbc:sqlserver://h;encrypt", errKind: kind.InvalidDSN, errText: "without a value"},
	{name: "jdbc sqlserver typo", dsn: "jdbc:sqlserver://h;trustServerCertifcate=true", errKind: kind.InvalidDSN, errText: "did you mean trustServerCertificate"},
	{name: "jdbc sqlserver ignored property warns", dsn: "jdbc:sqlserver://h;sendStringParametersAsUnicode=false",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: func(t *testing.T, c *Config) { require.Contains(t, c.Warnings[0], "sendStringParametersAsUnicode") }},
	{name: "jdbc sqlserver mapped property", dsn: "jdbc:sqlserver://h;applicationName=billing",
		family: SQLServer, shape: ShapeJDBCSQLServer, host: "h",
		check: func(t *testing.T, c *Config) { require.Equal(t, "billing", c.Params["app name"]) }},
	{name: "trust manager class refused", dsn: "jdbc:sqlserver://h;trustManagerClass=com.x.Y", errKind: kind.InvalidDSN, errText: "TrustManager"},
	{name: "bad encrypt", dsn: "jdbc:sqlserver://h;encrypt=maybe", errKind: kind.InvalidDSN, errText: "want false"},
	{name: "bad boolean", dsn: "jdbc:sqlserver://h;trustServerCertificate=sure", errKind: kind.InvalidDSN, errText: "want true or false"},
	{name: "bad port", dsn: "jdbc:sqlserver://h:99999", errKind: kind.InvalidDSN, errText: "1 to 65535"},
	{name: "duplicate through aliases", dsn: "jdbc:mysql://h/db?sslMode=REQUIRED&ssl-mode=DISABLED", errKind: kind.InvalidDSN, errText: "sslMode and ssl-mode"},
	{name: "vocabularies mixed", dsn: "jdbc:sqlserver://h;encrypt=true;sslMode=REQUIRED", errKind: kind.InvalidDSN, errText: "encrypt (SQL Server/JDBC) and sslMode (MySQL)"},
	{name: "anchors mixed", dsn: "jdbc:mysql://h/db?trustStore=/a.jks&ssl-ca=/b.pem", errKind: kind.InvalidDSN, errText: "trustStore"},

	{name: "sqlserver URL", dsn: "sqlserver://sa:p%40ss@127.0.0.1:1433/SQLEXPRESS?database=x&encrypt=true&app+name=foo",
		family: SQLServer, shape: ShapeSQLServerURL, host: "127.0.0.1", port: 1433, inst: "SQLEXPRESS", db: "x", user: "sa", pw: "p@ss",
		check: func(t *testing.T, c *Config) { require.Equal(t, "foo", c.Params["app name"]) }},
	{name: "sqlserver URL go-mssqldb key names", dsn: "sqlserver://h?TrustServerCertificate=true&hostnameincertificate=x&encrypt=true",
		family: SQLServer, shape: ShapeSQLServerURL, host: "h",
		check: func(t *testing.T, c *Config) { require.Equal(t, "x", c.TLS.HostNameInCertificate.Value) }},
	{name: "ADO", dsn: `server=tcp:db\INST,1444;user id=sa;password="a;b""c";database=orders;Encrypt=true`,
		family: SQLServer, shape: ShapeADO, host: "db", port: 1444, inst: "INST", db: "orders", user: "sa", pw: `a;b"c`},
	{name: "ADO unknown key", dsn: "server=db;encrpyt=true", errKind: kind.InvalidDSN, errText: "did you mean encrypt"},

	{name: "go-sql-driver", dsn: "app:p@ss:w@tcp(db.example.com:3307)/orders?ssl-mode=VERIFY_CA&ssl-ca=%2Fetc%2Fca.pem&parseTime=true&sql_mode=%27ANSI%27",
		family: MySQL, shape: ShapeMySQLGo, host: "db.example.com", port: 3307, db: "orders", user: "app", pw: "p@ss:w",
		check: func(t *testing.T, c *Config) {
			require.Equal(t, SSLVerifyCA, c.TLS.SSLMode.Value)
			require.Equal(t, "/etc/ca.pem", c.TLS.SSLCA.Value)
			require.Equal(t, "true", c.Params["parseTime"])
			require.Equal(t, "'ANSI'", c.Params["sql_mode"], "unknown parameters stay session variables")
		}},
	{name: "go-sql-driver unix socket", dsn: "root@unix(/run/mysqld/mysqld.sock)/", family: MySQL, shape: ShapeMySQLGo, host: "/run/mysqld/mysqld.sock", user: "root"},
	{name: "go-sql-driver tls param maps", dsn: "u@tcp(h)/d?tls=skip-verify", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d",
		check: func(t *testing.T, c *Config) { require.Equal(t, SSLRequired, c.TLS.SSLMode.Value) }},
	{name: "go-sql-driver registered tls refused", dsn: "u@tcp(h)/d?tls=custom", errKind: kind.InvalidDSN, errText: "registered"},
	{name: "go-sql-driver bad driver value", dsn: "u@tcp(h)/d?parseTime=maybe", errKind: kind.InvalidDSN, errText: "parseTime"},
	{name: "typo near a TLS key", dsn: "u@tcp(h)/d?ssl-mdoe=REQUIRED", errKind: kind.InvalidDSN, errText: "did you mean"},
	{name: "typo sslmod", dsn: "jdbc:mysql://h/d?sslmod=REQUIRED", errKind: kind.InvalidDSN, errText: "did you mean"},
	{name: "mysql URL", dsn: "mysql://app:pw@db:3306/orders?sslMode=REQUIRED&tls-version=TLSv1.2,TLSv1.3",
		family: MySQL, shape: ShapeMySQLURL, host: "db", port: 3306, db: "orders", user: "app", pw: "pw",
		check: func(t *testing.T, c *Config) {
			require.Equal(t, []string{"TLSv1.2", "TLSv1.3"}, c.TLS.TLSVersions.Value)
		}},
	{name: "jdbc mysql user as parameter", dsn: "jdbc:mysql://127.0.0.1:3306/test?user=plain&password=pw&sslMode=required&useUnicode=true",
		family: MySQL, shape: ShapeJDBCMySQL, host: "127.0.0.1", port: 3306, db: "test", user: "plain", pw: "pw",
		check: func(t *testing.T, c *Config) {
			require.Equal(t, SSLRequired, c.TLS.SSLMode.Value)
			require.Contains(t, c.Warnings[0], "useUnicode")
		}},
	{name: "jdbc mysql connectTimeout maps", dsn: "jdbc:mysql://h/d?connectTimeout=5000", family: MySQL, shape: ShapeJDBCMySQL, host: "h", db: "d",
		check: func(t *testing.T, c *Config) { require.Equal(t, "5000ms", c.Params["timeout"]) }},
	{name: "jdbc mariadb", dsn: "jdbc:mariadb://h:3306/d?sslMode=verify-identity&ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256",
		family: MySQL, shape: ShapeJDBCMariaDB, host: "h", port: 3306, db: "d",
		check: func(t *testing.T, c *Config) {
			require.Equal(t, SSLVerifyIdentity, c.TLS.SSLMode.Value)
			require.Len(t, c.TLS.Ciphers.Value, 2)
		}},
	{name: "empty version list is set and empty", dsn: "u@tcp(h)/d?tls-version=", family: MySQL, shape: ShapeMySQLGo, host: "h", user: "u", db: "d",
		check: func(t *testing.T, c *Config) {
			require.True(t, c.TLS.TLSVersions.Set)
			require.Empty(t, c.TLS.TLSVersions.Value)
		}},
	{name: "several hosts refused", dsn: "jdbc:mysql://a,b/d", errKind: kind.InvalidDSN, errText: "several hosts"},
	{name: "loadbalance refused", dsn: "jdbc:mysql:loadbalance://a/d", errKind: kind.InvalidDSN, errText: "unsupported JDBC URL"},
	{name: "empty", dsn: "  ", errKind: kind.InvalidDSN, errText: "empty DSN"},
	{name: "nonsense", dsn: "hello", errKind: kind.InvalidDSN, errText: "unrecognised DSN"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.dsn)
			if tt.errKind != "" {
				require.ErrorIs(t, err, tt.errKind)
				require.Contains(t, err.Error(), tt.errText)
				if tt.pw != "" {
					require.NotContains(t, err.Error(), tt.pw)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.family, c.Family)
			require.Equal(t, tt.shape, c.Shape)
			require.Equal(t, tt.host, c.Host)
			require.Equal(t, tt.port, c.Port)
			require.Equal(t, tt.inst, c.Instance)
			require.Equal(t, tt.db, c.Database)
			require.Equal(t, tt.user, c.User)
			require.Equal(t, tt.pw, c.Password)
			if tt.check != nil {
				tt.check(t, c)
			}
			if tt.pw != "" {
				require.NotContains(t, c.String(), tt.pw, "String() shows no password")
				require.NotContains(t, c.RedactedDriverDSN(), tt.pw)
			}
			again, err := Parse(c.Format())
			require.NoError(t, err, c.Format())
			require.Equal(t, c, again, "parse → format → parse is stable")
		})
	}
}

// TestDriverDSNAcceptedByTheDrivers: the Go drivers' own parsers read what
// DriverDSN produces, with the same user, password, host and database.
func TestDriverDSNAcceptedByTheDrivers(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={p@ss;w/rd};encrypt=true;applicationName=billing")
	require.NoError(t, err)
	m, err := msdsn.Parse(c.DriverDSN())
	require.NoError(t, err)
	require.Equal(t, "db.example.com", m.Host)
	require.Equal(t, uint64(1433), m.Port)
	require.Equal(t, "orders", m.Database)
	require.Equal(t, "app", m.User)
	require.Equal(t, "p@ss;w/rd", m.Password)
	require.Equal(t, "billing", m.AppName)

	c, err = Parse("jdbc:mysql://db.example.com:3307/orders?user=app&password=p%2Fw&sslMode=REQUIRED&parseTime=true")
	require.NoError(t, err)
	my := c.MySQLDriverConfig()
	require.Equal(t, "db.example.com:3307", my.Addr)
	require.Equal(t, "p/w", my.Passwd)
	require.True(t, my.ParseTime)
	require.Nil(t, my.TLS, "no TLS from the DSN: the connector sets it")
	_, err = mysql.ParseDSN(c.RedactedDriverDSN())
	require.NoError(t, err)
}

func TestPrintingNeverShowsThePassword(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://h;user=u;password=Sup3r-s3cret;encrypt=true;trustStore=/t.jks;trustStorePassword=St0re-s3cret")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{c, *c} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "Sup3r-s3cret", verb)
			require.NotContains(t, out, "St0re-s3cret", verb)
		}
	}
}
