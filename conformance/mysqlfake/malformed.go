package mysqlfake

import (
	"encoding/binary"
	"io"
	"net"

	"github.com/dbtls/dbtls/conformance/hostile"
)

// Malformed servers, for the protocol-violation tests and the server-side
// fuzz targets: each speaks the protocol well up to one step, then sends
// there the bytes it was given, whatever they are. After that it reads
// until the client hangs up (or the server stops), so that the client
// reads all of them.

// Greeting is a well-formed greeting's payload: protocol 10, no CLIENT_SSL,
// caching_sha2_password first (a seed for the fuzz targets).
func Greeting() []byte { return greeting(scramble(), greetingCaps, CachingSHA2) }

// OK is a well-formed OK packet's payload.
func OK() []byte { return okPacket() }

// ERR is a well-formed ERR packet's payload (SQL state HY000).
func ERR(code uint16, msg string) []byte { return errPacket(code, msg) }

// Frame frames payload as one packet with sequence number seq.
func Frame(seq byte, payload []byte) []byte {
	return append([]byte{byte(len(payload)), byte(len(payload) >> 8), byte(len(payload) >> 16), seq}, payload...)
}

// ResultSet is the framed answer to a COM_QUERY (sequence numbers from 1)
// with one text column named name and one row per value, as a server that
// agreed to CLIENT_DEPRECATE_EOF sends it: the column count, the column
// definition, the rows, and an OK packet with the 0xFE header.
func ResultSet(name string, values ...string) []byte {
	lenc := func(b []byte, s string) []byte { return append(append(b, byte(len(s))), s...) }
	def := lenc(nil, "def")
	for _, s := range []string{"", "", "", name, ""} { // schema, table, org_table, name, org_name
		def = lenc(def, s)
	}
	def = append(def, 0x0c, 0x21, 0) // fixed fields' length, character set utf8
	def = binary.LittleEndian.AppendUint32(def, 255)
	def = append(def, 0xfd, 0, 0, 0, 0, 0) // VAR_STRING, flags, decimals, filler
	out := Frame(1, []byte{1})
	out = append(out, Frame(2, def)...)
	seq := byte(3)
	for _, v := range values {
		out = append(out, Frame(seq, lenc(nil, v))...)
		seq++
	}
	return append(out, Frame(seq, []byte{0xfe, 0, 0, 2, 0, 0, 0})...)
}

// SendGreeting sends payload as the greeting (sequence 0).
func SendGreeting(payload []byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if _, err := c.Write(Frame(0, payload)); err == nil {
			drain(c)
		}
	}
}

// AnswerHandshake greets well (Greeting), reads the client's handshake
// response, and answers it with the first of answers (sequence 2); each
// further answer follows the client's next packet, with the sequence
// numbers following on.
func AnswerHandshake(answers ...[]byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if _, err := c.Write(Frame(0, Greeting())); err != nil {
			return
		}
		for _, a := range answers {
			seq, err := readFrame(c)
			if err != nil {
				return
			}
			if _, err := c.Write(Frame(seq+1, a)); err != nil {
				return
			}
		}
		drain(c)
	}
}

// AnswerQuery greets well, takes any login (OK), answers every command
// with OK until the first COM_QUERY, and that one with stream — framed
// packets, sequence numbers included, as they are — and nothing more.
func AnswerQuery(stream []byte) hostile.Behaviour {
	return func(c net.Conn, _ <-chan struct{}) {
		if _, err := c.Write(Frame(0, Greeting())); err != nil {
			return
		}
		seq, err := readFrame(c)
		if err != nil {
			return
		}
		if _, err := c.Write(Frame(seq+1, okPacket())); err != nil {
			return
		}
		for {
			var h [5]byte
			if _, err := io.ReadFull(c, h[:]); err != nil {
				return
			}
			n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
			if n > 0 {
				if _, err := io.CopyN(io.Discard, c, int64(n-1)); err != nil {
					return
				}
			}
			switch {
			case n > 0 && h[4] == 0x01: // COM_QUIT
				drain(c)
				return
			case n > 0 && h[4] == 0x03: // COM_QUERY
				if _, err := c.Write(stream); err == nil {
					drain(c)
				}
				return
			}
			if _, err := c.Write(Frame(h[3]+1, okPacket())); err != nil {
				return
			}
		}
	}
}

// readFrame reads one packet and returns its sequence number.
func readFrame(c net.Conn) (byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return 0, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	_, err := io.CopyN(io.Discard, c, int64(n))
	return h[3], err
}

// drain half-closes the connection (the client reads what was sent, then
// EOF) and reads until the client hangs up.
func drain(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, c)
}
