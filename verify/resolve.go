package verify

import (
	"crypto/x509"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// Resolve turns a configuration into the Strategy of spec §2 (SQL Server)
// or §5 (MySQL family), loading the trust material it names through package
// truststore: trust stores, the JDK's default store file, ssl-ca bundles,
// the serverCertificate pin, client certificates and the server's RSA public
// key; options add trust material given in code (WithRootCAs). Every failure
// is a *kind.Error naming the key (or the option).
//
// A Config that dsn.Parse or dsn.Normalize returned (cfg.Normalized()) is
// used as it is: its checks ran once, where it was made. Any other Config —
// built as a struct — is first checked from its fields by dsn.Normalize, on
// a copy, and gets the messages Parse gives; a Config changed after Parse
// should go through dsn.Normalize again before it is resolved.
func Resolve(cfg *dsn.Config, opts ...Option) (*Strategy, error) {
	return newResolver(true, opts).resolve(cfg)
}

// Describe says what a configuration means, as Resolve does, without reading
// any file: the row, the mode, whether TLS is required, the expected name and
// name rules, where the trust anchors come from (Trust; a store path is
// Source "store" with the path as written, its format being known only once
// read; the JDK's default store file is found, not read), versions, cipher
// suites, ALPN and the warnings. Roots, Pin, ClientCertificate and
// ServerRSAKey stay nil.
//
// Its error is a configuration error, the one Resolve gives for the same
// reason. The errors that only reading the files can find (kind
// truststore-unreadable, truststore-integrity, a pin that does not parse)
// are Resolve's alone: dbtls explain calls Describe, then Resolve, and shows
// Resolve's error beside the description.
//
// A described Strategy cannot judge a certificate: Check (and so a
// tls.Config from TLSConfig) refuses every chain with kind handshake-failed.
func Describe(cfg *dsn.Config, opts ...Option) (*Strategy, error) {
	s, err := newResolver(false, opts).resolve(cfg)
	if err != nil {
		return nil, err
	}
	s.described = true
	return s, nil
}

// resolver is one Resolve or Describe: whether it reads the files the
// configuration names (read) or only names them, and the options.
type resolver struct {
	read bool
	settings

	files []MaterialFile // every file read, noted before (live.go)
	prev  *Strategy      // Refresh: the material a failed load keeps
	kept  []Kept         // Refresh: the failed loads that kept prev's

	anchorCerts []*x509.Certificate // the trust anchors read from a file, for the CRLs' signatures
}

func newResolver(read bool, opts []Option) *resolver {
	r := &resolver{read: read}
	for _, o := range opts {
		o(&r.settings)
	}
	return r
}

func (r *resolver) resolve(cfg *dsn.Config) (*Strategy, error) {
	if !cfg.Normalized() {
		var err error
		if cfg, err = dsn.Normalize(cfg); err != nil {
			return nil, err
		}
	}
	if err := r.checkRoots(cfg); err != nil {
		return nil, err
	}
	var s *Strategy
	var err error
	switch cfg.Family {
	case dsn.SQLServer:
		s, err = r.resolveSQLServer(cfg)
	case dsn.MySQL:
		s, err = r.resolveMySQL(cfg)
	default:
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unknown driver family", Value: string(cfg.Family)}
	}
	if err != nil {
		return nil, err
	}
	if err := r.revocation(cfg, s); err != nil { // revocation.go
		return nil, err
	}
	chainChecked := s.Mode == ModeCAChain || s.Mode == ModeHostnameOverride
	if r.roots != nil && !chainChecked {
		s.Warnings = append(s.Warnings, r.rootsKey+" is ignored: "+rowName(s)+" validates no certificate chain")
	}
	if chainChecked && r.read {
		s.chains = &chainCache{}
	}
	s.files, s.Anchors = r.files, r.anchorCerts
	return s, nil
}

// rowName names the strategy's row for a message: "row 2", "sslMode REQUIRED".
func rowName(s *Strategy) string {
	if s.Family == dsn.SQLServer {
		return "row " + s.Row
	}
	return "sslMode " + s.Row
}

// hostOf returns the host name to check and the tls.Config ServerName. The
// ServerName is the host even for an IP literal (spec §2.1): crypto/tls never
// sends an IP literal as SNI (RFC 6066), but it keys its session cache by
// ServerName and, without one, by the connection's RemoteAddr — which
// go-mssqldb's handshake wrapper does not have (a nil dereference inside
// crypto/tls for every TLS connection to an IP host).
func hostOf(cfg *dsn.Config) (expected, serverName string) {
	h := cfg.Host
	if h == "" {
		h = "localhost"
	}
	return h, h
}
