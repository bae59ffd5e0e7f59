package verify

import (
	"net"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// Resolve turns a parsed DSN into the Strategy of spec §2 (SQL Server) or §5
// (MySQL family), loading the trust material it names: trust stores, the
// JDK's default store file, ssl-ca bundles, the serverCertificate pin and
// client certificates. Every failure is a *kind.Error naming the key.
func Resolve(cfg *dsn.Config) (*Strategy, error) {
	switch cfg.Family {
	case dsn.SQLServer:
		return resolveSQLServer(cfg)
	case dsn.MySQL:
		return resolveMySQL(cfg)
	}
	return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unknown driver family", Value: string(cfg.Family)}
}

// hostOf returns the host name to check and to send as SNI ("" SNI for an
// IP literal, which TLS does not allow).
func hostOf(cfg *dsn.Config) (expected, sni string) {
	h := cfg.Host
	if h == "" {
		h = "localhost"
	}
	if net.ParseIP(h) != nil {
		return h, ""
	}
	return h, h
}
