// Package mysqlfake is a hostile MySQL server for tests: it plays the
// machine in the middle that strips TLS and hands out its own RSA key for
// the password, which no real server can be made to play.
//
// Its greeting never offers CLIENT_SSL, so a client in sslMode=PREFERRED
// goes on in plaintext. It then asks for the password the way that leaks it
// to whoever answers: caching_sha2_password with "perform full
// authentication" (0x01 0x04), sha256_password, or mysql_clear_password,
// optionally through an auth switch. Asked for its RSA public key, it hands
// out its own; with PushKey it hands it out unasked, after a password
// encrypted to some other key. Whatever it receives it records, and it
// decrypts every encrypted password it can (with its own key, and with the
// Known keys when it stands for the real server a client pinned). A client
// that gives the password away gets an OK, and then an OK for every command,
// so the connection proceeds.
//
// With Config.TLS it plays the other attacker, the one who does not strip
// TLS but offers it: its greeting has CLIENT_SSL, it does the TLS handshake
// with its own certificate (a client that authenticates no server accepts
// it) and asks for the password the same way inside that TLS.
//
// Everything lives on 127.0.0.1:0; Close waits for every session.
package mysqlfake

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// The plugins the server can ask for.
const (
	CachingSHA2 = "caching_sha2_password"
	SHA256      = "sha256_password"
	Clear       = "mysql_clear_password"
	Native      = "mysql_native_password"
)

// Config says how the server asks for the password.
type Config struct {
	// Plugin is the one the password is asked for with; CachingSHA2 when
	// empty.
	Plugin string
	// SwitchFrom, when set, is the plugin the greeting names; the server
	// then switches the client to Plugin with an auth switch request.
	SwitchFrom string
	// Key is the RSA key the server hands out; a fresh 2048-bit key when nil.
	Key *rsa.PrivateKey
	// Known are further private keys it decrypts with: the real server's key,
	// when the fake stands for the server whose public key the client pinned.
	Known []*rsa.PrivateKey
	// PushKey: having received a password encrypted to a key it cannot
	// decrypt with, the server hands out its own key anyway (what a man in
	// the middle does against a client that pinned the real server's key).
	PushKey bool
	// ErrAfterGreeting: the server sends an ERR packet right behind the
	// greeting, in the same write, before the client has answered.
	ErrAfterGreeting bool
	// TLS, when set, is offered: the greeting has CLIENT_SSL, and a client's
	// SSLRequest is answered with a TLS handshake with this configuration
	// (the attacker's own certificate); the exchange then goes on inside it.
	TLS *tls.Config
	// Refuse, when set, is the message of the ERR (1045, access denied) that
	// ends the authentication in place of the OK: a server's text, which may
	// hold anything.
	Refuse string
}

// Session is what the server saw of one connection.
type Session struct {
	Received      []byte   // every byte the client sent, in order
	User          string   // from the handshake response
	KeyRequests   int      // public-key requests received
	KeysHandedOut int      // times the server sent its public key
	Encrypted     [][]byte // RSA-encrypted passwords received
	Recovered     []string // passwords read: decrypted, or received in clear
	TLS           bool     // the client did TLS with the server's certificate (Config.TLS)
	Err           error    // why the session ended early, if it did
}

// Server is one listening fake.
type Server struct {
	cfg  Config
	ln   net.Listener
	pem  []byte
	wg   sync.WaitGroup
	mu   sync.Mutex
	sess []*Session
	open map[net.Conn]bool
}

// Start listens on 127.0.0.1:0 and serves until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Plugin == "" {
		cfg.Plugin = CachingSHA2
	}
	if cfg.Key == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		cfg.Key = k
	}
	der, err := x509.MarshalPKIXPublicKey(&cfg.Key.PublicKey)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, ln: ln, pem: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), open: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// PublicKeyPEM is the key the server hands out.
func (s *Server) PublicKeyPEM() []byte { return append([]byte(nil), s.pem...) }

