package dsn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The exported fields of a Config are its only truth. Format and
// String write from them, whether the Config was parsed and then changed, or
// built as a struct; what they write reads back as the same Config.

// TestFormatAfterAChange: a setting changed after Parse is written as it now
// is. Before, Format and String wrote the text that was parsed
// (encrypt=false) while the strategy followed the field (row 3).
func TestFormatAfterAChange(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://h;encrypt=false;user=sa")
	require.NoError(t, err)
	c.TLS.Encrypt.Value = EncryptTrue
	require.Equal(t, "jdbc:sqlserver://h;user=sa;encrypt=true", c.String())
	require.Equal(t, "jdbc:sqlserver://h;user=sa;encrypt=true", c.FormatDSN())

	c.TLS.Encrypt = Setting[Encrypt]{Value: EncryptStrict, Set: true} // replaced whole: no key, no raw text
	c.TLS.TrustStore = Setting[string]{Value: "/etc/trust.jks", Set: true}
	require.Equal(t, "jdbc:sqlserver://h;user=sa;encrypt=strict;trustStore=/etc/trust.jks", c.FormatDSN())

	c.TLS.Encrypt = Setting[Encrypt]{}
	require.Equal(t, "jdbc:sqlserver://h;user=sa;trustStore=/etc/trust.jks", c.FormatDSN(), "a setting cleared is not written")

	m, err := Parse("jdbc:mysql://h/d?parseTime=true&sslMode=REQUIRED")
	require.NoError(t, err)
	m.Params["parseTime"] = "false"
	m.TLS.SSLMode.Value = SSLVerifyCA
	require.Equal(t, "jdbc:mysql://h/d?parseTime=false&sslMode=VERIFY_CA", m.FormatDSN())
}

// TestFormatStructBuilt: a Config built as a struct formats to a DSN of its
// shape that Parse reads back. Before, a jdbc-mysql Config formatted to
// "h:3306/d" (no scheme: it was hidden state set by Parse), which Parse
// refuses, and its settings with no key were written as "=value".
func TestFormatStructBuilt(t *testing.T) {
	for _, tc := range []struct {
		c    *Config
		want string
	}{
		{&Config{Family: MySQL, Shape: ShapeJDBCMySQL, Host: "h", Port: 3306, Database: "d",
			TLS: TLS{SSLMode: Setting[SSLMode]{Value: SSLVerifyCA, Set: true}, SSLCA: Setting[string]{Value: "/etc/ca.pem", Set: true}}},
			"jdbc:mysql://h:3306/d?sslMode=VERIFY_CA&ssl-ca=%2Fetc%2Fca.pem"},
		{&Config{Family: MySQL, Shape: ShapeMySQLURL, Host: "h", Database: "d", User: "u", Password: "p@ss",
			Params: map[string]string{"parseTime": "true"}},
			"mysql://u:p%40ss@h/d?parseTime=true"},
		{&Config{Family: MySQL, Shape: ShapeMySQLGo, Host: "h", Database: "d", User: "u",
			TLS: TLS{Encrypt: Setting[Encrypt]{Value: EncryptTrue, Set: true}}},
			"u@tcp(h)/d?encrypt=true"},
		{&Config{Family: SQLServer, Shape: ShapeJDBCSQLServer, Host: "db", Port: 1433, Database: "orders",
			TLS:    TLS{Encrypt: Setting[Encrypt]{Value: EncryptTrue, Set: true}, HostNameInCertificate: Setting[string]{Value: "*.example.com", Set: true}},
			Params: map[string]string{"app name": "billing"}},
			"jdbc:sqlserver://db:1433;databaseName=orders;encrypt=true;hostNameInCertificate=*.example.com;app name=billing"},
		{&Config{Family: SQLServer, Shape: ShapeSQLServerURL, Host: "db", User: "sa", Password: "pw",
			TLS: TLS{TrustServerCertificate: Setting[bool]{Value: true, Set: true}, Encrypt: Setting[Encrypt]{Value: EncryptTrue, Set: true}}},
			"sqlserver://sa:pw@db?encrypt=true&trustServerCertificate=true"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			require.Equal(t, tc.want, tc.c.FormatDSN())
			again, err := Parse(tc.c.FormatDSN())
			require.NoError(t, err)
			require.Equal(t, tc.c.Family, again.Family)
			require.Equal(t, tc.c.Host, again.Host)
			require.Equal(t, tc.c.Port, again.Port)
			require.Equal(t, tc.c.Database, again.Database)
			require.Equal(t, tc.c.User, again.User)
			require.Equal(t, tc.c.Password, again.Password)
			require.Equal(t, tc.c.TLS.SSLMode.Value, again.TLS.SSLMode.Value)
			require.Equal(t, tc.c.TLS.SSLMode.Set, again.TLS.SSLMode.Set)
			require.Equal(t, tc.c.TLS.Encrypt.Value, again.TLS.Encrypt.Value)
			require.Equal(t, tc.c.TLS.SSLCA.Value, again.TLS.SSLCA.Value)
			for k, v := range tc.c.Params {
				require.Equal(t, v, again.Params[k])
			}
		})
	}
}
