package tds

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ALPN is the protocol name a TDS 8.0 client offers in its ClientHello.
const ALPN = "tds/8.0"

// Config sets up a Server.
type Config struct {
	// Encryption is what the server answers in a TDS 7.x PRELOGIN.
	Encryption Setting
	// Strict says whether TDS 8.0 (TLS first) is refused, served too, or
	// the only thing served.
	Strict Strict
	// Certificate is the server's certificate and key, with its chain. It is
	// required unless Encryption is NotSup and Strict is StrictNo.
	Certificate *tls.Certificate

	// MinVersion is the lowest TLS version accepted; 0 means TLS 1.2.
	MinVersion uint16
	// MaxVersion7x caps TLS inside TDS 7.x PRELOGIN packets; 0 means TLS
	// 1.2, as SQL Server (which offers TLS 1.3 only with TDS 8.0).
	MaxVersion7x uint16
	// MaxVersionStrict caps TLS for TDS 8.0; 0 means TLS 1.3.
	MaxVersionStrict uint16
	// CipherSuites, when set, are the only TLS 1.0–1.2 suites served, as an
	// old server's (LegacyProfiles): given explicitly, crypto/tls serves
	// them — RSA key exchange and 3DES included — without any GODEBUG
	// setting, as it serves TLS 1.0 with MinVersion set (tlsrsakex, tls3des
	// and tls10server change only its defaults).
	CipherSuites []uint16

	// Password, when set, must be the LOGIN7 password (and User, when set,
	// the user name); otherwise login fails with error 18456 as SQL
	// Server's does. Empty: every login succeeds.
	User, Password string

	// Logger gets one line per connection when it negotiated and when it
	// ended; nil logs nothing.
	Logger *slog.Logger
	// OnRecord is called with each connection's record when it ends.
	OnRecord func(Record)
	// Tap, when set, sees every byte read from and written to the TCP
	// connection, before TLS.
	Tap func(id uint64, d Direction, b []byte)

	// HandshakeTimeout bounds PRELOGIN, TLS and LOGIN7; 0 means 30s.
	HandshakeTimeout time.Duration

	// Route, when set, makes the server answer a login with a routing
	// ENVCHANGE instead of serving it (see Route; Server.SetRoute changes it
	// on a running server).
	Route *Route

	// NoResumption makes the server refuse TLS session resumption. By
	// default it offers it, as SQL Server does: session tickets under one
	// key per Server, so a client's later connections may resume.
	NoResumption bool
}

// Route is a routing answer ([MS-TDS] 2.2.7.9, ENVCHANGE type 20): after
// LOGINACK the server names another server, and the client closes this
// connection and starts again there — Azure SQL's gateway under the
// redirect connection policy, and an Always On listener's read-only routing.
type Route struct {
	// Server is the token's AlternateServer: a host name or an IP literal,
	// optionally followed by \instance.
	Server string
	// Port is the token's ProtocolProperty, the TCP port. With
	// host\instance and port 0 the client asks SQL Browser for the port.
	Port uint16
	// ReadOnlyOnly routes only the logins that carry ApplicationIntent=
	// ReadOnly (read-only routing); other logins are served here.
	ReadOnlyOnly bool
}

// Server is a running TDS server.
type Server struct {
	cfg   Config
	ln    net.Listener
	route atomic.Pointer[Route]

	nextID atomic.Uint64
	wg     sync.WaitGroup

	ticketKey [32]byte // TLS session tickets: one key for every connection of this server

	mu      sync.Mutex
	records []*Record
	changed chan struct{}
	conns   map[net.Conn]bool
	closed  bool
}

