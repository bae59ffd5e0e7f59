package tds

import (
	"encoding/binary"
	"unicode/utf16"
)

// Token types of [MS-TDS] 2.2.7 that the server sends.
const (
	tokColMetadata byte = 0x81
	tokError       byte = 0xAA
	tokInfo        byte = 0xAB
	tokLoginAck    byte = 0xAD
	tokRow         byte = 0xD1
	tokEnvChange   byte = 0xE3
	tokDone        byte = 0xFD
)

// DONE status bits.
const (
	doneFinal uint16 = 0x0000
	doneMore  uint16 = 0x0001
	doneError uint16 = 0x0002
	doneCount uint16 = 0x0010
	doneAttn  uint16 = 0x0020
)

// ENVCHANGE types.
const (
	envDatabase   byte = 1
	envLanguage   byte = 2
	envPacketSize byte = 4
	envCollation  byte = 7
	envRouting    byte = 20 // [MS-TDS] 2.2.7.9: Azure SQL's redirect, Always On read-only routing
)

// tdsVersion74 is what LOGINACK reports (SQL Server 2022 reports 7.4 on TDS
// 8.0 sessions as well).
const tdsVersion74 uint32 = 0x74000004

// collation is Latin1_General_CI_AS (LCID 0x0409, CI/AS flags, sort id 0).
var collation = []byte{0x09, 0x04, 0xD0, 0x00, 0x34}

// ucs2 encodes s in UTF-16LE.
func ucs2(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return b
}

// fromUCS2 decodes UTF-16LE; an odd trailing byte is dropped.
func fromUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// tokens builds a token stream.
type tokens struct{ b []byte }

func (t *tokens) u8(v byte)    { t.b = append(t.b, v) }
func (t *tokens) u16(v uint16) { t.b = binary.LittleEndian.AppendUint16(t.b, v) }
func (t *tokens) u32(v uint32) { t.b = binary.LittleEndian.AppendUint32(t.b, v) }
func (t *tokens) u64(v uint64) { t.b = binary.LittleEndian.AppendUint64(t.b, v) }

// bvarchar: a 1-byte character count, then UTF-16LE.
func bvarchar(s string) []byte {
	u := ucs2(s)
	return append([]byte{byte(len(u) / 2)}, u...)
}

// usvarchar: a 2-byte character count, then UTF-16LE.
func usvarchar(s string) []byte {
	u := ucs2(s)
	return append(binary.LittleEndian.AppendUint16(nil, uint16(len(u)/2)), u...)
}

// withLength appends tok, a 2-byte length and body.
func (t *tokens) withLength(tok byte, body []byte) {
	t.u8(tok)
	t.u16(uint16(len(body)))
	t.b = append(t.b, body...)
}

func (t *tokens) loginAck(progName string) {
	var body []byte
	body = append(body, 1) // interface: SQL_TSQL
	body = binary.BigEndian.AppendUint32(body, tdsVersion74)
	body = append(body, bvarchar(progName)...)
	body = append(body, 16, 0, 0x03, 0xE8) // 16.0.1000
	t.withLength(tokLoginAck, body)
}

func (t *tokens) envString(typ byte, newV, oldV string) {
	body := []byte{typ}
	body = append(body, bvarchar(newV)...)
	body = append(body, bvarchar(oldV)...)
	t.withLength(tokEnvChange, body)
}

// envRoute writes the routing ENVCHANGE (type 20): NewValue is
// RoutingDataValueLength, Protocol 0 (TCP), ProtocolProperty (the port) and
// AlternateServer (a US_VARCHAR: host, or host\instance); OldValue is empty
// (a zero USHORT).
func (t *tokens) envRoute(server string, port uint16) {
	var data []byte
	data = append(data, 0) // protocol: TCP
	data = binary.LittleEndian.AppendUint16(data, port)
	data = append(data, usvarchar(server)...)
	body := []byte{envRouting}
	body = binary.LittleEndian.AppendUint16(body, uint16(len(data)))
	body = append(body, data...)
	body = append(body, 0, 0)
	t.withLength(tokEnvChange, body)
}

func (t *tokens) envCollation() {
	body := []byte{envCollation, byte(len(collation))}
	body = append(body, collation...)
	body = append(body, 0)
	t.withLength(tokEnvChange, body)
}

// message writes an INFO or ERROR token.
func (t *tokens) message(tok byte, number uint32, state, class byte, text, server string) {
	var body []byte
	body = binary.LittleEndian.AppendUint32(body, number)
	body = append(body, state, class)
	body = append(body, usvarchar(text)...)
	body = append(body, bvarchar(server)...)
	body = append(body, bvarchar("")...) // procedure
	body = binary.LittleEndian.AppendUint32(body, 1)
	t.withLength(tok, body)
}

func (t *tokens) done(status, curCmd uint16, rows uint64) {
	t.u8(tokDone)
	t.u16(status)
	t.u16(curCmd)
	t.u64(rows)
}

// column is one result column: an INT or an NVARCHAR.
type column struct {
	Name  string
	Int   bool
	IntV  int32
	StrV  string
	IsNil bool
}

// result writes COLMETADATA and one ROW for cols.
func (t *tokens) result(cols []column) {
	t.u8(tokColMetadata)
	t.u16(uint16(len(cols)))
	for _, c := range cols {
		t.u32(0) // user type
		if c.Int {
			t.u16(0x0001) // flags: nullable
			t.u8(0x26)    // INTN
			t.u8(4)       // length
		} else {
			t.u16(0x0001) // nullable
			t.u8(0xE7)    // NVARCHAR
			t.u16(8000)
			t.b = append(t.b, collation...)
		}
		t.b = append(t.b, bvarchar(c.Name)...)
	}
	t.u8(tokRow)
	for _, c := range cols {
		switch {
		case c.Int && c.IsNil:
			t.u8(0)
		case c.Int:
			t.u8(4)
			t.u32(uint32(c.IntV))
		case c.IsNil:
			t.u16(0xFFFF)
		default:
			u := ucs2(c.StrV)
			t.u16(uint16(len(u)))
			t.b = append(t.b, u...)
		}
	}
}
