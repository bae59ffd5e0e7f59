package tds

import (
	"encoding/binary"
	"fmt"
)

// Frame is one unit found in a recorded byte stream: a plaintext TDS packet
// or a TLS record sent straight over TCP.
type Frame struct {
	TLS     bool   // a TLS record (content type 20–23) rather than a TDS packet
	Type    byte   // TDS packet type, or TLS content type
	Payload []byte // packet payload, or the record's (encrypted) fragment
}

func (f Frame) String() string {
	if f.TLS {
		return fmt.Sprintf("TLS record type %d, %d bytes", f.Type, len(f.Payload))
	}
	return fmt.Sprintf("TDS packet type 0x%02x, %d bytes", f.Type, len(f.Payload))
}

// Frames splits a recorded stream into TDS packets and bare TLS records, as
// a wire test reads it. Bytes that are neither stop the walk with an error
// holding the offset.
func Frames(b []byte) ([]Frame, error) {
	var out []Frame
	for i := 0; i < len(b); {
		rest := b[i:]
		switch {
		case len(rest) >= 5 && rest[0] >= 20 && rest[0] <= 23 && rest[1] == 3:
			n := int(binary.BigEndian.Uint16(rest[3:5]))
			if len(rest) < 5+n {
				return out, fmt.Errorf("tds: TLS record at offset %d truncated", i)
			}
			out = append(out, Frame{TLS: true, Type: rest[0], Payload: rest[5 : 5+n]})
			i += 5 + n
		case len(rest) >= headerSize && isPacketType(rest[0]):
			n := int(binary.BigEndian.Uint16(rest[2:4]))
			if n < headerSize || len(rest) < n {
				return out, fmt.Errorf("tds: TDS packet at offset %d truncated", i)
			}
			out = append(out, Frame{Type: rest[0], Payload: rest[headerSize:n]})
			i += n
		default:
			return out, fmt.Errorf("tds: byte 0x%02x at offset %d starts neither a TDS packet nor a TLS record", rest[0], i)
		}
	}
	return out, nil
}

func isPacketType(t byte) bool {
	switch t {
	case PacketSQLBatch, PacketRPC, PacketReply, PacketAttention, PacketTransMgr, PacketLogin7, PacketPrelogin, 0x11:
		return true
	}
	return false
}
