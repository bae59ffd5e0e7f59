package connector

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

// TestCharsetAsTheDriver: a charset list, which go-sql-driver takes only
// from DSN text, is sent by the connector after the driver's connect (SET
// NAMES with each charset until one works, then the session variables);
// against a real server the session ends up as the bare driver, given the
// same parameters as DSN text, leaves it — the charset, the collation, the
// session variables set after the charset — and a list of which none works
// fails as the driver's does, with the server's error.
func TestCharsetAsTheDriver(t *testing.T) {
	srv := mariadb.Need(t, mariadb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	session := func(db *sql.DB) (string, error) {
		var client, results, collation, wait string
		err := db.QueryRowContext(ctx, "SELECT @@character_set_client, @@character_set_results, @@collation_connection, @@wait_timeout").
			Scan(&client, &results, &collation, &wait)
		return strings.Join([]string{client, results, collation, wait}, " "), err
	}
	for _, params := range []string{
		"charset=latin1",
		"charset=latin1&character_set_results=utf8mb4&wait_timeout=77",
		"charset=nosuchcs,latin1",
		"charset=nosuchcs,latin1&character_set_results=utf8mb4&wait_timeout=77",
		"charset=latin1,utf8mb4&wait_timeout=77",
		"charset=nosuchcs,latin1&collation=latin1_bin",
		"charset=utf8mb4,latin1&collation=latin1_bin",
		"charset=nosuchcs,nosuchcs2",
		"charset=nosuchcs,nosuchcs2&wait_timeout=77",
		"charset=nosuchcs,latin1&wait_timeout=nosuchvalue",
	} {
		t.Run(params, func(t *testing.T) {
			bare, err := mysql.ParseDSN(mariadb.PlainUser + ":" + mariadb.PlainPassword + "@tcp(" + srv.Addr + ")/?" + params)
			require.NoError(t, err)
			bc, err := mysql.NewConnector(bare)
			require.NoError(t, err)
			want, wantErr := session(sql.OpenDB(bc))

			c, err := New("jdbc:mysql://" + srv.Addr + "/?user=" + mariadb.PlainUser + "&password=" + mariadb.PlainPassword +
				"&sslMode=DISABLED&" + params)
			require.NoError(t, err)
			got, err := session(sql.OpenDB(c))
			if wantErr != nil {
				var wantMy, gotMy *mysql.MySQLError
				require.ErrorAs(t, wantErr, &wantMy)
				require.ErrorIs(t, err, kind.ServerRefused)
				require.ErrorAs(t, err, &gotMy)
				require.Equal(t, wantMy.Number, gotMy.Number, "%v / %v", wantErr, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

// TestCharsetListShown: explain shows a charset list in the driver's DSN as
// go-sql-driver writes the list its parser read.
func TestCharsetListShown(t *testing.T) {
	for _, params := range []string{"charset=utf8mb4,utf8&parseTime=true&sql_mode=%27ANSI%27", "charset=a,b,c&collation=utf8mb4_bin"} {
		cfg, err := dsn.Parse("u:pw@tcp(h:3306)/d?" + params)
		require.NoError(t, err)
		got, err := RedactedDriverDSN(cfg)
		require.NoError(t, err)
		want, err := mysql.ParseDSN("u:pw@tcp(h:3306)/d?" + params)
		require.NoError(t, err)
		want.Passwd = kind.Redacted
		require.Equal(t, want.FormatDSN(), got)
	}
}
