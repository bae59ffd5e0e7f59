package dsn

import (
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestHintsLeadSomewhere: strings a team moving from Java writes, and what
// the message must tell them to write instead.
func TestHintsLeadSomewhere(t *testing.T) {
	for _, c := range []struct {
		dsn  string
		want []string // each in the error message
	}{
		// TiDB Cloud's documented Go pattern registers a TLS config named tidb.
		{"app:pw@tcp(gateway01.us-west-2.prod.aws.tidbcloud.com:4000)/test?tls=tidb", []string{"(tls=tidb)", "TiDB Cloud", "write tls=true", "ssl-ca"}},
		{"app:pw@tcp(db:3306)/test?tls=custom", []string{"(tls=custom)", "mysql.RegisterTLSConfig", "write tls=true", "ssl-ca"}},
		{"jdbc:sqlserver://db;authentication=ActiveDirectoryPassword;encrypt=true", []string{"(authentication=ActiveDirectoryPassword)", "WithAccessTokenFunc"}},
		{"sqlserver://sa@db?authentication=ActiveDirectoryDefault", []string{"WithAccessTokenFunc"}},
		{"server=db;Authentication=Active Directory Integrated;encrypt=true", []string{"(Authentication=Active Directory Integrated)", "WithAccessTokenFunc"}},
		// A Java string literal's "\\" copied into a properties file.
		{`jdbc:sqlserver://winhost\\SQLEXPRESS;encrypt=true`, []string{`(serverName=winhost\\SQLEXPRESS)`, "doubled", `write winhost\SQLEXPRESS`}},
		{`server=winhost\\SQLEXPRESS;encrypt=true`, []string{`(server=winhost\\SQLEXPRESS)`, "doubled", `write winhost\SQLEXPRESS`}},
	} {
		_, err := Parse(c.dsn)
		require.ErrorIs(t, err, kind.InvalidDSN, c.dsn)
		for _, w := range c.want {
			require.Contains(t, err.Error(), w, c.dsn)
		}
	}
}

// TestIgnoredPropertiesSayWhatToUse: Connector/J's character set and time
// zone properties are ignored, and the warning names go-sql-driver's.
func TestIgnoredPropertiesSayWhatToUse(t *testing.T) {
	cfg, err := Parse("jdbc:mysql://db/app?useUnicode=true&characterEncoding=UTF-8&serverTimezone=UTC&sslMode=VERIFY_IDENTITY")
	require.NoError(t, err)
	w := strings.Join(cfg.Warnings, "\n")
	require.Regexp(t, `characterEncoding .*charset`, w)
	require.Regexp(t, `serverTimezone .*loc=UTC&parseTime=true`, w)
	require.Regexp(t, `useUnicode .*utf8mb4`, w)
}
