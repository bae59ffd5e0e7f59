package mysqlfake

import (
	"net"

	"github.com/dbtls/dbtls/conformance/hostile"
)

// Hostile MySQL behaviours for the fault matrix (package hostile has the
// protocol-agnostic ones): each sends a real greeting, then misbehaves at
// one step of the connect.

// writeGreeting sends a greeting (sequence 0) offering TLS when ssl is set.
func writeGreeting(c net.Conn, ssl bool) error {
	caps := uint32(greetingCaps)
	if ssl {
		caps |= capSSL
	}
	g := greeting(scramble(), caps, CachingSHA2)
	_, err := c.Write(append([]byte{byte(len(g)), byte(len(g) >> 8), byte(len(g) >> 16), 0}, g...))
	return err
}

// ResetAfterGreeting greets (offering TLS when ssl is set), then resets the
// connection.
func ResetAfterGreeting(ssl bool) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if writeGreeting(c, ssl) == nil {
			hostile.ResetNow(c)
		}
	}
}

// StallAfterGreeting greets (offering TLS when ssl is set) and never says
// anything more: with TLS offered, the client's TLS handshake stalls.
func StallAfterGreeting(ssl bool) hostile.Behaviour {
	return func(c net.Conn, stop <-chan struct{}) {
		if writeGreeting(c, ssl) == nil {
			hostile.Silent(c, stop)
		}
	}
}

// AlertAfterSSLRequest greets offering TLS, reads the client's SSLRequest
// and first TLS bytes, and answers with a fatal handshake_failure alert.
func AlertAfterSSLRequest(c net.Conn, _ <-chan struct{}) {
	if writeGreeting(c, true) != nil {
		return
	}
	b := make([]byte, 36+5) // SSLRequest (4 + 32), then the ClientHello's record header
	for n := 0; n < len(b); {
		k, err := c.Read(b[n:])
		if err != nil {
			return
		}
		n += k
	}
	_, _ = c.Write([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})
}

// CloseAfterGreeting greets (offering TLS when ssl is set), then closes the
// connection (FIN, not a reset).
func CloseAfterGreeting(ssl bool) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) { _ = writeGreeting(c, ssl) }
}