// Close stops listening, ends the open sessions and waits for them.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// Sessions returns a copy of every session so far. Call it after Close, or
// after the client is done, for complete records.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, len(s.sess))
	for i, x := range s.sess {
		out[i] = *x
		out[i].Received = append([]byte(nil), x.Received...)
		out[i].Encrypted = append([][]byte(nil), x.Encrypted...)
		out[i].Recovered = append([]string(nil), x.Recovered...)
	}
	return out
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		sess := &Session{}
		s.mu.Lock()
		s.sess = append(s.sess, sess)
		s.open[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			err := s.serve(&conn{Conn: c, s: s, sess: sess})
			s.mu.Lock()
			if err != nil && !errors.Is(err, errQuit) {
				sess.Err = err
			}
			delete(s.open, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

var errQuit = errors.New("client quit")

// conn frames MySQL packets and records what the client sends.
type conn struct {
	net.Conn
	s    *Server
	sess *Session
	seq  byte
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.s.mu.Lock()
	c.sess.Received = append(c.sess.Received, p[:n]...)
	c.s.mu.Unlock()
	return n, err
}

func (c *conn) readPacket() ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return nil, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	c.seq = h[3] + 1
	p := make([]byte, n)
	_, err := io.ReadFull(c, p)
	return p, err
}

func (c *conn) writePacket(p []byte) error {
	b := make([]byte, 4, 4+len(p))
	b[0], b[1], b[2], b[3] = byte(len(p)), byte(len(p)>>8), byte(len(p)>>16), c.seq
	c.seq++
	_, err := c.Write(append(b, p...))
	return err
}

func (c *conn) record(f func(*Session)) {
	c.s.mu.Lock()
	f(c.sess)
	c.s.mu.Unlock()
}

// Capabilities of the greeting: those of a MySQL 8 server, CLIENT_SSL left out.
const (
	capLongPassword   = 0x00000001
	capFoundRows      = 0x00000002
	capLongFlag       = 0x00000004
	capConnectWithDB  = 0x00000008
	capProtocol41     = 0x00000200
	capSSL            = 0x00000800
	capTransactions   = 0x00002000
	capSecureConn     = 0x00008000
	capMultiStmts     = 0x00010000
	capMultiResults   = 0x00020000
	capPluginAuth     = 0x00080000
	capConnectAttrs   = 0x00100000
	capPluginAuthLenc = 0x00200000
	capDeprecateEOF   = 0x01000000

	greetingCaps = capLongPassword | capFoundRows | capLongFlag | capConnectWithDB | capProtocol41 | capTransactions |
		capSecureConn | capMultiStmts | capMultiResults | capPluginAuth | capConnectAttrs | capPluginAuthLenc | capDeprecateEOF
)

// scramble returns 20 random bytes in 1..127, as MySQL's are (no NUL: the
// driver trims a trailing NUL off an auth switch's data).
func scramble() []byte {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = b[i]%127 + 1
	}
	return b
}

// greeting is a protocol-10 handshake packet's payload offering caps and
// the auth plugin first.
func greeting(seed []byte, caps uint32, first string) []byte {
	g := []byte{10}
	g = append(g, "8.0.40-mysqlfake\x00"...)
	g = binary.LittleEndian.AppendUint32(g, 7)
	g = append(g, seed[:8]...)
	g = append(g, 0)
	g = binary.LittleEndian.AppendUint16(g, uint16(caps&0xffff))
	g = append(g, 0xff)                             // utf8mb4_0900_ai_ci
	g = binary.LittleEndian.AppendUint16(g, 0x0002) // autocommit
	g = binary.LittleEndian.AppendUint16(g, uint16(caps>>16))
	g = append(g, 21)
	g = append(g, make([]byte, 10)...)
	g = append(g, seed[8:]...)
	g = append(g, 0)
	g = append(g, first+"\x00"...)
	return g
}

func (s *Server) serve(c *conn) error {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	seed := scramble()
	first := s.cfg.Plugin
	if s.cfg.SwitchFrom != "" {
		first = s.cfg.SwitchFrom
	}
	caps := uint32(greetingCaps)
	if s.cfg.TLS != nil {
		caps |= capSSL
	}
	g := greeting(seed, caps, first)
	c.seq = 0
	if s.cfg.ErrAfterGreeting {
		b := []byte{byte(len(g)), byte(len(g) >> 8), byte(len(g) >> 16), 0}
		b = append(b, g...)
		e := errPacket(1040, "Too many connections")
		b = append(b, byte(len(e)), byte(len(e)>>8), byte(len(e)>>16), 1)
		b = append(b, e...)
		if _, err := c.Write(b); err != nil {
			return err
		}
		_, err := c.readPacket()
		return err
	}
	if err := c.writePacket(g); err != nil {
		return err
	}

	p, err := c.readPacket()
	if err != nil {
		return err
	}
	caps, user, auth, plugin, err := parseResponse(p)
	if err != nil {
		return err
	}
	if caps&capSSL != 0 && len(p) == 32 { // an SSLRequest
		if s.cfg.TLS == nil {
			return errors.New("the client asked for TLS, which this server never offered")
		}
		tc := tls.Server(c.Conn, s.cfg.TLS)
		if err := tc.Handshake(); err != nil {
			return err
		}
		c.Conn = tc
		c.record(func(x *Session) { x.TLS = true })
		if p, err = c.readPacket(); err != nil {
			return err
		}
		if _, user, auth, plugin, err = parseResponse(p); err != nil {
			return err
		}
	}
	c.record(func(x *Session) { x.User = user })
	if s.cfg.SwitchFrom != "" || plugin != s.cfg.Plugin {
		seed = scramble()
		sw := append([]byte{0xfe}, s.cfg.Plugin+"\x00"...)
		sw = append(append(sw, seed...), 0)
		if err := c.writePacket(sw); err != nil {
			return err
		}
		if auth, err = c.readPacket(); err != nil {
			return err
		}
	}
	if err := s.authenticate(c, seed, auth); err != nil {
		return err
	}
	if s.cfg.Refuse != "" {
		return c.writePacket(errPacket(1045, s.cfg.Refuse))
	}
	if err := c.writePacket(okPacket()); err != nil {
		return err
	}
	for { // commands: every one is answered with OK
		p, err := c.readPacket()
		if err != nil {
			return err
		}
		if len(p) > 0 && p[0] == 0x01 { // COM_QUIT
			return errQuit
		}
		if err := c.writePacket(okPacket()); err != nil {
			return err
		}
	}
}

