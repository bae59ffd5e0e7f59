package tds

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"
)

// session is one client connection going through PRELOGIN, TLS, LOGIN7 and
// batches.
type session struct {
	srv  *Server
	rec  *Record
	base net.Conn      // TCP (tapped, peekable)
	rw   io.ReadWriter // where packets go now: base, or TLS over it

	spid       uint16
	packetSize int
	database   string
	tdsVersion uint32
}

func (ss *session) cfg() *Config { return &ss.srv.cfg }

func (ss *session) run() error {
	_ = ss.base.SetDeadline(time.Now().Add(ss.cfg().HandshakeTimeout))
	first, err := ss.base.(*bufConn).r.Peek(1)
	if err != nil {
		return err
	}
	var loginDone bool
	switch first[0] {
	case 0x16: // a TLS record: ClientHello, TDS 8.0
		if ss.cfg().Strict == StrictNo {
			return ss.refuse("TLS ClientHello first (TDS 8.0) but the server does not serve strict")
		}
		if err := ss.strict(); err != nil {
			return err
		}
	case PacketPrelogin:
		if ss.cfg().Strict == StrictOnly {
			return ss.refuse("TDS 7.x PRELOGIN but the server serves strict (TDS 8.0) only")
		}
		if loginDone, err = ss.prelogin7(); err != nil {
			return err
		}
	default:
		return ss.refuse("first byte 0x%02x is neither a PRELOGIN packet nor a TLS ClientHello", first[0])
	}
	if !loginDone {
		typ, data, err := readMessage(ss.rw)
		if err != nil {
			return fmt.Errorf("reading LOGIN7: %w", err)
		}
		if err := ss.login(typ, data, ss.rec.Negotiated != NegNone); err != nil {
			return err
		}
	}
	_ = ss.base.SetDeadline(time.Time{})
	return ss.serve()
}

