package tds

import (
	"errors"
	"net"
	"sync"
	"time"
)

// prelogConn is the net.Conn that crypto/tls talks through on a TDS 7.x
// connection. While wrapping is on, what TLS reads is the payload of the
// client's PRELOGIN (0x12) packets and what it writes is sent in PRELOGIN
// packets, one message per write (crypto/tls writes a whole flight at once).
// After the handshake wrapping is turned off and TLS records go straight
// over the TCP connection, as [MS-TDS] 3.3.5.2 has it.
type prelogConn struct {
	net.Conn
	mu      sync.Mutex
	wrap    bool
	pending []byte
	spid    uint16
}

func newPrelogConn(c net.Conn, spid uint16) *prelogConn {
	return &prelogConn{Conn: c, wrap: true, spid: spid}
}

var errNotPrelogin = errors.New("tds: a packet other than PRELOGIN during the TLS handshake")

func (c *prelogConn) wrapping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrap
}

// unwrap ends the handshake phase: from now on bytes pass through.
func (c *prelogConn) unwrap() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wrap = false
}

func (c *prelogConn) Read(b []byte) (int, error) {
	if !c.wrapping() {
		if len(c.pending) > 0 {
			n := copy(b, c.pending)
			c.pending = c.pending[n:]
			return n, nil
		}
		return c.Conn.Read(b)
	}
	for len(c.pending) == 0 {
		p, err := readPacket(c.Conn)
		if err != nil {
			return 0, err
		}
		if p.Type != PacketPrelogin {
			return 0, errNotPrelogin
		}
		c.pending = p.Payload
	}
	n := copy(b, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

func (c *prelogConn) Write(b []byte) (int, error) {
	if !c.wrapping() {
		return c.Conn.Write(b)
	}
	if err := writeMessage(c.Conn, PacketPrelogin, c.spid, defaultSize, b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (c *prelogConn) SetDeadline(t time.Time) error { return c.Conn.SetDeadline(t) }
