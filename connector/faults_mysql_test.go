package connector

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/hostile"
	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMySQLFaults is the fault matrix for the MySQL family: hostile servers
// at every step of the connect against PREFERRED (the default), REQUIRED and
// DISABLED. Each case returns the kind written below within the deadline
// plus a margin and leaves no goroutine behind. A server that hangs up,
// stalls or answers what is not the MySQL protocol is a network failure
// (go-sql-driver says "invalid connection", which read as handshake-failed
// before); a TLS alert is the server refusing the handshake; a server that
// offers no TLS under REQUIRED is encryption-not-supported.
func TestMySQLFaults(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	slow := hostile.SlowLoris([]byte{0x4a, 0x00, 0x00, 0x00, 10, '8', '.', '0'}, 100*time.Millisecond)
	cases := []struct {
		name                         string
		b                            hostile.Behaviour
		preferred, required, disable kind.Kind
	}{
		{"accept and silence", hostile.Silent, kind.Network, kind.Network, kind.Network},
		{"close after accept", hostile.Close, kind.Network, kind.Network, kind.Network},
		{"reset after accept", hostile.Reset, kind.Network, kind.Network, kind.Network},
		{"garbage", hostile.Garbage, kind.Network, kind.Network, kind.Network},
		{"slow loris", slow, kind.Network, kind.Network, kind.Network},
		{"reset after the greeting", mysqlfake.ResetAfterGreeting(true), kind.Network, kind.Network, kind.Network},
		{"close after the greeting", mysqlfake.CloseAfterGreeting(false), kind.Network, kind.EncryptionNotSupported, kind.Network},
		{"stall mid-handshake", mysqlfake.StallAfterGreeting(true), kind.Network, kind.Network, kind.Network},
		{"stall, no TLS offered", mysqlfake.StallAfterGreeting(false), kind.Network, kind.EncryptionNotSupported, kind.Network},
		{"TLS alert", mysqlfake.AlertAfterSSLRequest, kind.HandshakeFailed, kind.HandshakeFailed, kind.Network},
	}
	modes := []struct {
		props string
		want  func(i int) kind.Kind
	}{
		{"", func(i int) kind.Kind { return cases[i].preferred }},
		{"&sslMode=REQUIRED", func(i int) kind.Kind { return cases[i].required }},
		{"&sslMode=DISABLED", func(i int) kind.Kind { return cases[i].disable }},
	}
	for i, tc := range cases {
		srv, err := hostile.Listen("127.0.0.1:0", tc.b)
		require.NoError(t, err)
		for _, m := range modes {
			t.Run(tc.name+"/"+m.props, func(t *testing.T) {
				err := connectFault(t, "jdbc:mysql://127.0.0.1:"+strconv.Itoa(srv.Port())+"/db?user=app&password=My-s3cret"+m.props, "My-s3cret")
				require.ErrorIs(t, err, m.want(i), "%v", err)
				if tc.name == "accept and silence" {
					require.Regexp(t, `the server did not answer within \d`, err.Error(), "a silent server is not one that hung up")
				}
			})
		}
		require.NoError(t, srv.Close())
	}
}

// TestMySQLDriverLogRouted: go-sql-driver's own log lines ("[mysql] …
// unexpected EOF") go to the connector's logger, never to stderr.
func TestMySQLDriverLogRouted(t *testing.T) {
	srv, err := hostile.Listen("127.0.0.1:0", mysqlfake.CloseAfterGreeting(false))
	require.NoError(t, err)
	defer srv.Close()
	var logged bytes.Buffer
	c, err := New("jdbc:mysql://127.0.0.1:"+strconv.Itoa(srv.Port())+"/db?user=app&password=My-s3cret",
		WithLogger(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)

	r, w, err := os.Pipe()
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = w
	ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
	_, err = c.Connect(ctx)
	cancel()
	os.Stderr = stderr
	require.NoError(t, w.Close())
	written, _ := io.ReadAll(r)
	require.ErrorIs(t, err, kind.Network, logged.String())
	require.Empty(t, string(written), "nothing reaches stderr")
	require.Contains(t, logged.String(), "go-sql-driver:", "the driver's line reaches our logger; %v", err)
	require.NotContains(t, logged.String(), "My-s3cret")
}
