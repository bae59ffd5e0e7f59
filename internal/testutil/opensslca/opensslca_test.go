package opensslca

import (
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

// TestGenCRL: OpenSSL's list names the revoked serials, carries the times
// asked for and is signed by the CA.
func TestGenCRL(t *testing.T) {
	Need(t)
	ca := certgen.Must(certgen.Spec{CN: "CA", IsCA: true})
	leaf := certgen.Must(certgen.Spec{CN: "leaf", Parent: ca})
	last := time.Now().Add(-time.Hour).Truncate(time.Second)
	next := last.Add(2 * time.Hour)
	b, err := GenCRL(t.TempDir(), ca, last, next, leaf)
	require.NoError(t, err)
	blk, _ := pem.Decode(b)
	require.NotNil(t, blk)
	l, err := x509.ParseRevocationList(blk.Bytes)
	require.NoError(t, err)
	require.NoError(t, l.CheckSignatureFrom(ca.Cert))
	require.True(t, l.ThisUpdate.Equal(last))
	require.True(t, l.NextUpdate.Equal(next))
	require.Len(t, l.RevokedCertificateEntries, 1)
	require.Equal(t, leaf.Cert.SerialNumber, l.RevokedCertificateEntries[0].SerialNumber)
}
