package dsn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A DSN flows forward: Parse checks it while reading and returns a
// Normalized Config that keeps the DSN it read for Format's order; Normalize
// checks a Config from its fields and returns a Normalized copy. These tests
// pin what that structure could get wrong.

// TestNormalized: Parse and Normalize return Normalized Configs, a Clone
// keeps the report, and a Config built as a struct is not Normalized until
// Normalize returns a copy of it (the struct itself is left alone).
func TestNormalized(t *testing.T) {
	p, err := Parse("jdbc:sqlserver://h;encrypt=true")
	require.NoError(t, err)
	require.True(t, p.Normalized(), "Parse")
	require.True(t, p.Clone().Normalized(), "Clone of Parse's")

	s := &Config{Family: MySQL, Host: "h", TLS: TLS{SSLMode: NewSetting(SSLRequired)}}
	require.False(t, s.Normalized(), "a struct literal")
	require.False(t, s.Clone().Normalized(), "Clone of a struct literal")
	n, err := Normalize(s)
	require.NoError(t, err)
	require.True(t, n.Normalized(), "Normalize")
	require.False(t, s.Normalized(), "Normalize leaves its argument alone")
	require.True(t, n.Clone().Normalized(), "Clone of Normalize's")

	again, err := Normalize(p)
	require.NoError(t, err)
	require.True(t, again.Normalized())
	require.Equal(t, p, again, "Normalize of what Parse returned changes nothing")

	_, err = Normalize(&Config{Family: SQLServer, TLS: TLS{Encrypt: Setting[Encrypt]{Value: EncryptTrue}}})
	require.Error(t, err)

	var none *Config
	require.False(t, none.Normalized())
}

// TestFormatOfAChangedParse: a Config Parse returned, then changed, formats
// from its fields in the order its DSN was written in — a property whose
// field still holds what the DSN said keeps its spelling, one changed is
// written with the driver's key — and Normalize's copy formats the same.
// Changing a Clone changes nothing in the original's Format.
func TestFormatOfAChangedParse(t *testing.T) {
	const s = "app:pw@tcp(h:3306)/d?connectTimeout=5000&parseTime=true&sessionVariables=sql_mode='ANSI',wait_timeout=60&useUnicode=true&password1=Sec-1"
	c, err := Parse(s)
	require.NoError(t, err)
	require.Equal(t, "app:pw@tcp(h:3306)/d?connectTimeout=5000&parseTime=true&sessionVariables=sql_mode%3D%27ANSI%27%2Cwait_timeout%3D60&useUnicode=true&password1=Sec-1", c.FormatDSN())
	require.Equal(t, "app:xxxxx@tcp(h:3306)/d?connectTimeout=5000&parseTime=true&sessionVariables=sql_mode%3D%27ANSI%27%2Cwait_timeout%3D60&useUnicode=true&password1=xxxxx", c.String())

	d := c.Clone()
	d.Password = "p@ss/w:rd"
	d.Params["timeout"] = "9s"
	d.Params["wait_timeout"] = "120"
	d.Ignored[1].Value = "Sec-2"
	d.TLS.SSLMode = NewSetting(SSLVerifyCA)
	const want = "app:p@ss/w:rd@tcp(h:3306)/d?timeout=9s&parseTime=true&sql_mode=%27ANSI%27&wait_timeout=120&useUnicode=true&password1=Sec-2&sslMode=VERIFY_CA"
	require.Equal(t, want, d.FormatDSN())
	require.Equal(t, "app:xxxxx@tcp(h:3306)/d?timeout=9s&parseTime=true&sql_mode=%27ANSI%27&wait_timeout=120&useUnicode=true&password1=xxxxx&sslMode=VERIFY_CA", d.String(),
		"the password and a secret ignored property stay where they were read")
	require.Equal(t, s, c.source, "a Clone's change leaves the original's DSN")
	require.Contains(t, c.FormatDSN(), "connectTimeout=5000")

	n, err := Normalize(d)
	require.NoError(t, err)
	require.Equal(t, want, n.FormatDSN())
	require.Equal(t, d.String(), n.String())
	again, err := Parse(n.FormatDSN())
	require.NoError(t, err)
	require.Equal(t, withoutSource(n), withoutSource(again))

	// A password that no longer reads back before '@' becomes a parameter
	// in Format; String keeps it where it was read.
	d.Password = "x@/y"
	require.Equal(t, "app@tcp(h:3306)/d?timeout=9s&parseTime=true&sql_mode=%27ANSI%27&wait_timeout=120&useUnicode=true&password1=Sec-2&sslMode=VERIFY_CA&password=x%40%2Fy", d.FormatDSN())
	again, err = Parse(d.FormatDSN())
	require.NoError(t, err)
	require.Equal(t, "x@/y", again.Password)
	require.Equal(t, "app:xxxxx@tcp(h:3306)/d?timeout=9s&parseTime=true&sql_mode=%27ANSI%27&wait_timeout=120&useUnicode=true&password1=xxxxx&sslMode=VERIFY_CA", d.String())

	// Another shape of the same family keeps the order the DSN was written in.
	e, err := Parse("server=h;user id=u;password=pw;encrypt=true;database=d;app name=x")
	require.NoError(t, err)
	e.Shape = ShapeJDBCSQLServer
	require.Equal(t, "jdbc:sqlserver://h;databaseName=d;user=u;password=pw;encrypt=true;app name=x", e.FormatDSN())
	e.Shape = ShapeSQLServerURL
	require.Equal(t, "sqlserver://u@h?database=d&password=pw&encrypt=true&app+name=x", e.FormatDSN())
}

