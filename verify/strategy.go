package verify

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"

	"github.com/dbtls/dbtls/dsn"
)

// Mode is how the server's certificate is judged.
type Mode int

// The four modes of the scenario table.
const (
	// ModeNone: no certificate validation at all (rows 1 and 2; MySQL
	// PREFERRED and REQUIRED, which still check validity dates, see
	// Strategy.CheckValidity).
	ModeNone Mode = iota
	// ModeCAChain: the leaf must chain to a trust anchor; the name checked is
	// the server host (rows 3, 5–7; MySQL VERIFY_CA with NameRules=NoName,
	// VERIFY_IDENTITY with MySQLNames).
	ModeCAChain
	// ModeHostnameOverride: as ModeCAChain, with the name taken from
	// hostNameInCertificate (rows 4, 8–10).
	ModeHostnameOverride
	// ModePin: the leaf must equal the serverCertificate file byte for byte
	// (row 11 with serverCertificate).
	ModePin
)

func (m Mode) String() string {
	switch m {
	case ModeNone:
		return "none"
	case ModeCAChain:
		return "ca-chain"
	case ModeHostnameOverride:
		return "hostname-override"
	case ModePin:
		return "pin"
	}
	return "invalid"
}

// NameRules says which name-matching rules of spec §3 apply.
type NameRules int

// The name rules.
const (
	NoName         NameRules = iota // no name check (MySQL VERIFY_CA, ModeNone, ModePin)
	SQLServerNames                  // Microsoft JDBC: CN first, then SAN DNS, then SAN IP
	MySQLNames                      // Connector/J: SANs when present, else CN
)

// Trust says where the trust anchors come from.
type Trust struct {
	Source string // "none", "system", "jks", "pkcs12", "pem", "der", "java-default"
	Path   string // the file, when Source names one
}

// String returns e.g. "system" or "jks:/etc/app/trust.jks".
func (t Trust) String() string {
	if t.Path == "" {
		return t.Source
	}
	return t.Source + ":" + t.Path
}

// Strategy is the resolved TLS behaviour for one DSN: a plain value that
// tests compare directly. TLSConfig turns it into a *tls.Config; nothing else
// does.
type Strategy struct {
	Family dsn.Family
	// Row is the scenario-table row for SQL Server ("1" … "11") or the
	// effective sslMode name for MySQL ("PREFERRED", …).
	Row  string
	Mode Mode

	// Encryption demands.
	Disabled    bool // no TLS at all (MySQL DISABLED, an empty tls-version list, SQL Server row 1 is NOT this)
	TLSRequired bool // the connection fails unless TLS is negotiated (rows 2–11, REQUIRED and above)
	Strict      bool // TDS 8.0: TLS before anything else, ALPN tds/8.0 (row 11)
	// LoginOnlyPossible: the server may answer ENCRYPT_OFF and only the
	// LOGIN7 packet is encrypted (row 1).
	LoginOnlyPossible bool

	// Certificate checks.
	NameRules     NameRules
	ExpectedName  string // the name the certificate must carry (NameRules != NoName)
	ServerName    string // tls.Config.ServerName: SNI (none for an IP literal) and the session-cache key
	CheckValidity bool   // check not-before/not-after even when Mode is ModeNone (MySQL family)
	Trust         Trust
	Roots         *x509.CertPool // nil with Trust.Source "system" means the host's pool
	// Anchors are Roots' certificates when they were read from a file (a
	// trust store, the JDK's default store file): for their expiry (spec
	// §7). Nil for the host's pool and for anchors given in code.
	Anchors []*x509.Certificate
	Pin     *x509.Certificate

	// Protocol.
	MinVersion   uint16   // 0: crypto/tls default
	MaxVersion   uint16   // 0: crypto/tls default
	CipherSuites []uint16 // TLS 1.2 suites; nil: crypto/tls default
	NextProtos   []string // ALPN, e.g. ["tds/8.0"] in strict mode

	// Mutual TLS.
	ClientCertificate *tls.Certificate

	// ServerRSAKey (MySQL family) is the server's RSA public key pinned by
	// serverRSAPublicKeyFile: without TLS, a password is encrypted to this
	// key only, never to one the server hands out.
	ServerRSAKey *rsa.PublicKey

	// Revocation holds the CRLs checked for every certificate of the
	// verified chain (ssl-crl, ssl-crlpath, certificateRevocationList); nil
	// when none is given (revocation.go).
	Revocation *Revocation

	// Warnings, each naming the property concerned.
	Warnings []string

	// chains caches chain verifications against Roots (chaincache.go): made
	// by Resolve, so a Reload starts from an empty one. A Strategy built by
	// hand has none and verifies every time.
	chains *chainCache

	// modeKey is the property that decided a MySQL-family mode, as the DSN
	// wrote it ("" when none did): ModeFix spells a fix with it.
	modeKey string

	// mariadb: the DSN is a jdbc:mariadb: URL, read in MariaDB
	// Connector/J's words, and ModeFix answers in them.
	mariadb bool

	// anchorKey is the property a message about an untrusted certificate
	// tells the user to set, in the vocabulary the DSN was written in
	// ("trustStore" when the Strategy is built by hand).
	anchorKey string

	// files: the files the material was read from (live.go).
	files []MaterialFile

	// described: made by Describe, with no trust material loaded; Check
	// refuses every chain.
	described bool
}

// EarliestAnchor returns the trust anchor read from a file that expires
// first, or nil when none was read (spec §7: explain shows it).
func (s *Strategy) EarliestAnchor() *x509.Certificate {
	var first *x509.Certificate
	for _, a := range s.Anchors {
		if first == nil || a.NotAfter.Before(first.NotAfter) {
			first = a
		}
	}
	return first
}
