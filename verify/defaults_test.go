package verify

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGoSQLDriverDSNDefaultsToPreferred pins divergence #30: a go-sql-driver
// DSN without tls= (or any TLS key) means sslMode=PREFERRED, Connector/J's
// and MySQL's default (spec §5), where go-sql-driver alone would use no TLS
// at all. TLS is attempted, not required, and nothing is validated.
func TestGoSQLDriverDSNDefaultsToPreferred(t *testing.T) {
	for _, s := range []string{
		"app:pw@tcp(db.example.com:3306)/orders",
		"app:pw@tcp(db.example.com:3306)/orders?parseTime=true",
		"mysql://app:pw@db.example.com/orders",
	} {
		st, err := resolve(t, s)
		require.NoError(t, err, s)
		require.Equal(t, "PREFERRED", st.Row, s)
		require.False(t, st.Disabled, "%s: TLS is attempted", s)
		require.False(t, st.TLSRequired, "%s: TLS is not required", s)
		require.Equal(t, ModeNone, st.Mode, s)
	}
}
