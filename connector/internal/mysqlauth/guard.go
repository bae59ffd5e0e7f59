// Package mysqlauth keeps a MySQL password from crossing a connection
// without TLS, in clear or encrypted to an RSA key the server supplies.
//
// caching_sha2_password (when the server answers "perform full
// authentication") and sha256_password send the password encrypted to the
// server's RSA public key when there is no TLS. go-sql-driver asks the server
// for that key over the plaintext connection and encrypts to whatever comes
// back, so a machine in the middle that strips CLIENT_SSL from the greeting
// hands out its own key and reads the password — under sslMode=PREFERRED
// (the default) as under DISABLED. For sha256_password it even drops a
// pinned key: after sending the password encrypted to the pinned key it
// encrypts it again to any key the server sends next. Connector/J refuses to
// ask unless allowPublicKeyRetrieval=true, never uses a server-supplied key
// when serverRSAPublicKeyFile pins one, and never sends mysql_clear_password
// without TLS. dbtls does the same.
//
// The driver offers no setting that forbids the key request, and its one
// related mechanism (a registered key, ServerPubKey) does not stop the
// sha256_password path above. So Guard follows the plaintext MySQL packets
// of the connection phase in both directions and judges each packet the
// client is about to write, before any byte of it leaves: whatever the
// driver's code paths (initial plugin, auth switch, full authentication, a
// future version), no password crosses a connection without TLS in clear or
// encrypted to a key the server just supplied, unless the policy allows key
// retrieval. The guard steps aside when the client writes an SSLRequest
// (everything after it is TLS) or when the server ends the authentication
// (OK or ERR), so queries never pass through it.
//
// Every server packet it follows — the greeting, whatever the sslMode, and
// each answer until TLS starts or the authentication ends — is checked for
// structure before the driver reads it (structure.go): a malformed one
// fails the read with a *kind.Error of kind protocol-violation.
//
// A refusal is a *kind.Error of kind encryption-not-supported: the exchange
// the server asks for needs an encryption this connection does not have
// (server-refused is kept for the server's own refusals, spec §8), and the
// ways out are TLS (sslMode=VERIFY_IDENTITY), a pinned key (serverRSAPublicKeyFile)
// or, knowingly, allowPublicKeyRetrieval=true.
package mysqlauth

import (
	"bytes"
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"

	"github.com/dbtls/dbtls/kind"
)

// Capability flags and packet markers of the MySQL connection phase.
const (
	clientConnectWithDB = 0x00000008
	clientSSL           = 0x00000800
	maxFrame            = 0xffffff // a frame of this size continues in the next one

	pluginCachingSHA2 = "caching_sha2_password"
	pluginSHA256      = "sha256_password"
	pluginClear       = "mysql_clear_password"
)

// Policy is what a guard allows, and what its errors name.
type Policy struct {
	Password  string // the connection's password: it never leaves in clear
	Pinned    bool   // the driver encrypts the password to a pinned key (serverRSAPublicKeyFile or serverPubKey)
	Retrieval bool   // allowPublicKeyRetrieval=true and no pinned key: a key the server supplies may be used

	// For the messages: allowPublicKeyRetrieval and the pinning property as
	// the DSN wrote them, and the sslMode in force.
	AllowKey, AllowValue string
	PinKey, PinValue     string
	Mode                 string
	Disabled             bool   // sslMode=DISABLED (otherwise the server offered no TLS)
	Addr                 string // the server's address, for the protocol-violation messages
	// Verified and VerifiedCA are the settings that ask for TLS with a
	// verified server (and name, or chain only), as the DSN spells its mode
	// (e.g. ssl-mode=VERIFY_IDENTITY, tls=true, sslMode=verify-full);
	// empty: sslMode=VERIFY_IDENTITY, sslMode=VERIFY_CA.
	Verified, VerifiedCA string
}

// useTLS is the way out the refusals name first: TLS with a server whose
// certificate is checked (REQUIRED would stop this attacker, but not one
// who offers TLS with a certificate of its own).
func (p Policy) useTLS() string {
	return "use TLS with a verified server: " + p.verified() + " with TLS enabled on the server"
}

// verified names both ways to a verified server, e.g. "sslMode=VERIFY_IDENTITY
// (or sslMode=VERIFY_CA)".
func (p Policy) verified() string {
	id, ca := p.Verified, p.VerifiedCA
	if id == "" {
		id = "sslMode=VERIFY_IDENTITY"
	}
	if ca == "" {
		ca = "sslMode=VERIFY_CA"
	}
	return id + " (or " + ca + ")"
}

