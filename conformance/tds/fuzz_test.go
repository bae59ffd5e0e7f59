package tds

import (
	"bytes"
	"testing"
)

// The parsers of client input must never panic, whatever the bytes.

func FuzzParsePrelogin(f *testing.F) {
	f.Add(prelogin{optVersion: {1, 0, 0, 0, 0, 0}, optEncryption: {EncryptOn}}.marshal())
	f.Add([]byte{0xFF})
	f.Add([]byte{0x00, 0x00, 0x06, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePrelogin(b)
		if err != nil {
			return
		}
		// What parses re-marshals into something that parses to the same.
		again, err := parsePrelogin(p.marshal())
		if err != nil {
			t.Fatalf("re-marshalled PRELOGIN does not parse: %v", err)
		}
		for k, v := range p {
			if !bytes.Equal(again[k], v) {
				t.Fatalf("option 0x%02x: %x then %x", k, v, again[k])
			}
		}
		_ = p.encryption()
	})
}

func FuzzParseLogin7(f *testing.F) {
	f.Add(buildLogin7("sa", "pw", "app", "db", 4096))
	f.Add(make([]byte, 94))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseLogin7(b)
	})
}

func FuzzAnswerBatch(f *testing.F) {
	f.Add(batchPayload("SELECT 1"), true)
	f.Add(ucs2("select 'a', N'b''c' as x, @@spid"), false)
	f.Add([]byte{1, 2, 3}, true)
	f.Fuzz(func(t *testing.T, b []byte, headers bool) {
		q, err := batchText(b, headers)
		if err != nil {
			return
		}
		var tk tokens
		a := answerBatch(q, &session{spid: 51, database: "master"})
		if a.Cols != nil {
			tk.result(a.Cols)
		}
	})
}

func FuzzFrames(f *testing.F) {
	var rec bytes.Buffer
	_ = writeMessage(&rec, PacketPrelogin, 0, 512, bytes.Repeat([]byte{7}, 700))
	rec.Write([]byte{23, 3, 3, 0, 2, 9, 9})
	f.Add(rec.Bytes())
	f.Add([]byte{0x16, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := Frames(b)
		if err != nil {
			return
		}
		n := 0
		for _, x := range fr {
			n += len(x.Payload)
		}
		if n > len(b) {
			t.Fatalf("frames hold %d bytes of a %d-byte stream", n, len(b))
		}
	})
}
