package mitm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"unicode/utf16"
)

// The TLS record content types (RFC 8446 B.1).
const (
	RecordChangeCipherSpec byte = 20
	RecordAlert            byte = 21
	RecordHandshake        byte = 22
	RecordApplicationData  byte = 23
)

// TLSRecord is the header of one TLS record found in a capture.
type TLSRecord struct {
	Type byte
	Len  int // the fragment's length
}

func (r TLSRecord) String() string { return fmt.Sprintf("type %d (%d bytes)", r.Type, r.Len) }

// TLSRecords splits b, a capture of bare TLS records, into records. Bytes
// that are not a record header, or a record cut short, are an error naming
// the offset.
func TLSRecords(b []byte) ([]TLSRecord, error) {
	var out []TLSRecord
	for i := 0; i < len(b); {
		rest := b[i:]
		if len(rest) < 5 || rest[0] < RecordChangeCipherSpec || rest[0] > RecordApplicationData || rest[1] != 3 {
			return out, fmt.Errorf("mitm: no TLS record header at offset %d (byte 0x%02x)", i, rest[0])
		}
		n := int(binary.BigEndian.Uint16(rest[3:5]))
		if len(rest) < 5+n {
			return out, fmt.Errorf("mitm: TLS record at offset %d cut short: %d of %d bytes", i, len(rest)-5, n)
		}
		out = append(out, TLSRecord{Type: rest[0], Len: n})
		i += 5 + n
	}
	return out, nil
}

// EncryptedAlertLen is the fragment length of a TLS 1.3 record holding one
// alert: the 2-byte alert, the 1-byte inner content type and the 16-byte
// AEAD tag (AES-GCM and ChaCha20-Poly1305 alike; Go adds no padding).
const EncryptedAlertLen = 2 + 1 + 16

// HandshakeOnly checks that recs, the records a client sent on a connection
// it refused, carry nothing but the handshake: ClientHello and other
// handshake records (22), ChangeCipherSpec (20), alerts (21) — and, under
// TLS 1.3, where a client that has read the ServerHello encrypts its alert
// with the handshake keys and sends it as an application-data record (23),
// at most one such record, the last, of exactly EncryptedAlertLen bytes. A
// client that had accepted the server would have sent its Finished (53
// bytes or more under TLS 1.3) before any application data; no record here
// can hold a login.
func HandshakeOnly(recs []TLSRecord) error {
	for i, r := range recs {
		switch r.Type {
		case RecordHandshake, RecordChangeCipherSpec, RecordAlert:
		case RecordApplicationData:
			if r.Len != EncryptedAlertLen || i != len(recs)-1 {
				return fmt.Errorf("mitm: record %d of %d, %v, can carry application data (an encrypted alert is the last record and %d bytes)",
					i+1, len(recs), r, EncryptedAlertLen)
			}
		default:
			return fmt.Errorf("mitm: record %d, %v, is not TLS", i+1, r)
		}
	}
	return nil
}

// MySQLPacket cuts the first MySQL packet off b: its payload and the rest.
// ok is false when b does not hold a whole packet.
func MySQLPacket(b []byte) (payload, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, b, false
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	if len(b) < 4+n {
		return nil, b, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// SecretForms are the encodings a password takes on the wires of these
// tests, by name: as written (UTF-8: MySQL's mysql_clear_password, and any
// careless message), UCS-2 little-endian (every TDS string), and the LOGIN7
// password field of [MS-TDS] 2.2.6.4 (UCS-2 little-endian with each byte's
// two nibbles swapped, then XORed with 0xA5).
func SecretForms(secret string) map[string][]byte {
	var ucs2 []byte
	for _, u := range utf16.Encode([]rune(secret)) {
		ucs2 = binary.LittleEndian.AppendUint16(ucs2, u)
	}
	login7 := make([]byte, len(ucs2))
	for i, b := range ucs2 {
		login7[i] = (b<<4 | b>>4) ^ 0xA5
	}
	return map[string][]byte{"utf-8": []byte(secret), "ucs-2": ucs2, "login7": login7}
}

// FindSecret returns where any form of secret (SecretForms) appears in the
// captures: "capture i: form" for each hit, nil when none.
func FindSecret(captures [][]byte, secret string) []string {
	forms := SecretForms(secret)
	var hits []string
	for i, c := range captures {
		for name, f := range forms {
			if bytes.Contains(c, f) {
				hits = append(hits, fmt.Sprintf("capture %d: %s form", i, name))
			}
		}
	}
	sort.Strings(hits)
	return hits
}
