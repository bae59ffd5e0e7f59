package connector

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"log/slog"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/stretchr/testify/require"
)

// TestRecordsFormatOnlyWhenRead: a connection's record keeps the
// handshake's facts unformatted. Its strings are made when
// someone reads it — Info, an observer, a logger that takes the line — and
// never for a connector with none, or with a logger that discards the level;
// what Info then returns is what the observer and the log line got.
func TestRecordsFormatOnlyWhenRead(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	url := sqlServerURL(srv.Port(), "encrypt=true;trustStore="+f.trustFile)
	var logs bytes.Buffer
	var observed []ConnInfo
	for _, tc := range []struct {
		name      string
		opts      []Option
		formatted bool
	}{
		{"no logger, no observer", nil, false},
		{"a discarding logger", []Option{WithLogger(slog.New(slog.DiscardHandler))}, false},
		{"a logger at warn", []Option{WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))}, false},
		{"a logger at info", []Option{WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))}, true},
		{"an observer", []Option{WithObserver(func(i ConnInfo) { observed = append(observed, i) })}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			observed = nil
			c, err := New(url, tc.opts...)
			require.NoError(t, err)
			db := sql.OpenDB(c)
			defer db.Close()
			ctx := context.Background()
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			var rec *record
			require.NoError(t, conn.Raw(func(dc any) error {
				var ok bool
				rec, ok = records.load(dc)
				require.True(t, ok)
				return nil
			}))
			rec.mu.Lock()
			formatted, version := rec.formatted, rec.info.Version
			rec.mu.Unlock()
			require.Equal(t, tc.formatted, formatted)
			if !tc.formatted {
				require.Empty(t, version, "nothing formatted")
			}

			info, err := Info(conn)
			require.NoError(t, err)
			require.Equal(t, "TLSv1.2", info.Version)
			require.Equal(t, cipherName(tlsSuite(t, info.CipherIANA)), info.CipherIANA)
			require.NotEmpty(t, info.CipherOpenSSL)
			require.Len(t, info.Peer, 1) // the leaf; the TDS server sends no intermediate here
			require.Equal(t, "CN=localhost", info.Peer[0].Subject)
			require.Equal(t, "CN=tds CA", info.Peer[0].Issuer)
			require.Equal(t, f.leaf.SHA256(), info.Peer[0].SHA256)
			require.Equal(t, []string{"127.0.0.1"}, info.Peer[0].IPAddresses)
			require.Len(t, info.Hops, 1)
			require.Equal(t, info.Version, info.Hops[0].Version)
			require.Equal(t, info.CipherIANA, info.Hops[0].CipherIANA)
			require.Equal(t, info.Peer, info.Hops[0].Peer)
			again, err := Info(conn)
			require.NoError(t, err)
			require.Equal(t, info, again)
			if len(observed) > 0 {
				require.Equal(t, info, observed[0])
			}
			if strings.Contains(tc.name, "at info") {
				require.Contains(t, logs.String(), "tlsVersion=TLSv1.2")
				require.Contains(t, logs.String(), `subject="CN=localhost"`)
			} else {
				require.Empty(t, logs.String())
			}
		})
	}
}

// tlsSuite finds a suite's ID by its IANA name.
func tlsSuite(t *testing.T, name string) uint16 {
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if cs.Name == name {
			return cs.ID
		}
	}
	t.Fatalf("no suite %q", name)
	return 0
}

// TestCipherNameAsCryptoTLS: the table gives crypto/tls's names, and its
// "0x…" for a suite it does not know.
func TestCipherNameAsCryptoTLS(t *testing.T) {
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		require.Equal(t, tls.CipherSuiteName(cs.ID), cipherName(cs.ID))
	}
	require.Equal(t, tls.CipherSuiteName(0x1234), cipherName(0x1234))
}
