package truststore

import (
	"crypto/sha1"
	"encoding/binary"
	"unicode/utf16"
)

// jksWriter writes JKS bytes from the layout in jksscan.go, so tests can
// make stores (well-formed or hostile) in-process.
type jksWriter struct{ b []byte }

func (w *jksWriter) u16(v uint16) *jksWriter { w.b = binary.BigEndian.AppendUint16(w.b, v); return w }
func (w *jksWriter) u32(v uint32) *jksWriter { w.b = binary.BigEndian.AppendUint32(w.b, v); return w }
func (w *jksWriter) u64(v uint64) *jksWriter { w.b = binary.BigEndian.AppendUint64(w.b, v); return w }
func (w *jksWriter) raw(p []byte) *jksWriter { w.b = append(w.b, p...); return w }
func (w *jksWriter) str(s string) *jksWriter { return w.u16(uint16(len(s))).raw([]byte(s)) }

// header writes magic, version 2 and the entry count.
func (w *jksWriter) header(count uint32) *jksWriter { return w.u32(jksMagic).u32(2).u32(count) }

// cert writes a version 2 certificate: type name, length, bytes.
func (w *jksWriter) cert(der []byte) *jksWriter { return w.str("X.509").u32(uint32(len(der))).raw(der) }

// trusted writes a trusted-certificate entry.
func (w *jksWriter) trusted(alias string, der []byte) *jksWriter {
	return w.u32(jksTagTrusted).str(alias).u64(1700000000000).cert(der)
}

// key writes a private-key entry with its protected key and chain.
func (w *jksWriter) key(alias string, protected []byte, chain ...[]byte) *jksWriter {
	w.u32(jksTagKey).str(alias).u64(1700000000000).u32(uint32(len(protected))).raw(protected).u32(uint32(len(chain)))
	for _, c := range chain {
		w.cert(c)
	}
	return w
}

// sign appends the digest: SHA-1 over the password (UTF-16 big endian), the
// words "Mighty Aphrodite" and everything written so far.
func (w *jksWriter) sign(password string) []byte {
	h := sha1.New()
	for _, u := range utf16.Encode([]rune(password)) {
		h.Write([]byte{byte(u >> 8), byte(u)})
	}
	h.Write([]byte("Mighty Aphrodite"))
	h.Write(w.b)
	return h.Sum(w.b)
}

// padTo fills the store with zero bytes up to n bytes (the place of the
// digest and beyond).
func (w *jksWriter) padTo(n int) []byte {
	for len(w.b) < n {
		w.b = append(w.b, 0)
	}
	return w.b
}
