package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStartLogsNegotiatedEncryption starts the command's server from PEM
// files (leaf followed by its intermediate) and checks that a go-mssqldb
// login is logged with the encryption the [MS-TDS] table gives.
func TestStartLogsNegotiatedEncryption(t *testing.T) {
	dir := t.TempDir()
	ca := certgen.Must(certgen.Spec{CN: "test root", IsCA: true})
	mid := certgen.Must(certgen.Spec{CN: "test intermediate", IsCA: true, Parent: ca})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, Parent: mid})
	certPath, keyPath, err := leaf.WriteFiles(dir, "server")
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	srv, err := start([]string{"--listen", "127.0.0.1:0", "--cert", certPath, "--key", keyPath, "--encryption", "off", "--strict", "no"}, &log)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	cases := []struct{ encrypt, want string }{
		{"false", "encryption=login-only TLSv1.2"},
		{"true", "encryption=full TLSv1.2"},
		{"disable", "encryption=none"},
	}
	for _, c := range cases {
		db, err := sql.Open("sqlserver", fmt.Sprintf("sqlserver://sa:pw@%s?encrypt=%s&trustServerCertificate=true&app+name=cmd-%s", srv.Addr(), c.encrypt, c.encrypt))
		if err != nil {
			t.Fatal(err)
		}
		var one int
		if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("encrypt=%s: SELECT 1 = %d, %v", c.encrypt, one, err)
		}
		db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = srv.WaitRecord(ctx, func(r tds.Record) bool { return r.AppName == "cmd-"+c.encrypt })
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, line := range strings.Split(log.String(), "\n") {
			if strings.Contains(line, `app=\"cmd-`+c.encrypt+`\"`) && strings.Contains(line, c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("encrypt=%s: no log line with %q in:\n%s", c.encrypt, c.want, log.String())
		}
	}
}

func TestStartRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "missing.crt")
	cases := [][]string{
		{"--encryption", "maybe"},
		{"--strict", "sometimes"},
		{"--cert", bad},
		{"--cert", bad, "--key", bad},
		{"--encryption", "on"},                              // encryption without a certificate
		{"--legacy", "ssl2-only", "--encryption", "notsup"}, // would start without --legacy
		{"extra"},
	}
	for _, args := range cases {
		var log syncBuffer
		srv, err := start(append([]string{"--listen", "127.0.0.1:0"}, args...), &log)
		if err == nil {
			srv.Close()
			t.Errorf("%v: started, want an error", args)
		}
	}
	_ = os.Remove(bad)
}
