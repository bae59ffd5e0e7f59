package tds

import (
	"net"

	"github.com/dbtls/dbtls/conformance/hostile"
)

// Hostile TDS behaviours for the fault matrix (see package hostile for the
// protocol-agnostic ones). Each reads the client's first message as a real
// server would, then misbehaves at one step of the connect.

// ResetAfterPrelogin answers PRELOGIN with encrypt, then resets the
// connection.
func ResetAfterPrelogin(encrypt byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if answerPrelogin(c, encrypt) {
			hostile.ResetNow(c)
		}
	}
}

// StallAfterPrelogin answers PRELOGIN with encrypt, then reads the client's
// TLS handshake and never answers it: a server stopped mid-handshake.
func StallAfterPrelogin(encrypt byte) hostile.Behaviour {
	return func(c net.Conn, stop <-chan struct{}) {
		if answerPrelogin(c, encrypt) {
			hostile.Silent(c, stop)
		}
	}
}

// TLSAlert reads the first bytes of a TLS-first (TDS 8.0) client and answers
// with a fatal handshake_failure alert, as a server that shares no protocol
// version or cipher does.
func TLSAlert(c net.Conn, _ <-chan struct{}) {
	b := make([]byte, 5)
	if _, err := c.Read(b); err != nil {
		return
	}
	_, _ = c.Write([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})
}

// answerPrelogin reads the client's PRELOGIN and answers it; false when the
// client sent something else.
func answerPrelogin(c net.Conn, encrypt byte) bool {
	typ, data, err := readMessage(c)
	if err != nil || typ != PacketPrelogin {
		return false
	}
	p, err := parsePrelogin(data)
	if err != nil {
		return false
	}
	return writeMessage(c, PacketReply, 0, defaultSize, serverPrelogin(p, encrypt)) == nil
}
