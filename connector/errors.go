package connector

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// mapError is the kind of a failed connect (spec §8), for a backend's
// mapError; the driver's error stays reachable with %w. What the connection
// itself saw — a guard's refusal, the certificate verdict — is more precise
// than what the drivers pass on (go-mssqldb flattens TLS errors with %v)
// and comes first, then an error with a kind already, what the backend
// reads from the record (seen, nil for none), the end of the context, the
// driver's own errors (driverErr) and, last, hang-ups, TLS failures and
// network failures; anything else is handshake-failed.
func mapError(ctx context.Context, err error, rec *record, seen, driverErr func(error, *record) error) error {
	rec.mu.Lock()
	refused, verdict := rec.refused, rec.verdict
	rec.mu.Unlock()
	switch {
	case refused != nil:
		return refused
	case verdict != nil:
		return verdict
	case kind.Of(err) != "":
		return err
	}
	if seen != nil {
		if e := seen(err, rec); e != nil {
			return e
		}
	}
	// The context's deadline may have come before its timer ends it: the
	// connection's own deadline, set to the same instant, may fire first.
	cause := ctx.Err()
	if dl, ok := ctx.Deadline(); cause == nil && ok && !time.Now().Before(dl) {
		cause = context.DeadlineExceeded
	}
	if cause != nil {
		if silent(rec) {
			return &kind.Error{Kind: kind.Network, What: "connect to " + kind.Foreign(rec.info.Addr) + ": the server did not answer within " + elapsed(rec),
				Why: "it accepted the TCP connection but sent nothing before the context ended (" + cause.Error() + ")",
				Fix: "check that a database server listens on this port and is not stalled, or give the connect a longer deadline", Err: errors.Join(cause, err)}
		}
		return &kind.Error{Kind: kind.Network, What: "connect to " + kind.Foreign(rec.info.Addr) + " did not finish in time",
			Why: "the context ended (" + cause.Error() + ") before the server completed the connect: " + kind.Foreign(err.Error()),
			Fix: "check that the server answers, or give the connect a longer deadline", Err: errors.Join(cause, err)}
	}
	if e := driverErr(err, rec); e != nil {
		return e
	}
	msg := err.Error()
	var ne net.Error
	isNet := errors.As(err, &ne)
	switch {
	case isHangUp(err) || errors.Is(err, driver.ErrBadConn) || isNet && ne.Timeout() || strings.Contains(msg, "i/o timeout"): // or a deadline passed
		return hungUp(err, rec)
	case strings.Contains(msg, "TLS") || strings.Contains(msg, "tls:") || strings.Contains(msg, "x509"):
		return verify.ClassifyHandshake(err)
	case isNet || strings.Contains(msg, "connection refused"): // EOF, resets and broken pipes are hang-ups
		return &kind.Error{Kind: kind.Network, What: "network failure", Why: kind.Foreign(msg), Err: err}
	}
	return &kind.Error{Kind: kind.HandshakeFailed, What: "connection failed", Why: kind.Foreign(msg), Err: err}
}

// withIOCause adds to a driver's "bad connection" (driver.ErrBadConn, or
// hiding, the driver's own word for it, if it has one) the I/O error the
// connection itself saw: the cause the driver hides.
func withIOCause(err error, rec *record, hiding error) error {
	rec.mu.Lock()
	ioErr := rec.ioErr
	rec.mu.Unlock()
	if ioErr != nil && (errors.Is(err, driver.ErrBadConn) || errors.Is(err, hiding)) {
		return fmt.Errorf("%w (%w)", err, ioErr)
	}
	return err
}

// silent: a TCP connection was made and the server has sent no byte on
// the current hop.
func silent(rec *record) bool {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.hops) > 0 && rec.firstByte < 0
}

// timeoutKeys names the properties that bound a connect of the family.
func timeoutKeys(rec *record) string {
	if rec.strategy.Family == dsn.MySQL {
		return "readTimeout (or timeout, for the dial)"
	}
	return "loginTimeout (or dial timeout)"
}

// elapsed is the time since the dial began, for a message.
func elapsed(rec *record) string {
	rec.mu.Lock()
	start := rec.info.DialStart
	rec.mu.Unlock()
	if start.IsZero() {
		return "the time allowed"
	}
	return time.Since(start).Round(10 * time.Millisecond).String()
}

// hungUp: during the connect, the server broke off or never spoke the
// protocol; or, when a timeout ended a connection on which it sent nothing,
// it did not answer.
func hungUp(err error, rec *record) error {
	var ne net.Error
	if msg := err.Error(); (errors.As(err, &ne) && ne.Timeout() || strings.Contains(msg, "i/o timeout")) && silent(rec) {
		return &kind.Error{Kind: kind.Network, What: "connect to " + kind.Foreign(rec.info.Addr) + ": the server did not answer within " + elapsed(rec),
			Why: "it accepted the TCP connection but sent nothing before the driver's timeout: " + kind.Foreign(msg),
			Fix: "check that a database server listens on this port and is not stalled, or raise " + timeoutKeys(rec), Err: err}
	}
	return &kind.Error{Kind: kind.Network, What: "the server hung up", Why: kind.Foreign(err.Error()), Err: err}
}

// isHangUp: the peer closed or reset the connection.
func isHangUp(err error) bool {
	msg := err.Error()
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(msg, "EOF") || strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe")
}

// paramError is the error for a parameter the driver would refuse.
func paramError(driver, key, value string, err error) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "invalid value for a " + driver + " parameter", Key: key, Value: kind.Redact(key, value),
		Why: err.Error(), Fix: "fix the value of " + key, Err: err}
}
