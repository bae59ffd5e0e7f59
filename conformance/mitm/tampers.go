package mitm

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// PreloginEncryption is the SQL Server downgrade ([MS-TDS] 2.2.6.5): on the
// server→client flow, when the first thing the server sends is a plaintext
// TDS reply packet (type 0x04) holding a PRELOGIN answer, its ENCRYPTION
// option is set to v (ENCRYPT_OFF 0x00 or ENCRYPT_NOT_SUP 0x02) in place,
// as an attacker on the path would. Anything else — a TLS ServerHello, as
// in strict mode (TDS 8.0), where the PRELOGIN exchange is inside TLS and
// out of the attacker's reach — passes unchanged. Each flow notes what it
// did.
func PreloginEncryption(v byte) Tamper {
	return func(f *Flow) error {
		br := bufio.NewReaderSize(f.Src, 64<<10)
		first, err := br.Peek(1)
		if err != nil {
			return err
		}
		if first[0] != 0x04 {
			f.Note("first byte 0x%02x is not a TDS reply packet: no plaintext PRELOGIN answer to rewrite, passed through", first[0])
			return copyRest(f, br)
		}
		hdr := make([]byte, 8)
		if _, err := io.ReadFull(br, hdr); err != nil {
			return err
		}
		length := int(binary.BigEndian.Uint16(hdr[2:4]))
		if length < 8 {
			return fmt.Errorf("mitm: TDS packet length %d", length)
		}
		pkt := append(hdr, make([]byte, length-8)...)
		if _, err := io.ReadFull(br, pkt[8:]); err != nil {
			return err
		}
		payload := pkt[8:]
		rewrote := false
		for i := 0; i+5 <= len(payload) && payload[i] != 0xFF; i += 5 {
			if payload[i] != 0x01 { // ENCRYPTION
				continue
			}
			off := int(binary.BigEndian.Uint16(payload[i+1 : i+3]))
			n := int(binary.BigEndian.Uint16(payload[i+3 : i+5]))
			if n >= 1 && off < len(payload) {
				f.Note("PRELOGIN answer ENCRYPTION 0x%02x rewritten to 0x%02x", payload[off], v)
				payload[off] = v
				rewrote = true
			}
			break
		}
		if !rewrote {
			f.Note("PRELOGIN answer without an ENCRYPTION option: passed through")
		}
		if _, err := f.Dst.Write(pkt); err != nil {
			return err
		}
		return copyRest(f, br)
	}
}

// ClearGreetingCapability is the MySQL downgrade: on the server→client flow
// it clears flag (CLIENT_SSL is 0x00000800) in the capability flags of the
// server's greeting (Protocol::HandshakeV10), in place, so the client
// believes the server offers no TLS. An ERR packet instead of a greeting
// passes unchanged.
func ClearGreetingCapability(flag uint32) Tamper {
	return func(f *Flow) error {
		br := bufio.NewReaderSize(f.Src, 64<<10)
		hdr := make([]byte, 4)
		if _, err := io.ReadFull(br, hdr); err != nil {
			return err
		}
		n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
		pkt := append(hdr, make([]byte, n)...)
		if _, err := io.ReadFull(br, pkt[4:]); err != nil {
			return err
		}
		p := pkt[4:]
		// protocol version, server version (NUL-terminated), connection id
		// (4), auth-plugin-data part 1 (8), filler (1), capabilities low
		// (2), character set (1), status (2), capabilities high (2).
		if len(p) > 0 && p[0] == 10 {
			if z := bytes.IndexByte(p[1:], 0); z >= 0 {
				lo := 1 + z + 1 + 4 + 8 + 1
				hi := lo + 2 + 1 + 2
				if len(p) >= hi+2 {
					before := uint32(binary.LittleEndian.Uint16(p[lo:])) | uint32(binary.LittleEndian.Uint16(p[hi:]))<<16
					after := before &^ flag
					binary.LittleEndian.PutUint16(p[lo:], uint16(after))
					binary.LittleEndian.PutUint16(p[hi:], uint16(after>>16))
					f.Note("greeting capabilities 0x%08x rewritten to 0x%08x", before, after)
				}
			}
		} else {
			f.Note("first packet is not a HandshakeV10 greeting: passed through")
		}
		if _, err := f.Dst.Write(pkt); err != nil {
			return err
		}
		return copyRest(f, br)
	}
}

// FirstTLSRecord lets edit change the first TLS record the sender sends
// (the ClientHello, on the client→server flow of a TLS-first protocol),
// header included, in place: the record keeps its length. edit returns a
// note saying what it changed. A flow that does not start with a TLS
// handshake record passes unchanged.
func FirstTLSRecord(edit func(rec []byte) string) Tamper {
	return func(f *Flow) error {
		br := bufio.NewReaderSize(f.Src, 64<<10)
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(br, hdr); err != nil {
			return err
		}
		if hdr[0] != 22 {
			f.Note("first byte 0x%02x is not a TLS handshake record: passed through", hdr[0])
			if _, err := f.Dst.Write(hdr); err != nil {
				return err
			}
			return copyRest(f, br)
		}
		rec := append(hdr, make([]byte, binary.BigEndian.Uint16(hdr[3:5]))...)
		if _, err := io.ReadFull(br, rec[5:]); err != nil {
			return err
		}
		n := len(rec)
		f.Note("%s", edit(rec))
		if len(rec) != n {
			return fmt.Errorf("mitm: the edit changed the record's length from %d to %d", n, len(rec))
		}
		if _, err := f.Dst.Write(rec); err != nil {
			return err
		}
		return copyRest(f, br)
	}
}

// Replace returns an edit for FirstTLSRecord that replaces every old by new,
// which must have the same length.
func Replace(old, new string) func(rec []byte) string {
	if len(old) != len(new) || old == new || old == "" {
		panic("mitm: Replace needs two different strings of the same length")
	}
	return func(rec []byte) string {
		k := 0
		for off := 0; ; {
			i := bytes.Index(rec[off:], []byte(old))
			if i < 0 {
				break
			}
			copy(rec[off+i:], new)
			off += i + len(old)
			k++
		}
		return fmt.Sprintf("replaced %q by %q %d time(s) in the first TLS record (%d bytes)", old, new, k, len(rec))
	}
}

// FlipClientRandom is an edit for FirstTLSRecord that flips one bit of the
// ClientHello's random (record header 5, handshake header 4, version 2,
// then the 32-byte random): a change no server checks, which only the
// handshake transcript reveals.
func FlipClientRandom(rec []byte) string {
	if len(rec) < 11+32 || rec[5] != 1 {
		return "not a ClientHello: nothing flipped"
	}
	rec[11] ^= 0x01
	return "flipped one bit of the ClientHello random"
}

// copyRest relays what is left of the flow, the buffered bytes first.
func copyRest(f *Flow, br *bufio.Reader) error {
	_, err := io.Copy(f.Dst, br)
	return err
}
