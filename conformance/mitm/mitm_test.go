package mitm_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mitm"
	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/go-sql-driver/mysql"
	_ "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// The connector's MITM tests conclude "no credential crossed" from finding
// no form of the password in the captures. These controls show the
// detector finds each form when the password does cross: the drivers used
// plainly (no dbtls), on connections without encryption.

// TestDetectorSeesAPlaintextLogin7: go-mssqldb with encrypt=disable against
// a server without encryption sends LOGIN7 in plaintext; the capture shows
// the LOGIN7 packet and the password in its LOGIN7 form ([MS-TDS] 2.2.6.4),
// and in no other.
func TestDetectorSeesAPlaintextLogin7(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const pw = "Det3ctor-pw"
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: tds.NotSup, User: "sa", Password: pw})
	require.NoError(t, err)
	defer srv.Close()
	px, err := mitm.Listen(mitm.Config{Upstream: srv.Addr()})
	require.NoError(t, err)
	defer px.Close()
	db, err := sql.Open("sqlserver", fmt.Sprintf("sqlserver://sa:%s@127.0.0.1:%d?encrypt=disable&dial+timeout=5", pw, px.Port()))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var one int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	require.NoError(t, db.Close())
	require.True(t, px.Wait(5*time.Second))
	require.NoError(t, px.Close())

	frames, err := tds.Frames(px.Sent(1, mitm.ClientToServer))
	require.NoError(t, err)
	var login7 bool
	for _, f := range frames {
		login7 = login7 || (!f.TLS && f.Type == tds.PacketLogin7)
	}
	require.True(t, login7, "the LOGIN7 crossed in plaintext: %v", frames)
	require.Equal(t, []string{"capture 0: login7 form"}, mitm.FindSecret(px.AllSent(), pw))
}

// TestDetectorSeesAClearPassword: go-sql-driver with
// allowCleartextPasswords=true gives a server asking for
// mysql_clear_password the password as written.
func TestDetectorSeesAClearPassword(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const pw = "Det3ctor-pw"
	srv, err := mysqlfake.Start(mysqlfake.Config{Plugin: mysqlfake.Clear})
	require.NoError(t, err)
	defer srv.Close()
	px, err := mitm.Listen(mitm.Config{Upstream: srv.Addr()})
	require.NoError(t, err)
	defer px.Close()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.AllowCleartextPasswords = "app", pw, "tcp", px.Addr(), true
	mc, err := mysql.NewConnector(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := mc.Connect(ctx)
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	require.True(t, px.Wait(5*time.Second))
	require.NoError(t, px.Close())
	require.Equal(t, []string{"capture 0: utf-8 form"}, mitm.FindSecret(px.AllSent(), pw))
}

// TestSecretForms pins the encodings with the example of [MS-TDS] 2.2.6.4's
// rule worked by hand: 'a' is UCS-2 61 00; 0x61 swapped is 0x16, XOR 0xA5 is
// 0xB3; 0x00 swapped is 0x00, XOR 0xA5 is 0xA5.
func TestSecretForms(t *testing.T) {
	f := mitm.SecretForms("aé")
	require.Equal(t, []byte("aé"), f["utf-8"])
	require.Equal(t, []byte{0x61, 0x00, 0xE9, 0x00}, f["ucs-2"])
	require.Equal(t, []byte{0xB3, 0xA5, 0x3B, 0xA5}, f["login7"]) // 0xE9 → 0x9E → 0x3B
}

func TestHandshakeOnly(t *testing.T) {
	hs, ccs, alert := mitm.TLSRecord{Type: 22, Len: 300}, mitm.TLSRecord{Type: 20, Len: 1}, mitm.TLSRecord{Type: 21, Len: 2}
	encAlert := mitm.TLSRecord{Type: 23, Len: mitm.EncryptedAlertLen}
	for _, tc := range []struct {
		name string
		recs []mitm.TLSRecord
		ok   bool
	}{
		{"nothing", nil, true},
		{"ClientHello", []mitm.TLSRecord{hs}, true},
		{"TLS 1.2 refusal", []mitm.TLSRecord{hs, alert}, true},
		{"TLS 1.3 refusal", []mitm.TLSRecord{hs, ccs, encAlert}, true},
		{"TLS 1.3 Finished", []mitm.TLSRecord{hs, ccs, {Type: 23, Len: 53}}, false},
		{"two encrypted records", []mitm.TLSRecord{hs, ccs, encAlert, encAlert}, false},
		{"not TLS", []mitm.TLSRecord{{Type: 0x12, Len: 8}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := mitm.HandshakeOnly(tc.recs); tc.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
	recs, err := mitm.TLSRecords([]byte{22, 3, 1, 0, 2, 1, 1, 21, 3, 3, 0, 2, 2, 40})
	require.NoError(t, err)
	require.Equal(t, []mitm.TLSRecord{{Type: 22, Len: 2}, {Type: 21, Len: 2}}, recs)
	_, err = mitm.TLSRecords([]byte{22, 3, 1, 0, 9, 1})
	require.ErrorContains(t, err, "cut short")
}

// TestClearGreetingCapability: CLIENT_SSL (and only it) is cleared from a
// HandshakeV10 greeting; the rest of the flow passes unchanged.
func TestClearGreetingCapability(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := []byte{10}
	p = append(p, "10.11.0-MariaDB\x00"...)
	p = binary.LittleEndian.AppendUint32(p, 7)
	p = append(p, bytes.Repeat([]byte{'s'}, 8)...)
	p = append(p, 0)
	const caps = 0x000ff7ff | 0x0800 // CLIENT_SSL among others
	p = binary.LittleEndian.AppendUint16(p, uint16(caps&0xffff))
	p = append(p, 8, 2, 0)
	p = binary.LittleEndian.AppendUint16(p, uint16(caps>>16))
	p = append(p, 21)
	greeting := append([]byte{byte(len(p)), 0, 0, 0}, p...)
	after := []byte("then anything")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		_, _ = c.Write(append(append([]byte(nil), greeting...), after...))
		c.Close()
	}()
	px, err := mitm.Listen(mitm.Config{Upstream: ln.Addr().String(), ServerToClient: mitm.ClearGreetingCapability(0x0800)})
	require.NoError(t, err)
	defer px.Close()
	c, err := net.Dial("tcp", px.Addr())
	require.NoError(t, err)
	got, err := io.ReadAll(c)
	require.NoError(t, err)
	c.Close()
	require.True(t, px.Wait(5*time.Second))
	require.NoError(t, px.Close())
	payload, rest, ok := mitm.MySQLPacket(got)
	require.True(t, ok)
	require.Equal(t, after, rest)
	lo := 1 + len("10.11.0-MariaDB\x00") + 4 + 8 + 1
	require.Equal(t, uint16((caps&^0x0800)&0xffff), binary.LittleEndian.Uint16(payload[lo:]))
	require.Equal(t, uint16(caps>>16), binary.LittleEndian.Uint16(payload[lo+5:]))
	require.Equal(t, greeting, px.Sent(1, mitm.ServerToClient)[:len(greeting)], "Sent is what the server sent")
	require.Len(t, px.Notes(), 1)
}
