package tds

import (
	"fmt"
	"strings"
)

// The ENCRYPTION byte values of [MS-TDS] 2.2.6.5.
const (
	EncryptOff    byte = 0x00 // encryption available but off
	EncryptOn     byte = 0x01 // encryption available and on
	EncryptNotSup byte = 0x02 // encryption not available
	EncryptReq    byte = 0x03 // encryption required
	EncryptStrict byte = 0x04 // go-mssqldb's value inside a TDS 8.0 session
	encryptCert   byte = 0x80 // ENCRYPT_CLIENT_CERT bit, combined with the above
)

// EncryptName returns the specification's name of an ENCRYPTION byte.
func EncryptName(b byte) string {
	name := ""
	switch b &^ encryptCert {
	case EncryptOff:
		name = "ENCRYPT_OFF"
	case EncryptOn:
		name = "ENCRYPT_ON"
	case EncryptNotSup:
		name = "ENCRYPT_NOT_SUP"
	case EncryptReq:
		name = "ENCRYPT_REQ"
	case EncryptStrict:
		name = "ENCRYPT_STRICT"
	default:
		name = fmt.Sprintf("0x%02x", b&^encryptCert)
	}
	if b&encryptCert != 0 {
		name += "|ENCRYPT_CLIENT_CERT"
	}
	return name
}

// Setting is the server's encryption setting: what the server answers in
// PRELOGIN.
type Setting int

// The four settings.
const (
	// Off: the server can encrypt but does not insist (SQL Server with a
	// certificate and Force Encryption off). A client that says OFF gets
	// login-only encryption; a client that says ON gets full encryption.
	Off Setting = iota
	// On: the server insists on encryption and answers ENCRYPT_ON.
	On
	// Req: the server insists on encryption and answers ENCRYPT_REQ (SQL
	// Server with Force Encryption on).
	Req
	// NotSup: the server cannot encrypt (no certificate).
	NotSup
)

func (s Setting) String() string {
	switch s {
	case Off:
		return "off"
	case On:
		return "on"
	case Req:
		return "req"
	case NotSup:
		return "notsup"
	}
	return fmt.Sprintf("Setting(%d)", int(s))
}

// ParseSetting reads off, on, req or notsup (any case).
func ParseSetting(s string) (Setting, error) {
	switch strings.ToLower(s) {
	case "off":
		return Off, nil
	case "on":
		return On, nil
	case "req":
		return Req, nil
	case "notsup", "not_sup":
		return NotSup, nil
	}
	return 0, fmt.Errorf("tds: unknown encryption setting %q: want off, on, req or notsup", s)
}

// Result is what a PRELOGIN exchange leads to.
type Result int

// The outcomes of the [MS-TDS] 2.2.6.5 table.
const (
	// NoEncryption: nothing is encrypted.
	NoEncryption Result = iota
	// LoginOnly: TLS for the first LOGIN7 packet, plaintext after it.
	LoginOnly
	// Full: TLS for the whole session.
	Full
	// Terminate: the connection is terminated.
	Terminate
)

func (r Result) String() string {
	switch r {
	case NoEncryption:
		return "none"
	case LoginOnly:
		return "login-only"
	case Full:
		return "full"
	case Terminate:
		return "terminated"
	}
	return fmt.Sprintf("Result(%d)", int(r))
}

// Negotiate applies the table of [MS-TDS] 2.2.6.5 to the client's
// ENCRYPTION byte under the server setting s: the byte the server answers
// and what follows.
//
//	client \ server   OFF              ON / REQ             NOT_SUP
//	OFF               OFF  login-only  ON|REQ  full         NOT_SUP none
//	ON (or REQ)       ON   full        ON|REQ  full         NOT_SUP terminated
//	NOT_SUP           NOT_SUP none     ON|REQ  terminated   NOT_SUP none
//
// A server set to REQ answers ENCRYPT_REQ where one set to ON answers
// ENCRYPT_ON (SQL Server with Force Encryption answers REQ to a client that
// said OFF); the client sees full encryption either way. The
// ENCRYPT_CLIENT_CERT bit is ignored: this server asks for no client
// certificate. An unknown client value is terminated.
func Negotiate(client byte, s Setting) (answer byte, r Result) {
	insist := EncryptOn
	if s == Req {
		insist = EncryptReq
	}
	switch client &^ encryptCert {
	case EncryptOff:
		switch s {
		case Off:
			return EncryptOff, LoginOnly
		case On, Req:
			return insist, Full
		default:
			return EncryptNotSup, NoEncryption
		}
	case EncryptOn, EncryptReq:
		switch s {
		case Off:
			return EncryptOn, Full
		case On, Req:
			return insist, Full
		default:
			return EncryptNotSup, Terminate
		}
	case EncryptNotSup:
		switch s {
		case Off, NotSup:
			return EncryptNotSup, NoEncryption
		default:
			return insist, Terminate
		}
	}
	return EncryptNotSup, Terminate
}

// Strict is the server's TDS 8.0 setting.
type Strict int

// The three strict settings.
const (
	StrictNo   Strict = iota // TDS 7.x only: a TLS ClientHello as first byte is refused
	StrictAlso               // both: TLS first (TDS 8.0) or PRELOGIN first (TDS 7.x)
	StrictOnly               // TDS 8.0 only: a PRELOGIN as first byte is refused
)

func (s Strict) String() string {
	switch s {
	case StrictNo:
		return "no"
	case StrictAlso:
		return "also"
	case StrictOnly:
		return "only"
	}
	return fmt.Sprintf("Strict(%d)", int(s))
}

// ParseStrict reads no, also or only (any case).
func ParseStrict(s string) (Strict, error) {
	switch strings.ToLower(s) {
	case "no":
		return StrictNo, nil
	case "also":
		return StrictAlso, nil
	case "only":
		return StrictOnly, nil
	}
	return 0, fmt.Errorf("tds: unknown strict setting %q: want no, also or only", s)
}
