package dsn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// invalid returns the invalid-dsn error for a bad value; a secret value is
// redacted before it is stored, so not even the Error struct holds it.
func invalid(key, value, what, why, fix string) *kind.Error {
	return &kind.Error{Kind: kind.InvalidDSN, What: what, Key: key, Value: kind.Redact(key, value), Why: why, Fix: fix}
}

// unshown replaces e's value with kind.Redacted when hide, saying so: text
// that does not read as what it should be may be part of a secret.
func unshown(e *kind.Error, hide bool) *kind.Error {
	if hide {
		e.Value, e.Why = kind.Redacted, e.Why+" (the text is not shown)"
	}
	return e
}

// fieldOps is how one field of TLS or MySQLAuth is read, written and
// checked. Every field is a typed[T]; the interface lets the table in
// keys.go hold fields of every value type.
type fieldOps interface {
	// read reads raw, written as key, into the field (Parse).
	read(c *Config, key, raw string) error
	// isSet reports whether the field is set.
	isSet(c *Config) bool
	// setting returns the address of the field's setting in c: two fields
	// of two vocabularies may fill the same one.
	setting(c *Config) any
	// display returns the key and the text FormatDSN writes for the field: the
	// key and raw text as written when they still say what the field holds,
	// else the canonical key or the value in its canonical form.
	display(c *Config, f *field) (key, raw string)
	// normalize checks the field of a Config that may have been built or
	// changed by hand (Normalize): a setting not Set holds nothing, a Key
	// spells the field, and the text display writes reads back as Value; it
	// leaves the setting as Parse reads that text.
	normalize(c *Config, f *field) error
}

// typed is a field whose value has type T.
type typed[T any] struct {
	get   func(c *Config) *Setting[T]
	parse func(key, raw string) (T, error)     // the text after key=, as Parse reads it
	text  func(key string, v T) (string, bool) // v written after key=; false when key has no word for v
	equal func(a, b T) bool
	// cannot says why a value does not survive being written (it reads back
	// as another value): spaces at its ends, an empty list item, …
	cannot string
}

func (t typed[T]) read(c *Config, key, raw string) error {
	v, err := t.parse(key, raw)
	if err != nil {
		return err
	}
	*t.get(c) = Setting[T]{Key: key, Raw: raw, Value: v, Set: true}
	return nil
}

func (t typed[T]) isSet(c *Config) bool { return t.get(c).Set }

func (t typed[T]) setting(c *Config) any { return t.get(c) }

func (t typed[T]) display(c *Config, f *field) (string, string) {
	s := t.get(c)
	key := s.Key
	if !f.spelt(key) {
		key = f.name
	}
	if v, err := t.parse(key, s.Raw); err == nil && t.equal(v, s.Value) {
		return key, s.Raw
	}
	if txt, ok := t.text(key, s.Value); ok {
		return key, txt
	}
	txt, _ := t.text(f.name, s.Value)
	return f.name, txt
}

func (t typed[T]) normalize(c *Config, f *field) error {
	s := t.get(c)
	if !s.Set {
		if s.Key != "" || s.Raw != "" || !t.equal(s.Value, *new(T)) {
			txt, _ := t.text(f.name, s.Value)
			return invalid(f.name, txt, "setting with a value but Set false", "a setting whose Set is false is blank, so its value would be ignored",
				"set Set to true (dsn.NewSetting), or clear the setting")
		}
		*s = Setting[T]{}
		return nil
	}
	if s.Key != "" && !f.spelt(s.Key) {
		return &kind.Error{Kind: kind.InvalidDSN, What: "setting whose key is not its property's", Key: f.name,
			Why: fmt.Sprintf("its Key %q is not a spelling of %s", s.Key, f.name),
			Fix: "leave Key empty, or write one of " + strings.Join(f.spellings, ", ")}
	}
	key, raw := t.display(c, f)
	v := s.Value
	if err := t.read(c, key, raw); err != nil {
		return err
	}
	if !t.equal(s.Value, v) {
		return invalid(key, raw, "value a DSN cannot hold", t.cannot, "fix the value of "+key)
	}
	return nil
}

func eq[T comparable](a, b T) bool { return a == b }

// always is a typed.text that has a word for every value, whatever the key.
func always[T any](text func(T) string) func(string, T) (string, bool) {
	return func(_ string, v T) (string, bool) { return text(v), true }
}

