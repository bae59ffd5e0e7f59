// Package mitm is the machine in the middle of the downgrade and tampering
// tests: a TCP proxy on 127.0.0.1 that records every byte each side
// sends and can tamper with either direction of every connection, as an
// active attacker between a client and its database would.
//
// A Tamper reads what one side sent and writes what the other side gets;
// the proxy records both: Sent is what the sender put on the wire (what the
// attacker learns), Delivered is what the receiver got (what the attacker
// made of it). The tampers here are the classic ones: the downgrade of SQL
// Server's PRELOGIN answer (PreloginEncryption), the removal of CLIENT_SSL
// from a MySQL greeting (ClearGreetingCapability), and edits of the first
// TLS record, the ClientHello (FirstTLSRecord). A terminating attacker needs
// no tamper: it is a server of its own (conformance/tds, a MariaDB with its
// own certificate) with this proxy in front only to capture.
//
// The functions of analysis.go read the captures: TLS records, MySQL
// packets, and every form a password takes on these wires.
package mitm

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Direction says which way bytes cross.
type Direction int

// The two directions.
const (
	ClientToServer Direction = iota
	ServerToClient
)

func (d Direction) String() string {
	if d == ClientToServer {
		return "client→server"
	}
	return "server→client"
}

// Flow is one direction of one proxied connection, as a Tamper sees it.
type Flow struct {
	Conn int // the connection's number, from 1
	Dir  Direction
	Src  io.Reader // what the sender sends (recorded as Sent)
	Dst  io.Writer // what the receiver gets (recorded as Delivered)
	p    *Proxy
}

// Note records what the tamper did on this flow, for the test to read back
// with Proxy.Notes.
func (f *Flow) Note(format string, args ...any) {
	f.p.mu.Lock()
	f.p.notes = append(f.p.notes, fmt.Sprintf("conn %d %s: ", f.Conn, f.Dir)+fmt.Sprintf(format, args...))
	f.p.mu.Unlock()
}

// Tamper relays one flow from Src to Dst, changing what it likes. It returns
// when Src ends or a write fails. A nil Tamper copies unchanged.
type Tamper func(f *Flow) error

// Config sets up a Proxy.
type Config struct {
	Upstream       string // host:port every connection is forwarded to
	ClientToServer Tamper
	ServerToClient Tamper
}

// Proxy is a running machine in the middle.
type Proxy struct {
	cfg Config
	ln  net.Listener
	wg  sync.WaitGroup // the accept loop and every relay

	mu        sync.Mutex
	n         int
	sent      map[key]*bytes.Buffer
	delivered map[key]*bytes.Buffer
	notes     []string
	active    int // relays running
	conns     []net.Conn
	closed    bool
}

type key struct {
	conn int
	dir  Direction
}

// Listen starts a proxy on 127.0.0.1 (any port) forwarding to cfg.Upstream.
func Listen(cfg Config) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, ln: ln, sent: map[key]*bytes.Buffer{}, delivered: map[key]*bytes.Buffer{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is where clients connect, "127.0.0.1:port".
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port is the proxy's TCP port.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Close stops listening, closes every proxied connection and waits for
// every relay to end.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

// Wait waits until every connection accepted so far has ended on its own —
// both sides closed, each relay has read its sender to the end — so that
// the captures are complete, for at most timeout. It reports whether they
// all ended. Closing the proxy instead would drop what a sender wrote that
// the relay had not yet read (a client's last alert, say).
func (p *Proxy) Wait(timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); ; time.Sleep(5 * time.Millisecond) {
		p.mu.Lock()
		active := p.active
		p.mu.Unlock()
		if active == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// Conns is the number of connections accepted so far.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// Sent is everything the sender put on the wire in direction d of
// connection n, before any tampering: what the attacker saw.
func (p *Proxy) Sent(n int, d Direction) []byte { return p.get(p.sent, n, d) }

// Delivered is everything the receiver got in direction d of connection n,
// after tampering.
func (p *Proxy) Delivered(n int, d Direction) []byte { return p.get(p.delivered, n, d) }

// AllSent is every byte sent in either direction on every connection, one
// slice per connection and direction: the whole capture.
func (p *Proxy) AllSent() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]byte
	for n := 1; n <= p.n; n++ {
		for _, d := range []Direction{ClientToServer, ServerToClient} {
			if b := p.sent[key{n, d}]; b != nil {
				out = append(out, bytes.Clone(b.Bytes()))
			}
		}
	}
	return out
}

