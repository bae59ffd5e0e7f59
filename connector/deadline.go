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
	if !b.connecting {
		return
	}
	b.connecting = false
	if keep {
		_ = b.Conn.SetDeadline(time.Time{})
	}
}

// capped returns t as the connect allows it: no later than the context's
// deadline, and in the past once the context is canceled (b.mu held).
func (b *boundConn) capped(t time.Time) time.Time {
	switch {
	case !b.connecting:
		return t
	case b.canceled:
		return pastDeadline
	case !b.limit.IsZero() && (t.IsZero() || t.After(b.limit)):
		return b.limit
	}
	return t
}

func (b *boundConn) SetDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Conn.SetDeadline(b.capped(t))
}

func (b *boundConn) SetReadDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Conn.SetReadDeadline(b.capped(t))
}

func (b *boundConn) SetWriteDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Conn.SetWriteDeadline(b.capped(t))
}
