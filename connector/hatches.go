package connector

import (
	"context"
	"net"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// The escape hatches (options.go): a dialer, a password or access-token
// provider, trust anchors from code. None of them weakens a check: the
// dialer replaces only the raw TCP dial (the connection is wrapped as every
// other), the providers replace only where the secret comes from, and the
// anchors replace only the host's pool, for the strategies that validate a
// chain, never a trust store the DSN names.

// checkOptions refuses, at New, the options that conflict with the DSN or
// with each other. The backend checks the options of its family
// (WithAccessTokenFunc: sqlserver.go); verify.Resolve checks the trust
// anchors given in code (WithRootCAs).
func (c *Connector) checkOptions() error {
	if c.opts.password != nil && c.cfg.Password != "" {
		return conflict("password", c.cfg.Password, "WithPasswordFunc", "the DSN holds a password and WithPasswordFunc provides one",
			"remove the password from the DSN, or do not give WithPasswordFunc")
	}
	return nil
}

// conflict is the error for an option that would override the DSN.
func conflict(key, value, option, why, fix string) error {
	what := option + " conflicts with the DSN"
	if key == "" {
		what = "conflicting options"
	}
	return &kind.Error{Kind: kind.InvalidDSN, What: what, Key: key, Value: kind.Redact(key, value), Why: why + "; dbtls never lets one silently override the other", Fix: fix}
}

// resolve is the connector's one resolve step, taken by New and Reload:
// verify.Resolve with the trust material given in code (WithRootCAs), so a
// Reload re-reads everything the DSN names and keeps what code gave; then
// the backend's prepare.
func (c *Connector) resolve() (*verify.Strategy, error) {
	st, err := verify.Resolve(c.cfg, c.opts.resolve...)
	if err == nil {
		err = c.be.prepare(st)
	}
	return st, err
}

// dialTCP is the raw TCP dial: WithDialer's dialer, which must return a
// connection or an error, or a net.Dialer.
func (o *options) dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	if o.dialer == nil {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	nc, err := o.dialer.DialContext(ctx, network, addr)
	if err == nil && nc == nil {
		err = &kind.Error{Kind: kind.Network, What: "the dialer of WithDialer returned no connection", At: addr, Why: "it returned neither a connection nor an error"}
	}
	return nc, err
}

// credential returns the password of one Connect: WithPasswordFunc's, or
// the DSN's.
func (c *Connector) credential(ctx context.Context) (string, error) {
	if c.opts.password == nil {
		return c.cfg.Password, nil
	}
	pw, err := c.opts.password(ctx)
	if err != nil {
		return "", providerError("WithPasswordFunc", err)
	}
	return pw, nil
}

// providerError: a password or token provider failed; nothing was sent.
// The connection string is not at fault, so the kind is not invalid-dsn:
// it is the provider's own when its error carries one, else network (a
// provider reads a secret store or a token endpoint, most often over the
// network).
func providerError(option string, err error) error {
	k := kind.Of(err)
	if k == "" {
		k = kind.Network
	}
	return &kind.Error{Kind: k, What: "the function given to " + option + " failed",
		Why: err.Error() + "; no login was sent",
		Fix: "check what the provider reads (a secret store, a token endpoint); the connection string is not at fault", Err: err}
}
