package connector

import (
	"fmt"
	"net"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
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
			_, _, done := preloginAnswer(pkt[:cut])
			require.False(t, done, "an incomplete packet is not decided (cut %d)", cut)
		}
		v, _, done := preloginAnswer(pkt)
		require.True(t, done)
		require.Equal(t, int(enc), v)
	}
	v, _, done := preloginAnswer([]byte{0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5})
	require.True(t, done)
	require.Equal(t, encryptNotTDS, v, "anything but a TDS reply is not a SQL Server's answer")
	v, _, done = preloginAnswer([]byte{0x04, 1, 0, 13, 0, 0, 1, 0, 0xFF, 0, 0, 0, 0})
	require.True(t, done)
	require.Equal(t, encryptNotSup, v, "a response without an ENCRYPTION option")
}

func FuzzPreloginEncryption(f *testing.F) {
	f.Add(preloginResponse(encryptOn))
	f.Add(preloginResponse(encryptOff))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, _, done := preloginAnswer(b)
		if !done {
			return
		}
		if (v < 0 && v != encryptNotTDS && v != encryptMalformed) || v > 255 {
			t.Fatalf("impossible value %d", v)
		}
		// A decision never changes when more bytes arrive: the guard acts
		// on the first one it reaches.
		for k := 0; k <= len(b); k++ {
			if w, _, d := preloginAnswer(b[:k]); d && w != v {
				t.Fatalf("prefix of %d bytes decided %d, the whole %d", k, w, v)
			}
		}
		if w, _, d := preloginAnswer(append(append([]byte(nil), b...), 0x01, 0xFF, 0x00)); !d || w != v {
			t.Fatalf("more bytes changed the decision: %d → %d (%v)", v, w, d)
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

// TestGuardRefusesTheNextWrite drives the dialed connection by hand, as a
// driver that ignored the server's answer would: after a PRELOGIN answer
// other than ON/REQ, a strategy requiring TLS lets no further byte out (the
// server side reads nothing but the PRELOGIN) and fails with
// encryption-not-supported. Row 1 follows the server's answer and records
// it; strict mode does not read PRELOGIN at all.
func TestGuardRefusesTheNextWrite(t *testing.T) {
	notPrelogin := []byte{0x12, 0x01, 0x00, 0x09, 0, 0, 1, 0, 0}
	cases := []struct {
		name     string
		strategy verify.Strategy
		answer   []byte
		refused  bool
		prelogin int
	}{
		{"rows 2–10, server OFF", verify.Strategy{Family: dsn.SQLServer, TLSRequired: true}, preloginResponse(encryptOff), true, encryptOff},
		{"rows 2–10, server NOT_SUP", verify.Strategy{Family: dsn.SQLServer, TLSRequired: true}, preloginResponse(encryptNotSup), true, encryptNotSup},
		{"rows 2–10, not a PRELOGIN answer", verify.Strategy{Family: dsn.SQLServer, TLSRequired: true}, notPrelogin, true, encryptNotTDS},
		{"row 1, not a PRELOGIN answer", verify.Strategy{Family: dsn.SQLServer, LoginOnlyPossible: true}, notPrelogin, true, encryptNotTDS},
		{"rows 2–10, server ON", verify.Strategy{Family: dsn.SQLServer, TLSRequired: true}, preloginResponse(encryptOn), false, encryptOn},
		{"rows 2–10, server REQ", verify.Strategy{Family: dsn.SQLServer, TLSRequired: true}, preloginResponse(encryptReq), false, encryptReq},
		{"row 1, server OFF", verify.Strategy{Family: dsn.SQLServer, LoginOnlyPossible: true}, preloginResponse(encryptOff), false, encryptOff},
		{"row 1, server NOT_SUP", verify.Strategy{Family: dsn.SQLServer, LoginOnlyPossible: true}, preloginResponse(encryptNotSup), false, encryptNotSup},
		{"row 11: no PRELOGIN reading", verify.Strategy{Family: dsn.SQLServer, TLSRequired: true, Strict: true}, preloginResponse(encryptOff), false, -1},
		{"MySQL: no PRELOGIN reading", verify.Strategy{Family: dsn.MySQL, TLSRequired: true}, preloginResponse(encryptOff), false, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer server.Close()
			st := tc.strategy
			rec := newRecord(1, &st)
			var watch watchFunc // as the backends dial: MySQL has none
			if st.Family == dsn.SQLServer {
				watch = preloginReader(&st)
			}
			w := rec.wrap(client, watch)
			defer w.Close()

			got := make(chan []byte, 1)
			go func() {
				var all []byte
				buf := make([]byte, 512)
				for {
					n, err := server.Read(buf)
					all = append(all, buf[:n]...)
					if n == len("PRELOGIN") && string(all) == "PRELOGIN" {
						_, _ = server.Write(tc.answer)
					}
					if err != nil {
						got <- all
						return
					}
				}
			}()
			_, err := w.Write([]byte("PRELOGIN"))
			require.NoError(t, err, "the PRELOGIN request itself goes out")
			read := 0
			for read < len(tc.answer) { // in small reads, as a driver's buffer might
				p := make([]byte, 3)
				n, err := w.Read(p)
				require.NoError(t, err)
				read += n
			}
			_, err = w.Write([]byte("LOGIN7 with the password"))
			if tc.refused {
				want := kind.EncryptionNotSupported
				if tc.prelogin == encryptNotTDS {
					want = kind.Network // not a SQL Server at all
				}
				require.ErrorIs(t, err, want)
			} else {
				require.NoError(t, err)
			}
			w.Close()
			seen := <-got
			if tc.refused {
				require.Equal(t, "PRELOGIN", string(seen), "nothing after the PRELOGIN request reached the server")
			} else {
				require.Equal(t, "PRELOGINLOGIN7 with the password", string(seen))
			}
			require.Equal(t, tc.prelogin, rec.tds.prelogin)
		})
	}
}

// TestPreloginMalformed: each way a PRELOGIN answer can break the layout of
// [MS-TDS] 2.2.6.5 is encryptMalformed, with the reason named; the
// well-formed answers beside them are not.
func TestPreloginMalformed(t *testing.T) {
	pkt := func(status byte, payload ...byte) []byte {
		n := 8 + len(payload)
		return append([]byte{0x04, status, byte(n >> 8), byte(n), 0, 0, 1, 0}, payload...)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		bad  string // "" well-formed
		v    int
	}{
		{"well-formed", preloginResponse(encryptReq), "", encryptReq},
		{"no options at all", pkt(1, 0xFF), "", encryptNotSup},
		{"ENCRYPTION of length 0", pkt(1, 0x00, 0, 11, 0, 6, 0x01, 0, 16, 0, 0, 0xFF, 0x10, 0, 7, 0xD0, 0, 0), "ENCRYPTION option is 0 bytes long", 0},
		{"ENCRYPTION of length 2", pkt(1, 0x01, 0, 6, 0, 2, 0xFF, 1, 1), "ENCRYPTION option is 2 bytes long", 0},
		{"not the last packet", append(preloginResponse(encryptOn)[:1:1], append([]byte{0x00}, preloginResponse(encryptOn)[2:]...)...), "does not end in its first packet", 0},
		{"empty payload", pkt(1), "the answer is empty", 0},
		{"no terminator", pkt(1, 0x01, 0, 5, 0, 1, 1), "without a terminator", 0},
		{"an option cut by the end", pkt(1, 0x01, 0, 5), "without a terminator", 0},
		{"data beyond the payload", pkt(1, 0x01, 0, 6, 0, 9, 0xFF, 1), "is not inside the", 0},
		{"data inside the option table", pkt(1, 0x01, 0, 0, 0, 1, 0xFF), "is not inside the", 0},
		{"ENCRYPTION twice", pkt(1, 0x01, 0, 11, 0, 1, 0x01, 0, 12, 0, 1, 0xFF, 1, 0), "appears twice", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, bad, done := preloginAnswer(tc.b)
			require.True(t, done)
			if tc.bad == "" {
				require.Empty(t, bad)
				require.Equal(t, tc.v, v)
				return
			}
			require.Equal(t, encryptMalformed, v)
			require.Contains(t, bad, tc.bad)
		})
	}
}
