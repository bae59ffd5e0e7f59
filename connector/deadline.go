package connector

import (
	"context"
	"net"
	"sync"
	"time"
)

// The connect deadline. go-mssqldb runs PRELOGIN, TLS and LOGIN7 without
// the context, so a server that accepts and never answers would hold a
// Connect for as long as it liked. The core's dial (record.dialTCP) owns
// every connection a Connect makes, so it bounds the whole connect — each
// hop's TCP, PRELOGIN or greeting, TLS, login — by the Connect context: its
// deadline caps every deadline the driver sets while connecting, and its
// cancellation expires the connection at once. Once the driver hands the
// connection back, the cap is lifted and the deadline cleared, so queries
// run under their own contexts only.

// pastDeadline makes every pending and later I/O fail at once.
var pastDeadline = time.Unix(1, 0)

// boundConn is a connection a Connect dialed, bounded by its context.
type boundConn struct {
	net.Conn
	mu         sync.Mutex
	connecting bool
	limit      time.Time // the context's deadline; zero: none
	canceled   bool
	stop       func() bool
}

// bind starts bounding the connection by ctx. It is called once, right
// after the dial.
func (b *boundConn) bind(ctx context.Context) {
	b.mu.Lock()
	b.connecting = true
	b.limit, _ = ctx.Deadline()
	b.mu.Unlock()
	_ = b.Conn.SetDeadline(b.limit)
	if ctx.Done() == nil {
		return // never canceled (context.Background): nothing to watch
	}
	b.stop = context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.connecting {
			b.canceled = true
			_ = b.Conn.SetDeadline(pastDeadline)
		}
	})
}

// release ends the connect: the context no longer reaches the connection,
// and, when the connection is kept, its deadline is cleared.
func (b *boundConn) release(keep bool) {
	if b.stop != nil {
		b.stop()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.connecting && keep {
		_ = b.Conn.SetDeadline(time.Time{})
	}
	b.connecting = false
}

// The driver's deadlines, as the connect allows them (set).
func (b *boundConn) SetDeadline(t time.Time) error      { return b.set(b.Conn.SetDeadline, t) }
func (b *boundConn) SetReadDeadline(t time.Time) error  { return b.set(b.Conn.SetReadDeadline, t) }
func (b *boundConn) SetWriteDeadline(t time.Time) error { return b.set(b.Conn.SetWriteDeadline, t) }

// set sets a deadline with setter, no later than the context's deadline
// while connecting, and in the past once the context is canceled.
func (b *boundConn) set(setter func(time.Time) error, t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.connecting:
	case b.canceled:
		t = pastDeadline
	case !b.limit.IsZero() && (t.IsZero() || t.After(b.limit)):
		t = b.limit
	}
	return setter(t)
}
