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
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
)

// mapError gives a driver's connection error the kind of spec §8, keeping
// the original with %w. The connection's own record is consulted first: the
// downgrade guard's refusal and the certificate verdict are more precise
// than what the drivers pass on (go-mssqldb flattens TLS errors with %v).
func mapError(ctx context.Context, err error, rec *record) error {
	rec.mu.Lock()
	refused, verdict, ioErr := rec.refused, rec.verdict, rec.ioErr
	rec.mu.Unlock()
	if ioErr != nil && (errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn)) {
		// go-sql-driver hides the cause behind "invalid connection" or
		// "bad connection"; the connection itself saw it
		err = fmt.Errorf("%w (%w)", err, ioErr)
	}
	switch {
	case refused != nil:
		return refused
	case verdict != nil:
		return verdict
	case kind.Of(err) != "":
		return err
	case rec.strategy.Family == dsn.SQLServer && !rec.handshake:
		if e := tdsUnanswered(err, rec); e != nil {
			return e
		}
	}
	switch {
	case ctx.Err() != nil || pastDeadlineOf(ctx):
		cause := ctx.Err()
		if cause == nil {
			cause = context.DeadlineExceeded
		}
		return &kind.Error{Kind: kind.Network, What: "connect to " + rec.info.Addr + " did not finish in time",
			Why: "the context ended (" + cause.Error() + ") before the server completed the connect: " + err.Error(),
			Fix: "check that the server answers, or give the connect a longer deadline", Err: errors.Join(cause, err)}
	}
	var myErr *mysql.MySQLError
	var msErr mssql.Error
	msg := err.Error()
	switch {
	case errors.Is(err, mysql.ErrNoTLS):
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption", Key: "sslMode", Value: rec.strategy.Row,
			Why: "the server offers no TLS and " + rec.strategy.Row + " requires it", Fix: "enable TLS on the server (or lower sslMode to PREFERRED)", Err: err}
	case errors.As(err, &myErr):
		return &kind.Error{Kind: kind.ServerRefused, What: "server refused the connection", Why: myErr.Error(), Fix: refusalFix(myErr.Number), Err: err}
	case errors.As(err, &msErr):
		return &kind.Error{Kind: kind.ServerRefused, What: "server refused the connection", Why: msErr.Error(), Err: err}
	case strings.Contains(msg, "server does not support encryption"):
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption", Why: msg, Err: err}
	case isHangUp(err) || isTimeout(err) || errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) || msg == "bad connection":
		// go-sql-driver's "invalid connection" and "bad connection" (its
		// unexported errBadConnNoWrite) during a connect: the server broke
		// off or never spoke the protocol
		return &kind.Error{Kind: kind.Network, What: "the server hung up", Why: msg, Err: err}
	case strings.Contains(msg, "TLS") || strings.Contains(msg, "tls:") || strings.Contains(msg, "x509"):
		return verify.ClassifyHandshake(err)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(msg, "connection reset") ||
		strings.Contains(msg, "connection refused") || strings.Contains(msg, "broken pipe") || strings.Contains(msg, "EOF") {
		return &kind.Error{Kind: kind.Network, What: "network failure", Why: msg, Err: err}
	}
	return &kind.Error{Kind: kind.HandshakeFailed, What: "connection failed", Why: msg, Err: err}
}

func refusalFix(n uint16) string {
	switch n {
	case 3159:
		return "the server requires secure transport (require_secure_transport=ON): use sslMode=REQUIRED or stronger"
	case 1045:
		return "check the user, the password, and any REQUIRE SSL / X509 / SUBJECT clause of the account (a client certificate: ssl-cert and ssl-key)"
	}
	return ""
}

// tdsUnanswered gives the two failures of spec §8 that neither driver names.
// A TDS 7.x client whose PRELOGIN the server closes on without a byte in
// answer met a server that accepts only TDS 8.0 (server-refused: set
// encrypt=strict). A strict client whose ClientHello the server closes on,
// or answers with a TDS packet, met a server without TDS 8.0
// (encryption-not-supported: SQL Server 2022 or later, or encrypt=true).
func tdsUnanswered(err error, rec *record) error {
	rec.mu.Lock()
	first, dialed := rec.firstByte, len(rec.hops) > 0
	rec.mu.Unlock()
	closed := dialed && first < 0 && isHangUp(err)
	switch {
	case rec.strategy.Strict && (closed || first == 0x04):
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not speak TDS 8.0", Key: "encrypt", Value: "strict",
			Why: "it did not answer the TLS-first handshake of strict encryption (it " + map[bool]string{true: "closed the connection", false: "answered with a TDS packet"}[closed] + "); no login was sent",
			Fix: "strict encryption needs SQL Server 2022 or later; for an older server use encrypt=true", Err: err}
	case !rec.strategy.Strict && closed:
		return &kind.Error{Kind: kind.ServerRefused, What: "server closed the connection without answering PRELOGIN",
			Why: "a server that accepts only TDS 8.0 (strict encryption) does this to a TDS 7.x client; no login was sent",
			Fix: "set encrypt=strict if the server requires strict encryption; otherwise check that it is a SQL Server", Err: err}
	}
	return nil
}

// isHangUp: the peer closed or reset the connection.
func isHangUp(err error) bool {
	msg := err.Error()
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(msg, "EOF") || strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe")
}

// pastDeadlineOf: the context's deadline has come (the connection's own
// deadline, set to the same instant, may fire before the context's timer).
func pastDeadlineOf(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// isTimeout: an I/O deadline passed.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || strings.Contains(err.Error(), "i/o timeout")
}
