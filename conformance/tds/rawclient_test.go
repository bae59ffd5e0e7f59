package tds

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"
)

// buildLogin7 makes a LOGIN7 payload the way [MS-TDS] 2.2.6.4 lays it out,
// for the raw-client tests (the real clients build their own).
func buildLogin7(user, password, app, database string, packetSize uint32) []byte {
	fields := []string{"rawhost", user, password, app, "127.0.0.1", "", "rawlib", "", database}
	fixed := make([]byte, 94)
	binary.LittleEndian.PutUint32(fixed[4:], tdsVersion74)
	binary.LittleEndian.PutUint32(fixed[8:], packetSize)
	var data []byte
	offsets := []int{36, 40, 44, 48, 52, 56, 60, 64, 68}
	for i, f := range fields {
		u := ucs2(f)
		if i == 2 { // password: swap nibbles, then XOR 0xA5
			for j, c := range u {
				u[j] = (c<<4 | c>>4) ^ 0xA5
			}
		}
		binary.LittleEndian.PutUint16(fixed[offsets[i]:], uint16(94+len(data)))
		binary.LittleEndian.PutUint16(fixed[offsets[i]+2:], uint16(len(u)/2))
		data = append(data, u...)
	}
	out := append(fixed, data...)
	binary.LittleEndian.PutUint32(out[0:], uint32(len(out)))
	return out
}

func batchPayload(q string) []byte {
	// ALL_HEADERS with one transaction-descriptor header.
	h := make([]byte, 22)
	binary.LittleEndian.PutUint32(h[0:], 22)
	binary.LittleEndian.PutUint32(h[4:], 18)
	binary.LittleEndian.PutUint16(h[8:], 2)
	binary.LittleEndian.PutUint32(h[18:], 1)
	return append(h, ucs2(q)...)
}