func encryptField(get func(c *Config) *Setting[Encrypt]) fieldOps {
	return typed[Encrypt]{get: get, parse: parseEncrypt, equal: eq[Encrypt], text: always(Encrypt.String)}
}

func boolField(get func(c *Config) *Setting[bool]) fieldOps {
	return typed[bool]{get: get, parse: parseBool, equal: eq[bool], text: always(strconv.FormatBool)}
}

// textField is a property whose value is text: without the spaces at its
// ends, or, for a secret (exact), exactly as written (a password may begin
// or end with spaces). check, when not nil, refuses a value that cannot be
// meant, in a DSN and in a struct (Normalize reads the value too).
func textField(get func(c *Config) *Setting[string], exact bool, check func(key, raw, v string) error) fieldOps {
	t := typed[string]{get: get, equal: eq[string], text: always(func(v string) string { return v }),
		parse: func(key, raw string) (string, error) {
			v := raw
			if !exact {
				v = strings.TrimSpace(raw)
			}
			if check == nil {
				return v, nil
			}
			return v, check(key, raw, v)
		}}
	if !exact {
		t.cannot = "it has spaces at its ends, which are not part of a value"
	}
	return t
}

// notEmpty refuses an empty value, saying why and how to fix it ($key in
// fix is the key as written): an empty hostNameInCertificate names no
// certificate name (spec §8).
func notEmpty(why, fix string) func(key, raw, v string) error {
	return func(key, raw, v string) error {
		if v == "" {
			return invalid(key, raw, "empty "+key, why, strings.ReplaceAll(fix, "$key", key))
		}
		return nil
	}
}

// storeURL checks a Connector/J key store URL (trustCertificateKeyStoreUrl,
// clientCertificateKeyStoreUrl): a path or a file: URL. Connector/J opens
// any java.net.URL (https:, jar:, …); dbtls reads files only, and says so
// at parse time rather than "cannot read the file" at load. Only the scheme
// is shown: the rest may hold user:password@.
func storeURL(key, _, v string) error {
	if scheme, ok := urlScheme(v); ok && !strings.EqualFold(scheme, "file") {
		return &kind.Error{Kind: kind.InvalidDSN, What: "key store URL that dbtls cannot read", Key: key, Value: scheme + ":…",
			Why: "dbtls reads only file: URLs and paths (Connector/J would open " + scheme + ": URLs; the rest is not shown)",
			Fix: "copy the store to a file and set " + key + " to its path or a file: URL"}
	}
	return nil
}

// urlScheme returns the scheme of a URL written scheme:…, of two characters
// or more (C:\store.jks is a Windows path, not a URL).
func urlScheme(v string) (string, bool) {
	i := strings.IndexByte(v, ':')
	if i < 2 {
		return "", false
	}
	for j, r := range v[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "", false
		}
	}
	return v[:i], true
}

// listField splits on any of seps and trims; an empty value is a set, empty
// list.
func listField(seps string, get func(c *Config) *Setting[[]string]) fieldOps {
	return typed[[]string]{get: get,
		parse: func(_, raw string) ([]string, error) {
			list := []string{}
			for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
				if f = strings.TrimSpace(f); f != "" {
					list = append(list, f)
				}
			}
			return list, nil
		},
		text:  always(func(v []string) string { return strings.Join(v, seps[:1]) }),
		equal: func(a, b []string) bool { return slices.Equal(a, b) },
		cannot: "a list item is empty, has spaces at its ends or holds one of the separators " +
			strings.Join(strings.Split(seps, ""), " ")}
}

func parseEncrypt(key, raw string) (Encrypt, error) {
	switch v := strings.TrimSpace(raw); {
	case lowerIs(v, "false", "no", "optional"):
		return EncryptFalse, nil
	case lowerIs(v, "true", "yes", "mandatory"):
		return EncryptTrue, nil
	case lowerIs(v, "strict"):
		return EncryptStrict, nil
	case lowerIs(v, "disable"):
		return 0, invalid(key, raw, "invalid encrypt value", "go-mssqldb's encrypt=disable (no TLS even for the login) is not one of the scenario table's values; the weakest is false (TLS for the login only)", "set "+key+" to false, true or strict")
	}
	return 0, invalid(key, raw, "invalid encrypt value", "want false (no, optional), true (yes, mandatory) or strict", "set "+key+" to one of those")
}

