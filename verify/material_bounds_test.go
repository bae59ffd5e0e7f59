package verify

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
	"github.com/stretchr/testify/require"
)

// TestMaterialFilesBounded: the pin (serverCertificate) and the client
// certificate pair (ssl-cert, ssl-key) are read under truststore's size
// bound like every trust store: a 1 GiB file is refused, naming its key,
// without being read (it was read whole before).
func TestMaterialFilesBounded(t *testing.T) {
	huge := filepath.Join(t.TempDir(), "huge.pem")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30)) // sparse
	require.NoError(t, f.Close())
	for _, tc := range []struct{ dsn, key string }{
		{"jdbc:sqlserver://db;encrypt=strict;serverCertificate=" + huge, "serverCertificate"},
		{"jdbc:mysql://db/app?sslMode=REQUIRED&ssl-cert=" + huge + "&ssl-key=" + huge, "ssl-cert"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := resolve(t, tc.dsn)
		runtime.ReadMemStats(&after)
		require.ErrorIs(t, err, kind.TruststoreUnreadable, tc.dsn)
		require.ErrorIs(t, err, truststore.ErrTooLarge)
		require.Contains(t, err.Error(), tc.key)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20), "the file was not read")
	}
}
