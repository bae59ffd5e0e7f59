package connector

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/hostile"
	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// The three reproductions of driver panics (docs/security.md, "Malformed
// server packets"): each crashed the process before the packets were
// checked, so each of these tests failed by ending the test binary.
var (
	// a PRELOGIN answer whose ENCRYPTION option is 0 bytes long: index
	// out of range in go-mssqldb's interpretPreloginResponse
	preloginEncryptionEmpty = tds.Packet(tds.PacketReply, []byte{
		0x00, 0x00, 0x0B, 0x00, 0x06, // VERSION at 11, 6 bytes
		0x01, 0x00, 0x10, 0x00, 0x00, // ENCRYPTION at 16, 0 bytes
		0xFF,
		0x10, 0x00, 0x07, 0xD0, 0x00, 0x00})
	// a greeting cut after the server version: slice bounds out of range
	// in go-sql-driver's readHandshakePacket
	greetingCut = []byte{0x0a, 0x35, 0x00}
	// a one-byte OK packet after the handshake response: slice bounds out
	// of range in go-sql-driver's handleOkPacket
	okOneByte = []byte{0x00}
)

// malformedDeadline bounds each connect of these tests: every case ends
// at once, on the bytes, long before it.
const malformedDeadline = 5 * time.Second

// connectKind connects once through a connector for url and returns the
// error, which must be there and must not show the password.
func connectErr(t *testing.T, url string, opts ...Option) error {
	t.Helper()
	c, err := New(url, opts...)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), malformedDeadline)
	defer cancel()
	conn, err := c.Connect(ctx)
	if conn != nil {
		conn.Close()
	}
	require.Error(t, err)
	require.NotContains(t, err.Error(), "Bad-s3cret")
	return err
}

// noLeaks checks, after the test and its cleanups, that no goroutine of
// it is left.
func noLeaks(t *testing.T) {
	now := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, now) })
}

