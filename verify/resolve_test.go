package verify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

func resolve(t *testing.T, s string) (*Strategy, error) {
	t.Helper()
	cfg, err := dsn.Parse(s)
	require.NoError(t, err, s)
	return Resolve(cfg)
}

// The scenario table itself is tested end to end in cmd/dbtls
// (TestExplainScenarioTable); these cases pin what explain does not show.
func TestResolveDetails(t *testing.T) {
	st, err := resolve(t, "jdbc:sqlserver://127.0.0.1;encrypt=true")
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", st.ExpectedName)
	require.Equal(t, "127.0.0.1", st.ServerName, "the session-cache key; crypto/tls sends no SNI for it (TestIPLiteralServerName)")

	st, err = resolve(t, "jdbc:sqlserver://db.example.com;encrypt=strict")
	require.NoError(t, err)
	require.True(t, st.Strict)
	require.Equal(t, []string{"tds/8.0"}, st.NextProtos)

	st, err = resolve(t, "jdbc:sqlserver://db;encrypt=false")
	require.NoError(t, err)
	require.True(t, st.LoginOnlyPossible)
	require.False(t, st.CheckValidity, "the SQL Server family never checks certificates in row 1")

	st, err = resolve(t, "jdbc:mysql://db/app?sslMode=REQUIRED")
	require.NoError(t, err)
	require.True(t, st.CheckValidity, "Connector/J checks dates even in REQUIRED (spec §9)")

	st, err = resolve(t, "jdbc:mysql://db/app?sslMode=PREFERRED&tls-version=")
	require.NoError(t, err)
	require.True(t, st.Disabled, "an empty version list means no encrypted connection")

	_, err = resolve(t, "jdbc:sqlserver://db;encrypt=true;ssl-ca=/etc/ca.pem")
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "MySQL property on a SQL Server DSN")
}

func TestResolveClientCertificates(t *testing.T) {
	dir := t.TempDir()
	c := certgen.Must(certgen.Spec{CN: "client"})
	certPath, keyPath, err := c.WriteFiles(dir, "client")
	require.NoError(t, err)

	st, err := resolve(t, "app@tcp(db)/x?ssl-mode=REQUIRED&ssl-cert="+certPath+"&ssl-key="+keyPath)
	require.NoError(t, err)
	require.NotNil(t, st.ClientCertificate)

	_, err = resolve(t, "app@tcp(db)/x?ssl-mode=REQUIRED&ssl-cert="+certPath)
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "ssl-key")

	st, err = resolve(t, "jdbc:mysql://db/x?sslMode=REQUIRED&clientCertificateKeyStoreUrl=file:../truststore/testdata/client.p12&clientCertificateKeyStorePassword=changeit")
	require.NoError(t, err)
	require.Equal(t, "client", st.ClientCertificate.Leaf.Subject.CommonName)
}

func TestResolveDefaultStoreFileMissing(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "lib", "security"), 0o755))
	t.Setenv("JAVA_HOME", home)
	_, err := resolve(t, "jdbc:sqlserver://db;encrypt=true;trustStorePassword=changeit")
	require.ErrorIs(t, err, kind.TruststoreUnreadable, "row 6 without a default store file is an error, not an empty store")
}
