package mysqlauth

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// handshakeResponse builds a HandshakeResponse41 as go-sql-driver writes it.
func handshakeResponse(caps uint32, user string, auth []byte, db, plugin string) []byte {
	p := binary.LittleEndian.AppendUint32(nil, caps)
	p = append(p, 0, 0, 0, 0, 0xff)
	p = append(p, make([]byte, 23)...)
	p = append(append(p, user...), 0)
	if len(auth) < 251 {
		p = append(p, byte(len(auth)))
	} else {
		p = append(p, 0xfc, byte(len(auth)), byte(len(auth)>>8))
	}
	p = append(p, auth...)
	if caps&clientConnectWithDB != 0 {
		p = append(append(p, db...), 0)
	}
	p = append(append(p, plugin...), 0)
	return append(p, 3, 1, 'a', 'b') // connection attributes, ignored
}

func TestParseHandshakeResponse(t *testing.T) {
	const caps = 0x00200000 | 0x00080000 | 0x8000 | 0x200
	long := bytes.Repeat([]byte{7}, 256)
	for _, tt := range []struct {
		name   string
		p      []byte
		ssl    bool
		auth   []byte
		plugin string
		ok     bool
	}{
		{"ssl request", append(binary.LittleEndian.AppendUint32(nil, caps|clientSSL), make([]byte, 28)...), true, nil, "", true},
		{"with database", handshakeResponse(caps|clientConnectWithDB, "app", []byte{1}, "orders", "sha256_password"), false, []byte{1}, "sha256_password", true},
		{"without database", handshakeResponse(caps, "app", []byte{9, 9}, "", "caching_sha2_password"), false, []byte{9, 9}, "caching_sha2_password", true},
		{"256-byte auth data", handshakeResponse(caps, "app", long, "", "sha256_password"), false, long, "sha256_password", true},
		{"short", []byte{1, 2, 3}, false, nil, "", false},
		{"no user end", append(binary.LittleEndian.AppendUint32(nil, caps), bytes.Repeat([]byte{'u'}, 40)...), false, nil, "", false},
		{"auth data cut", handshakeResponse(caps, "app", long, "", "x")[:50], false, nil, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ssl, auth, plugin, ok := parseHandshakeResponse(tt.p)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.ssl, ssl)
			require.Equal(t, tt.auth, auth)
			require.Equal(t, tt.plugin, plugin)
		})
	}
}

// testGuard guards nc for password under PREFERRED; the refusal it reports
// lands in *refused.
func testGuard(nc net.Conn, password string) (*guard, *error) {
	refused := new(error)
	g := Guard(nc, Policy{Password: password, Mode: "PREFERRED", AllowKey: "allowPublicKeyRetrieval", AllowValue: "false"},
		func(err error) { *refused = err })
	return g.(*guard), refused
}

// testGreeting is a well-formed HandshakeV10 naming plugin, without
// CLIENT_SSL.
func testGreeting(plugin string) []byte {
	g := append([]byte{10}, "8.0.40\x00"...)
	g = append(g, 7, 0, 0, 0)
	g = append(g, bytes.Repeat([]byte{'s'}, 8)...)
	g = append(g, 0, 0xff, 0xf7) // filler, capabilities (low): no CLIENT_SSL
	g = append(g, 0xff, 2, 0, 0xff, 0xdf, 21)
	g = append(g, make([]byte, 10)...)
	g = append(g, bytes.Repeat([]byte{'t'}, 12)...)
	g = append(g, 0)
	return append(g, plugin+"\x00"...)
}

func framed(seq byte, payload []byte) []byte {
	return append([]byte{byte(len(payload)), byte(len(payload) >> 8), byte(len(payload) >> 16), seq}, payload...)
}

