package verify

import (
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// Resolve turns a parsed DSN into the Strategy of spec §2 (SQL Server) or §5
// (MySQL family), loading the trust material it names: trust stores, the
// JDK's default store file, ssl-ca bundles, the serverCertificate pin and
// client certificates. Every failure is a *kind.Error naming the key.
//
// cfg is first checked from its fields as Parse checks a DSN
// (dsn.Normalize), on a copy: a Config built as a struct, or changed after
// Parse, gets the checks and the messages Parse gives, and a setting with no
// key is named by its canonical key.
func Resolve(cfg *dsn.Config) (*Strategy, error) { return resolveWith(cfg, readFiles) }

// resolveWith is Resolve (m reads the files the configuration names) and
// Describe (m only names them).
func resolveWith(cfg *dsn.Config, m material) (*Strategy, error) {
	cfg, err := dsn.Normalize(cfg)
	if err != nil {
		return nil, err
	}
	var s *Strategy
	switch cfg.Family {
	case dsn.SQLServer:
		s, err = resolveSQLServer(cfg, m)
	case dsn.MySQL:
		s, err = resolveMySQL(cfg, m)
	default:
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unknown driver family", Value: string(cfg.Family)}
	}
	if err != nil {
		return nil, err
	}
	if s.Mode == ModeCAChain || s.Mode == ModeHostnameOverride {
		s.chains = &chainCache{}
	}
	return s, nil
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
