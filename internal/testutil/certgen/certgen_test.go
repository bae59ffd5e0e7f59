package certgen

import (
	"crypto/x509"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestChainVerifiesAtClock(t *testing.T) {
	nb, na := Window(Clock, time.Hour, 24*time.Hour)
	root := Must(Spec{CN: "Root", IsCA: true, NotBefore: nb, NotAfter: na})
	mid := Must(Spec{CN: "Mid", IsCA: true, Parent: root, NotBefore: nb, NotAfter: na})
	leaf := Must(Spec{CN: "db.example.com", DNSNames: []string{"db.example.com"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: mid, NotBefore: nb, NotAfter: na})

	inter := x509.NewCertPool()
	inter.AddCert(mid.Cert)
	_, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: root.Pool(), Intermediates: inter, CurrentTime: Clock, DNSName: "db.example.com"})
	require.NoError(t, err)

	_, err = leaf.Cert.Verify(x509.VerifyOptions{Roots: root.Pool(), Intermediates: inter, CurrentTime: Clock.Add(48 * time.Hour)})
	require.Error(t, err, "the leaf must be expired two days after the clock")

	tc := leaf.TLS(true)
	require.Len(t, tc.Certificate, 2, "leaf and intermediate, no root")
	require.Contains(t, string(leaf.ChainPEM()), "BEGIN CERTIFICATE")
}

func TestClientAuthOnlyAndNoEKU(t *testing.T) {
	c := Must(Spec{CN: "x", ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, c.Cert.ExtKeyUsage)
	n := Must(Spec{CN: "y", NoEKU: true, RSA: true})
	require.Empty(t, n.Cert.ExtKeyUsage)
}
