package verify

import (
	"crypto/tls"
	"fmt"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// sqlServerRows gives rows 3–10 of the scenario table by which of
// hostNameInCertificate, trustStore and trustStorePassword are set.
var sqlServerRows = map[[3]bool]string{
	// {hostNameInCertificate, trustStore, trustStorePassword}
	{false, false, false}: "3",
	{true, false, false}:  "4",
	{false, true, true}:   "5",
	{false, false, true}:  "6",
	{false, true, false}:  "7",
	{true, false, true}:   "8",
	{true, true, false}:   "9",
	{true, true, true}:    "10",
}

func (r *resolver) resolveSQLServer(cfg *dsn.Config) (*Strategy, error) {
	t := &cfg.TLS
	if err := refuseMySQLKeys(t); err != nil {
		return nil, err
	}
	expected, sni := hostOf(cfg)
	s := &Strategy{Family: dsn.SQLServer, ServerName: sni, Trust: Trust{Source: "none"}}
	if t.SSLProtocol.Set {
		min, max, warn, err := parseSSLProtocol(t.SSLProtocol.Key, t.SSLProtocol.Value)
		if err != nil {
			return nil, err
		}
		s.MinVersion, s.MaxVersion = min, max
		s.Warnings = append(s.Warnings, warn...)
	}
	enc := t.Encrypt.Value
	if !t.Encrypt.Set {
		s.Warnings = append(s.Warnings, "encrypt is not set: following the documented scenario table it means false (mssql-jdbc 10+ would default to true, go-mssqldb would also trust any certificate); set encrypt=true to require TLS")
	}
	if enc != dsn.EncryptStrict && s.MinVersion == tls.VersionTLS13 {
		s.Warnings = append(s.Warnings, t.SSLProtocol.Key+"="+t.SSLProtocol.Raw+" outside encrypt=strict: SQL Server does not speak TLS 1.3 inside TDS 7.x (encrypt=false or true), so this connection will fail against it; "+
			"set encrypt=strict (TDS 8.0, SQL Server 2022 and later) for TLS 1.3, or "+t.SSLProtocol.Key+"=TLSv1.2")
	}
	if enc != dsn.EncryptStrict && t.ServerCertificate.Set {
		s.Warnings = append(s.Warnings, t.ServerCertificate.Key+" is ignored outside encrypt=strict, as in Microsoft JDBC")
	}
	switch {
	case enc == dsn.EncryptFalse: // row 1
		s.Row, s.Mode, s.LoginOnlyPossible = "1", ModeNone, true
		s.Warnings = append(s.Warnings, "no certificate validation at all: TLS only as the server asks (encrypt=false); set encrypt=true to require and validate TLS")
		return s, nil
	case enc == dsn.EncryptTrue && t.TrustServerCertificate.Value: // row 2
		s.Row, s.Mode, s.TLSRequired = "2", ModeNone, true
		s.Warnings = append(s.Warnings, t.TrustServerCertificate.Key+"=true: TLS is required but the server's certificate is not validated at all")
		return s, nil
	}
	s.TLSRequired = true
	if enc == dsn.EncryptStrict {
		s.Row, s.Strict, s.NextProtos = "11", true, []string{"tds/8.0"}
		if t.TrustServerCertificate.Value {
			s.Warnings = append(s.Warnings, t.TrustServerCertificate.Key+"=true is ignored with encrypt=strict (treated as false), as in Microsoft JDBC")
		}
		if t.ServerCertificate.Set {
			pin, err := r.pin(t.ServerCertificate)
			if err != nil {
				return nil, err
			}
			s.Mode, s.Pin, s.Trust = ModePin, pin, Trust{Source: "pin", Path: t.ServerCertificate.Value}
			return s, nil
		}
	}
	row := sqlServerRows[[3]bool{t.HostNameInCertificate.Set, t.TrustStore.Set, t.TrustStorePassword.Set}]
	if s.Row == "" {
		s.Row = row
	}
	s.Mode, s.NameRules, s.ExpectedName = ModeCAChain, SQLServerNames, expected
	if t.HostNameInCertificate.Set {
		s.Mode, s.ExpectedName = ModeHostnameOverride, t.HostNameInCertificate.Value
	}
	a := anchors{t.TrustStore, t.TrustStoreType, t.TrustStorePassword, jdbcAnchorKeys}
	s.anchorKey = anchorKey(cfg.Shape, a)
	roots, trust, err := r.anchors(a)
	if err != nil {
		return nil, err
	}
	s.Roots, s.Trust = roots, trust
	switch {
	case t.TrustStoreType.Set && !t.TrustStore.Set && !t.TrustStorePassword.Set:
		s.Warnings = append(s.Warnings, t.TrustStoreType.Key+" is ignored without trustStore or trustStorePassword")
	case t.TrustStoreType.Set && t.TrustStoreType.Value == "":
		// mssql-jdbc 13.4 connects with the store (conformance/sqlserver
		// TestEmptyTLSValuesMssqlJdbc): accepted, named (spec §8).
		s.Warnings = append(s.Warnings, t.TrustStoreType.Key+" is empty: the store's format is read from its content, as if it were not given; remove "+t.TrustStoreType.Key)
	}
	return s, nil
}

// refuseMySQLKeys: MySQL-only TLS properties mean nothing to SQL Server.
func refuseMySQLKeys(t *dsn.TLS) error {
	for _, k := range []struct {
		key string
		set bool
	}{
		{t.SSLMode.Key, t.SSLMode.Set}, {t.UseSSL.Key, t.UseSSL.Set}, {t.RequireSSL.Key, t.RequireSSL.Set},
		{t.VerifyServerCertificate.Key, t.VerifyServerCertificate.Set}, {t.SSLCA.Key, t.SSLCA.Set},
		{t.TrustCertKeyStoreURL.Key, t.TrustCertKeyStoreURL.Set}, {t.TrustCertKeyStorePassword.Key, t.TrustCertKeyStorePassword.Set},
		{t.TrustCertKeyStoreType.Key, t.TrustCertKeyStoreType.Set}, {t.FallbackToSystemTrustStore.Key, t.FallbackToSystemTrustStore.Set},
		{t.SSLCert.Key, t.SSLCert.Set}, {t.SSLKey.Key, t.SSLKey.Set}, {t.ClientKeyStoreURL.Key, t.ClientKeyStoreURL.Set},
		{t.ClientKeyStorePassword.Key, t.ClientKeyStorePassword.Set}, {t.ClientKeyStoreType.Key, t.ClientKeyStoreType.Set},
		{t.TLSVersions.Key, t.TLSVersions.Set}, {t.Ciphers.Key, t.Ciphers.Set}, {t.TLS13Suites.Key, t.TLS13Suites.Set},
	} {
		if k.set {
			return &kind.Error{Kind: kind.InvalidDSN, What: "MySQL property on a SQL Server DSN", Key: k.key,
				Why: fmt.Sprintf("%s belongs to the MySQL vocabulary", k.key),
				Fix: "use the SQL Server properties: encrypt, trustServerCertificate, trustStore, trustStorePassword, hostNameInCertificate, serverCertificate, sslProtocol"}
		}
	}
	return nil
}
