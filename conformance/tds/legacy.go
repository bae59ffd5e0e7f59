package tds

import "crypto/tls"

// Legacy is the TLS side of an old SQL Server (2008 to 2014 before their
// TLS 1.2 updates, or a Windows whose Schannel keeps only old suites): what
// it serves, applied to a Config by Apply. The old certificates (SHA-1
// signed, 1024-bit RSA) are made with certgen (Spec.SignatureAlgorithm,
// Spec.RSABits) and given as Config.Certificate; every suite below needs an
// RSA certificate.
type Legacy struct {
	Name                   string
	MinVersion, MaxVersion uint16
	CipherSuites           []uint16
}

// LegacyProfiles are the old servers Go no longer connects to by default:
// each served without any GODEBUG setting (Config.CipherSuites).
var LegacyProfiles = []Legacy{
	{Name: "rsa-kx-only", MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_CBC_SHA, tls.TLS_RSA_WITH_AES_128_GCM_SHA256}},
	{Name: "tls10-only", MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10},
	{Name: "tls11-only", MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11},
	{Name: "3des-only", MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA}},
}

// Apply sets cfg to serve l, in TDS 7.x and TDS 8.0 alike.
func (l Legacy) Apply(cfg *Config) {
	cfg.MinVersion, cfg.MaxVersion7x, cfg.MaxVersionStrict, cfg.CipherSuites = l.MinVersion, l.MaxVersion, l.MaxVersion, l.CipherSuites
}
