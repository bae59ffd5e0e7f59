package connector

import (
	"encoding/binary"
	"strconv"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// The PRELOGIN ENCRYPTION values of [MS-TDS] 2.2.6.5.
const (
	encryptOff    = 0
	encryptOn     = 1
	encryptNotSup = 2
	encryptReq    = 3

	encryptNotTDS    = -2 // not ours: the answer is no PRELOGIN response at all
	encryptMalformed = -3 // a TDS reply that breaks the PRELOGIN layout (preloginAnswer's bad says how)
)

// The PRELOGIN option tokens the reader names.
const (
	preloginEncryption = 0x01
	preloginTerminator = 0xFF
)

// preloginReader is the watch of a SQL Server connection under st: the
// PRELOGIN reader, but in strict mode, where TLS comes first. Where the
// strategy lets the session go without TLS (row 1), the answer to LOGIN7
// is plaintext whatever the server answered to PRELOGIN, unless it asked for
// full TLS: the reader goes on to it (sqlserver_login.go).
func preloginReader(st *verify.Strategy) watchFunc {
	if st.Strict {
		return nil
	}
	if st.TLSRequired {
		return watchPrelogin
	}
	login := -1 // the offset of the server's bytes after the PRELOGIN answer; -1 until read
	return func(r *record, seen []byte) (bool, error) {
		if login < 0 {
			done, err := watchPrelogin(r, seen)
			if !done || err != nil {
				return done, err
			}
			r.mu.Lock()
			v := r.tds.prelogin
			r.mu.Unlock()
			if v != encryptOff && v != encryptNotSup {
				return true, nil // full TLS follows: nothing more in plaintext
			}
			login = int(binary.BigEndian.Uint16(seen[2:4]))
		}
		return watchLoginAnswer(r, seen[login:])
	}
}

// watchPrelogin reads the server's PRELOGIN answer on a SQL Server
// connection outside strict mode (a wireConn's watch), on the first hop and
// on every routed hop. An answer that breaks the layout of [MS-TDS] 2.2.6.5
// is a protocol violation and fails the read that completes it: the driver
// never reads it (go-mssqldb indexes the ENCRYPTION option without checking
// its length). When the strategy requires TLS and the answer is neither
// ENCRYPT_ON nor ENCRYPT_REQ it refuses the connection: the wire refuses
// every later write, so no login byte ever leaves in plaintext, whatever
// the driver does and whatever a machine in the middle wrote into the
// answer.
func watchPrelogin(r *record, seen []byte) (bool, error) {
	v, bad, done := preloginAnswer(seen)
	if !done {
		return false, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tds.prelogin = v
	switch {
	case v == encryptMalformed:
		r.refused = &kind.Error{Kind: kind.ProtocolViolation, What: "malformed PRELOGIN answer from the server at " + kind.Foreign(r.info.Addr),
			Why: bad + " ([MS-TDS] 2.2.6.5); the driver was not given it and no login was sent",
			Fix: "check that the host and port reach a SQL Server, and that nothing on the way rewrites its answers"}
		return true, r.refused
	case v == encryptNotTDS:
		r.refused = &kind.Error{Kind: kind.Network, What: "the server at " + kind.Foreign(r.info.Addr) + " did not answer as a SQL Server",
			Why: "its answer to PRELOGIN is not a TDS PRELOGIN response; no login was sent",
			Fix: "check the host and port (another service may be listening there)"}
	case r.strategy.TLSRequired && v != encryptOn && v != encryptReq:
		r.refused = &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption",
			Key: "encrypt", Value: "true",
			Why: "the server answered " + encryptName(v) + " to a request for encryption; no login was sent",
			Fix: "enable TLS on the server (or, for a trusted network only, set encrypt=false)"}
	}
	return true, nil
}

// preloginAnswer reads a PRELOGIN response packet (type 0x04, the 8-byte
// TDS header, then the option table and the options' data) and returns its
// ENCRYPTION value. done is false until the whole packet is there. An
// answer that is not a TDS reply packet is encryptNotTDS; a reply that
// breaks the layout is encryptMalformed, and bad says how; a well-formed
// reply without an ENCRYPTION option counts as NOT_SUP.
//
// The layout checked: the answer is one packet (status END OF MESSAGE: the
// reader sees no other); the option table lies inside the payload and ends
// with the terminator; each option appears once and its data lies inside
// the payload, after the table; the ENCRYPTION option is one byte.
func preloginAnswer(b []byte) (v int, bad string, done bool) {
	if len(b) >= 1 && b[0] != 0x04 {
		return encryptNotTDS, "", true
	}
	if len(b) < 8 {
		return 0, "", false
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	if length < 8 {
		return encryptNotTDS, "", true
	}
	if len(b) < length {
		return 0, "", false
	}
	malformed := func(why string) (int, string, bool) { return encryptMalformed, why, true }
	if b[1]&0x01 == 0 {
		return malformed("the answer does not end in its first packet (status " + hexByte(b[1]) + " without END OF MESSAGE)")
	}
	payload := b[8:length]
	if len(payload) == 0 {
		return malformed("the answer is empty")
	}
	end := -1 // the terminator's index
	for i := 0; i < len(payload); i += 5 {
		if payload[i] == preloginTerminator {
			end = i
			break
		}
	}
	if end < 0 {
		return malformed("its option table runs past the end of the " + strconv.Itoa(len(payload)) + "-byte payload without a terminator (0xFF)")
	}
	var seen [256]bool
	v = encryptNotSup
	for i := 0; i < end; i += 5 {
		tok := payload[i] // a whole option: end is a multiple of 5
		off, n := int(binary.BigEndian.Uint16(payload[i+1:i+3])), int(binary.BigEndian.Uint16(payload[i+3:i+5]))
		switch {
		case seen[tok]:
			return malformed("option " + hexByte(tok) + " appears twice")
		case off <= end || off+n > len(payload):
			return malformed("the data of option " + hexByte(tok) + " (offset " + strconv.Itoa(off) + ", length " + strconv.Itoa(n) +
				") is not inside the " + strconv.Itoa(len(payload)) + "-byte payload after the option table")
		case tok == preloginEncryption && n != 1:
			return malformed("its ENCRYPTION option is " + strconv.Itoa(n) + " bytes long instead of 1")
		case tok == preloginEncryption:
			v = int(payload[off])
		}
		seen[tok] = true
	}
	return v, "", true
}

func hexByte(c byte) string {
	const digits = "0123456789ABCDEF"
	return "0x" + string([]byte{digits[c>>4], digits[c&0x0F]})
}

var encryptNames = [...]string{encryptOff: "ENCRYPT_OFF", encryptOn: "ENCRYPT_ON", encryptNotSup: "ENCRYPT_NOT_SUP", encryptReq: "ENCRYPT_REQ"}

func encryptName(v int) string {
	if v >= 0 && v < len(encryptNames) {
		return encryptNames[v]
	}
	return "an unknown ENCRYPTION value"
}