// Guard returns nc following the connection phase under p. A packet it
// refuses is never written: the write fails with the refusal, the
// connection is closed, and refused (when not nil) is called with the
// refusal first, so that the caller learns it whatever the driver makes of
// the failed write.
func Guard(nc net.Conn, p Policy, refused func(error)) net.Conn {
	return &guard{Conn: nc, policy: p, onRefuse: refused}
}

// expect is what the client's next packet answers.
type expect int

const (
	expectNone           expect = iota // nothing in particular
	expectHandshake                    // the SSLRequest or HandshakeResponse, answering the greeting
	expectInitial                      // the first response of the plugin the server switched to
	expectFullAuth                     // caching_sha2_password after "perform full authentication"
	expectAfterServerKey               // the server handed out key material
)

// guard follows one plaintext MySQL connection phase (see the package
// comment).
type guard struct {
	net.Conn
	policy   Policy
	onRefuse func(error) // told of the refusal before the write fails

	done atomic.Bool // TLS started or authentication over: pass everything through

	mu      sync.Mutex
	in      []byte // server bytes held until their packet is complete
	out     []byte // client bytes held until their packet is complete and judged
	greeted bool   // the greeting has been read
	turn    bool   // the client's turn: the server's last packet awaits an answer
	desync  bool   // the server spoke out of turn: its packets cannot be matched to the client's
	next    expect // what the client's next packet answers
	plugin  string
	refused error
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.Conn.Read(p)
	if n > 0 && !g.done.Load() {
		g.mu.Lock()
		g.in = append(g.in, p[:n]...)
		for !g.done.Load() {
			pkt, used, ok := packet(g.in)
			if !ok {
				break
			}
			g.in = g.in[used:]
			if err := g.checkServerPacket(pkt, !g.greeted); err != nil { // structure.go
				g.refuse(err)
				g.mu.Unlock()
				return 0, err
			}
			g.serverPacket(pkt)
		}
		if len(g.in) == 0 {
			g.in = nil
		}
		g.mu.Unlock()
	}
	return n, err
}

