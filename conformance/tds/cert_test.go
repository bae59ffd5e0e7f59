package tds

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// testCert is a self-signed localhost certificate valid around now.
func testCert(t *testing.T) *tls.Certificate {
	t.Helper()
	c := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	tc := c.TLS(false)
	return &tc
}
