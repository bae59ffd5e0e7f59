package connector

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"strconv"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
	"github.com/dbtls/dbtls/verify"
)

// The escape hatches (options.go): a dialer, a password or access-token
// provider, trust anchors from code. None of them weakens a check: the
// dialer replaces only the raw TCP dial (the connection is wrapped as every
// other), the providers replace only where the secret comes from, and the
// anchors replace only the host's pool, for the strategies that validate a
// chain, never a trust store the DSN names.

// checkOptions refuses, at New, the options that conflict with the DSN or
// with each other, and reads WithRootCAsPEM's text. The backend checks the
// options of its family (WithAccessTokenFunc: sqlserver.go).
func (c *Connector) checkOptions() error {
	o := &c.opts
	if o.password != nil && c.cfg.Password != "" {
		return conflict("password", c.cfg.Password, "WithPasswordFunc", "the DSN holds a password and WithPasswordFunc provides one",
			"remove the password from the DSN, or do not give WithPasswordFunc")
	}
	r := &o.roots
	if r.given == 0 {
		return nil
	}
	if r.given > 1 {
		return conflict("", "", "WithRootCAs", "trust anchors are given twice (WithRootCAs, WithRootCAsPEM)", "give them once")
	}
	t := &c.cfg.TLS
	for _, s := range []struct {
		key, canonical string
		set            bool
		value          string
	}{
		{t.TrustStore.Key, "trustStore", t.TrustStore.Set, t.TrustStore.Value},
		{t.TrustStorePassword.Key, "trustStorePassword", t.TrustStorePassword.Set, t.TrustStorePassword.Value},
		{t.SSLCA.Key, "ssl-ca", t.SSLCA.Set, t.SSLCA.Value},
		{t.TrustCertKeyStoreURL.Key, "trustCertificateKeyStoreUrl", t.TrustCertKeyStoreURL.Set, t.TrustCertKeyStoreURL.Value},
		{t.TrustCertKeyStorePassword.Key, "trustCertificateKeyStorePassword", t.TrustCertKeyStorePassword.Set, t.TrustCertKeyStorePassword.Value},
	} {
		if s.set {
			key := kind.KeyOr(s.key, s.canonical)
			return conflict(key, s.value, "WithRootCAs", "the DSN names trust anchors ("+key+") and WithRootCAs gives others",
				"remove "+key+" from the DSN, or do not give WithRootCAs")
		}
	}
	if r.pem != nil {
		pool, err := parseRootsPEM(r.pem)
		if err != nil {
			return err
		}
		r.pool, r.pem = pool, nil
	}
	if r.pool == nil || r.pool.Equal(x509.NewCertPool()) {
		return &kind.Error{Kind: kind.TruststoreUnreadable, What: "no trust anchors in WithRootCAs", Key: "WithRootCAs",
			Why: "the pool is nil or holds no certificate", Fix: "add the CA certificates to the pool",
			Err: truststore.ErrUnreadable}
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

// parseRootsPEM reads WithRootCAsPEM's text: CERTIFICATE blocks only, each
// one a certificate, at least one.
func parseRootsPEM(b []byte) (*x509.CertPool, error) {
	bad := func(why string, err error) error {
		return &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot read the trust anchors of WithRootCAsPEM", Key: "WithRootCAsPEM",
			Why: why, Fix: "give PEM text of CERTIFICATE blocks", Err: errors.Join(truststore.ErrUnreadable, err)}
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		n++
		if blk.Type != "CERTIFICATE" {
			return nil, bad("PEM block "+strconv.Itoa(n)+" is a "+blk.Type+", not a CERTIFICATE", nil)
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, bad("PEM block "+strconv.Itoa(n)+" does not parse: "+err.Error(), err)
		}
		pool.AddCert(cert)
	}
	if n == 0 {
		return nil, bad("it holds no PEM block", nil)
	}
	return pool, nil
}

// resolve is verify.Resolve for the connector: the DSN's strategy, with
// WithRootCAs's anchors in place of the host's pool. New and Reload both
// take it, so a Reload keeps the anchors.
func (c *Connector) resolve() (*verify.Strategy, error) {
	pool := c.opts.roots.pool
	cfg := c.cfg
	if pool != nil && cfg.TLS.FallbackToSystemTrustStore.Set && !cfg.TLS.FallbackToSystemTrustStore.Value {
		// the anchors are given: the refusal of the host's pool is honoured,
		// not an error for want of anchors
		cfg = cfg.Clone()
		cfg.TLS.FallbackToSystemTrustStore = dsn.Setting[bool]{}
	}
	st, err := verify.Resolve(cfg)
	if err != nil || pool == nil {
		return st, err
	}
	switch st.Mode {
	case verify.ModeCAChain, verify.ModeHostnameOverride:
		st.Roots, st.Trust = pool, verify.Trust{Source: "option"}
	default:
		st.Warnings = append(st.Warnings, "WithRootCAs is ignored: "+rowName(st)+" validates no certificate chain")
	}
	return st, nil
}

func rowName(st *verify.Strategy) string {
	if st.Family == dsn.SQLServer {
		return "row " + st.Row
	}
	return "sslMode " + st.Row
}

// dialTCP is the raw TCP dial: WithDialer's dialer, or a net.Dialer.
func (o *options) dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	if o.dialer == nil {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return dialWith(ctx, o.dialer, network, addr)
}

// dialWith dials through a WithDialer dialer, which must return a
// connection or an error.
func dialWith(ctx context.Context, d Dialer, network, addr string) (net.Conn, error) {
	nc, err := d.DialContext(ctx, network, addr)
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
func providerError(option string, err error) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "the credential provider failed", Key: option,
		Why: "the function given to " + option + " returned an error: " + err.Error() + "; no login was sent",
		Fix: "check the secret store the provider reads", Err: err}
}