// Notes returns what the tampers recorded, in order.
func (p *Proxy) Notes() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.notes...)
}

func (p *Proxy) get(m map[key]*bytes.Buffer, n int, d Direction) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b := m[key{n, d}]; b != nil {
		return bytes.Clone(b.Bytes())
	}
	return nil
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.cfg.Upstream)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.n++
		n := p.n
		p.conns = append(p.conns, c, s)
		bufs := [4]*bytes.Buffer{{}, {}, {}, {}}
		p.sent[key{n, ClientToServer}], p.sent[key{n, ServerToClient}] = bufs[0], bufs[1]
		p.delivered[key{n, ClientToServer}], p.delivered[key{n, ServerToClient}] = bufs[2], bufs[3]
		p.active += 2
		p.mu.Unlock()
		var left sync.WaitGroup // both relays of this connection
		left.Add(2)
		p.wg.Add(3)
		go p.relay(&Flow{Conn: n, Dir: ClientToServer, p: p, Src: &recorder{r: c, p: p, buf: bufs[0]}, Dst: &recorder{w: s, p: p, buf: bufs[2]}},
			s, p.cfg.ClientToServer, &left)
		go p.relay(&Flow{Conn: n, Dir: ServerToClient, p: p, Src: &recorder{r: s, p: p, buf: bufs[1]}, Dst: &recorder{w: c, p: p, buf: bufs[3]}},
			c, p.cfg.ServerToClient, &left)
		go func() {
			defer p.wg.Done()
			left.Wait()
			c.Close()
			s.Close()
		}()
	}
}

// relay runs one flow. Whatever ends it — the sender's end of stream, an
// error, a receiver gone — the receiver's write side is closed, passing the
// end on, and the rest of what the sender sends is still read and recorded:
// the capture holds every byte each side sent. A connection is closed when
// both its flows have ended.
func (p *Proxy) relay(f *Flow, dst net.Conn, t Tamper, left *sync.WaitGroup) {
	defer p.wg.Done()
	defer left.Done()
	defer func() {
		p.mu.Lock()
		p.active--
		p.mu.Unlock()
	}()
	if t == nil {
		t = Copy
	}
	if err := t(f); err != nil && err != io.EOF {
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if !closed { // not the proxy's own Close
			f.Note("relay ended: %v", err)
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	} else {
		dst.Close()
	}
	_, _ = io.Copy(io.Discard, f.Src)
}

// Copy relays a flow unchanged.
func Copy(f *Flow) error {
	_, err := io.Copy(f.Dst, f.Src)
	return err
}

// recorder is a reader or writer that keeps a copy of what passes.
type recorder struct {
	r    io.Reader
	w    io.Writer
	p    *Proxy
	buf  *bytes.Buffer
	dead bool // the receiver is gone (writer only; one relay uses it)
}

func (r *recorder) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if n > 0 {
		r.p.mu.Lock()
		r.buf.Write(b[:n])
		r.p.mu.Unlock()
	}
	return n, err
}

// Write passes b on to the receiver. Once the receiver is gone, what
// follows is dropped without an error, so that the relay goes on reading
// (and recording) the sender to its end.
func (r *recorder) Write(b []byte) (int, error) {
	if r.dead {
		return len(b), nil
	}
	n, err := r.w.Write(b)
	if n > 0 {
		r.p.mu.Lock()
		r.buf.Write(b[:n])
		r.p.mu.Unlock()
	}
	if err != nil {
		r.dead = true
	}
	return len(b), nil
}