// TestParseKeepsTheSchemeWritten: mariadb:// and tidb:// URLs format with
// their own scheme, a URL built as a struct with mysql://.
func TestParseKeepsTheSchemeWritten(t *testing.T) {
	for _, s := range []string{"mysql://u@h/d", "mariadb://u@h/d", "tidb://u@h/d"} {
		c, err := Parse(s)
		require.NoError(t, err)
		require.Equal(t, s, c.FormatDSN())
	}
	c, err := Parse("TiDB://u@h/d")
	require.NoError(t, err)
	require.Equal(t, "tidb://u@h/d", c.FormatDSN())
	require.Equal(t, "mysql://u@h/d", (&Config{Shape: ShapeMySQLURL, Host: "h", User: "u", Database: "d"}).FormatDSN())
}

// TestRulesInReadingOrder: Parse checks as it reads, so the first error in
// the text is the one reported — a unix socket path before the parameters,
// a sessionVariables name that looks like a misspelt TLS key before the
// parameters after it — except the read-only intent, which needs every
// property; Normalize applies the same rules to the fields.
func TestRulesInReadingOrder(t *testing.T) {
	for s, want := range map[string]string{
		"jdbc:mysql://h/d?sessionVariables=sslmod=1":                   "unknown property (sslmod=1): it looks like a misspelt TLS property, and a TLS property is never sent as a session variable; did you mean sslMode?",
		"jdbc:mysql://h/d?sessionVariables=sslmod=1&parseTime=maybe":   "unknown property (sslmod=1)",
		"jdbc:mysql://h/d?parseTime=maybe&sessionVariables=sslmod=1":   "invalid value for a go-sql-driver parameter (parseTime=maybe)",
		"u@unix(/tmp/a\x01)/d":                                         "invalid socket path (host=xxxxx): a socket path in go-sql-driver's DSN cannot hold '\\x01'",
		"u@unix(/tmp/a\x01)/d?parseTime=maybe":                         "invalid socket path (host=xxxxx)",
		"server=h;Application Intent=readonly":                         "read-only intent without a database (Application Intent=readonly)",
		"server=h;ApplicationIntent=ReadOnly;database=d;encrypt=maybe": "invalid encrypt value (encrypt=maybe)",
	} {
		_, err := Parse(s)
		require.ErrorContains(t, err, want, s)
	}
	_, err := Normalize(&Config{Family: MySQL, Net: "unix", Host: "/tmp/a\x01"})
	require.ErrorContains(t, err, "invalid socket path (host=xxxxx)")
	_, err = Normalize(&Config{Family: SQLServer, Host: "h", Params: map[string]string{"applicationintent": "ReadOnly"}})
	require.ErrorContains(t, err, "read-only intent without a database (applicationintent=ReadOnly)")
}
