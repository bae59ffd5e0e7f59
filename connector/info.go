package connector

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/dbtls/dbtls/kind"
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
	// the first, then each one a routing answer sent it to
	// (sqlserver_hops.go). The fields above describe the last, the
	// connection kept.
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

// logs reports whether the connector's logger takes records at level. With
// no logger set, or one that discards the level, nothing is formatted for it.
func (o *options) logs(ctx context.Context, level slog.Level) bool {
	return o.log != nil && o.log.Enabled(ctx, level)
}

// reportConnected logs a connection made and hands its record to the
// observer: the only two readers, with Info, that make the record's strings.
func (c *Connector) reportConnected(ctx context.Context, rec *record) {
	logs := c.opts.logs(ctx, slog.LevelInfo)
	if !logs && c.opts.observer == nil {
		return
	}
	info := rec.snapshot()
	if logs {
		c.opts.log.Info("dbtls: connected", info.logAttrs()...)
	}
	if c.opts.observer != nil {
		c.opts.observer(info)
	}
}

// reportFailed logs a connection that failed.
func (c *Connector) reportFailed(ctx context.Context, id uint64, st *verify.Strategy, err error) {
	if c.opts.logs(ctx, slog.LevelWarn) {
		c.opts.log.Warn("dbtls: connection failed", "id", id, "row", st.Row, "kind", string(kind.Of(err)), "error", err.Error())
	}
}

// tlsFacts is what one handshake showed, kept as crypto/tls gave it: the
// names and the certificates' descriptions of ConnInfo are made from it only
// when someone reads the record (record.snapshot).
type tlsFacts struct {
	version, cipher uint16
	alpn            string
	resumed         bool
	peer            []*x509.Certificate
}

// names are the version and the cipher suite's IANA and OpenSSL names; ""
// without TLS.
func (f tlsFacts) names() (version, iana, openssl string) {
	if f.version == 0 {
		return "", "", ""
	}
	return verify.VersionName(f.version), cipherName(f.cipher), verify.OpenSSLName(f.cipher)
}

func (f tlsFacts) certInfos() []CertInfo {
	if len(f.peer) == 0 {
		return nil
	}
	out := make([]CertInfo, len(f.peer))
	for i, c := range f.peer {
		sum := sha256.Sum256(c.Raw)
		out[i] = CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(), DNSNames: c.DNSNames,
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: hex.EncodeToString(sum[:])}
		for _, ip := range c.IPAddresses {
			out[i].IPAddresses = append(out[i].IPAddresses, ip.String())
		}
	}
	return out
}

// cipherNames is tls.CipherSuiteName as a table: that function builds the
// list of suites anew on every call.
var cipherNames = sync.OnceValue(func() map[uint16]string {
	m := map[uint16]string{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		m[cs.ID] = cs.Name
	}
	return m
})

func cipherName(id uint16) string {
	if n, ok := cipherNames()[id]; ok {
		return n
	}
	return tls.CipherSuiteName(id) // "0x…"
}

// record collects one connection's facts from its dial, what its backend
// reads of the server's first bytes, and its own VerifyConnection call.
type record struct {
	mu        sync.Mutex
	info      ConnInfo
	strategy  *verify.Strategy
	handshake bool  // VerifyConnection ran
	verdict   error // its verdict
	refused   error // a guard's refusal (the PRELOGIN reader, the MySQL authentication guard)
	// The first byte the server sent on the current hop (-1 none yet): set
	// under mu by the reading goroutine, which alone reads it without.
	firstByte int
	ioErr     error // the first I/O error on any hop: what go-sql-driver's "invalid connection" hides
	// tlsAlert is the first TLS alert go-sql-driver logged (a read after
	// the handshake: TiDB's certificate_required), which it returns as
	// "invalid connection" only (mysql.go, driverLog).
	tlsAlert error
	hops     []*wireConn // every TCP connection this Connect dialed; the last is the one kept
	// The first of them and room for its entry, in the record itself: most
	// connects dial once (wrap).
	first   wireConn
	hopsBuf [1]*wireConn

	tds tdsState // SQL Server: the PRELOGIN answer, named instance and routing hops (sqlserver_hops.go)

	// The TLS facts of the connection kept, unformatted; snapshot writes
	// them into info once, when the record is first read.
	tls       tlsFacts
	formatted bool
}

func newRecord(id uint64, st *verify.Strategy) *record {
	r := &record{info: ConnInfo{ID: id, Mode: st.Mode.String(), Row: st.Row}, strategy: st, firstByte: -1}
	r.tds.prelogin, r.tds.hopTLS = -1, r.tds.hopTLSBuf[:0]
	return r
}

// refuse keeps a guard's refusal: the connection's error, whatever the
// driver makes of the failed write (mapError).
func (r *record) refuse(err error) { r.keepFirst(&r.refused, err) }

// keepFirst sets *field, a field of r, to err unless it holds an error.
func (r *record) keepFirst(field *error, err error) {
	r.mu.Lock()
	if *field == nil {
		*field = err
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

// observe is verify.Options.Observe: it keeps the handshake's facts as they
// are, formatting nothing.
func (r *record) observe(cs tls.ConnectionState, verdict error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handshake, r.verdict = true, verdict
	r.info.HandshakeDuration = time.Since(r.info.DialStart)
	r.tls = tlsFacts{version: cs.Version, cipher: cs.CipherSuite, alpn: cs.NegotiatedProtocol, resumed: cs.DidResume, peer: cs.PeerCertificates}
}

// finish settles Encrypted and LoginOnly once the connection is up, and the
// last hop (sqlserver_hops.go) with them; the record keeps its own copy of
// the list of hops.
func (r *record) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info.Encrypted, r.info.LoginOnly = r.encryption()
	r.closeHop()
	r.info.Hops = append([]Hop(nil), r.info.Hops...)
}

// snapshot returns the record, its strings made on the first call (after
// finish: the facts do not change once the connection is up).
func (r *record) snapshot() ConnInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.formatted {
		r.formatted = true
		i := &r.info
		i.Version, i.CipherIANA, i.CipherOpenSSL = r.tls.names()
		i.ALPN, i.DidResume, i.Peer = r.tls.alpn, r.tls.resumed, r.tls.certInfos()
		for k, f := range r.tds.hopTLS {
			h := &i.Hops[k]
			h.Version, h.CipherIANA, _ = f.names()
			h.ALPN = f.alpn
			if len(f.peer) > 0 && len(f.peer) == len(r.tls.peer) && f.peer[0] == r.tls.peer[0] {
				h.Peer = i.Peer // the connection kept: one description
			} else {
				h.Peer = f.certInfos()
			}
		}
	}
	return r.info
}

func register(conn driver.Conn, rec *record) {
	records.store(conn, rec)
	if n := len(rec.hops); n > 0 {
		rec.hops[n-1].owner = conn // wireConn.Close deletes the entry
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
		info = rec.snapshot()
		return nil
	})
	return info, err
}