func listenHostile(t *testing.T, b hostile.Behaviour) *hostile.Server {
	t.Helper()
	srv, err := hostile.Listen("127.0.0.1:0", b)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestMalformedPreloginRefused: the PRELOGIN answer with an empty
// ENCRYPTION option, on the first hop and on a routed hop, in rows 1 to
// 10: protocol-violation naming what is wrong, and the driver never reads
// the answer.
func TestMalformedPreloginRefused(t *testing.T) {
	noLeaks(t)
	bad := listenHostile(t, tds.AnswerPrelogin(preloginEncryptionEmpty))
	f := newTDSFixture(t)
	first := f.server(t, tds.Config{Encryption: tds.On})
	first.SetRoute(&tds.Route{Server: "127.0.0.1", Port: uint16(bad.Port())})
	for _, row := range []string{"encrypt=false", "encrypt=true;trustServerCertificate=true", "encrypt=true;trustStore=" + f.trustFile} {
		t.Run("first hop/"+row, func(t *testing.T) {
			err := connectErr(t, "jdbc:sqlserver://127.0.0.1:"+strconv.Itoa(bad.Port())+";user=sa;password=Bad-s3cret;"+row)
			require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
			require.Contains(t, err.Error(), "malformed PRELOGIN answer from the server at 127.0.0.1:"+strconv.Itoa(bad.Port()))
			require.Contains(t, err.Error(), "ENCRYPTION option is 0 bytes long")
		})
		t.Run("routed hop/"+row, func(t *testing.T) {
			err := connectErr(t, sqlServerURL(first.Port(), row))
			require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
			require.Contains(t, err.Error(), "at routed hop 1")
			require.Contains(t, err.Error(), "ENCRYPTION option is 0 bytes long")
		})
	}
}

// TestMalformedPreloginInsideTLS: under encrypt=strict the PRELOGIN
// answer comes inside TLS, where no reader of dbtls sees it; the driver's
// panic on it is caught (the last line of defence) and is a
// protocol-violation error naming the driver.
func TestMalformedPreloginInsideTLS(t *testing.T) {
	noLeaks(t)
	f := newTDSFixture(t)
	bad := listenHostile(t, tds.StrictPrelogin(f.leaf.TLS(true), preloginEncryptionEmpty))
	err := connectErr(t, "jdbc:sqlserver://localhost:"+strconv.Itoa(bad.Port())+";user=sa;password=Bad-s3cret;encrypt=strict;trustStore="+f.trustFile)
	require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
	require.Contains(t, err.Error(), "go-mssqldb failed on what the server at localhost:"+strconv.Itoa(bad.Port())+" sent")
	require.Contains(t, err.Error(), "panicked in Connect (runtime error: index out of range")
}

// TestMalformedGreetingRefused: the cut greeting, in every sslMode (the
// greeting comes before TLS).
func TestMalformedGreetingRefused(t *testing.T) {
	noLeaks(t)
	bad := listenHostile(t, mysqlfake.SendGreeting(greetingCut))
	ca := certgen.Must(certgen.Spec{CN: "CA", IsCA: true})
	for _, mode := range []string{"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"} {
		t.Run(mode, func(t *testing.T) {
			err := connectErr(t, "jdbc:mysql://127.0.0.1:"+strconv.Itoa(bad.Port())+"/db?user=app&password=Bad-s3cret&sslMode="+mode, WithRootCAsPEM(ca.CertPEM()))
			require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
			require.Contains(t, err.Error(), "malformed greeting from the MySQL server at 127.0.0.1:"+strconv.Itoa(bad.Port()))
			require.Contains(t, err.Error(), "ends 0 bytes after the server version")
		})
	}
}

// TestMalformedAuthPacketsRefused: answers to the handshake response that
// break the protocol, the one-byte OK first, under PREFERRED (no TLS
// offered, so the guard follows the authentication).
func TestMalformedAuthPacketsRefused(t *testing.T) {
	noLeaks(t)
	for _, tc := range []struct {
		name   string
		answer []byte
		want   string
	}{
		{"one-byte OK", okOneByte, "malformed OK packet ending the authentication"},
		{"OK without status", []byte{0x00, 0x00, 0x00}, "ends before its status and warnings"},
		{"ERR without a message", []byte{0xff, 0x15, 0x04}, "malformed ERR packet"},
		{"ERR with a cut SQL state", []byte{0xff, 0x15, 0x04, '#', '2', '8'}, "announces a SQL state"},
		{"auth switch without NUL", []byte("\xfemysql_native_password"), "plugin name has no terminating NUL"},
		{"auth switch, short scramble", []byte("\xfemysql_native_password\x00abc\x00"), "3-byte scramble"},
		{"empty packet", []byte{}, "malformed packet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := listenHostile(t, mysqlfake.AnswerHandshake(tc.answer))
			err := connectErr(t, "jdbc:mysql://127.0.0.1:"+strconv.Itoa(bad.Port())+"/db?user=app&password=Bad-s3cret")
			require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestMalformedResultSetCaught: a one-byte OK packet in answer to a query,
// after the authentication (the guard has stepped aside): go-sql-driver's
// panic is an error of kind protocol-violation, the connection is bad
// (IsValid false, later calls driver.ErrBadConn), and database/sql
// discards it.
func TestMalformedResultSetCaught(t *testing.T) {
	noLeaks(t)
	bad := listenHostile(t, mysqlfake.AnswerQuery(mysqlfake.Frame(1, okOneByte)))
	db, err := OpenDB("jdbc:mysql://127.0.0.1:" + strconv.Itoa(bad.Port()) + "/db?user=app&password=Bad-s3cret")
	require.NoError(t, err)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), malformedDeadline)
	defer cancel()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	_, err = conn.QueryContext(ctx, "SELECT 1")
	require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
	require.Contains(t, err.Error(), "go-sql-driver/mysql failed on what the server at 127.0.0.1:"+strconv.Itoa(bad.Port())+" sent")
	require.Contains(t, err.Error(), "panicked in QueryContext")
	require.NoError(t, conn.Raw(func(dc any) error {
		require.False(t, dc.(driver.Validator).IsValid())
		require.ErrorIs(t, dc.(driver.SessionResetter).ResetSession(ctx), driver.ErrBadConn)
		_, err := dc.(driver.QueryerContext).QueryContext(ctx, "SELECT 1", nil)
		require.ErrorIs(t, err, driver.ErrBadConn, "nothing more reaches the driver")
		return nil
	}))
	require.NoError(t, conn.Close())
	require.Eventually(t, func() bool { return db.Stats().OpenConnections == 0 }, 2*time.Second, 10*time.Millisecond,
		"database/sql discarded the bad connection")
	var one int
	require.ErrorIs(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&one), kind.ProtocolViolation, "a new connection, the same answer")
}

// TestMalformedSQLServerResultSet: go-mssqldb reads result sets in a
// goroutine of its own and recovers its panics there; a malformed row is an
// error, never a crash, and the connection stays usable or is refused,
// never a process ended.
func TestMalformedSQLServerResultSet(t *testing.T) {
	noLeaks(t)
	tokens := tds.SelectOneTokens()
	bad := listenHostile(t, tds.AnswerBatch(tokens[:len(tokens)-15])) // cut inside the ROW
	db, err := OpenDB("jdbc:sqlserver://127.0.0.1:" + strconv.Itoa(bad.Port()) + ";user=sa;password=Bad-s3cret;encrypt=false")
	require.NoError(t, err)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), malformedDeadline)
	defer cancel()
	var one int
	require.Error(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// TestDriverErrorThatPanics: a routing ENVCHANGE cut short makes go-mssqldb
// return a StreamError without a cause, whose Error method dereferences
// nil: printing it would end the application (go-mssqldb's own log line
// does). Found by FuzzSQLServerServer; the connect's error is
// protocol-violation instead.
func TestDriverErrorThatPanics(t *testing.T) {
	noLeaks(t)
	tokens := []byte("\xe3\x1b\x00\x14\r\x06m\x00a\x00s\x00t\x00e\x00r\x00\x06\x00e\x00rm\x00a\x00s\x00\x00")
	bad := listenHostile(t, tds.AnswerLogin(tokens))
	err := connectErr(t, "jdbc:sqlserver://127.0.0.1:"+strconv.Itoa(bad.Port())+";user=sa;password=Bad-s3cret;encrypt=false")
	require.ErrorIs(t, err, kind.ProtocolViolation, "%v", err)
	// go-mssqldb calls the Error method itself when it logs the error, in
	// Connect's goroutine, when the token is already there: then Connect
	// panics; otherwise the error it returns panics when printed.
	require.Regexp(t, `panicked in Connect(, in the Error method of the error it returned)? \(runtime error: invalid memory address or nil pointer dereference\)`, err.Error())
	require.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v", err, err, err) })
}

// TestPanicValueThatPanics: a driver that panics with an error whose Error
// method panics (go-mssqldb's StreamError without a cause) still gives a
// protocol-violation error that prints.
func TestPanicValueThatPanics(t *testing.T) {
	err := panicError("go-mssqldb", "Connect", "127.0.0.1:1", mssql.StreamError{}, nil)
	require.ErrorIs(t, err, kind.ProtocolViolation)
	require.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v", err, err, err) })
	require.Contains(t, err.Error(), "a mssql.StreamError that cannot be printed")
}
