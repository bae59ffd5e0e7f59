package connector

import (
	"database/sql/driver"
	"encoding/binary"
	"net"
	"sync"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// The PRELOGIN ENCRYPTION values of [MS-TDS] 2.2.6.5.
const (
	encryptOff    = 0
	encryptOn     = 1
	encryptNotSup = 2
	encryptReq    = 3

	encryptNotTDS = -2 // not ours: the answer is no PRELOGIN response at all
)

// wireConn is the dialed connection. For SQL Server outside strict mode it
// reads the server's PRELOGIN answer as it passes, and — when the strategy
// requires TLS — refuses every later write unless the answer was ENCRYPT_ON
// or ENCRYPT_REQ: no login byte ever leaves in plaintext, whatever the
// driver does and whatever a machine in the middle wrote into the answer.
type wireConn struct {
	net.Conn
	rec   *record
	sniff bool   // still reading the PRELOGIN answer
	buf   []byte // the answer so far
	once  sync.Once
	owner driver.Conn  // the driver's connection over this one, once Connect returned it (register)
	bound connectBound // the Connect context's hold on this connection (deadline.go)
}

func (r *record) wrap(nc net.Conn) *wireConn {
	r.prelogin = -1
	r.mu.Lock()
	w := &r.first // the first connection of a Connect lives in its record: one allocation fewer
	if len(r.hops) > 0 {
		w = &wireConn{}
	} else {
		r.hops = r.hopsBuf[:0]
	}
	*w = wireConn{Conn: nc, rec: r, sniff: r.strategy.Family == dsn.SQLServer && !r.strategy.Strict}
	r.conn = w
	r.hops = append(r.hops, w)
	r.mu.Unlock()
	return w
}

func (w *wireConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if err != nil {
		w.rec.noteIOError(err)
	}
	if n > 0 && w.rec.serverBytes == 0 {
		w.rec.mu.Lock()
		w.rec.firstByte = int(p[0])
		w.rec.mu.Unlock()
	}
	w.rec.serverBytes += n
	if w.sniff && n > 0 {
		w.buf = append(w.buf, p[:n]...)
		if v, done := preloginEncryption(w.buf); done {
			w.sniff, w.buf = false, nil
			w.rec.mu.Lock()
			w.rec.prelogin = v
			if v == encryptNotTDS {
				w.rec.refused = &kind.Error{Kind: kind.Network, What: "the server at " + w.rec.info.Addr + " did not answer as a SQL Server",
					Why: "its answer to PRELOGIN is not a TDS PRELOGIN response; no login was sent",
					Fix: "check the host and port (another service may be listening there)"}
			} else if w.rec.strategy.TLSRequired && v != encryptOn && v != encryptReq {
				w.rec.refused = &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption",
					Key: "encrypt", Value: "true",
					Why: "the server answered " + encryptName(v) + " to a request for encryption; no login was sent",
					Fix: "enable TLS on the server (or, for a trusted network only, set encrypt=false)"}
			}
			w.rec.mu.Unlock()
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
		w.rec.noteIOError(err)
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

// preloginEncryption finds the ENCRYPTION option in a PRELOGIN response
// packet (type 0x04, the 8-byte TDS header, then option tokens). done is
// false until the whole packet is there; an answer that is not a TDS reply
// packet is encryptNotTDS, and a reply without an ENCRYPTION option counts
// as NOT_SUP.
func preloginEncryption(b []byte) (v int, done bool) {
	if len(b) >= 1 && b[0] != 0x04 {
		return encryptNotTDS, true
	}
	if len(b) < 8 {
		return 0, false
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	if length < 8 {
		return encryptNotTDS, true
	}
	if len(b) < length {
		return 0, false
	}
	payload := b[8:length]
	for i := 0; i+5 <= len(payload) && payload[i] != 0xFF; i += 5 {
		if payload[i] != 0x01 {
			continue
		}
		off := int(binary.BigEndian.Uint16(payload[i+1 : i+3]))
		if binary.BigEndian.Uint16(payload[i+3:i+5]) >= 1 && off < len(payload) {
			return int(payload[off]), true
		}
	}
	return encryptNotSup, true
}

func encryptName(v int) string {
	switch v {
	case encryptOff:
		return "ENCRYPT_OFF"
	case encryptOn:
		return "ENCRYPT_ON"
	case encryptNotSup:
		return "ENCRYPT_NOT_SUP"
	case encryptReq:
		return "ENCRYPT_REQ"
	}
	return "an unknown ENCRYPTION value"
}
