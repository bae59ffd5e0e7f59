package connector

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
	"github.com/stretchr/testify/require"
)

// hostileJKS is a 400-byte JKS store (layout: magic 0xFEEDFEED, version 2,
// one entry; a trusted-certificate entry: tag 2, alias "ca", timestamp,
// type "X.509") whose certificate declares a length of 0xFFFFFFFF. Before
// trust material was bounded, the JKS decoder allocated those 4 GiB when
// New or Reload read it.
func hostileJKS() []byte {
	b := binary.BigEndian.AppendUint32(nil, 0xFEEDFEED)
	b = binary.BigEndian.AppendUint32(b, 2)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint32(b, 2)
	b = append(binary.BigEndian.AppendUint16(b, 2), "ca"...)
	b = binary.BigEndian.AppendUint64(b, 0)
	b = append(binary.BigEndian.AppendUint16(b, 5), "X.509"...)
	b = binary.BigEndian.AppendUint32(b, 0xFFFFFFFF)
	return append(b, make([]byte, 400-len(b))...)
}

// hostileAllocLimit is what refusing the hostile store may allocate, DSN
// parsing and strategy resolution included.
const hostileAllocLimit = 16 << 20

func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// requireHostileRefused: err is the bounded refusal of the hostile store at
// path, naming the property key.
func requireHostileRefused(t *testing.T, err error, key, path string, allocated uint64) {
	t.Helper()
	require.Less(t, allocated, uint64(hostileAllocLimit), "refusing a 400-byte store allocated %d bytes", allocated)
	require.Error(t, err)
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
	require.ErrorIs(t, err, truststore.ErrMalformed)
	require.Contains(t, err.Error(), "("+key+"=")
	require.Contains(t, err.Error(), path)
	require.Contains(t, err.Error(), "entry 1 of 1: the certificate is declared as 4294967295 bytes, but only 341 bytes remain")
}

// TestHostileTrustStoreNew: the hostile store named by each family's trust
// properties is refused by New, fast and with bounded allocation. New
// resolves the strategy (loading the trust material) without connecting, so
// no server is needed.
func TestHostileTrustStoreNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hostile.jks")
	require.NoError(t, os.WriteFile(path, hostileJKS(), 0o600))
	for _, c := range []struct{ name, dsn, key string }{
		{"SQL Server JDBC trustStore", "jdbc:sqlserver://127.0.0.1:1433;user=sa;password=pw;encrypt=true;trustStore=" + path + ";trustStorePassword=changeit", "trustStore"},
		{"SQL Server JDBC trustStore without password", "jdbc:sqlserver://127.0.0.1:1433;user=sa;password=pw;encrypt=true;trustStore=" + path, "trustStore"},
		{"MySQL ssl-ca", "app:pw@tcp(127.0.0.1:3306)/db?ssl-mode=VERIFY_CA&ssl-ca=" + path, "ssl-ca"},
		{"MySQL trustCertificateKeyStoreUrl", "jdbc:mysql://127.0.0.1:3306/db?user=app&password=pw&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:" + path + "&trustCertificateKeyStorePassword=changeit", "trustCertificateKeyStoreUrl"},
		{"MySQL clientCertificateKeyStoreUrl", "jdbc:mysql://127.0.0.1:3306/db?user=app&password=pw&sslMode=REQUIRED&clientCertificateKeyStoreUrl=file:" + path + "&clientCertificateKeyStorePassword=changeit", "clientCertificateKeyStoreUrl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			start := time.Now()
			n := allocatedBy(func() { _, err = New(c.dsn) })
			requireHostileRefused(t, err, c.key, path, n)
			require.Less(t, time.Since(start), 2*time.Second)
			require.NotContains(t, err.Error(), "changeit", "no password in the error")
		})
	}
}

// TestHostileTrustStoreReload: a connector made with a good trust file whose
// file is then replaced by the hostile store: Reload refuses it, bounded,
// and keeps the material in force.
func TestHostileTrustStoreReload(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "reload CA", IsCA: true, NotBefore: nb, NotAfter: na})
	for _, c := range []struct{ name, dsn, key string }{
		{"SQL Server trustStore", "jdbc:sqlserver://127.0.0.1:1433;user=sa;password=pw;encrypt=true;trustStore=PATH", "trustStore"},
		{"MySQL ssl-ca", "app:pw@tcp(127.0.0.1:3306)/db?ssl-mode=VERIFY_CA&ssl-ca=PATH", "ssl-ca"},
		{"MySQL trustCertificateKeyStoreUrl", "jdbc:mysql://127.0.0.1:3306/db?user=app&password=pw&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:PATH", "trustCertificateKeyStoreUrl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "trust.pem")
			require.NoError(t, os.WriteFile(path, ca.CertPEM(), 0o600))
			conn, err := New(strings.ReplaceAll(c.dsn, "PATH", path))
			require.NoError(t, err)
			old := conn.Strategy()
			require.NotNil(t, old.Roots)

			require.NoError(t, os.WriteFile(path, hostileJKS(), 0o600))
			n := allocatedBy(func() { err = conn.Reload(context.Background()) })
			requireHostileRefused(t, err, c.key, path, n)
			require.Same(t, old.Roots, conn.Strategy().Roots, "a failed reload keeps the material in force")

			// The good file back: Reload takes it.
			require.NoError(t, os.WriteFile(path, ca.CertPEM(), 0o600))
			require.NoError(t, conn.Reload(context.Background()))
			require.NotSame(t, old.Roots, conn.Strategy().Roots)
		})
	}
}

// TestOversizedTrustStoreNew: a trust file over truststore.MaxFileSize is
// refused by New before it is read, naming the key, the path and the bound.
func TestOversizedTrustStoreNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.pem")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30)) // sparse: 1 GiB that costs no disk
	require.NoError(t, f.Close())
	n := allocatedBy(func() { _, err = New("app:pw@tcp(127.0.0.1:3306)/db?ssl-mode=VERIFY_CA&ssl-ca=" + path) })
	require.Less(t, n, uint64(hostileAllocLimit), "the file was read: %d bytes allocated", n)
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
	require.ErrorIs(t, err, truststore.ErrTooLarge)
	require.Contains(t, err.Error(), "(ssl-ca="+path+")")
	require.Contains(t, err.Error(), "8 MiB")
}