// TestMySQLAuthGuardOutOfTurn: the fake sends an ERR right behind its
// greeting; the guard must not take it for the end of the authentication
// and let the cleartext password through. (go-sql-driver happens to stop
// there by itself; the guard does not rely on it.)
func TestMySQLAuthGuardOutOfTurn(t *testing.T) {
	srv, err := mysqlfake.Start(mysqlfake.Config{Plugin: mysqlfake.Clear, ErrAfterGreeting: true})
	require.NoError(t, err)
	defer srv.Close()
	nc, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	g, refused := testGuard(nc, "s3cret-pw")
	defer g.Close()
	require.NoError(t, g.SetDeadline(time.Now().Add(10*time.Second)))
	buf := make([]byte, 4096)
	got := 0
	for !g.desync { // read until both packets are in
		n, err := g.Read(buf[got:])
		require.NoError(t, err)
		got += n
	}
	require.False(t, g.done.Load(), "the ERR out of turn did not end the guard")
	resp := framed(1, handshakeResponse(0x00200000|0x00080000|0x8000|0x200, "app", []byte("s3cret-pw\x00"), "", "mysql_clear_password"))
	n, err := g.Write(resp)
	require.ErrorIs(t, err, kind.EncryptionNotSupported)
	require.Contains(t, err.Error(), "could not be followed")
	require.Zero(t, n)
	require.Equal(t, err, *refused, "reported to the caller")
	srv.Close()
	require.Empty(t, srv.Sessions()[0].Received)
}

// TestMySQLAuthGuardScript drives the guard over a real in-memory connection
// with a scripted server: each step is what the server sends and the packet
// the client then writes, and whether the guard lets it through.
func TestMySQLAuthGuardScript(t *testing.T) {
	const pw = "s3cret-pw"
	const caps = 0x00200000 | 0x00080000 | 0x8000 | 0x200
	greeting := testGreeting("mysql_native_password")
	pemKey := append([]byte{0x01}, "-----BEGIN PUBLIC KEY-----\nMIIB...\n-----END PUBLIC KEY-----\n"...)
	rsaBlob := bytes.Repeat([]byte{0xab}, 256)
	type step struct {
		server [][]byte // packets the server sends (one write)
		client []byte   // the packet the client writes next
		refuse string   // "" allowed, else a text of the refusal
	}
	for _, tt := range []struct {
		name     string
		pinned   bool
		retrieve bool
		steps    []step
		done     bool // the guard has stepped aside at the end
	}{
		{"native password: nothing to refuse", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 20), "", "mysql_native_password"), ""},
			{[][]byte{{0x00, 0, 0, 2, 0, 0, 0}}, []byte{0x03, 'S'}, ""},
		}, true},
		{"ssl request: the guard steps aside", false, false, []step{
			{[][]byte{greeting}, append(binary.LittleEndian.AppendUint32(nil, caps|clientSSL), make([]byte, 28)...), ""},
		}, true},
		{"caching_sha2 fast auth", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 32), "", "caching_sha2_password"), ""},
			{[][]byte{{0x01, 0x03}, {0x00, 0, 0, 2, 0, 0, 0}}, []byte{0x0e}, ""},
		}, true},
		{"caching_sha2 key request", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 32), "", "caching_sha2_password"), ""},
			{[][]byte{{0x01, 0x04}}, []byte{0x02}, "public key retrieval refused (allowPublicKeyRetrieval=false)"},
		}, false},
		{"caching_sha2 key request allowed", false, true, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 32), "", "caching_sha2_password"), ""},
			{[][]byte{{0x01, 0x04}}, []byte{0x02}, ""},
			{[][]byte{pemKey}, rsaBlob, ""},
			{[][]byte{{0x00, 0, 0, 2, 0, 0, 0}}, []byte{0x0e}, ""},
		}, true},
		{"caching_sha2 full auth in clear", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 32), "", "caching_sha2_password"), ""},
			{[][]byte{{0x01, 0x04}}, []byte(pw + "\x00"), "cleartext password refused (sslMode=PREFERRED)"},
		}, false},
		{"caching_sha2 full auth, pinned key", true, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 32), "", "caching_sha2_password"), ""},
			{[][]byte{{0x01, 0x04}}, rsaBlob, ""},
			{[][]byte{pemKey}, rsaBlob, "server-supplied public key refused (serverRSAPublicKeyFile=/k.pem)"},
		}, false},
		{"sha256 request in the handshake response", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", []byte{1}, "", "sha256_password"), "public key retrieval refused"},
		}, false},
		{"sha256 pinned, then a pushed key", true, true, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", rsaBlob, "", "sha256_password"), ""},
			{[][]byte{pemKey}, rsaBlob, "server-supplied public key refused"},
		}, false},
		{"switch to sha256 request", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 20), "", "mysql_native_password"), ""},
			{[][]byte{append([]byte("\xfesha256_password\x00"), bytes.Repeat([]byte{6}, 20)...)}, []byte{1}, "public key retrieval refused"},
		}, false},
		{"switch to clear password", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 20), "", "mysql_native_password"), ""},
			{[][]byte{[]byte("\xfemysql_clear_password\x00")}, []byte(pw + "\x00"), "cleartext password refused"},
		}, false},
		{"clear password in the handshake response", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", []byte(pw+"\x00"), "", "mysql_clear_password"), "cleartext password refused"},
		}, false},
		{"unknown plugin still may not carry the password", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", []byte(pw), "", "some_plugin"), "cleartext password refused"},
		}, false},
		{"old-password switch", false, false, []step{
			{[][]byte{greeting}, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 20), "", "mysql_native_password"), ""},
			{[][]byte{{0xfe}}, []byte("ABCDEFGH\x00"), ""},
			{[][]byte{[]byte("\xff\x15\x04#28000denied")}, []byte{0x01}, ""},
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cli, srvSide := net.Pipe()
			defer srvSide.Close()
			g, refused := testGuard(cli, pw)
			defer g.Close()
			g.policy.Pinned, g.policy.Retrieval = tt.pinned, tt.retrieve && !tt.pinned
			if tt.pinned {
				g.policy.PinKey, g.policy.PinValue = "serverRSAPublicKeyFile", "/k.pem"
			}
			seq := byte(0)
			for i, st := range tt.steps {
				var out []byte
				for _, p := range st.server {
					out = append(out, framed(seq, p)...)
					seq++
				}
				go func() { srvSide.Write(out) }()
				_, err := io.ReadFull(g, make([]byte, len(out)))
				require.NoError(t, err)
				received := make(chan []byte, 1)
				go func() {
					b := make([]byte, 1<<16)
					srvSide.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
					n, _ := srvSide.Read(b)
					received <- b[:n]
				}()
				pkt := framed(seq, st.client)
				seq++
				n, err := g.Write(pkt)
				got := <-received
				if st.refuse == "" {
					require.NoError(t, err, "step %d", i)
					require.Equal(t, len(pkt), n)
					require.Equal(t, pkt, got, "step %d: the packet went out whole", i)
					continue
				}
				require.ErrorIs(t, err, kind.EncryptionNotSupported, "step %d", i)
				require.Contains(t, err.Error(), st.refuse)
				require.Contains(t, err.Error(), "sslMode=VERIFY_IDENTITY")
				require.NotContains(t, err.Error(), pw)
				require.Empty(t, got, "step %d: not one byte of the refused packet left", i)
				require.Same(t, err, *refused)
				_, err = g.Write(pkt)
				require.Error(t, err, "refused for good")
				return
			}
			require.Equal(t, tt.done, g.done.Load())
		})
	}
}

