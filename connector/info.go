package connector

import (
	"crypto/sha256"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/dbtls/dbtls/verify"
)

// ConnInfo is what one connection records (spec §6): the client-side view of
// SHOW STATUS LIKE 'Ssl%'.
type ConnInfo struct {
	ID                uint64
	Network, Addr     string // the TCP connection kept (after routing, the last hop)
	BrowserAddr       string // SQL Browser asked for a named instance's port (UDP), if it was
	DialStart         time.Time
	DialDuration      time.Duration
	HandshakeDuration time.Duration // dial start to the end of certificate verification

	Encrypted     bool   // the session is encrypted (full TLS)
	LoginOnly     bool   // SQL Server row 1 vs a server answering ENCRYPT_OFF: only LOGIN7 was encrypted
	Version       string // "TLSv1.2" / "TLSv1.3"; "" when no TLS
	CipherIANA    string
	CipherOpenSSL string
	ALPN          string
	DidResume     bool
	Mode, Row     string     // the strategy's mode and scenario row / sslMode
	Peer          []CertInfo // the server's certificates, leaf first

	// Hops (SQL Server) lists every server the connect reached, in order:
	// the first, then each one a routing answer sent it to (hops.go). The
	// fields above describe the last, the connection kept.
	Hops []Hop
}

// CertInfo describes one certificate the server presented.
type CertInfo struct {
	Subject, Issuer       string
	DNSNames, IPAddresses []string
	NotBefore, NotAfter   time.Time
	SHA256                string
}

func (i ConnInfo) logAttrs() []any {
	a := []any{"id", i.ID, "addr", i.Addr, "row", i.Row, "mode", i.Mode, "encrypted", i.Encrypted, "loginOnly", i.LoginOnly,
		"tlsVersion", i.Version, "cipher", i.CipherIANA, "resumed", i.DidResume}
	if len(i.Peer) > 0 {
		a = append(a, "subject", i.Peer[0].Subject, "sha256", i.Peer[0].SHA256)
	}
	if len(i.Hops) > 1 { // routed: where the connect started
		a = append(a, "hops", len(i.Hops), "firstAddr", i.Hops[0].Addr)
	}
	return a
}

// record collects one connection's facts from its dial, its PRELOGIN answer
// and its own VerifyConnection call.
type record struct {
	mu        sync.Mutex
	info      ConnInfo
	strategy  *verify.Strategy
	handshake bool  // VerifyConnection ran
	verdict   error // its verdict
	prelogin  int   // the server's PRELOGIN ENCRYPTION answer, -1 unknown
	refused   error // the downgrade guard's refusal
	// What the server sent, over every hop: the byte count (read only by the
	// connecting goroutine) and the first byte (-1 none yet).
	serverBytes int
	firstByte   int
	ioErr       error       // the first I/O error on any hop: what go-sql-driver's "invalid connection" hides
	conn        *wireConn   // the connection kept (the last hop)
	hops        []*wireConn // every TCP connection this Connect dialed

	path pathState // SQL Server: named instance and routing hops (hops.go)
}

func (r *record) noteIOError(err error) {
	r.mu.Lock()
	if r.ioErr == nil {
		r.ioErr = err
	}
	r.mu.Unlock()
}

// release ends the Connect context's hold on every connection it dialed.
func (r *record) release(keep bool) {
	r.mu.Lock()
	hops := r.hops
	r.mu.Unlock()
	for i, w := range hops {
		w.release(keep && i == len(hops)-1)
	}
}

func (r *record) observe(cs tls.ConnectionState, verdict error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handshake, r.verdict = true, verdict
	r.info.HandshakeDuration = time.Since(r.info.DialStart)
	r.info.Version = verify.VersionName(cs.Version)
	r.info.CipherIANA = tls.CipherSuiteName(cs.CipherSuite)
	r.info.CipherOpenSSL = verify.OpenSSLName(cs.CipherSuite)
	r.info.ALPN = cs.NegotiatedProtocol
	r.info.DidResume = cs.DidResume
	r.info.Peer = nil
	for _, c := range cs.PeerCertificates {
		sum := sha256.Sum256(c.Raw)
		ci := CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(), DNSNames: c.DNSNames,
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: hex.EncodeToString(sum[:])}
		for _, ip := range c.IPAddresses {
			ci.IPAddresses = append(ci.IPAddresses, ip.String())
		}
		r.info.Peer = append(r.info.Peer, ci)
	}
	r.noteHopTLS()
}

// finish settles Encrypted and LoginOnly once the connection is up.
func (r *record) finish() ConnInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info.LoginOnly = r.handshake && !r.strategy.Strict && r.prelogin == encryptOff
	r.info.Encrypted = r.handshake && !r.info.LoginOnly
	r.finishHops()
	return r.info
}

func register(conn driver.Conn, rec *record) {
	records.store(conn, rec)
	if rec.conn != nil {
		rec.conn.onClose = func() { records.delete(conn) }
	}
}

// ErrNotDBTLS is returned by Info for a connection not made by a Connector.
var ErrNotDBTLS = errors.New("dbtls: connection was not made by a dbtls connector")

// Info returns the record of the pooled connection conn (spec §6).
func Info(conn *sql.Conn) (ConnInfo, error) {
	var info ConnInfo
	err := conn.Raw(func(dc any) error {
		rec, ok := records.load(dc)
		if !ok {
			return ErrNotDBTLS
		}
		rec.mu.Lock()
		info = rec.info
		rec.mu.Unlock()
		return nil
	})
	return info, err
}

var _ net.Conn = (*wireConn)(nil)
