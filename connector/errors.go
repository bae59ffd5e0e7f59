package connector

import (
	"errors"
	"io"
	"net"
	"strings"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
)

// mapError gives a driver's connection error the kind of spec §8, keeping
// the original with %w. The connection's own record is consulted first: the
// downgrade guard's refusal and the certificate verdict are more precise
// than what the drivers pass on (go-mssqldb flattens TLS errors with %v).
func mapError(err error, rec *record) error {
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
