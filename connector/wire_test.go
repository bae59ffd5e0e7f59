package connector

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// preloginResponse builds a PRELOGIN response packet with the given
// ENCRYPTION byte, as [MS-TDS] 2.2.6.5 lays it out.
func preloginResponse(enc byte) []byte {
	// tokens: VERSION (0x00) at 11 len 6, ENCRYPTION (0x01) at 17 len 1, terminator.
	payload := []byte{0x00, 0, 11, 0, 6, 0x01, 0, 17, 0, 1, 0xFF, 16, 0, 0, 0, 0, 0, enc}
	n := 8 + len(payload)
	return append([]byte{0x04, 0x01, byte(n >> 8), byte(n), 0, 0, 1, 0}, payload...)
}

func TestPreloginEncryption(t *testing.T) {
	for _, enc := range []byte{encryptOff, encryptOn, encryptNotSup, encryptReq} {
		pkt := preloginResponse(enc)
		for cut := 0; cut < len(pkt); cut++ {
			_, done := preloginEncryption(pkt[:cut])
			require.False(t, done, "an incomplete packet is not decided (cut %d)", cut)
		}
		v, done := preloginEncryption(pkt)
		require.True(t, done)
		require.Equal(t, int(enc), v)
	}
	v, done := preloginEncryption([]byte{0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5})
	require.True(t, done)
	require.Equal(t, encryptNotSup, v, "anything but a PRELOGIN response counts as no encryption")
	v, done = preloginEncryption([]byte{0x04, 1, 0, 13, 0, 0, 1, 0, 0xFF, 0, 0, 0, 0})
	require.True(t, done)
	require.Equal(t, encryptNotSup, v, "a response without an ENCRYPTION option")
}

func FuzzPreloginEncryption(f *testing.F) {
	f.Add(preloginResponse(encryptOn))
	f.Add(preloginResponse(encryptOff))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, done := preloginEncryption(b)
		if done && (v < 0 || v > 255) {
			t.Fatalf("impossible value %d", v)
		}
	})
}

func TestConnectorPrintsNoPassword(t *testing.T) {
	c, err := New("jdbc:sqlserver://h;user=u;password=Sup3r-s3cret;encrypt=true")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		require.NotContains(t, out, "Sup3r-s3cret", verb)
		require.Contains(t, out, "row 3", verb)
	}
}
