package connector

import (
	"encoding/binary"
	"strconv"

	"github.com/dbtls/dbtls/kind"
)

// The answer to LOGIN7 in plaintext. Under encrypt=false (row 1) the server's
// answer to the login crosses unencrypted — after login-only TLS, or with no
// TLS at all — so anyone on the path can write it. go-mssqldb sizes its
// buffers from the lengths the tokens announce, before it reads them: a
// FEDAUTHINFO token of nine bytes announcing a large count makes it ask the
// runtime for tens of gigabytes, which no recover catches (the process dies
// of "out of memory"). So the PRELOGIN reader goes on, in row 1, to the
// login answer and checks it before the driver reads it: each token is one
// a login answer has, and each announced length lies inside the message.

// The tokens of a login answer ([MS-TDS] 2.2.7).
const (
	tokReturnStatus  = 0x79
	tokOrder         = 0xA9
	tokError         = 0xAA
	tokInfo          = 0xAB
	tokLoginAck      = 0xAD
	tokFeatureExtAck = 0xAE
	tokEnvChange     = 0xE3
	tokSessionState  = 0xE4
	tokSSPI          = 0xED
	tokFedAuthInfo   = 0xEE
	tokDone          = 0xFD
	tokDoneProc      = 0xFE
	tokDoneInProc    = 0xFF
)

// watchLoginAnswer reads the server's bytes after its PRELOGIN answer in
// row 1: the TLS handshake of login-only encryption (PRELOGIN packets,
// 0x12), then the answer to LOGIN7 (reply packets up to END OF MESSAGE),
// whose token stream it checks.
func watchLoginAnswer(r *record, b []byte) (bool, error) {
	var msg []byte
	for len(b) >= 8 {
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 8 {
			return true, loginViolation(r, "a packet of its answer to LOGIN7 announces "+strconv.Itoa(n)+" bytes, less than its header")
		}
		if len(b) < n {
			return false, nil
		}
		switch b[0] {
		case 0x12: // the TLS handshake of login-only encryption
		case 0x04:
			msg = append(msg, b[8:n]...)
			if b[1]&0x01 != 0 {
				if bad := loginTokens(msg); bad != "" {
					return true, loginViolation(r, bad)
				}
				return true, nil
			}
		default:
			return true, nil // not TDS: the driver refuses it by itself
		}
		b = b[n:]
	}
	return false, nil
}

// loginTokens checks the token stream of a login answer and says what is
// wrong with it ("" when nothing is).
func loginTokens(b []byte) string {
	at := func(i int) string { return " at byte " + strconv.Itoa(i) }
	for i := 0; i < len(b); {
		tok := b[i]
		body := i + 1
		var n int // the bytes after the token byte
		switch tok {
		case tokDone, tokDoneProc, tokDoneInProc:
			n = 12
		case tokReturnStatus:
			n = 4
		case tokEnvChange, tokError, tokInfo, tokLoginAck, tokOrder, tokSSPI:
			if body+2 > len(b) {
				return "token " + hexByte(tok) + at(i) + " is cut before its length"
			}
			n = 2 + int(binary.LittleEndian.Uint16(b[body:]))
		case tokSessionState:
			if body+4 > len(b) {
				return "token " + hexByte(tok) + at(i) + " is cut before its length"
			}
			n = 4 + int(binary.LittleEndian.Uint32(b[body:]))
		case tokFeatureExtAck:
			j := body
			for {
				if j >= len(b) {
					return "its FEATUREEXTACK" + at(i) + " has no terminator"
				}
				if b[j] == 0xFF {
					j++
					break
				}
				if j+5 > len(b) {
					return "a feature of its FEATUREEXTACK" + at(i) + " is cut before its length"
				}
				size := int(binary.LittleEndian.Uint32(b[j+1:]))
				if size < 0 || size > len(b)-(j+5) {
					return "a feature of its FEATUREEXTACK" + at(i) + " announces " + strconv.Itoa(size) + " bytes, more than the message holds"
				}
				j += 5 + size
			}
			n = j - body
		case tokFedAuthInfo:
			return "it holds a FEDAUTHINFO token" + at(i) + ", which answers only a federated-authentication login dbtls never makes"
		default:
			return "token " + hexByte(tok) + at(i) + " is not one of a login answer"
		}
		if n > len(b)-body {
			return "token " + hexByte(tok) + at(i) + " announces " + strconv.Itoa(n) + " bytes, more than the " + strconv.Itoa(len(b)-body) + " left in the message"
		}
		i = body + n
	}
	return ""
}

// loginViolation refuses the connection: its login answer is malformed.
func loginViolation(r *record, why string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refused = &kind.Error{Kind: kind.ProtocolViolation, What: "malformed answer to LOGIN7 from the server at " + r.info.Addr,
		Why: why + " ([MS-TDS] 2.2.7); it crossed unencrypted (encrypt=false), and the driver was not given it",
		Fix: "check that nothing on the way rewrites the server's answers; set encrypt=true so that they are protected"}
	return r.refused
}
