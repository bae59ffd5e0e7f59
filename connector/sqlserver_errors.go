package connector

import (
	"context"
	"errors"
	"strings"

	"github.com/dbtls/dbtls/kind"
	mssql "github.com/microsoft/go-mssqldb"
)

// mapError: go-mssqldb's errors, the server that closed without answering
// (tdsUnanswered), then the path taken (explainPath) names the instance or
// the routed hop.
func (b *sqlServer) mapError(ctx context.Context, err error, rec *record) error {
	return explainPath(mapError(ctx, withIOCause(err, rec, nil), rec, tdsUnanswered, sqlServerError), rec)
}

func sqlServerError(err error, _ *record) error {
	var msErr mssql.Error
	switch {
	case errors.As(err, &msErr):
		return &kind.Error{Kind: kind.ServerRefused, What: "server refused the connection", Why: kind.Foreign(msErr.Error()), Err: err}
	case strings.Contains(err.Error(), "server does not support encryption"):
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption", Why: kind.Foreign(err.Error()), Err: err}
	}
	return nil
}

// tdsUnanswered gives the two failures of spec §8 that neither driver names.
// A TDS 7.x client whose PRELOGIN the server closes on without a byte in
// answer met a server that accepts only TDS 8.0 (server-refused: set
// encrypt=strict). A strict client whose ClientHello the server closes on,
// or answers with a TDS packet, met a server without TDS 8.0
// (encryption-not-supported: SQL Server 2022 or later, or encrypt=true).
func tdsUnanswered(err error, rec *record) error {
	rec.mu.Lock()
	first, dialed, handshake := rec.firstByte, len(rec.hops) > 0, rec.handshake
	rec.mu.Unlock()
	closed := dialed && first < 0 && isHangUp(err)
	switch {
	case handshake: // TLS ran: the server answered
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
