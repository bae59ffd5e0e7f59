package mysqlauth

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strconv"

	"github.com/dbtls/dbtls/kind"
)

// The structure of the server's packets the guard follows. go-sql-driver
// reads them by index without checking their length (a greeting cut after
// the server version, a one-byte OK packet, an ERR packet without its
// message, a non-RSA public key: each panics), so the guard checks each one
// as it completes, before the read that completes it returns: a malformed
// packet fails that read with a protocol-violation error, and the driver
// never sees it. What is checked is the layout of the MySQL client/server
// protocol (HandshakeV10, OK_Packet, ERR_Packet, AuthSwitchRequest,
// AuthMoreData), no more than the driver relies on.

// greetingTail is what follows the server version in a HandshakeV10 the
// driver reads: connection id (4), scramble part 1 (8), filler (1),
// capabilities (2), character set (1), status (2), capabilities (2),
// scramble length (1), reserved (10), scramble part 2 (12) and its NUL (1).
const greetingTail = 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 12 + 1

// The scramble lengths the driver's plugins take from an auth switch.
var scrambleLen = map[string]int{
	"mysql_native_password": 20, pluginCachingSHA2: 20, pluginSHA256: 20, "mysql_old_password": 8,
}

// checkServerPacket checks one server packet of the connection phase: the
// greeting when greeting is set, else an answer during authentication.
// It returns the protocol-violation error, or nil.
func (g *guard) checkServerPacket(p []byte, greeting bool) error {
	if len(p) == 0 {
		return g.violation("packet", "it is empty (length 0)")
	}
	switch {
	case p[0] == 0xff:
		return g.checkErr(p, greeting)
	case greeting:
		return g.checkGreeting(p)
	case p[0] == 0x00:
		return g.checkOK(p)
	case p[0] == 0xfe:
		return g.checkSwitch(p)
	case p[0] == 0x01:
		return g.checkMoreData(p)
	}
	return nil // anything else: the driver refuses it by itself
}

func (g *guard) checkGreeting(p []byte) error {
	const what = "greeting"
	if p[0] < 10 {
		return nil // an old protocol version: the driver refuses it by itself
	}
	end := bytes.IndexByte(p[1:], 0)
	if end < 0 {
		return g.violation(what, "its server version (protocol "+strconv.Itoa(int(p[0]))+") has no terminating NUL")
	}
	if tail := len(p) - (1 + end + 1); tail < greetingTail {
		return g.violation(what, "it ends "+strconv.Itoa(tail)+" bytes after the server version, where a protocol-10 greeting has "+
			strconv.Itoa(greetingTail)+" (connection id, scramble, capabilities, character set, status)")
	}
	return nil
}

// checkOK: affected rows and last insert id (length-encoded integers), then
// status and warnings (2 bytes each).
func (g *guard) checkOK(p []byte) error {
	const what = "OK packet ending the authentication"
	rest := p[1:]
	for _, field := range []string{"affected rows", "last insert id"} {
		_, w := lenEnc(rest)
		if w == 0 {
			return g.violation(what, "it is "+strconv.Itoa(len(p))+" bytes long and ends in (or before) its "+field+" field")
		}
		rest = rest[w:]
	}
	if len(rest) < 4 {
		return g.violation(what, "it is "+strconv.Itoa(len(p))+" bytes long and ends before its status and warnings (4 bytes)")
	}
	return nil
}

// checkErr: an error number, then, after the greeting, a message (with a
// '#' and a 5-character SQL state before it, when the '#' is there).
func (g *guard) checkErr(p []byte, greeting bool) error {
	what := "ERR packet"
	if greeting {
		what = "ERR packet in place of the greeting"
	}
	switch {
	case len(p) < 4:
		return g.violation(what, "it is "+strconv.Itoa(len(p))+" bytes long: an error number and a message need at least 4")
	case p[3] == '#' && len(p) < 9:
		return g.violation(what, "it announces a SQL state ('#') but ends "+strconv.Itoa(len(p)-4)+" bytes after it, where the state has 5")
	}
	return nil
}

// checkSwitch: a lone 0xfe (the old-password switch), or a plugin name
// ending in NUL and the plugin's scramble.
func (g *guard) checkSwitch(p []byte) error {
	const what = "auth switch request"
	if len(p) == 1 {
		return nil
	}
	name, data, found := bytes.Cut(p[1:], nul)
	if !found {
		return g.violation(what, "its plugin name has no terminating NUL")
	}
	data = bytes.TrimSuffix(data, nul)
	if n, ok := scrambleLen[string(name)]; ok && len(data) < n {
		return g.violation(what, "it switches to "+string(name)+" with a "+strconv.Itoa(len(data))+"-byte scramble, where the plugin takes "+strconv.Itoa(n))
	}
	return nil
}

// checkMoreData: authentication data that holds a PEM public key must hold
// an RSA one: the driver encrypts the password to no other kind.
func (g *guard) checkMoreData(p []byte) error {
	block, _ := pem.Decode(p[1:])
	if block == nil {
		return nil
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil // the driver reports the parse error by itself
	}
	if _, ok := key.(*rsa.PublicKey); !ok {
		return g.violation("public key", fmt.Sprintf("the key it sent for the password (%s) is a %T, where the protocol has an RSA key", g.plugin, key))
	}
	return nil
}

// violation is the error for a malformed server packet.
func (g *guard) violation(what, why string) error {
	at := ""
	if g.policy.Addr != "" {
		at = " at " + g.policy.Addr
	}
	return &kind.Error{Kind: kind.ProtocolViolation, What: "malformed " + what + " from the MySQL server" + at,
		Why: why + " (MySQL client/server protocol, connection phase); the driver was not given it",
		Fix: "check that the host and port reach a MySQL server, and that nothing on the way rewrites its packets"}
}