// NewServer checks cfg and returns a server that is not yet listening.
func NewServer(cfg Config) (*Server, error) {
	needCert := cfg.Encryption != NotSup || cfg.Strict != StrictNo
	if needCert && cfg.Certificate == nil {
		return nil, fmt.Errorf("tds: encryption %s with strict %s needs a certificate", cfg.Encryption, cfg.Strict)
	}
	if cfg.Encryption < Off || cfg.Encryption > NotSup {
		return nil, fmt.Errorf("tds: unknown encryption setting %d", int(cfg.Encryption))
	}
	if cfg.Strict < StrictNo || cfg.Strict > StrictOnly {
		return nil, fmt.Errorf("tds: unknown strict setting %d", int(cfg.Strict))
	}
	if cfg.HandshakeTimeout == 0 {
		cfg.HandshakeTimeout = 30 * time.Second
	}
	s := &Server{cfg: cfg, changed: make(chan struct{}), conns: map[net.Conn]bool{}}
	if _, err := rand.Read(s.ticketKey[:]); err != nil {
		return nil, err
	}
	s.SetRoute(cfg.Route)
	return s, nil
}

// SetRoute changes the routing answer for the logins that follow (nil: serve
// every login here), so that servers can route to each other.
func (s *Server) SetRoute(r *Route) {
	if r != nil {
		c := *r
		r = &c
	}
	s.route.Store(r)
}

// Listen starts a server on addr (e.g. "127.0.0.1:0") serving in the
// background.
func Listen(addr string, cfg Config) (*Server, error) {
	s, err := NewServer(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.Serve(ln)
	}()
	return s, nil
}

// Addr is the address the server listens on, e.g. "127.0.0.1:41234".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Port is the TCP port the server listens on.
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return 0
	}
	if a, ok := s.ln.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// Serve accepts connections on ln until it is closed.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return nil
		}
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Close stops listening, closes every open connection and waits for their
// handlers.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// Records returns a copy of every connection's record so far, oldest first.
func (s *Server) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Record, len(s.records))
	for i, r := range s.records {
		out[i] = *r
		out[i].Batches = append([]string(nil), r.Batches...)
	}
	return out
}

// WaitRecord waits until a finished connection's record satisfies match and
// returns it.
func (s *Server) WaitRecord(ctx context.Context, match func(Record) bool) (Record, error) {
	for {
		s.mu.Lock()
		ch := s.changed
		for _, r := range s.records {
			if r.Done && match(*r) {
				out := *r
				s.mu.Unlock()
				return out, nil
			}
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Record{}, fmt.Errorf("tds: no matching connection record: %w", ctx.Err())
		}
	}
}

// update changes a record under the lock and wakes WaitRecord.
func (s *Server) update(r *Record, f func(*Record)) {
	s.mu.Lock()
	f(r)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) logf(r *Record, msg string) {
	if s.cfg.Logger == nil {
		return
	}
	s.mu.Lock()
	line := r.String()
	s.mu.Unlock()
	s.cfg.Logger.Info(msg + ": " + line)
}

// bufConn lets the first byte be peeked without losing it.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func (s *Server) handle(c net.Conn) {
	defer c.Close()
	id := s.nextID.Add(1)
	rec := &Record{ID: id, Remote: c.RemoteAddr().String(), Start: time.Now()}
	s.mu.Lock()
	s.records = append(s.records, rec)
	s.mu.Unlock()

	raw := c
	if s.cfg.Tap != nil {
		raw = &tapConn{Conn: c, id: id, tap: s.cfg.Tap}
	}
	base := &bufConn{Conn: raw, r: bufio.NewReaderSize(raw, 4096)}
	ss := &session{srv: s, rec: rec, base: base, spid: uint16(50 + id%30000), packetSize: defaultSize, database: "master"}
	err := ss.run()
	end := "closed"
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		end = err.Error()
	}
	s.update(rec, func(r *Record) { r.End, r.Done = end, true })
	s.logf(rec, "end")
	if s.cfg.OnRecord != nil {
		s.mu.Lock()
		out := *rec
		s.mu.Unlock()
		s.cfg.OnRecord(out)
	}
}

// refusal is an error for a connection the server ends on purpose.
type refusal struct{ why string }

func (r refusal) Error() string { return "refused: " + r.why }

func (ss *session) refuse(format string, args ...any) error {
	why := fmt.Sprintf(format, args...)
	ss.srv.update(ss.rec, func(r *Record) { r.Refused = why })
	return refusal{why}
}
