package tds

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// PRELOGIN option tokens of [MS-TDS] 2.2.6.5.
const (
	optVersion         byte = 0x00
	optEncryption      byte = 0x01
	optInstOpt         byte = 0x02
	optThreadID        byte = 0x03
	optMARS            byte = 0x04
	optTraceID         byte = 0x05
	optFedAuthRequired byte = 0x06
	optNonce           byte = 0x07
	optTerminator      byte = 0xFF
)

// prelogin is a parsed PRELOGIN message: option token → data.
type prelogin map[byte][]byte

// parsePrelogin reads the option table of a PRELOGIN payload. It checks
// every offset and length against the payload, so that a malformed message
// is an error and never a panic.
func parsePrelogin(b []byte) (prelogin, error) {
	opts := prelogin{}
	for i := 0; ; i += 5 {
		if i >= len(b) {
			return nil, fmt.Errorf("tds: PRELOGIN option table has no terminator")
		}
		tok := b[i]
		if tok == optTerminator {
			break
		}
		if i+5 > len(b) {
			return nil, fmt.Errorf("tds: PRELOGIN option 0x%02x truncated", tok)
		}
		off := int(binary.BigEndian.Uint16(b[i+1:]))
		n := int(binary.BigEndian.Uint16(b[i+3:]))
		if off+n > len(b) {
			return nil, fmt.Errorf("tds: PRELOGIN option 0x%02x (offset %d, length %d) beyond the %d-byte message", tok, off, n, len(b))
		}
		if _, dup := opts[tok]; dup {
			return nil, fmt.Errorf("tds: PRELOGIN option 0x%02x given twice", tok)
		}
		opts[tok] = b[off : off+n]
	}
	if v, ok := opts[optVersion]; !ok || len(v) != 6 {
		return nil, fmt.Errorf("tds: PRELOGIN without a 6-byte VERSION option")
	}
	if e, ok := opts[optEncryption]; ok && len(e) != 1 {
		return nil, fmt.Errorf("tds: PRELOGIN ENCRYPTION option of %d bytes, want 1", len(e))
	}
	return opts, nil
}

// encryption returns the ENCRYPTION byte, or ENCRYPT_OFF when the client
// sent none (as a TDS 7.0 client would).
func (p prelogin) encryption() byte {
	if e := p[optEncryption]; len(e) == 1 {
		return e[0]
	}
	return EncryptOff
}

// marshal writes the options in token order, VERSION first as the
// specification requires.
func (p prelogin) marshal() []byte {
	toks := make([]int, 0, len(p))
	for t := range p {
		toks = append(toks, int(t))
	}
	sort.Ints(toks)
	off := len(toks)*5 + 1
	head := make([]byte, 0, off)
	var data []byte
	for _, t := range toks {
		v := p[byte(t)]
		head = append(head, byte(t), 0, 0, 0, 0)
		binary.BigEndian.PutUint16(head[len(head)-4:], uint16(off+len(data)))
		binary.BigEndian.PutUint16(head[len(head)-2:], uint16(len(v)))
		data = append(data, v...)
	}
	head = append(head, optTerminator)
	return append(head, data...)
}

// serverPrelogin builds the server's answer: version 16.0.1000 (SQL Server
// 2022), the encryption byte, INSTOPT 0 (instance name valid), an empty
// THREADID, MARS off and, when the client asked for it, FEDAUTHREQUIRED 0.
func serverPrelogin(client prelogin, encrypt byte) []byte {
	out := prelogin{
		optVersion:    {16, 0, 0x03, 0xE8, 0, 0},
		optEncryption: {encrypt},
		optInstOpt:    {0},
		optThreadID:   {},
		optMARS:       {0},
	}
	if _, ok := client[optFedAuthRequired]; ok {
		out[optFedAuthRequired] = []byte{0}
	}
	return out.marshal()
}
