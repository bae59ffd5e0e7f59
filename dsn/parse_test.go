package dsn

import (
	"fmt"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.dsn)
			if tt.errKind != "" {
				require.Error(t, err)
				require.Nil(t, c)
				require.ErrorIs(t, err, tt.errKind)
				var ke *kind.Error
				require.ErrorAs(t, err, &ke)
				for _, want := range tt.errText {
					require.Contains(t, err.Error(), want)
				}
				require.NotContains(t, err.Error(), "hunter22", "no password in an error")
				require.NotEqual(t, "hunter22", ke.Value, "not even in the error value")
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
			require.Equal(t, tt.net, c.Net)
			if tt.params != nil {
				require.Equal(t, tt.params, c.Params)
			}
			if tt.warn != "" {
				require.Len(t, c.Warnings, 1)
				require.Contains(t, c.Warnings[0], tt.warn)
			} else {
				require.Empty(t, c.Warnings)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
			if tt.pw != "" {
				require.NotContains(t, c.String(), tt.pw, "String() shows no password")
			}
			again, err := Parse(c.FormatDSN())
			require.NoError(t, err, c.FormatDSN())
			require.Equal(t, withoutSource(c), withoutSource(again), "parse → format → parse is stable")
			require.Equal(t, c.FormatDSN(), again.FormatDSN(), "parse → format → parse is stable")
			n, err := Normalize(c)
			require.NoError(t, err)
			require.Equal(t, c, n, "what Parse returns is normalized")
			require.NotSame(t, c, n, "Normalize returns a copy")
			again, err = Parse(c.String())
			if err == nil && c.Password != "" {
				require.Equal(t, kind.Redacted, again.Password)
			}
		})
	}
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
