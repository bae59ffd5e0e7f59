package sqlserver

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/kind"
)

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// wireFacts reads the client→server recording of one connection.
func wireFacts(t *testing.T, rec []byte) (plainLogin, plainSelect bool, appData int) {
	t.Helper()
	frames, err := tds.Frames(rec)
	if err != nil {
		t.Fatalf("recording: %v", err)
	}
	for _, f := range frames {
		switch {
		case f.TLS && f.Type == 23:
			appData++
		case !f.TLS && f.Type == tds.PacketLogin7:
			plainLogin = true
		case !f.TLS && f.Type == tds.PacketSQLBatch && bytes.Contains(f.Payload, utf16le("SELECT 1")):
			plainSelect = true
		}
	}
	return
}

// TestWireRows records the bytes of one connection per scenario row
// through a proxy, with dbtls's connector as the client: row 1 against OFF
// encrypts the LOGIN7 packet and sends the SQLBatch after it in plaintext;
// rows 2–11 never let a LOGIN7 (or the query) cross in plaintext, also when
// the proxy rewrites the server's PRELOGIN answer to NOT_SUP or OFF, which
// the connector must refuse with kind encryption-not-supported.
func TestWireRows(t *testing.T) {
	m := sharedMatrix(t)
	notSup, off := tds.EncryptNotSup, tds.EncryptOff
	for _, d := range DemoCases {
		for _, rw := range []*byte{nil, &notSup, &off} {
			if rw != nil && d.Row == "1" {
				continue // row 1 follows the server's answer by design
			}
			if rw != nil && d.Row == "11" {
				continue // TDS 8.0: the PRELOGIN answer travels inside TLS and cannot be rewritten
			}
			name := "row" + d.Row
			if rw != nil {
				name += "/rewritten-to-" + tds.EncryptName(*rw)
			}
			d, rw := d, rw
			t.Run(name, func(t *testing.T) {
				srv := m.Servers.For(d.Case.Server, d.Case.Cert)
				px, err := tds.NewProxy(srv.Addr(), rw)
				if err != nil {
					t.Fatal(err)
				}
				defer px.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				a := ViaConnector(ctx, m.JDBCURL(d.Case, px.Port(), "wire-"+name))
				px.Close()
				if rw != nil {
					if a.Err == nil || !errors.Is(a.Err, kind.EncryptionNotSupported) {
						t.Errorf("answer rewritten to %s: err %v; want kind %s", tds.EncryptName(*rw), a.Err, kind.EncryptionNotSupported)
					}
				} else if a.Err != nil {
					t.Fatalf("row %s did not connect: %v", d.Row, a.Err)
				}
				for n := 1; n <= px.Conns(); n++ {
					plainLogin, plainSelect, appData := wireFacts(t, px.Stream(n, tds.ClientToServer))
					if plainLogin {
						t.Errorf("conn %d: a LOGIN7 packet crossed in plaintext", n)
					}
					if rw != nil {
						continue
					}
					if appData == 0 {
						t.Errorf("conn %d: no TLS application data: the login was not encrypted", n)
					}
					if wantPlain := d.Row == "1"; plainSelect != wantPlain {
						t.Errorf("conn %d: SELECT 1 in plaintext = %v, want %v", n, plainSelect, wantPlain)
					}
				}
			})
		}
	}
}
