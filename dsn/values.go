package dsn

import (
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// invalid returns the invalid-dsn error for a bad value; a secret value is
// redacted before it is stored, so not even the Error struct holds it.
func invalid(key, value, what, why, fix string) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: what, Key: key, Value: kind.Redact(key, value), Why: why, Fix: fix}
}

func setEncrypt(s *Setting[Encrypt], key, raw string) error {
	var v Encrypt
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "false", "no", "optional":
		v = EncryptFalse
	case "true", "yes", "mandatory":
		v = EncryptTrue
	case "strict":
		v = EncryptStrict
	case "disable":
		return invalid(key, raw, "invalid encrypt value", "go-mssqldb's encrypt=disable (no TLS even for the login) is not one of the scenario table's values; the weakest is false (TLS for the login only)", "set "+key+" to false, true or strict")
	default:
		return invalid(key, raw, "invalid encrypt value", "want false (no, optional), true (yes, mandatory) or strict", "set "+key+" to one of those")
	}
	*s = Setting[Encrypt]{Key: key, Raw: raw, Value: v, Set: true}
	return nil
}

// parseBool accepts, in any case, true/false (mssql-jdbc accepts only
// these), yes/no (Connector/J accepts these too) and 1/0 (go-mssqldb's and
// go-sql-driver's own DSNs accept these). None of them is ambiguous.
func parseBool(raw string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	return false, false
}

func setBool(s *Setting[bool], key, raw string) error {
	v, ok := parseBool(raw)
	if !ok {
		return invalid(key, raw, "invalid boolean value", "want true or false", "set "+key+" to true or false")
	}
	*s = Setting[bool]{Key: key, Raw: raw, Value: v, Set: true}
	return nil
}

func setString(s *Setting[string], key, raw string) error {
	*s = Setting[string]{Key: key, Raw: raw, Value: strings.TrimSpace(raw), Set: true}
	return nil
}

// setSecret keeps the value exactly (a password may begin or end with spaces).
func setSecret(s *Setting[string], key, raw string) error {
	*s = Setting[string]{Key: key, Raw: raw, Value: raw, Set: true}
	return nil
}

// setList splits on any of seps and trims; an empty value is a set, empty list.
func setList(s *Setting[[]string], key, raw, seps string) error {
	list := []string{}
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if f = strings.TrimSpace(f); f != "" {
			list = append(list, f)
		}
	}
	*s = Setting[[]string]{Key: key, Raw: raw, Value: list, Set: true}
	return nil
}

// sslModes maps accepted spellings to modes, in any case and with '-' or
// '_': MySQL's and Connector/J's names (DISABLED … VERIFY_IDENTITY, which
// MariaDB Connector/J accepts too) and MariaDB Connector/J's own (disable,
// trust, verify-ca, verify-full). MariaDB's true/false/1/0 are not accepted:
// they do not say which check is meant.
var sslModes = map[string]SSLMode{
	"disabled": SSLDisabled, "preferred": SSLPreferred, "required": SSLRequired,
	"verify_ca": SSLVerifyCA, "verify_identity": SSLVerifyIdentity,
	"disable": SSLDisabled, "trust": SSLRequired, "verify_full": SSLVerifyIdentity,
}

func setSSLMode(s *Setting[SSLMode], key, raw string) error {
	m, ok := sslModes[strings.ReplaceAll(strings.ToLower(strings.TrimSpace(raw)), "-", "_")]
	if !ok {
		return invalid(key, raw, "invalid sslMode value", "want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY (or MariaDB's disable, trust, verify-ca, verify-full)", "set "+key+" to one of those")
	}
	*s = Setting[SSLMode]{Key: key, Raw: raw, Value: m, Set: true}
	return nil
}

// setGoSQLDriverTLS maps go-sql-driver's own tls= parameter onto sslMode:
// false → DISABLED, preferred → PREFERRED, skip-verify → REQUIRED,
// true → VERIFY_IDENTITY. A registered configuration name cannot be honoured
// (dbtls never uses the global registry) and is an error.
func setGoSQLDriverTLS(t *TLS, key, raw string) error {
	var m SSLMode
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "false", "0":
		m = SSLDisabled
	case "preferred":
		m = SSLPreferred
	case "skip-verify":
		m = SSLRequired
	case "true", "1":
		m = SSLVerifyIdentity
	default:
		return invalid(key, raw, "invalid tls value", "dbtls does not use go-sql-driver's registered TLS configurations; want false, preferred, skip-verify or true", "use sslMode with ssl-ca or a trust store instead")
	}
	t.SSLMode = Setting[SSLMode]{Key: key, Raw: raw, Value: m, Set: true}
	return nil
}
