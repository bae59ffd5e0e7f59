package mysqlauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestMalformedServerPackets: a malformed server packet fails the read
// that completes it, before the driver sees it, with a protocol-violation
// error naming what is wrong; the well-formed ones beside them pass.
func TestMalformedServerPackets(t *testing.T) {
	const caps = 0x00200000 | 0x00080000 | 0x8000 | 0x200
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	ecPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	greeting := testGreeting("sha256_password")
	for _, tc := range []struct {
		name  string
		after []byte // nil: the greeting itself is tc.first
		first []byte
		bad   string
	}{
		{"the reported greeting", nil, []byte{0x0a, 0x35, 0x00}, "ends 0 bytes after the server version"},
		{"greeting without NUL", nil, []byte("\x0a8.0.40"), "no terminating NUL"},
		{"greeting cut after the capabilities", nil, greeting[:len("\x0a8.0.40\x00")+15], "ends 15 bytes after the server version"},
		{"ERR in place of the greeting, cut", nil, []byte{0xff, 0x10}, "ERR packet in place of the greeting"},
		{"well-formed greeting", nil, greeting, ""},
		{"well-formed ERR in place of the greeting", nil, []byte("\xff\x6a\x04Host not allowed"), ""},
		{"one-byte OK", greeting, []byte{0x00}, "malformed OK packet"},
		{"OK with a cut length-encoded integer", greeting, []byte{0x00, 0xfc, 0x01}, "affected rows"},
		{"EC key for sha256_password", greeting, append([]byte{0x01}, ecPEM...), "*ecdsa.PublicKey"},
		{"old-password switch", greeting, []byte{0xfe}, ""},
		{"well-formed OK", greeting, []byte{0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli, srv := net.Pipe()
			defer srv.Close()
			g, refused := testGuard(cli, "pw")
			defer g.Close()
			if tc.after != nil {
				go func() { srv.Write(framed(0, tc.after)) }()
				_, err := io.ReadFull(g, make([]byte, 4+len(tc.after)))
				require.NoError(t, err)
				go func() { _, _ = io.Copy(io.Discard, srv) }()
				_, err = g.Write(framed(1, handshakeResponse(caps, "app", make([]byte, 20), "", "mysql_native_password")))
				require.NoError(t, err)
			}
			seq := byte(0)
			if tc.after != nil {
				seq = 2
			}
			go func() { srv.Write(framed(seq, tc.first)) }()
			_, err := io.ReadFull(g, make([]byte, 4+len(tc.first)))
			if tc.bad == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, kind.ProtocolViolation)
			require.Contains(t, err.Error(), tc.bad)
			require.Same(t, err, *refused, "the connection's record learns it")
		})
	}
}