// parseBool accepts, in any case, true/false (mssql-jdbc accepts only
// these), yes/no (Connector/J accepts these too) and 1/0 (go-mssqldb's and
// go-sql-driver's own DSNs accept these). None of them is ambiguous.
func parseBool(key, raw string) (bool, error) {
	switch v := strings.TrimSpace(raw); {
	case lowerIs(v, "true", "yes", "1"):
		return true, nil
	case lowerIs(v, "false", "no", "0"):
		return false, nil
	}
	return false, invalid(key, raw, "invalid boolean value", "want true or false", "set "+key+" to true or false")
}

// sslModes maps accepted spellings to modes, in any case and with '-' or
// '_': MySQL's and Connector/J's names (DISABLED … VERIFY_IDENTITY, which
// MariaDB Connector/J accepts too) and MariaDB Connector/J's own (disable,
// trust, verify-ca, verify-full). MariaDB's true/false/1/0 are not accepted:
// they do not say which check is meant.
var sslModes = map[string]SSLMode{
	"disabled": SSLDisabled, "preferred": SSLPreferred, "required": SSLRequired,
	"verify_ca": SSLVerifyCA, "verify-ca": SSLVerifyCA, "verify_identity": SSLVerifyIdentity, "verify-identity": SSLVerifyIdentity,
	"disable": SSLDisabled, "trust": SSLRequired, "verify_full": SSLVerifyIdentity, "verify-full": SSLVerifyIdentity,
}

// goSQLDriverTLS are go-sql-driver's own words for the modes it has, as its
// tls= parameter writes them: false → DISABLED, preferred → PREFERRED,
// skip-verify → REQUIRED, true → VERIFY_IDENTITY. It has none for
// VERIFY_CA.
var goSQLDriverTLS = map[SSLMode]string{SSLDisabled: "false", SSLPreferred: "preferred", SSLRequired: "skip-verify", SSLVerifyIdentity: "true"}

func sslModeField(get func(c *Config) *Setting[SSLMode]) fieldOps {
	return typed[SSLMode]{get: get, parse: parseSSLMode, equal: eq[SSLMode],
		text: ModeValue}
}

// ModeValue returns the text that sets mode v under key, as FormatDSN writes
// it: go-sql-driver's own word for tls= (false, preferred, skip-verify,
// true; it has none for VERIFY_CA: ok is false), the sslMode name
// otherwise.
func ModeValue(key string, v SSLMode) (string, bool) {
	if strings.EqualFold(key, "tls") {
		w, ok := goSQLDriverTLS[v]
		return w, ok
	}
	if v < SSLDisabled || v > SSLVerifyIdentity {
		return strconv.Itoa(int(v)), true
	}
	return v.String(), true
}

// parseSSLMode reads sslMode and its aliases, and go-sql-driver's tls=
// (0 and 1 for false and true, as it reads them). A registered configuration
// name for tls= cannot be honoured (dbtls never uses the global registry)
// and is an error.
func parseSSLMode(key, raw string) (SSLMode, error) {
	v := strings.TrimSpace(raw)
	if strings.EqualFold(key, "tls") {
		switch {
		case v == "0":
			return SSLDisabled, nil
		case v == "1":
			return SSLVerifyIdentity, nil
		}
		for m, w := range goSQLDriverTLS {
			if lowerIs(v, w) {
				return m, nil
			}
		}
		why := "dbtls does not read configurations registered with mysql.RegisterTLSConfig; want false, preferred, skip-verify or true"
		if lowerIs(v, "tidb") {
			why = "tidb is the name TiDB Cloud's Go example registers with mysql.RegisterTLSConfig (its server name and the system roots), which dbtls does not read"
		}
		return 0, invalid(key, raw, "invalid tls value", why, "write tls=true instead: it verifies the server's certificate and name against the system roots; add ssl-ca=<CA file> for a private CA")
	}
	var buf [32]byte
	m, ok := sslModes[string(appendLower(buf[:0], v))]
	if !ok {
		return 0, invalid(key, raw, "invalid sslMode value", "want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY (or MariaDB's disable, trust, verify-ca, verify-full)", "set "+key+" to one of those")
	}
	return m, nil
}