// rawLogin connects in plaintext (client NOT_SUP) and logs in.
func rawLogin(t *testing.T, addr, password string) (net.Conn, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	pl := prelogin{optVersion: {1, 0, 0, 0, 0, 0}, optEncryption: {EncryptNotSup}, optInstOpt: {0}, optThreadID: {0, 0, 0, 0}, optMARS: {0}}
	if err := writeMessage(c, PacketPrelogin, 0, defaultSize, pl.marshal()); err != nil {
		t.Fatal(err)
	}
	typ, data, err := readMessage(c)
	if err != nil || typ != PacketReply {
		t.Fatalf("PRELOGIN answer: type 0x%02x, %v", typ, err)
	}
	ans, err := parsePrelogin(data)
	if err != nil {
		t.Fatal(err)
	}
	if ans.encryption() != EncryptNotSup {
		t.Fatalf("answer %s, want ENCRYPT_NOT_SUP", EncryptName(ans.encryption()))
	}
	if err := writeMessage(c, PacketLogin7, 0, defaultSize, buildLogin7("sa", password, "raw", "tempdb", 8192)); err != nil {
		t.Fatal(err)
	}
	_, data, err = readMessage(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, data
}

func TestRawSession(t *testing.T) {
	srv, err := Listen("127.0.0.1:0", Config{Encryption: NotSup})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, login := rawLogin(t, srv.Addr(), "pw")
	defer c.Close()
	if !bytes.Contains(login, []byte{tokLoginAck}) || login[len(login)-13] != tokDone {
		t.Fatalf("login answer without LOGINACK and a final DONE: % x", login)
	}
	if !bytes.Contains(login, ucs2("tempdb")) || !bytes.Contains(login, ucs2("8192")) {
		t.Errorf("login answer does not change the database to tempdb and the packet size to 8192")
	}

	cases := []struct {
		q          string
		wantTok    byte
		wantStatus uint16
		contains   []byte
	}{
		{"SELECT 1", tokColMetadata, doneCount, []byte{tokRow, 4, 1, 0, 0, 0}},
		{"select 42 as answer, N'it''s'", tokColMetadata, doneCount, ucs2("it's")},
		{"SELECT @@VERSION", tokColMetadata, doneCount, ucs2("SQL Server")},
		{"SET TEXTSIZE 2147483647", tokDone, doneFinal, nil},
		{"DELETE FROM t", tokError, doneError, ucs2("Incorrect syntax near 'DELETE'")},
		{"SELECT * FROM sys.tables", tokError, doneError, nil},
	}
	for _, tc := range cases {
		if err := writeMessage(c, PacketSQLBatch, 0, 8192, batchPayload(tc.q)); err != nil {
			t.Fatal(err)
		}
		typ, data, err := readMessage(c)
		if err != nil || typ != PacketReply {
			t.Fatalf("%q: type 0x%02x, %v", tc.q, typ, err)
		}
		if data[0] != tc.wantTok {
			t.Errorf("%q: first token 0x%02x, want 0x%02x", tc.q, data[0], tc.wantTok)
		}
		done := data[len(data)-13:]
		if done[0] != tokDone || binary.LittleEndian.Uint16(done[1:]) != tc.wantStatus {
			t.Errorf("%q: DONE % x, want status 0x%04x", tc.q, done, tc.wantStatus)
		}
		if tc.contains != nil && !bytes.Contains(data, tc.contains) {
			t.Errorf("%q: answer % x lacks % x", tc.q, data, tc.contains)
		}
	}

	// ATTENTION is acknowledged with DONE_ATTN.
	if err := writeMessage(c, PacketAttention, 0, 8192, nil); err != nil {
		t.Fatal(err)
	}
	_, data, err := readMessage(c)
	if err != nil || len(data) != 13 || data[0] != tokDone || binary.LittleEndian.Uint16(data[1:]) != doneAttn {
		t.Fatalf("ATTENTION answer % x, %v; want DONE with DONE_ATTN", data, err)
	}
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec, err := srv.WaitRecord(ctx, func(r Record) bool { return r.AppName == "raw" })
	if err != nil {
		t.Fatal(err)
	}
	if rec.Negotiated != NegNone || rec.LoginEncrypted || rec.User != "sa" || rec.Database != "tempdb" || len(rec.Batches) != len(cases) || rec.Refused != "" {
		t.Errorf("record %+v", rec)
	}
}

func TestLoginFailed(t *testing.T) {
	srv, err := Listen("127.0.0.1:0", Config{Encryption: NotSup, User: "sa", Password: "right"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, pw := range []string{"wrong", "right"} {
		c, data := rawLogin(t, srv.Addr(), pw)
		c.Close()
		failed := data[0] == tokError && bytes.Contains(data, ucs2("Login failed for user 'sa'."))
		if failed != (pw == "wrong") {
			t.Errorf("password %q: login answer % x", pw, data)
		}
	}
	for _, r := range srv.Records() {
		if bytes.Contains([]byte(r.String()), []byte("right")) || bytes.Contains([]byte(r.String()), []byte("wrong")) {
			t.Errorf("a record shows the password: %s", r)
		}
	}
}

// TestRefusals: what the server does with clients it must not serve.
func TestRefusals(t *testing.T) {
	cert := testCert(t)
	cases := []struct {
		name  string
		cfg   Config
		first []byte
	}{
		{"garbage first byte", Config{Encryption: NotSup}, []byte("GET / HTTP/1.1\r\n\r\n")},
		{"TLS first to a 7.x-only server", Config{Encryption: Off, Certificate: cert}, []byte{0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0}},
		{"PRELOGIN to a strict-only server", Config{Encryption: Off, Strict: StrictOnly, Certificate: cert},
			append([]byte{PacketPrelogin, 1, 0, 0x0F, 0, 0, 1, 0}, prelogin{optVersion: {1, 0, 0, 0, 0, 0}}.marshal()...)},
		{"LOGIN7 before PRELOGIN", Config{Encryption: NotSup}, append([]byte{PacketLogin7, 1, 0, 8 + 94, 0, 0, 1, 0}, make([]byte, 94)...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := Listen("127.0.0.1:0", tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			c, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Write(tc.first); err != nil {
				t.Fatal(err)
			}
			var buf [64]byte
			for {
				if _, err := c.Read(buf[:]); err != nil {
					break // closed by the server: the refusal
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rec, err := srv.WaitRecord(ctx, func(Record) bool { return true })
			if err != nil {
				t.Fatal(err)
			}
			if rec.Refused == "" || rec.LoggedIn {
				t.Errorf("record %s; want a refusal without login", rec)
			}
		})
	}
}

func TestNewServerNeedsCertificate(t *testing.T) {
	for _, cfg := range []Config{{Encryption: Off}, {Encryption: On}, {Encryption: Req}, {Encryption: NotSup, Strict: StrictAlso}} {
		if _, err := NewServer(cfg); err == nil {
			t.Errorf("NewServer(%+v) without a certificate succeeded", cfg)
		}
	}
	if _, err := NewServer(Config{Encryption: NotSup}); err != nil {
		t.Errorf("NOT_SUP without certificate: %v", err)
	}
}
