package dsn

import (
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestMySQLAuthProperties: allowPublicKeyRetrieval and serverRSAPublicKeyFile
// are read into Config.Auth in every MySQL shape, are no longer "ignored"
// (no warning, not a session variable), and round-trip through Format.
func TestMySQLAuthProperties(t *testing.T) {
	for _, tt := range []struct {
		name, dsn string
		allow     Setting[bool]
		file      Setting[string]
	}{
		{"connector/j", "jdbc:mysql://h/d?user=u&password=p&allowPublicKeyRetrieval=true",
			Setting[bool]{Key: "allowPublicKeyRetrieval", Raw: "true", Value: true, Set: true}, Setting[string]{}},
		{"connector/j false", "jdbc:mysql://h/d?allowPublicKeyRetrieval=false",
			Setting[bool]{Key: "allowPublicKeyRetrieval", Raw: "false", Set: true}, Setting[string]{}},
		{"go-sql-driver", "u:p@tcp(h:3306)/d?allowpublickeyretrieval=1&serverRSAPublicKeyFile=/etc/mysql/pub.pem",
			Setting[bool]{Key: "allowpublickeyretrieval", Raw: "1", Value: true, Set: true},
			Setting[string]{Key: "serverRSAPublicKeyFile", Raw: "/etc/mysql/pub.pem", Value: "/etc/mysql/pub.pem", Set: true}},
		{"mariadb spelling", "jdbc:mariadb://h/d?serverRsaPublicKeyFile=/k.pem",
			Setting[bool]{}, Setting[string]{Key: "serverRsaPublicKeyFile", Raw: "/k.pem", Value: "/k.pem", Set: true}},
		{"url", "mysql://u:p@h/d?serverRSAPublicKeyFile=%2Fk.pem",
			Setting[bool]{}, Setting[string]{Key: "serverRSAPublicKeyFile", Raw: "/k.pem", Value: "/k.pem", Set: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.dsn)
			require.NoError(t, err)
			require.Equal(t, tt.allow, c.Auth.AllowPublicKeyRetrieval)
			require.Equal(t, tt.file, c.Auth.ServerRSAPublicKeyFile)
			for _, w := range c.Warnings {
				require.NotContains(t, strings.ToLower(w), "publickey", "the property is honoured, not ignored")
			}
			for k := range c.Params {
				require.NotContains(t, strings.ToLower(k), "publickey", "never a session variable")
			}
			again, err := Parse(c.FormatDSN())
			require.NoError(t, err)
			require.Equal(t, c.Auth, again.Auth)
		})
	}
}

func TestMySQLAuthPropertiesRefused(t *testing.T) {
	for _, tt := range []struct {
		name, dsn string
		want      []string
	}{
		{"bad boolean", "jdbc:mysql://h/?allowPublicKeyRetrieval=maybe", []string{"allowPublicKeyRetrieval=maybe", "true or false"}},
		{"twice", "jdbc:mysql://h/?allowPublicKeyRetrieval=true&ALLOWPUBLICKEYRETRIEVAL=false", []string{"given twice"}},
		{"empty file", "jdbc:mysql://h/?serverRSAPublicKeyFile=", []string{"serverRSAPublicKeyFile", "path of the server's RSA public key"}},
		{"two spellings", "jdbc:mysql://h/?serverRSAPublicKeyFile=/a.pem&serverRsaPublicKeyFile=/b.pem", []string{"given twice"}},
		{"with go-sql-driver's pin", "u@tcp(h)/?serverRSAPublicKeyFile=/a.pem&serverPubKey=k", []string{"given twice", "serverPubKey"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.dsn)
			require.ErrorIs(t, err, kind.InvalidDSN)
			for _, w := range tt.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

// On a SQL Server DSN they are unknown keys, as before.
func TestMySQLAuthPropertiesNotOnSQLServer(t *testing.T) {
	_, err := Parse("jdbc:sqlserver://h;allowPublicKeyRetrieval=true")
	require.ErrorIs(t, err, kind.InvalidDSN)
}
