package connector

import (
	"encoding/binary"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// The PRELOGIN ENCRYPTION values of [MS-TDS] 2.2.6.5.
const (
	encryptOff    = 0
	encryptOn     = 1
	encryptNotSup = 2
	encryptReq    = 3

	encryptNotTDS = -2 // not ours: the answer is no PRELOGIN response at all
)

// preloginReader is the watch of a SQL Server connection under st: the
// PRELOGIN reader, but in strict mode, where TLS comes first.
func preloginReader(st *verify.Strategy) watchFunc {
	if st.Strict {
		return nil
	}
	return watchPrelogin
}

// watchPrelogin reads the server's PRELOGIN answer on a SQL Server
// connection outside strict mode (a wireConn's watch). When the strategy
// requires TLS and the answer is neither ENCRYPT_ON nor ENCRYPT_REQ it
// refuses the connection: the wire refuses every later write, so no login
// byte ever leaves in plaintext, whatever the driver does and whatever a
// machine in the middle wrote into the answer.
func watchPrelogin(r *record, seen []byte) bool {
	v, done := preloginEncryption(seen)
	if !done {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tds.prelogin = v
	if v == encryptNotTDS {
		r.refused = &kind.Error{Kind: kind.Network, What: "the server at " + kind.Foreign(r.info.Addr) + " did not answer as a SQL Server",
			Why: "its answer to PRELOGIN is not a TDS PRELOGIN response; no login was sent",
			Fix: "check the host and port (another service may be listening there)"}
	} else if r.strategy.TLSRequired && v != encryptOn && v != encryptReq {
		r.refused = &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption",
			Key: "encrypt", Value: "true",
			Why: "the server answered " + encryptName(v) + " to a request for encryption; no login was sent",
			Fix: "enable TLS on the server (or, for a trusted network only, set encrypt=false)"}
	}
	return true
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

var encryptNames = [...]string{encryptOff: "ENCRYPT_OFF", encryptOn: "ENCRYPT_ON", encryptNotSup: "ENCRYPT_NOT_SUP", encryptReq: "ENCRYPT_REQ"}

func encryptName(v int) string {
	if v >= 0 && v < len(encryptNames) {
		return encryptNames[v]
	}
	return "an unknown ENCRYPTION value"
}
