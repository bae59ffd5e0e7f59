package tds

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Chunk is one read of bytes crossing a Proxy.
type Chunk struct {
	Conn int // the proxied connection's number, from 1
	Dir  Direction
	Data []byte
}

// Proxy is a TCP proxy that records every byte between a client and a
// server and can rewrite the ENCRYPTION byte of the server's PRELOGIN answer,
// as a machine in the middle would to downgrade a connection.
type Proxy struct {
	// Rewrite, when non-nil, replaces the ENCRYPTION option of the server's
	// first (PRELOGIN) answer on every connection.
	Rewrite *byte

	ln       net.Listener
	upstream string

	mu     sync.Mutex
	chunks []Chunk
	n      int
	conns  []net.Conn
	wg     sync.WaitGroup
}

// NewProxy listens on 127.0.0.1 and forwards every connection to upstream.
func NewProxy(upstream string, rewrite *byte) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Rewrite: rewrite, ln: ln, upstream: upstream}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is where clients connect.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port is the proxy's TCP port.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Close stops the proxy. It first lets the proxied connections end on
// their own for up to a second, so that every byte either side sent is
// recorded (a test that asserts something did not cross must see all that
// did), then closes those still open.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return err
	case <-time.After(time.Second):
	}
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	<-done
	return err
}

// Chunks returns what crossed so far, in order.
func (p *Proxy) Chunks() []Chunk {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Chunk(nil), p.chunks...)
}

// Stream returns everything that crossed in direction d on connection n,
// joined.
func (p *Proxy) Stream(n int, d Direction) []byte {
	var b bytes.Buffer
	for _, c := range p.Chunks() {
		if c.Conn == n && c.Dir == d {
			b.Write(c.Data)
		}
	}
	return b.Bytes()
}

// Conns is the number of connections proxied so far.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.upstream)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.n++
		n := p.n
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() {
			defer p.wg.Done()
			p.pipe(n, ClientToServer, s, c, false)
			closeWrite(s)
		}()
		go func() {
			defer p.wg.Done()
			p.pipe(n, ServerToClient, c, s, p.Rewrite != nil)
			closeWrite(c)
		}()
	}
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	c.Close()
}

func (p *Proxy) record(n int, d Direction, b []byte) {
	p.mu.Lock()
	p.chunks = append(p.chunks, Chunk{Conn: n, Dir: d, Data: append([]byte(nil), b...)})
	p.mu.Unlock()
}

// pipe copies src to dst, recording. With rewrite it first reads the
// server's PRELOGIN answer as a whole message and changes its ENCRYPTION
// byte.
func (p *Proxy) pipe(n int, d Direction, dst, src net.Conn, rewrite bool) {
	if rewrite {
		if err := p.rewriteFirst(n, dst, src); err != nil {
			return
		}
	}
	buf := make([]byte, 32<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			p.record(n, d, buf[:k])
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) rewriteFirst(n int, dst, src net.Conn) error {
	pk, err := readPacket(src)
	if err != nil {
		return err
	}
	if pk.Type != PacketReply || !pk.EOM() {
		return errors.New("tds proxy: first server packet is not a one-packet PRELOGIN answer")
	}
	pl, err := parsePrelogin(pk.Payload)
	if err != nil {
		return err
	}
	pl[optEncryption] = []byte{*p.Rewrite}
	var out bytes.Buffer
	if err := writeMessage(&out, PacketReply, pk.SPID, defaultSize, pl.marshal()); err != nil {
		return err
	}
	p.record(n, ServerToClient, out.Bytes())
	_, err = io.Copy(dst, &out)
	return err
}
