package tds

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// WireSummary is what a wire test reads off one direction of a recording.
type wireSummary struct {
	frames         []Frame
	plainLogin7    bool // a TDS LOGIN7 packet (0x10) in plaintext
	plainSelect    bool // "SELECT 1" in UTF-16LE inside a plaintext SQLBatch packet
	appDataRecords int  // TLS application-data records sent bare over TCP
}

func summarize(t *testing.T, b []byte) wireSummary {
	t.Helper()
	fr, err := Frames(b)
	if err != nil {
		t.Fatalf("recording does not split into packets and records: %v", err)
	}
	s := wireSummary{frames: fr}
	for _, f := range fr {
		switch {
		case f.TLS && f.Type == 23:
			s.appDataRecords++
		case !f.TLS && f.Type == PacketLogin7:
			s.plainLogin7 = true
		case !f.TLS && f.Type == PacketSQLBatch && bytes.Contains(f.Payload, ucs2("SELECT 1")):
			s.plainSelect = true
		}
	}
	return s
}

// TestWireGoMssqldb records go-mssqldb (plain, no dbtls) through a proxy:
// with encrypt=false against a server set to OFF only the LOGIN7 packet is
// encrypted and the SQLBatch after it crosses in plaintext; against REQ
// everything after PRELOGIN is TLS; and with encrypt=true, a proxy that
// rewrites the server's answer to NOT_SUP or OFF gets a refusal and no
// plaintext LOGIN7.
func TestWireGoMssqldb(t *testing.T) {
	srvs := servers(t)
	notSup, off := EncryptNotSup, EncryptOff
	cases := []struct {
		name       string
		server     string
		encrypt    string
		rewrite    *byte
		connects   bool
		plainQuery bool
	}{
		{"encrypt=false vs OFF: login-only", "off", "false", nil, true, true},
		{"encrypt=false vs REQ: full", "req", "false", nil, true, false},
		{"encrypt=true vs OFF: full", "off", "true", nil, true, false},
		{"encrypt=true, answer rewritten to NOT_SUP", "off", "true", &notSup, false, false},
		{"encrypt=true, answer rewritten to OFF", "on", "true", &off, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			px, err := NewProxy(srvs[tc.server].Addr(), tc.rewrite)
			if err != nil {
				t.Fatal(err)
			}
			defer px.Close()
			dsn := fmt.Sprintf("sqlserver://sa:pw@127.0.0.1:%d?encrypt=%s&trustServerCertificate=true&dial+timeout=5", px.Port(), tc.encrypt)
			db, err := sql.Open("sqlserver", dsn)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var one int
			err = db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
			db.Close()
			if (err == nil) != tc.connects {
				t.Fatalf("SELECT 1: %v; want connects=%v", err, tc.connects)
			}
			px.Close()
			if px.Conns() == 0 {
				t.Fatal("nothing crossed the proxy")
			}
			for n := 1; n <= px.Conns(); n++ {
				s := summarize(t, px.Stream(n, ClientToServer))
				if s.plainLogin7 {
					t.Errorf("conn %d: a LOGIN7 packet crossed in plaintext: %v", n, s.frames)
				}
				if !tc.connects {
					continue
				}
				if s.appDataRecords == 0 {
					t.Errorf("conn %d: no TLS application data: the login was not encrypted: %v", n, s.frames)
				}
				if s.plainSelect != tc.plainQuery {
					t.Errorf("conn %d: SELECT 1 in plaintext = %v, want %v: %v", n, s.plainSelect, tc.plainQuery, s.frames)
				}
			}
		})
	}
}
