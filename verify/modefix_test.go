package verify

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/stretchr/testify/require"
)

// TestModeFixCanBeFollowed: for every way a DSN sets its MySQL mode and
// every mode a message may ask for, writing what ModeFix says gives that
// mode, with no "given twice" or "two vocabularies" error.
func TestModeFixCanBeFollowed(t *testing.T) {
	dsns := []string{
		"jdbc:mysql://db/app?user=u",
		"jdbc:mysql://db/app?user=u&sslMode=DISABLED",
		"jdbc:mysql://db/app?user=u&useSSL=false",
		"jdbc:mysql://db/app?user=u&useSSL=true&requireSSL=true",
		"jdbc:mysql://db/app?user=u&encrypt=false",
		"u@tcp(db:3306)/app?tls=false",
		"u@tcp(db:3306)/app?tls=skip-verify",
		"u@tcp(db:3306)/app?ssl-mode=PREFERRED",
		"mysql://u@db/app?ssl-mode=REQUIRED",
	}
	modes := []dsn.SSLMode{dsn.SSLDisabled, dsn.SSLPreferred, dsn.SSLRequired, dsn.SSLVerifyCA, dsn.SSLVerifyIdentity}
	inPlace := regexp.MustCompile(`^(\S+) in place of (\S+)$`)
	for _, d := range dsns {
		st, err := resolve(t, d)
		require.NoError(t, err, d)
		for _, m := range modes {
			fix := st.ModeFix(m)
			out := d
			if g := inPlace.FindStringSubmatch(fix); g != nil {
				out = regexp.MustCompile(`[?&]`+regexp.QuoteMeta(g[2])+`=[^&]*`).ReplaceAllString(out, "")
				fix = g[1]
			}
			for _, kv := range strings.Split(fix, " with ") { // set: change the value, or add the key
				k, _, _ := strings.Cut(kv, "=")
				re := regexp.MustCompile(`([?&])` + regexp.QuoteMeta(k) + `=[^&]*`)
				switch {
				case re.MatchString(out):
					out = re.ReplaceAllString(out, "${1}"+kv)
				case strings.Contains(out, "?"):
					out += "&" + kv
				default:
					out += "?" + kv
				}
			}
			if m >= dsn.SSLVerifyCA {
				out += "&ssl-ca=../truststore/testdata/ca.pem"
			}
			got, err := resolve(t, out)
			require.NoError(t, err, "%s + %q = %s", d, st.ModeFix(m), out)
			require.Equal(t, m.String(), got.Row, "%s + %q = %s", d, st.ModeFix(m), out)
		}
	}
}
