package connector

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/internal/testutil/opensslca"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestRevokedServerCertificate (spec §7) against the TDS server and
// MariaDB: with a CRL that revokes nothing the server is trusted; when the
// CA's next CRL, revoking the server's certificate, replaces the file, a
// connection one second later fails with kind certificate-revoked; a CRL
// past its nextUpdate is refused at New naming the property, and written
// over the current one it keeps the current one, with one warning.
func TestRevokedServerCertificate(t *testing.T) {
	opensslca.Need(t) // the CRLs of these tests are OpenSSL's (openssl ca -gencrl)
	r := newRotation()
	leaf := r.leaf(r.oldCA)
	now := time.Now()
	gen := func(t *testing.T, last, next time.Time, revoked ...*certgen.Cert) []byte {
		b, err := opensslca.GenCRL(t.TempDir(), r.oldCA, last, next, revoked...)
		require.NoError(t, err)
		return b
	}
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T, ca, crl string) string
		key  string
	}{
		{"TDS server", func(t *testing.T, ca, crl string) string {
			srv := startTDS(t, leaf)
			return srv.url("encrypt=true;trustStore=" + ca + ";certificateRevocationList=" + crl)
		}, "certificateRevocationList"},
		{"MariaDB", func(t *testing.T, ca, crl string) string {
			srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf})
			return mysqlDSN(srv, "sslMode=VERIFY_IDENTITY&ssl-ca="+ca+"&ssl-crl="+crl)
		}, "ssl-crl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ca := writePlain(t, dir, "ca.pem", r.oldCA.CertPEM())
			crl := writePlain(t, dir, "crl.pem", gen(t, now.Add(-time.Minute), now.Add(time.Hour)))
			dsn := tc.dsn(t, ca, crl)
			var logs logBuffer
			c, err := New(dsn, WithLogger(logs.logger()))
			require.NoError(t, err)
			_, err = connectOnce(t, c)
			require.NoError(t, err, "nothing is revoked yet")

			require.NoError(t, os.WriteFile(crl, gen(t, now.Add(-time.Minute), now.Add(time.Hour), leaf), 0o644))
			time.Sleep(afterChange)
			_, err = connectOnce(t, c)
			require.ErrorIs(t, err, kind.CertificateRevoked)
			require.Contains(t, err.Error(), leaf.Cert.SerialNumber.String())

			// An expired CRL: refused at New; on disk, it keeps the list in force.
			expired := gen(t, now.Add(-2*time.Hour), now.Add(-time.Hour))
			stale := writePlain(t, t.TempDir(), "stale.pem", expired)
			_, err = New(strings.Replace(dsn, crl, stale, 1))
			require.ErrorIs(t, err, kind.TruststoreUnreadable)
			require.Contains(t, err.Error(), "certificate revocation list has expired ("+tc.key+"="+stale+")")

			require.NoError(t, os.WriteFile(crl, expired, 0o644))
			time.Sleep(afterChange)
			_, err = connectOnce(t, c)
			require.ErrorIs(t, err, kind.CertificateRevoked, "the expired list is not used: the last good one stays")
			require.Len(t, logs.lines("level=WARN", "property="+tc.key, "has expired"), 1, logs.String())
		})
	}
}
