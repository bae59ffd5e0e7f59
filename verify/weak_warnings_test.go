package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWarningsWhereWeakerThanItLooks: strings that turn TLS off, or ask
// for what the protocol cannot do, warn as encrypt=false does; strings that
// do not, do not.
func TestWarningsWhereWeakerThanItLooks(t *testing.T) {
	for _, c := range []struct {
		dsn  string
		want string // "" for no such warning
	}{
		{"jdbc:mysql://db/app?sslMode=DISABLED", "no encryption at all: sslMode=DISABLED turns TLS off"},
		{"jdbc:mysql://db/app?useSSL=false", "no encryption at all: useSSL=false turns TLS off"},
		{"jdbc:mysql://db/app?useSSL=false&sslMode=VERIFY_IDENTITY", ""},
		{"app:pw@tcp(db:3306)/app?tls=false", "set tls=true"},
		{"app:pw@tcp(db:3306)/app?ssl-mode=DISABLED", "set ssl-mode=VERIFY_IDENTITY"},
		{"jdbc:mysql://db/app?sslMode=VERIFY_IDENTITY", ""},
		{"jdbc:sqlserver://db;encrypt=false", "no certificate validation at all"},
		{"jdbc:sqlserver://db;encrypt=true;sslProtocol=TLSv1.3", "SQL Server does not speak TLS 1.3 inside TDS 7.x"},
		{"jdbc:sqlserver://db;encrypt=false;sslProtocol=TLSv1.3", "set encrypt=strict"},
		{"jdbc:sqlserver://db;encrypt=strict;sslProtocol=TLSv1.3", ""},
		{"jdbc:sqlserver://db;encrypt=true;sslProtocol=TLSv1.2", ""},
	} {
		st, err := resolve(t, c.dsn)
		require.NoError(t, err, c.dsn)
		all := strings.Join(st.Warnings, "\n")
		if c.want == "" {
			require.NotContains(t, all, "no encryption at all", c.dsn)
			require.NotContains(t, all, "TLS 1.3", c.dsn)
			continue
		}
		require.Contains(t, all, c.want, c.dsn)
	}
}
