package connector

import (
	"context"
	"database/sql/driver"
	"net"
	"sync"
	"time"
)

// wireConn is a TCP connection a Connect dialed. It keeps the server's
// first byte and the first I/O error for the record, shows the server's
// first bytes to the backend's watch, when it has one (the PRELOGIN reader
// of sqlserver_prelogin.go, which withholds a malformed answer from the
// driver), and — once a guard refused the connection
// (record.refused) — refuses every later write, so that nothing leaves
// whatever the driver does.
type wireConn struct {
	boundConn // the Connect context's hold on the connection (deadline.go)
	rec       *record
	watch     watchFunc // until it is done
	seen      []byte    // the bytes shown to watch so far
	once      sync.Once
	owner     driver.Conn // the driver's connection over this one, once Connect returned it (register)
}

// watchFunc reads the server's bytes from the first (seen) as they come,
// and reports whether it is done with them. An error fails the read that
// brought the bytes it judged: the driver never sees them.
type watchFunc func(r *record, seen []byte) (done bool, err error)

// dialTCP makes one TCP connection of a Connect with dial, records it, and
// returns it wrapped, watched by watch (nil: not watched), and bound to the
// Connect's context (deadline.go).
func (r *record) dialTCP(connectCtx context.Context, network, addr string, watch watchFunc, dial func() (net.Conn, error)) (net.Conn, error) {
	start := time.Now()
	nc, err := dial()
	r.mu.Lock()
	r.info.Network, r.info.Addr, r.info.DialStart, r.info.DialDuration = network, addr, start, time.Since(start)
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	w := r.wrap(nc, watch)
	w.bind(connectCtx)
	return w, nil
}

func (r *record) wrap(nc net.Conn, watch watchFunc) *wireConn {
	r.mu.Lock()
	w := &r.first // the first connection of a Connect lives in its record: one allocation fewer
	if len(r.hops) > 0 {
		w = &wireConn{}
	} else {
		r.hops = r.hopsBuf[:0]
	}
	*w = wireConn{boundConn: boundConn{Conn: nc}, rec: r, watch: watch}
	r.hops = append(r.hops, w)
	r.mu.Unlock()
	return w
}

func (w *wireConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if err != nil {
		w.rec.keepFirst(&w.rec.ioErr, err)
	}
	if n > 0 && w.rec.firstByte < 0 {
		w.rec.mu.Lock()
		w.rec.firstByte = int(p[0])
		w.rec.mu.Unlock()
	}
	if w.watch != nil && n > 0 {
		w.seen = append(w.seen, p[:n]...)
		done, werr := w.watch(w.rec, w.seen)
		if done {
			w.watch, w.seen = nil, nil
		}
		if werr != nil {
			return 0, werr
		}
	}
	return n, err
}

func (w *wireConn) Write(p []byte) (int, error) {
	w.rec.mu.Lock()
	refused := w.rec.refused
	w.rec.mu.Unlock()
	if refused != nil {
		w.Conn.Close()
		return 0, refused
	}
	n, err := w.Conn.Write(p)
	if err != nil {
		w.rec.keepFirst(&w.rec.ioErr, err)
	}
	return n, err
}

func (w *wireConn) Close() error {
	w.once.Do(func() {
		if w.owner != nil {
			records.delete(w.owner) // the record leaves with its connection
		}
	})
	return w.Conn.Close()
}
