package connector

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestSQLServerResumption: our TDS server offers TLS session resumption as
// SQL Server does; a connector's second connection resumes (the server and
// the record agree), in TDS 7.x and in strict mode. After a Reload to other
// trust anchors, the connection that would resume is refused: a resumed
// session is checked like a new one (the chain cache belongs to the
// strategy Reload replaces). A server without resumption never resumes.
func TestSQLServerResumption(t *testing.T) {
	f := newTDSFixture(t)
	for _, tc := range []struct {
		name  string
		cfg   tds.Config
		props string
	}{
		{"row 7", tds.Config{Encryption: tds.On}, "encrypt=true"},
		{"row 11", tds.Config{Encryption: tds.On, Strict: tds.StrictOnly}, "encrypt=strict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := f.server(t, tc.cfg)
			trust := filepath.Join(t.TempDir(), "trust.pem")
			require.NoError(t, os.WriteFile(trust, f.ca.CertPEM(), 0o644))
			c, err := New(sqlServerURL(srv.Port(), tc.props+";trustStore="+trust))
			require.NoError(t, err)
			first, err := connectOnce(t, c)
			require.NoError(t, err)
			require.False(t, first.DidResume)
			second, err := connectOnce(t, c)
			require.NoError(t, err)
			require.True(t, second.DidResume, "the second connection resumes")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rec, err := srv.WaitRecord(ctx, func(r tds.Record) bool { return r.Resumed && r.LoggedIn })
			require.NoError(t, err, "the server saw a resumed session")
			require.True(t, rec.Resumed)

			other := certgen.Must(certgen.Spec{CN: "other CA", IsCA: true, NotBefore: f.ca.Cert.NotBefore, NotAfter: f.ca.Cert.NotAfter})
			require.NoError(t, os.WriteFile(trust, other.CertPEM(), 0o644))
			require.NoError(t, c.Reload(ctx))
			_, err = connectOnce(t, c)
			require.ErrorIs(t, err, kind.UntrustedCertificate, "a session resumed after Reload is judged by the new anchors")
		})
	}
	t.Run("server without resumption", func(t *testing.T) {
		srv := f.server(t, tds.Config{Encryption: tds.On, NoResumption: true})
		c, err := New(sqlServerURL(srv.Port(), "encrypt=true;trustServerCertificate=true"))
		require.NoError(t, err)
		for i := 0; i < 2; i++ {
			info, err := connectOnce(t, c)
			require.NoError(t, err)
			require.False(t, info.DidResume)
		}
	})
}
