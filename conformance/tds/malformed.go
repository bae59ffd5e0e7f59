package tds

import (
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"

	"github.com/dbtls/dbtls/conformance/hostile"
)

// Malformed servers, for the protocol-violation tests and the server-side
// fuzz targets: each speaks TDS well up to one step, then sends there the
// bytes it was given, whatever they are. After that it reads until the
// client hangs up (or the server stops), so that the client reads all of
// them. Every step before is plaintext: the PRELOGIN answers ENCRYPT_NOT_SUP,
// which a client with encrypt=false (row 1) takes without TLS.

// PreloginAnswer is a well-formed PRELOGIN answer packet (header included)
// with the ENCRYPTION value encrypt: a seed for the fuzz targets.
func PreloginAnswer(encrypt byte) []byte {
	return Packet(PacketReply, serverPrelogin(prelogin{optVersion: {1, 0, 0, 0, 0, 0}, optEncryption: {EncryptOff}}, encrypt))
}

// Packet frames payload as one TDS packet of type typ, marked end of
// message.
func Packet(typ byte, payload []byte) []byte {
	b := make([]byte, headerSize, headerSize+len(payload))
	b[0], b[1] = typ, statusEOM
	binary.BigEndian.PutUint16(b[2:], uint16(headerSize+len(payload)))
	b[6] = 1
	return append(b, payload...)
}

// LoginTokens is the token stream of a well-formed answer to LOGIN7:
// ENVCHANGE (database, collation, language, packet size), INFO, LOGINACK,
// and, when routeTo is not empty, a routing ENVCHANGE to routeTo:port, then
// DONE.
func LoginTokens(routeTo string, port uint16) []byte {
	var t tokens
	t.envString(envDatabase, "master", "master")
	t.envCollation()
	t.envString(envLanguage, "us_english", "")
	t.message(tokInfo, 5703, 1, 0, "Changed language setting to us_english.", "dbtls-tds")
	t.loginAck("Microsoft SQL Server")
	t.envString(envPacketSize, "4096", "4096")
	if routeTo != "" {
		t.envRoute(routeTo, port)
	}
	t.done(doneFinal, 0, 0)
	return t.b
}

// SelectOneTokens is the token stream of a well-formed answer to SELECT 1:
// COLMETADATA, ROW, DONE.
func SelectOneTokens() []byte {
	var t tokens
	cols, _ := evalExpr("1", nil)
	t.result([]column{cols})
	t.done(doneCount, 0xC1, 1)
	return t.b
}

// AnswerPrelogin reads the client's PRELOGIN and answers it with raw, as
// it is (packet headers included).
func AnswerPrelogin(raw []byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if typ, _, err := readMessage(c); err != nil || typ != PacketPrelogin {
			return
		}
		if _, err := c.Write(raw); err == nil {
			drain(c)
		}
	}
}

// AnswerLogin answers PRELOGIN with ENCRYPT_NOT_SUP, reads LOGIN7, and
// answers it with the token stream tokens (framed into packets).
func AnswerLogin(tokens []byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if !answerPrelogin(c, EncryptNotSup) {
			return
		}
		if typ, _, err := readMessage(c); err != nil || typ != PacketLogin7 {
			return
		}
		if writeMessage(c, PacketReply, 0, defaultSize, tokens) == nil {
			drain(c)
		}
	}
}

// AnswerBatch logs the client in (ENCRYPT_NOT_SUP, then LoginTokens), and
// answers its first request after the login with the token stream tokens.
func AnswerBatch(tokens []byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if !answerPrelogin(c, EncryptNotSup) {
			return
		}
		if typ, _, err := readMessage(c); err != nil || typ != PacketLogin7 {
			return
		}
		if writeMessage(c, PacketReply, 0, defaultSize, LoginTokens("", 0)) != nil {
			return
		}
		if _, _, err := readMessage(c); err != nil {
			return
		}
		if writeMessage(c, PacketReply, 0, defaultSize, tokens) == nil {
			drain(c)
		}
	}
}

// StrictPrelogin is a TDS 8.0 server: TLS first (ALPN tds/8.0) with cert,
// then the client's PRELOGIN, inside TLS, answered with raw as it is. No
// machine in the middle can write these bytes; a server holding a
// certificate the client trusts can.
func StrictPrelogin(cert tls.Certificate, raw []byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{ALPN}, MinVersion: tls.VersionTLS12})
		if tc.Handshake() != nil {
			return
		}
		if typ, _, err := readMessage(tc); err != nil || typ != PacketPrelogin {
			return
		}
		if _, err := tc.Write(raw); err == nil {
			_, _ = io.Copy(io.Discard, tc)
		}
	}
}

// drain half-closes the connection (the client reads what was sent, then
// EOF) and reads until the client hangs up.
func drain(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, c)
}
