package tds

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Packet types of [MS-TDS] 2.2.3.1.1.
const (
	PacketSQLBatch  byte = 0x01
	PacketRPC       byte = 0x03
	PacketReply     byte = 0x04 // tabular result: every server answer
	PacketAttention byte = 0x06
	PacketTransMgr  byte = 0x0E
	PacketLogin7    byte = 0x10
	PacketPrelogin  byte = 0x12
)

const (
	headerSize  = 8
	statusEOM   = 0x01
	maxPacket   = 32767
	minPacket   = 512
	defaultSize = 4096
)

// packet is one TDS packet: its header fields and payload.
type packet struct {
	Type    byte
	Status  byte
	SPID    uint16
	ID      byte
	Payload []byte
}

// EOM reports whether this is the last packet of its message.
func (p packet) EOM() bool { return p.Status&statusEOM != 0 }

// readPacket reads one packet from r.
func readPacket(r io.Reader) (packet, error) {
	var h [headerSize]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return packet{}, err
	}
	n := int(binary.BigEndian.Uint16(h[2:4]))
	if n < headerSize || n > maxPacket {
		return packet{}, fmt.Errorf("tds: packet length %d out of range", n)
	}
	p := packet{Type: h[0], Status: h[1], SPID: binary.BigEndian.Uint16(h[4:6]), ID: h[6], Payload: make([]byte, n-headerSize)}
	if _, err := io.ReadFull(r, p.Payload); err != nil {
		return packet{}, fmt.Errorf("tds: short packet: %w", err)
	}
	return p, nil
}

// readMessage reads packets until the end-of-message one and returns the
// message type and the joined payload. The first packet is returned too, so
// that login-only encryption can switch transports right after it.
func readMessage(r io.Reader) (byte, []byte, error) {
	var typ byte
	var data []byte
	for i := 0; ; i++ {
		p, err := readPacket(r)
		if err != nil {
			return 0, nil, err
		}
		if i == 0 {
			typ = p.Type
		} else if p.Type != typ {
			return 0, nil, fmt.Errorf("tds: packet type 0x%02x inside a 0x%02x message", p.Type, typ)
		}
		data = append(data, p.Payload...)
		if p.EOM() {
			return typ, data, nil
		}
		if len(data) > 16<<20 {
			return 0, nil, fmt.Errorf("tds: message longer than 16 MiB")
		}
	}
}

// writeMessage writes data as a message of type typ, split into packets of
// at most size bytes (header included), the last one marked EOM.
func writeMessage(w io.Writer, typ byte, spid uint16, size int, data []byte) error {
	if size < minPacket || size > maxPacket {
		size = defaultSize
	}
	room := size - headerSize
	var id byte = 1
	for {
		chunk := data
		last := true
		if len(chunk) > room {
			chunk, last = chunk[:room], false
		}
		buf := make([]byte, headerSize+len(chunk))
		buf[0] = typ
		if last {
			buf[1] = statusEOM
		}
		binary.BigEndian.PutUint16(buf[2:4], uint16(len(buf)))
		binary.BigEndian.PutUint16(buf[4:6], spid)
		buf[6] = id
		copy(buf[headerSize:], chunk)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if last {
			return nil
		}
		data = data[len(chunk):]
		id++
	}
}
