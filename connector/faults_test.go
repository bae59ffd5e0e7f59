package connector

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/hostile"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// faultDeadline is the Connect context's deadline in the fault matrix, and
// faultMargin how late a connect may return after it (the race detector
// and two shared cores included).
const (
	faultDeadline = 1500 * time.Millisecond
	faultMargin   = 1500 * time.Millisecond
)

// TestSQLServerFaults is the fault matrix for SQL Server: hostile servers
// at every step of the connect, against row 1, row 2 and strict mode. Each
// case returns the kind written below within the deadline plus a margin
// (go-mssqldb alone waited until the server hung up: 12 s and more), and
// leaves no goroutine behind. The kinds follow spec §8: a server that hangs
// up before answering PRELOGIN is what a strict-only server does to a TDS
// 7.x client (server-refused); a strict client whose ClientHello is hung up
// on or answered in TDS met a server without TDS 8.0
// (encryption-not-supported); a server that answers what is not TDS, a
// reset after a real answer, and every stall are network failures; a TLS
// alert is the server refusing the handshake (handshake-failed).
func TestSQLServerFaults(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	slow := hostile.SlowLoris([]byte{tds.PacketReply, 0x01, 0x00, 0x40, 0, 0, 1, 0}, 100*time.Millisecond)
	// kind per row: row 1 (encrypt=false), row 2 (encrypt=true;
	// trustServerCertificate=true), row 11 (encrypt=strict).
	cases := []struct {
		name               string
		b                  hostile.Behaviour
		row1, row2, strict kind.Kind
	}{
		{"accept and silence", hostile.Silent, kind.Network, kind.Network, kind.Network},
		{"close after accept", hostile.Close, kind.ServerRefused, kind.ServerRefused, kind.EncryptionNotSupported},
		{"reset after accept", hostile.Reset, kind.ServerRefused, kind.ServerRefused, kind.EncryptionNotSupported},
		{"garbage", hostile.Garbage, kind.Network, kind.Network, kind.HandshakeFailed},
		{"slow loris", slow, kind.Network, kind.Network, kind.EncryptionNotSupported},
		{"reset after PRELOGIN", tds.ResetAfterPrelogin(tds.EncryptOn), kind.Network, kind.Network, kind.EncryptionNotSupported},
		{"stall mid-handshake", tds.StallAfterPrelogin(tds.EncryptOn), kind.Network, kind.Network, kind.EncryptionNotSupported},
		{"TLS alert", tds.TLSAlert, kind.Network, kind.Network, kind.HandshakeFailed},
	}
	rows := []struct {
		props string
		want  func(i int) kind.Kind
	}{
		{"encrypt=false", func(i int) kind.Kind { return cases[i].row1 }},
		{"encrypt=true;trustServerCertificate=true", func(i int) kind.Kind { return cases[i].row2 }},
		{"encrypt=strict;trustServerCertificate=true", func(i int) kind.Kind { return cases[i].strict }},
	}
	for i, tc := range cases {
		srv, err := hostile.Listen("127.0.0.1:0", tc.b)
		require.NoError(t, err)
		for _, row := range rows {
			t.Run(tc.name+"/"+row.props, func(t *testing.T) {
				err := connectFault(t, "jdbc:sqlserver://127.0.0.1:"+strconv.Itoa(srv.Port())+";user=sa;password=Tds-s3cret;"+row.props, "Tds-s3cret")
				if want := row.want(i); tc.name == "reset after accept" && kind.Of(err) == kind.Network {
					// the reset can reach the client while its TCP connect
					// is still completing: then it is a failed dial
					require.Contains(t, err.Error(), "connection reset")
				} else {
					require.ErrorIs(t, err, want, "%v", err)
				}
				if tc.name == "accept and silence" {
					require.Regexp(t, `the server did not answer within \d`, err.Error(), "a silent server is not one that hung up")
				}
			})
		}
		require.NoError(t, srv.Close())
	}
}

// connectFault connects once through a connector for url under the fault
// deadline and returns the error, after asserting that there is one, that it
// came within the deadline plus the margin, and that it does not show the
// password.
func connectFault(t *testing.T, url, password string) error {
	t.Helper()
	c, err := New(url)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
	defer cancel()
	start := time.Now()
	conn, err := c.Connect(ctx)
	took := time.Since(start)
	if conn != nil {
		conn.Close()
	}
	require.Error(t, err)
	require.Less(t, took, faultDeadline+faultMargin, "returned %v after the deadline", took-faultDeadline)
	require.NotContains(t, err.Error(), password)
	return err
}

// TestConnectCancel: canceling the Connect context ends a connect stalled
// mid-handshake at once, and the error says the context ended.
func TestConnectCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv, err := hostile.Listen("127.0.0.1:0", tds.StallAfterPrelogin(tds.EncryptOn))
	require.NoError(t, err)
	defer srv.Close()
	c, err := New("jdbc:sqlserver://127.0.0.1:" + strconv.Itoa(srv.Port()) + ";user=sa;password=pw;encrypt=true;trustServerCertificate=true")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Connect(ctx)
	require.Less(t, time.Since(start), 300*time.Millisecond+faultMargin)
	require.ErrorIs(t, err, kind.Network)
	require.ErrorIs(t, err, context.Canceled)
}
