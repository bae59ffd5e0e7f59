package tds

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"
)

// TestGoMssqldb proves the server with go-mssqldb used plainly (no dbtls):
// every encrypt mode against every server setting logs in and runs SELECT 1
// where the table says so, with the encryption the server must log, and is
// refused elsewhere.
func TestGoMssqldb(t *testing.T) {
	srvs := servers(t)
	modes := []struct{ encrypt, sends string }{
		{"disable", "NOT_SUP"},
		{"false", "OFF"},
		{"true", "ON"},
		{"strict", "strict"},
	}
	for _, m := range modes {
		for _, st := range serverSettings {
			m, st := m, st
			t.Run(m.encrypt+"/"+st.Name, func(t *testing.T) {
				t.Parallel()
				srv := srvs[st.Name]
				app := fmt.Sprintf("gomssqldb-%s-%s", m.encrypt, st.Name)
				q := url.Values{}
				q.Set("encrypt", m.encrypt)
				q.Set("app name", app)
				q.Set("dial timeout", "5")
				if m.encrypt == "strict" {
					// go-mssqldb verifies in strict mode whatever
					// trustServerCertificate says: give it the CA.
					q.Set("certificate", sharedCA)
					q.Set("hostNameInCertificate", "localhost")
				} else {
					q.Set("trustServerCertificate", "true")
				}
				dsn := fmt.Sprintf("sqlserver://sa:pw@127.0.0.1:%d?%s", srv.Port(), q.Encode())
				db, err := sql.Open("sqlserver", dsn)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var one int
				err = db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
				db.Close()
				exp := want[m.sends][st.Name]
				if exp == "" {
					if err == nil {
						t.Fatalf("connected and ran SELECT 1; want a refusal")
					}
					t.Logf("refused as expected: %v", err)
					return
				}
				if err != nil || one != 1 {
					t.Fatalf("SELECT 1 = %d, %v; want 1 over %s encryption", one, err, exp)
				}
				rec, err := srv.WaitRecord(ctx, func(r Record) bool { return r.AppName == app })
				if err != nil {
					t.Fatal(err)
				}
				checkRecord(t, rec, exp, "SELECT 1")
			})
		}
	}
}

// checkRecord asserts what the server logged for a connection that logged in
// and ran query.
func checkRecord(t *testing.T, rec Record, exp Negotiated, query string) {
	t.Helper()
	if rec.Negotiated != exp {
		t.Errorf("server logged encryption %q, want %q (%s)", rec.Negotiated, exp, rec)
	}
	if !rec.LoggedIn {
		t.Errorf("server did not log a login (%s)", rec)
	}
	encrypted := exp != NegNone
	if rec.LoginEncrypted != encrypted {
		t.Errorf("LOGIN7 encrypted = %v, want %v (%s)", rec.LoginEncrypted, encrypted, rec)
	}
	if (rec.TLSVersion != "") != encrypted || (rec.Cipher != "") != encrypted {
		t.Errorf("TLS version %q cipher %q for encryption %s", rec.TLSVersion, rec.Cipher, exp)
	}
	if exp == NegStrict && rec.ALPN != ALPN {
		t.Errorf("strict session with ALPN %q, want %q", rec.ALPN, ALPN)
	}
	found := false
	for _, b := range rec.Batches {
		if b == query {
			found = true
		}
	}
	if !found {
		t.Errorf("server saw batches %q, want one %q", rec.Batches, query)
	}
}