// frame cuts one frame off b: its payload, the rest, and whether the packet
// continues in the next frame.
func frame(b []byte) (payload, rest []byte, more, ok bool) {
	if len(b) < 4 {
		return nil, b, false, false
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	if len(b) < 4+n {
		return nil, b, false, false
	}
	return b[4 : 4+n], b[4+n:], n == maxFrame, true
}

// packet cuts one packet off b, joining the frames it spans: its payload
// and how many bytes of b it took; ok is false until b holds all of it.
func packet(b []byte) (pkt []byte, n int, ok bool) {
	for more := true; more; {
		var payload []byte
		if payload, b, more, ok = frame(b); !ok {
			return nil, 0, false
		}
		pkt, n = append(pkt, payload...), n+4+len(payload)
	}
	return pkt, n, true
}

// serverPacket follows one packet from the server. The connection phase
// alternates: each server packet but the fast-authentication notice awaits
// the client's answer. A server that speaks again before that answer (say, a
// greeting followed at once by an ERR or an auth switch) would make the
// guard judge the client's next packet against the wrong question, or step
// aside too early; it is refused instead.
func (g *guard) serverPacket(p []byte) {
	if g.desync || g.turn {
		g.desync = true // for good
		return
	}
	g.turn = true
	if !g.greeted {
		g.greeted, g.next = true, expectHandshake
		if len(p) == 0 || p[0] == 0xff { // an error instead of a greeting: the driver stops here
			g.finish()
		}
		return
	}
	if len(p) == 0 {
		g.next = expectNone
		return
	}
	switch p[0] {
	case 0x00, 0xff: // OK or ERR: the authentication is over
		g.finish()
	case 0xfe: // auth switch request (a lone 0xfe is the old-password switch)
		g.plugin = "mysql_old_password"
		if len(p) > 1 {
			name, _, _ := bytes.Cut(p[1:], nul)
			g.plugin = string(name)
		}
		g.next = expectInitial
	case 0x01: // more authentication data
		switch {
		case g.plugin == pluginCachingSHA2 && len(p) == 2 && p[1] == 0x04:
			g.next = expectFullAuth // "perform full authentication"
		case g.plugin == pluginCachingSHA2 && len(p) == 2 && p[1] == 0x03:
			g.next, g.turn = expectNone, false // fast authentication succeeded; an OK follows
		default:
			g.next = expectAfterServerKey // anything else is key material the driver would encrypt to
		}
	default:
		g.next = expectNone
	}
}

func (g *guard) finish() {
	g.done.Store(true)
	g.in = nil
}

func (g *guard) Write(p []byte) (int, error) {
	if g.done.Load() {
		return g.Conn.Write(p)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refused != nil {
		return 0, g.refused
	}
	if g.done.Load() {
		return g.Conn.Write(p)
	}
	g.out = append(g.out, p...)
	ready := 0
	for !g.done.Load() {
		pkt, used, ok := packet(g.out[ready:])
		if !ok {
			break
		}
		if err := g.clientPacket(pkt); err != nil {
			g.refuse(err)
			return 0, err
		}
		ready += used
	}
	if g.done.Load() { // an SSLRequest: what follows is TLS
		ready = len(g.out)
	}
	send := g.out[:ready]
	g.out = append([]byte(nil), g.out[ready:]...)
	if len(send) > 0 {
		if _, err := g.Conn.Write(send); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// refuse reports the refusal, drops what was held and closes the
// connection: nothing of the refused packet was written.
func (g *guard) refuse(err error) {
	g.refused, g.out = err, nil
	if g.onRefuse != nil {
		g.onRefuse(err)
	}
	g.Conn.Close()
}

// clientPacket judges one packet the client is about to write.
func (g *guard) clientPacket(p []byte) error {
	if g.desync {
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "MySQL authentication could not be followed",
			Why: g.noTLS() + ", and the server sent a packet before the client had answered the previous one; " +
				"without TLS dbtls must follow the authentication to keep the password from leaving in clear or to a key the server supplies, so nothing more was sent",
			Fix: g.policy.useTLS()}
	}
	e := g.next
	if !g.turn {
		e = expectNone // the client speaks again: no question to answer
	}
	g.next, g.turn = expectNone, false
	switch e {
	case expectHandshake:
		ssl, auth, plugin, ok := parseHandshakeResponse(p)
		switch {
		case ssl:
			g.finish()
			return nil
		case !ok:
			return &kind.Error{Kind: kind.EncryptionNotSupported, What: "MySQL handshake response not understood",
				Why: g.noTLS() + "; dbtls reads the client's handshake response to keep the password from leaving in clear, and could not read this one, so nothing was sent",
				Fix: "use TLS (sslMode=REQUIRED or stronger), and report this to dbtls"}
		}
		g.plugin = plugin
		return g.initialResponse(auth)
	case expectInitial:
		return g.initialResponse(p)
	case expectFullAuth:
		switch {
		case len(p) == 1 && p[0] == 0x02: // request public key
			return g.keyUse(false)
		case g.isCleartext(p), !g.policy.Pinned:
			return g.cleartext()
		}
		return nil // encrypted to the pinned key
	case expectAfterServerKey:
		return g.keyUse(true)
	}
	if g.isCleartext(p) {
		return g.cleartext()
	}
	return nil
}

// initialResponse judges the first authentication data of g.plugin.
func (g *guard) initialResponse(d []byte) error {
	switch {
	case len(d) == 0 || (len(d) == 1 && d[0] == 0): // empty
		return nil
	case g.isCleartext(d), g.plugin == pluginClear:
		return g.cleartext()
	case g.plugin == pluginSHA256 && len(d) == 1 && d[0] == 0x01: // request public key
		return g.keyUse(false)
	case g.plugin == pluginSHA256 && !g.policy.Pinned:
		return g.cleartext()
	}
	return nil
}

func (g *guard) isCleartext(d []byte) bool {
	pw := g.policy.Password
	return pw != "" && (string(d) == pw || (len(d) == len(pw)+1 && d[len(pw)] == 0 && string(d[:len(pw)]) == pw))
}

// noTLS describes the connection's lack of TLS for the messages.
func (g *guard) noTLS() string {
	if g.policy.Disabled {
		return "the connection has no TLS (sslMode " + g.policy.Mode + ")"
	}
	return "the connection has no TLS (sslMode " + g.policy.Mode + " and the server offered none)"
}

// keyUse judges a public-key request (supplied=false) or the use of a key
// the server handed out (supplied=true).
func (g *guard) keyUse(supplied bool) error {
	if g.policy.Retrieval {
		return nil
	}
	how := "asked for the password encrypted to an RSA public key it would hand out itself"
	if supplied {
		how = "handed out an RSA public key of its own for the password"
	}
	if g.policy.Pinned {
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "server-supplied public key refused",
			Key: g.policy.PinKey, Value: g.policy.PinValue,
			Why: g.noTLS() + " and the server " + how + " (" + g.plugin + "), but the password goes to the pinned key only; " +
				"a machine in the middle does this to read the password, so none was sent to it",
			Fix: "check that " + g.policy.PinKey + " holds this server's public key, or " + g.policy.useTLS()}
	}
	return &kind.Error{Kind: kind.EncryptionNotSupported, What: "public key retrieval refused",
		Key: g.policy.AllowKey, Value: g.policy.AllowValue,
		Why: g.noTLS() + " and the server " + how + " (" + g.plugin + "); " +
			"over plaintext a machine in the middle can hand out its own key and read the password, so none was sent",
		Fix: g.policy.useTLS() + "; or pin the server's key with serverRSAPublicKeyFile=<path of its PEM public key>; or, on a network you trust, set allowPublicKeyRetrieval=true"}
}

func (g *guard) cleartext() error { return CleartextRefused(g.policy, g.plugin) }

// CleartextRefused is the refusal of a password in clear (plugin, e.g.
// mysql_clear_password) on a connection without TLS under p: whether the
// guard stopped the packet or the driver stopped before writing it, the
// answer is the same, and final: the plugin sends the password as it is, so
// it needs TLS, and only a verified server (VERIFY_CA, VERIFY_IDENTITY)
// keeps it from a machine in the middle.
func CleartextRefused(p Policy, plugin string) error {
	g := guard{policy: p}
	return &kind.Error{Kind: kind.EncryptionNotSupported, What: "cleartext password refused",
		Key: "sslMode", Value: p.Mode,
		Why: g.noTLS() + " and the server asked for the password in clear (" + plugin + "); that plugin sends the password as it is " +
			"and needs TLS, so none was sent",
		Fix: "enable TLS on the server and set " + p.verified() + ": the password then crosses inside TLS " +
			"to a server whose certificate was checked (under PREFERRED or REQUIRED it would go, in clear inside TLS, to whichever server answers)"}
}

// parseHandshakeResponse reads the client's answer to the greeting:
// an SSLRequest (32 bytes with CLIENT_SSL), or a HandshakeResponse41 whose
// authentication data and plugin name it returns. The layout is the one
// go-sql-driver writes: capabilities, max packet size, collation, 23 bytes
// of filler, the user (NUL-terminated), the authentication data
// (length-encoded, whatever the flags say), the database when
// CLIENT_CONNECT_WITH_DB is set, then the plugin name (always).
func parseHandshakeResponse(p []byte) (ssl bool, auth []byte, plugin string, ok bool) {
	if len(p) < 32 {
		return false, nil, "", false
	}
	caps := binary.LittleEndian.Uint32(p)
	if len(p) == 32 && caps&clientSSL != 0 {
		return true, nil, "", true
	}
	// A NUL-terminated field without its NUL leaves nothing after it
	// (bytes.Cut), where no length-encoded integer or name can be read.
	_, rest, _ := bytes.Cut(p[32:], nul) // the user
	n, w := lenEnc(rest)
	if w == 0 || uint64(len(rest)-w) < n {
		return false, nil, "", false
	}
	auth, rest = rest[w:w+int(n)], rest[w+int(n):]
	if caps&clientConnectWithDB != 0 {
		_, rest, _ = bytes.Cut(rest, nul) // the database
	}
	name, _, found := bytes.Cut(rest, nul)
	if !found {
		return false, nil, "", false
	}
	return false, auth, string(name), true
}

var nul = []byte{0}

// lenEnc reads a length-encoded integer; w is 0 when b does not hold one.
func lenEnc(b []byte) (n uint64, w int) {
	if len(b) == 0 {
		return 0, 0
	}
	switch b[0] {
	case 0xfc:
		if len(b) >= 3 {
			return uint64(binary.LittleEndian.Uint16(b[1:])), 3
		}
	case 0xfd:
		if len(b) >= 4 {
			return uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16, 4
		}
	case 0xfe:
		if len(b) >= 9 {
			return binary.LittleEndian.Uint64(b[1:]), 9
		}
	case 0xfb, 0xff:
	default:
		return uint64(b[0]), 1
	}
	return 0, 0
}