// A packet written in pieces is held until complete and judged whole; a
// server packet over two frames (the first 0xffffff bytes long) is one
// packet, so its continuation frame cannot pass for an OK that ends the
// guard.
func TestMySQLAuthGuardFraming(t *testing.T) {
	const caps = 0x00200000 | 0x00080000 | 0x8000 | 0x200
	cli, srvSide := net.Pipe()
	defer srvSide.Close()
	g, _ := testGuard(cli, "pw")
	defer g.Close()

	greeting := testGreeting("caching_sha2_password")
	go func() { srvSide.Write(framed(0, greeting)) }()
	_, err := io.ReadFull(g, make([]byte, 4+len(greeting)))
	require.NoError(t, err)
	resp := framed(1, handshakeResponse(caps, "app", bytes.Repeat([]byte{5}, 32), "", "caching_sha2_password"))
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(srvSide, int64(len(resp))))
		got <- b
	}()
	n, err := g.Write(resp[:10])
	require.NoError(t, err)
	require.Equal(t, 10, n)
	n, err = g.Write(resp[10:])
	require.NoError(t, err)
	require.Equal(t, len(resp)-10, n)
	require.Equal(t, resp, <-got)

	big := append([]byte{0x01}, bytes.Repeat([]byte{'k'}, maxFrame-1)...)
	go func() {
		srvSide.Write(framed(2, big))
		srvSide.Write(framed(3, []byte{0x00, 0, 0, 2, 0, 0, 0}))
	}()
	_, err = io.ReadFull(g, make([]byte, 4+maxFrame+4+7))
	require.NoError(t, err)
	require.False(t, g.done.Load(), "a continuation frame is not an OK")
	require.False(t, g.desync)
	_, err = g.Write(framed(4, bytes.Repeat([]byte{0xab}, 256)))
	require.ErrorIs(t, err, kind.EncryptionNotSupported)
	require.Contains(t, err.Error(), "public key retrieval refused")
}
