// Package hostile runs TCP servers that misbehave in the ways a network or
// a broken server does — silent, closing, resetting, sending garbage or
// dribbling bytes — for the fault matrix of both driver families. Each
// behaviour is protocol-agnostic; the TDS- and MySQL-specific ones (a reset
// after PRELOGIN or after the greeting, a TLS alert) live with their
// servers (conformance/tds, conformance/mysqlfake).
package hostile

import (
	"net"
	"sync"
	"time"
)

// Behaviour is what the server does with each accepted connection. It owns
// the connection and must return when done (the server closes it after).
type Behaviour func(c net.Conn, stop <-chan struct{})

// Silent accepts, reads whatever comes, and never answers.
func Silent(c net.Conn, stop <-chan struct{}) {
	go func() {
		b := make([]byte, 4096)
		for {
			if _, err := c.Read(b); err != nil {
				return
			}
		}
	}()
	<-stop
}

// Close closes the connection right after accepting it.
func Close(net.Conn, <-chan struct{}) {}

// Reset accepts and resets the connection (RST instead of FIN).
func Reset(c net.Conn, _ <-chan struct{}) { ResetNow(c) }

// ResetNow resets c: SO_LINGER 0, then close.
func ResetNow(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// Garbage writes bytes that are no protocol's, then waits for the client
// to give up (or the server to stop).
func Garbage(c net.Conn, stop <-chan struct{}) {
	junk := make([]byte, 512)
	for i := range junk {
		junk[i] = byte(0xA5 ^ i*7)
	}
	_, _ = c.Write(junk)
	Silent(c, stop)
}

// SlowLoris writes prefix one byte at a time, one byte per interval, and
// never more: each byte resets a per-read timeout, only a deadline on the
// whole exchange ends it.
func SlowLoris(prefix []byte, interval time.Duration) Behaviour {
	return func(c net.Conn, stop <-chan struct{}) {
		go Silent(c, stop)
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				if _, err := c.Write([]byte{prefix[i%len(prefix)]}); err != nil {
					return
				}
			}
		}
	}
}

// Server is a listening hostile server.
type Server struct {
	ln    net.Listener
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns int
}

// Listen starts a server on addr (e.g. "127.0.0.1:0") that treats every
// connection with b.
func Listen(addr string, b Behaviour) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				done := make(chan struct{})
				go func() {
					select {
					case <-s.stop:
						c.Close()
					case <-done:
					}
				}()
				b(c, s.stop)
				close(done)
			}()
		}
	}()
	return s, nil
}

// Addr is the listening address; Port its port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Conns is how many connections were accepted.
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Close stops the server and every connection's behaviour, and waits.
func (s *Server) Close() error {
	s.once.Do(func() { close(s.stop) })
	err := s.ln.Close()
	s.wg.Wait()
	return err
}
