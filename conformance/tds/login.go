package tds

import (
	"encoding/binary"
	"fmt"
)

// login7 holds the fields of a LOGIN7 message ([MS-TDS] 2.2.6.4) that the
// server uses.
type login7 struct {
	TDSVersion uint32
	PacketSize uint32
	HostName   string
	UserName   string
	Password   string // decoded; never logged
	AppName    string
	ServerName string
	Language   string
	Database   string
	FeatureExt bool // the client sent feature extensions
	ReadOnly   bool // TypeFlags fReadOnlyIntent: ApplicationIntent=ReadOnly
}

// parseLogin7 reads a LOGIN7 payload, checking every offset and length.
func parseLogin7(b []byte) (login7, error) {
	var l login7
	if len(b) < 94 {
		return l, fmt.Errorf("tds: LOGIN7 of %d bytes, want at least 94", len(b))
	}
	if n := binary.LittleEndian.Uint32(b[0:4]); int(n) != len(b) {
		return l, fmt.Errorf("tds: LOGIN7 says %d bytes, message has %d", n, len(b))
	}
	l.TDSVersion = binary.LittleEndian.Uint32(b[4:8])
	l.PacketSize = binary.LittleEndian.Uint32(b[8:12])
	l.FeatureExt = b[27]&0x10 != 0 // OptionFlags3 fExtension
	l.ReadOnly = b[26]&0x20 != 0   // TypeFlags fReadOnlyIntent
	field := func(at int, what string) (string, error) {
		off := int(binary.LittleEndian.Uint16(b[at:]))
		n := int(binary.LittleEndian.Uint16(b[at+2:])) * 2
		if n == 0 {
			return "", nil
		}
		if off+n > len(b) {
			return "", fmt.Errorf("tds: LOGIN7 %s (offset %d, %d bytes) beyond the message", what, off, n)
		}
		return fromUCS2(b[off : off+n]), nil
	}
	var err error
	fields := []struct {
		at   int
		what string
		dst  *string
	}{
		{36, "HostName", &l.HostName},
		{40, "UserName", &l.UserName},
		{48, "AppName", &l.AppName},
		{52, "ServerName", &l.ServerName},
		{64, "Language", &l.Language},
		{68, "Database", &l.Database},
	}
	for _, f := range fields {
		if *f.dst, err = field(f.at, f.what); err != nil {
			return l, err
		}
	}
	off := int(binary.LittleEndian.Uint16(b[44:]))
	n := int(binary.LittleEndian.Uint16(b[46:])) * 2
	if off+n > len(b) {
		return l, fmt.Errorf("tds: LOGIN7 Password field beyond the message")
	}
	pw := make([]byte, n)
	for i, c := range b[off : off+n] {
		c ^= 0xA5
		pw[i] = c<<4 | c>>4
	}
	l.Password = fromUCS2(pw)
	return l, nil
}