// authenticate runs the plugin's exchange after the client's first auth data.
func (s *Server) authenticate(c *conn, seed, auth []byte) error {
	switch s.cfg.Plugin {
	case Clear:
		c.record(func(x *Session) { x.Recovered = append(x.Recovered, string(bytes.TrimSuffix(auth, []byte{0}))) })
		return nil
	case SHA256:
		switch {
		case len(auth) == 0 || bytes.Equal(auth, []byte{0}):
			return nil
		case bytes.Equal(auth, []byte{1}):
			c.record(func(x *Session) { x.KeyRequests++ })
			return s.handOutKey(c, seed)
		}
		if !s.opaque(c, seed, auth) && s.cfg.PushKey {
			return s.handOutKey(c, seed)
		}
		return nil
	default: // caching_sha2_password: always "perform full authentication"
		if err := c.writePacket([]byte{0x01, 0x04}); err != nil {
			return err
		}
		p, err := c.readPacket()
		if err != nil {
			return err
		}
		if bytes.Equal(p, []byte{0x02}) {
			c.record(func(x *Session) { x.KeyRequests++ })
			return s.handOutKey(c, seed)
		}
		if !s.opaque(c, seed, p) && s.cfg.PushKey {
			return s.handOutKey(c, seed)
		}
		return nil
	}
}

// handOutKey sends the server's own public key and reads the password
// encrypted to it.
func (s *Server) handOutKey(c *conn, seed []byte) error {
	c.record(func(x *Session) { x.KeysHandedOut++ })
	if err := c.writePacket(append([]byte{0x01}, s.pem...)); err != nil {
		return err
	}
	p, err := c.readPacket()
	if err != nil {
		return err
	}
	s.opaque(c, seed, p)
	return nil
}

// opaque records auth data that is neither a request nor empty: a password
// encrypted to some key (decrypted when the server holds that key), or one
// in clear. It reports whether the password was recovered.
func (s *Server) opaque(c *conn, seed, p []byte) bool {
	keys := append([]*rsa.PrivateKey{s.cfg.Key}, s.cfg.Known...)
	sized := false
	for _, k := range keys {
		sized = sized || len(p) == k.Size()
	}
	if !sized { // not an RSA block: the password in clear
		c.record(func(x *Session) { x.Recovered = append(x.Recovered, string(bytes.TrimSuffix(p, []byte{0}))) })
		return true
	}
	c.record(func(x *Session) { x.Encrypted = append(x.Encrypted, append([]byte(nil), p...)) })
	for _, k := range keys {
		plain, err := rsa.DecryptOAEP(sha1.New(), nil, k, p, nil)
		if err != nil {
			continue
		}
		for i := range plain {
			plain[i] ^= seed[i%len(seed)]
		}
		c.record(func(x *Session) { x.Recovered = append(x.Recovered, string(bytes.TrimSuffix(plain, []byte{0}))) })
		return true
	}
	return false // encrypted to a key the server does not hold
}

func okPacket() []byte { return []byte{0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00} }

func errPacket(code uint16, msg string) []byte {
	b := []byte{0xff}
	b = binary.LittleEndian.AppendUint16(b, code)
	b = append(b, "#HY000"...)
	return append(b, msg...)
}

// parseResponse reads a HandshakeResponse41 (authentication data
// length-encoded, as go-sql-driver always writes it).
func parseResponse(p []byte) (caps uint32, user string, auth []byte, plugin string, err error) {
	bad := fmt.Errorf("mysqlfake: malformed handshake response (%d bytes)", len(p))
	if len(p) < 32 {
		return 0, "", nil, "", bad
	}
	caps = binary.LittleEndian.Uint32(p)
	if len(p) == 32 {
		return caps, "", nil, "", nil // an SSLRequest
	}
	rest := p[32:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		return 0, "", nil, "", bad
	}
	user, rest = string(rest[:i]), rest[i+1:]
	if len(rest) == 0 {
		return 0, "", nil, "", bad
	}
	n, w := int(rest[0]), 1
	switch rest[0] {
	case 0xfc:
		if len(rest) < 3 {
			return 0, "", nil, "", bad
		}
		n, w = int(binary.LittleEndian.Uint16(rest[1:])), 3
	case 0xfd, 0xfe, 0xfb, 0xff:
		return 0, "", nil, "", bad
	}
	if len(rest) < w+n {
		return 0, "", nil, "", bad
	}
	auth, rest = rest[w:w+n], rest[w+n:]
	if caps&capConnectWithDB != 0 {
		if i = bytes.IndexByte(rest, 0); i < 0 {
			return 0, "", nil, "", bad
		}
		rest = rest[i+1:]
	}
	if i = bytes.IndexByte(rest, 0); i >= 0 {
		plugin = string(rest[:i])
	}
	return caps, user, auth, plugin, nil
}