// tlsConfig is the server's TLS configuration for TDS 7.x (strict=false) or
// TDS 8.0.
func (ss *session) tlsConfig(strict bool) *tls.Config {
	c := ss.cfg()
	tc := &tls.Config{
		Certificates:           []tls.Certificate{*c.Certificate},
		MinVersion:             c.MinVersion,
		CipherSuites:           c.CipherSuites,
		SessionTicketsDisabled: c.NoResumption,
	}
	if !c.NoResumption {
		tc.SetSessionTicketKeys([][32]byte{ss.srv.ticketKey})
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	if strict {
		tc.NextProtos = []string{ALPN}
		tc.MaxVersion = c.MaxVersionStrict
	} else {
		tc.MaxVersion = c.MaxVersion7x
		if tc.MaxVersion == 0 {
			tc.MaxVersion = tls.VersionTLS12
		}
	}
	return tc
}

func (ss *session) noteTLS(st tls.ConnectionState) {
	ss.srv.update(ss.rec, func(r *Record) {
		r.TLSVersion = TLSVersionName(st.Version)
		r.Cipher = tls.CipherSuiteName(st.CipherSuite)
		r.ALPN = st.NegotiatedProtocol
		r.SNI = st.ServerName
		r.Resumed = st.DidResume
	})
}

// strict serves TDS 8.0: TLS first, then PRELOGIN inside it.
func (ss *session) strict() error {
	tc := tls.Server(ss.base, ss.tlsConfig(true))
	if err := tc.Handshake(); err != nil {
		return ss.refuse("TLS handshake (TDS 8.0): %v", err)
	}
	st := tc.ConnectionState()
	ss.noteTLS(st)
	if st.NegotiatedProtocol != ALPN {
		return ss.refuse("TDS 8.0 client did not offer ALPN %s", ALPN)
	}
	ss.rw = tc
	typ, data, err := readMessage(tc)
	if err != nil {
		return fmt.Errorf("reading PRELOGIN inside TLS: %w", err)
	}
	if typ != PacketPrelogin {
		return ss.refuse("packet type 0x%02x where PRELOGIN was expected inside TLS", typ)
	}
	pl, err := parsePrelogin(data)
	if err != nil {
		return ss.refuse("%v", err)
	}
	// The session is already TLS: no further encryption layer, so the
	// answer is ENCRYPT_NOT_SUP (clients ignore it in TDS 8.0).
	ss.srv.update(ss.rec, func(r *Record) {
		r.Prelogin, r.Client, r.Answer, r.Negotiated = true, pl.encryption(), EncryptNotSup, NegStrict
	})
	ss.srv.logf(ss.rec, "negotiated")
	return writeMessage(tc, PacketReply, ss.spid, defaultSize, serverPrelogin(pl, EncryptNotSup))
}

// prelogin7 serves a TDS 7.x PRELOGIN and the TLS handshake inside PRELOGIN
// packets. For login-only encryption it also reads and answers LOGIN7 (whose
// first packet comes through TLS) and reports loginDone.
func (ss *session) prelogin7() (loginDone bool, err error) {
	typ, data, err := readMessage(ss.base)
	if err != nil {
		return false, err
	}
	if typ != PacketPrelogin {
		return false, ss.refuse("packet type 0x%02x where PRELOGIN was expected", typ)
	}
	pl, err := parsePrelogin(data)
	if err != nil {
		return false, ss.refuse("%v", err)
	}
	client := pl.encryption()
	answer, result := Negotiate(client, ss.cfg().Encryption)
	ss.srv.update(ss.rec, func(r *Record) {
		r.Prelogin, r.Client, r.Answer = true, client, answer
		switch result {
		case NoEncryption:
			r.Negotiated = NegNone
		case LoginOnly:
			r.Negotiated = NegLoginOnly
		case Full:
			r.Negotiated = NegFull
		}
	})
	if err := writeMessage(ss.base, PacketReply, ss.spid, defaultSize, serverPrelogin(pl, answer)); err != nil {
		return false, err
	}
	switch result {
	case Terminate:
		return false, ss.refuse("client %s against server %s: [MS-TDS] 2.2.6.5 says connection terminated",
			EncryptName(client), ss.cfg().Encryption)
	case NoEncryption:
		ss.srv.logf(ss.rec, "negotiated")
		ss.rw = ss.base
		return false, nil
	}
	pc := newPrelogConn(ss.base, ss.spid)
	tc := tls.Server(pc, ss.tlsConfig(false))
	if err := tc.Handshake(); err != nil {
		return false, ss.refuse("TLS handshake inside PRELOGIN: %v", err)
	}
	pc.unwrap()
	ss.noteTLS(tc.ConnectionState())
	ss.srv.logf(ss.rec, "negotiated")
	if result == Full {
		ss.rw = tc
		return false, nil
	}
	// Login-only: the first LOGIN7 packet comes through TLS; the rest of the
	// message, if any, and everything after it is plaintext.
	p, err := readPacket(tc)
	if err != nil {
		return false, fmt.Errorf("reading the encrypted LOGIN7 packet: %w", err)
	}
	data = p.Payload
	for last := p; !last.EOM(); {
		if last, err = readPacket(ss.base); err != nil {
			return false, err
		}
		data = append(data, last.Payload...)
	}
	ss.rw = ss.base
	return true, ss.login(p.Type, data, true)
}

// login checks and answers a LOGIN7 message.
func (ss *session) login(typ byte, data []byte, encrypted bool) error {
	if typ != PacketLogin7 {
		return ss.refuse("packet type 0x%02x where LOGIN7 was expected", typ)
	}
	l, err := parseLogin7(data)
	if err != nil {
		return ss.refuse("%v", err)
	}
	ss.tdsVersion = l.TDSVersion
	ss.srv.update(ss.rec, func(r *Record) {
		r.TDSVersion, r.User, r.AppName, r.Database, r.LoginEncrypted = l.TDSVersion, l.UserName, l.AppName, l.Database, encrypted
		r.ServerName, r.ReadOnlyIntent = l.ServerName, l.ReadOnly
	})
	c := ss.cfg()
	if c.Password != "" && (l.Password != c.Password || c.User != "" && l.UserName != c.User) {
		var t tokens
		t.message(tokError, 18456, 1, 14, fmt.Sprintf("Login failed for user '%s'.", l.UserName), "dbtls-tds")
		t.done(doneError, 0, 0)
		_ = writeMessage(ss.rw, PacketReply, ss.spid, ss.packetSize, t.b)
		return ss.refuse("login failed for user %q", l.UserName)
	}
	if l.Database != "" {
		ss.database = l.Database
	}
	size := int(l.PacketSize)
	if size < minPacket || size > maxPacket {
		size = defaultSize
	}
	if ss.rec.Negotiated == NegFull || ss.rec.Negotiated == NegStrict {
		size = min(size, 16383) // as SQL Server: one packet per TLS record
	}
	var t tokens
	t.envString(envDatabase, ss.database, "master")
	t.message(tokInfo, 5701, 2, 0, fmt.Sprintf("Changed database context to '%s'.", ss.database), "dbtls-tds")
	t.envCollation()
	t.envString(envLanguage, "us_english", "")
	t.message(tokInfo, 5703, 1, 0, "Changed language setting to us_english.", "dbtls-tds")
	t.loginAck("Microsoft SQL Server")
	t.envString(envPacketSize, fmt.Sprint(size), fmt.Sprint(defaultSize))
	route := ss.srv.route.Load()
	if route != nil && route.ReadOnlyOnly && !l.ReadOnly {
		route = nil
	}
	if route != nil {
		t.envRoute(route.Server, route.Port)
	}
	t.done(doneFinal, 0, 0)
	if err := writeMessage(ss.rw, PacketReply, ss.spid, defaultSize, t.b); err != nil {
		return err
	}
	ss.packetSize = size
	ss.srv.update(ss.rec, func(r *Record) {
		r.LoggedIn = true
		if route != nil {
			r.RoutedTo = fmt.Sprintf("%s,%d", route.Server, route.Port)
		}
	})
	ss.srv.logf(ss.rec, "login")
	return nil
}

// serve answers requests until the client hangs up.
func (ss *session) serve() error {
	for {
		typ, data, err := readMessage(ss.rw)
		if err != nil {
			return err
		}
		var t tokens
		switch typ {
		case PacketSQLBatch:
			q, err := batchText(data, hasAllHeaders(ss.tdsVersion))
			if err != nil {
				return ss.refuse("%v", err)
			}
			ss.srv.update(ss.rec, func(r *Record) { r.Batches = append(r.Batches, q) })
			a := answerBatch(q, ss)
			switch {
			case a.Err != "":
				t.message(tokError, 102, 1, 15, a.Err, "dbtls-tds")
				t.done(doneError, 0xC1, 0)
			case a.Cols != nil:
				t.result(a.Cols)
				t.done(doneCount, 0xC1, 1)
			default:
				t.done(doneFinal, 0, 0)
			}
		case PacketAttention:
			t.done(doneAttn, 0, 0)
		case PacketRPC:
			t.message(tokError, 2812, 62, 16, "This test server answers SQL batches only, not RPC requests.", "dbtls-tds")
			t.done(doneError, 0, 0)
		case PacketTransMgr:
			t.done(doneFinal, 0, 0)
		default:
			return ss.refuse("unexpected packet type 0x%02x after login", typ)
		}
		if err := writeMessage(ss.rw, PacketReply, ss.spid, ss.packetSize, t.b); err != nil {
			return err
		}
	}
}
