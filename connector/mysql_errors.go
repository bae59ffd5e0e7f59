package connector

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dbtls/dbtls/connector/internal/mysqlauth"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
)

// mapError: go-sql-driver's errors, and the cause it hides behind
// "invalid connection".
func (b *mySQL) mapError(ctx context.Context, err error, rec *record) error {
	return mapError(ctx, withIOCause(err, rec, mysql.ErrInvalidConn), rec, nil, mysqlError)
}

func mysqlError(err error, rec *record) error {
	var myErr *mysql.MySQLError
	rec.mu.Lock()
	alert := rec.tlsAlert
	rec.mu.Unlock()
	switch {
	case alert != nil && errors.Is(err, mysql.ErrInvalidConn):
		// a TLS alert after the handshake (the server refused what the
		// handshake gave it): spec §8's handshake-failed, not a hang-up
		return verify.ClassifyHandshake(fmt.Errorf("%w: %w", err, alert))
	case errors.Is(err, mysql.ErrNoTLS):
		return &kind.Error{Kind: kind.EncryptionNotSupported, What: "server does not support encryption", Key: "sslMode", Value: rec.strategy.Row,
			Why: "the server offers no TLS and " + rec.strategy.Row + " requires it",
			Fix: "enable TLS on the server (or, accepting plaintext, set " + rec.strategy.ModeFix(dsn.SSLPreferred) + ")", Err: err}
	case errors.Is(err, mysql.ErrCleartextPassword):
		return cleartextError(err, rec)
	case errors.As(err, &myErr):
		fix := refusalFixes[myErr.Number]
		if myErr.Number == 3159 {
			fix += ": set " + rec.strategy.ModeFix(dsn.SSLVerifyIdentity) + " (or at least " + rec.strategy.ModeFix(dsn.SSLRequired) + ")"
		}
		return &kind.Error{Kind: kind.ServerRefused, What: "server refused the connection", Why: kind.Foreign(myErr.Error()), Fix: fix, Err: err}
	case errors.Is(err, mysql.ErrInvalidConn) || err.Error() == "bad connection":
		// go-sql-driver's "invalid connection" and "bad connection" (its
		// unexported errBadConnNoWrite) during a connect: the server broke
		// off or never spoke the protocol
		return hungUp(err, rec)
	}
	return nil
}

// cleartextError: the server asked for mysql_clear_password and
// go-sql-driver stopped before writing the password (its advice,
// allowCleartextPasswords=1, would only meet the authentication guard on a
// connection without TLS). Without TLS, the guard's refusal: the final
// answer. With TLS, the password would cross inside it, and the one thing
// missing is go-sql-driver's consent.
func cleartextError(err error, rec *record) error {
	rec.mu.Lock()
	tlsDone := rec.handshake
	rec.mu.Unlock()
	st := rec.strategy
	if !tlsDone {
		e := mysqlauth.CleartextRefused(mysqlauth.Policy{Mode: st.Row, Disabled: st.Disabled, Verified: st.ModeFix(dsn.SSLVerifyIdentity), VerifiedCA: st.ModeFix(dsn.SSLVerifyCA)}, "mysql_clear_password").(*kind.Error)
		e.Err = err
		return e
	}
	fix := "set allowCleartextPasswords=true: the password then crosses in clear inside this TLS connection"
	if st.Mode == verify.ModeNone {
		fix += "; under sslMode " + st.Row + " the server's certificate is not checked, so set " + st.ModeFix(dsn.SSLVerifyIdentity) + " (or " + st.ModeFix(dsn.SSLVerifyCA) + ") first"
	}
	return &kind.Error{Kind: kind.HandshakeFailed, What: "cleartext password not sent",
		Why: "the server asked for the password in clear (mysql_clear_password) and go-sql-driver sends it only when allowed",
		Fix: fix, Err: err}
}

// refusalFixes are the fixes of the server's refusals that have one, by
// error number.
var refusalFixes = map[uint16]string{
	3159: "the server requires secure transport (require_secure_transport=ON)",
	1045: "check the user, the password, and any REQUIRE SSL / X509 / SUBJECT clause of the account (a client certificate: ssl-cert and ssl-key)",
}

// driverRefused is the error for a configuration go-sql-driver's
// NewConnector refuses: an unsafe collation with interpolateParams, a
// serverPubKey name that no mysql.RegisterServerPubKey registered.
func driverRefused(m *mysql.Config, err error) error {
	e := &kind.Error{Kind: kind.InvalidDSN, What: "go-sql-driver refused the configuration", Why: err.Error(), Err: err}
	switch {
	case m.ServerPubKey != "" && strings.Contains(err.Error(), "server pub key"):
		e.Key, e.Value = "serverPubKey", m.ServerPubKey
		e.Fix = "register the key with mysql.RegisterServerPubKey before New, or pin it with serverRSAPublicKeyFile"
	case m.InterpolateParams && m.Collation != "":
		e.Key, e.Value = "collation", m.Collation
		e.Fix = "use a collation that is safe with interpolateParams=true (e.g. utf8mb4_general_ci), or remove interpolateParams"
	}
	return e
}
