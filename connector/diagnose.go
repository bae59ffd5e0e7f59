package connector

import (
	"context"
	"time"

	"github.com/dbtls/dbtls/verify"
)

// diagnoseTimeout bounds the diagnostic handshake, within what is left of
// the Connect's deadline.
const diagnoseTimeout = 10 * time.Second

// diagnose explains a handshake the server refused (verify.Diagnosable):
// it connects once more to the server the failed Connect reached last,
// through the same dial path (WithDialer's dialer, bound by the Connect's
// context), does what the protocol asks before TLS (MySQL's SSLRequest,
// TDS's PRELOGIN or TDS 8.0's TLS first) through the driver, and runs a
// diagnostic handshake (verify.DiagnosticTLSConfig) that offers everything
// crypto/tls implements and stops at the server's answer. No user name,
// password, token or client certificate is ever sent: the handshake never
// completes. verify.ExplainHandshake then says what the server insists on.
func (c *Connector) diagnose(ctx context.Context, rec *record, err error) error {
	st := rec.strategy
	if st.Disabled || !verify.Diagnosable(err) || ctx.Err() != nil {
		return err
	}
	rec.mu.Lock()
	dialed, shook, addr := len(rec.hops) > 0, rec.handshake, rec.info.Addr
	rec.mu.Unlock()
	if !dialed || shook || addr == "" {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, diagnoseTimeout)
	defer cancel()
	var d verify.Diagnosis
	a := &attempt{rec: newRecord(rec.info.ID, st), tls: verify.DiagnosticTLSConfig(st, &d)}
	derr := c.be.diagnose(ctx, a, addr)
	a.rec.release(false)
	a.rec.mu.Lock()
	hops := a.rec.hops
	a.rec.mu.Unlock()
	for _, w := range hops {
		w.Close()
	}
	if ok, _, _ := d.Answered(); !ok && (derr == nil || ctx.Err() != nil || !verify.Diagnosable(c.be.mapError(ctx, derr, a.rec))) {
		return err // the diagnostic learned nothing: out of time, or refused for another reason
	}
	return verify.ExplainHandshake(c.cfg, st, err, &d)
}
