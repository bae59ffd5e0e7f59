package dsn

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// The printers: FormatDSN writes a Config as a DSN of its shape; String and
// the other printers (fmt with any verb, JSON, text, slog) write the same
// with every secret redacted.

// String returns the DSN in its shape, written from the fields, with the
// password and every secret property replaced by kind.Redacted. It never
// shows a secret; fmt's %v, %+v and %#v print this form, for a Config and a
// *Config alike.
func (c Config) String() string { return c.format(true) }

// GoString is String, so that %#v does not show the password either.
func (c Config) GoString() string { return c.format(true) }

// LogValue is String, so that a Config given to log/slog as an attribute
// shows no secret (slog's JSONHandler would otherwise marshal its fields,
// the password among them).
func (c Config) LogValue() slog.Value { return slog.StringValue(c.format(true)) }

// MarshalJSON is String as a JSON string, for the same reason: a Config
// marshalled into a log record or a response shows no secret.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.format(true)) }

// FormatDSN returns the DSN in its shape, secrets included, written from
// the fields (go-sql-driver's Config.FormatDSN is the same idea): for a
// Config that Normalize accepts, Parse(c.FormatDSN()) holds what
// Normalize(c) holds, and for a Config Parse returned, what c holds.
// Properties keep the order and spelling they were read in while they still
// say what the fields hold; a property set or changed since is written with
// its canonical key and value.
func (c *Config) FormatDSN() string { return c.format(false) }

// Format makes every fmt verb print the redacted form: %v, %s, %q, %+v and
// %#v as String (quoted for %q), and the verbs that would otherwise print
// the fields one by one (%d, %t, %x, …) the same, so that no verb shows the
// password.
func (c Config) Format(f fmt.State, verb rune) {
	s := c.format(true)
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

func (c Config) format(redact bool) string {
	items := c.items(redact)
	user, pw := c.User, c.Password
	if redact && pw != "" {
		pw = kind.Redacted
	}
	for i, it := range items {
		if redact && it.value != "" && kind.IsSecretKey(it.key) {
			items[i].value = kind.Redacted
		}
		// The URL shapes and go-sql-driver's DSN write before '@' the user
		// and password that items do not write as parameters.
		switch it.mark.kind {
		case markUser:
			user = ""
		case markPassword:
			pw = ""
		}
	}
	switch c.shape() {
	case ShapeJDBCSQLServer:
		return c.formatJDBCSQLServer(items)
	case ShapeADO:
		return c.formatADO(items)
	case ShapeSQLServerURL:
		return c.formatSQLServerURL(user, pw, items)
	case ShapeMySQLGo:
		return c.formatMySQLGo(user, pw, items)
	default:
		return c.formatMySQLURL(user, pw, items)
	}
}

// shape is the shape FormatDSN writes: Shape, or the family's default.
func (c Config) shape() Shape {
	if _, ok := shapeFamily[c.Shape]; ok {
		return c.Shape
	}
	return cmp.Or(defaultShape[c.Family], ShapeMySQLGo)
}

// family is the family FormatDSN writes for: the shape's.
func (c Config) family() Family { return shapeFamily[c.shape()] }

// setting is Setting without methods, for printing.
type setting[T any] Setting[T]

// String prints the setting as fmt's %+v does, with the raw text and value
// replaced by kind.Redacted when it may hold a secret (hidden), so that
// printing one setting (cfg.TLS.TrustStorePassword) shows no secret either.
func (s Setting[T]) String() string {
	if s.hidden() {
		return fmt.Sprintf("{Key:%s Raw:%s Value:%s Set:%t}", s.Key, kind.Redacted, kind.Redacted, s.Set)
	}
	return fmt.Sprintf("%+v", setting[T](s))
}

// GoString is %#v with the same redaction.
func (s Setting[T]) GoString() string {
	if s.hidden() {
		return fmt.Sprintf("dsn.Setting{Key:%q, Raw:%q, Value:%q, Set:%t}", s.Key, kind.Redacted, kind.Redacted, s.Set)
	}
	return fmt.Sprintf("%#v", setting[T](s))
}

// hidden reports whether printing s shows kind.Redacted for its raw text
// and value: when its key names a secret, and — since a Setting does not
// know which field holds it — when it holds text under no key at all (a
// Config built as a struct: TLS.String redacts its secret fields by field).
func (s Setting[T]) hidden() bool {
	v, text := any(s.Value).(string)
	if kind.IsSecretKey(s.Key) {
		return s.Set || s.Raw != "" || v != ""
	}
	return s.Key == "" && text && (v != "" || s.Raw != "")
}

// tlsFields is TLS without methods, for printing.
type tlsFields TLS

// String prints the TLS settings as fmt's %+v prints the struct, with the
// raw text and value of the secret fields (trustStorePassword,
// trustCertificateKeyStorePassword, clientCertificateKeyStorePassword)
// replaced by kind.Redacted whatever their key.
func (t TLS) String() string { return fmt.Sprintf("%+v", tlsFields(t.redacted())) }

// GoString is %#v with the same redaction.
func (t TLS) GoString() string {
	return strings.Replace(fmt.Sprintf("%#v", tlsFields(t.redacted())), "dsn.tlsFields{", "dsn.TLS{", 1)
}

func (t TLS) redacted() TLS {
	for _, s := range []*Setting[string]{&t.TrustStorePassword, &t.TrustCertKeyStorePassword, &t.ClientKeyStorePassword} {
		if s.Raw != "" || s.Value != "" {
			s.Raw, s.Value = kind.Redacted, kind.Redacted
		}
	}
	return t
}

// The other printers of Setting, TLS, Config and Property: every one shows
// what String shows, on the value and on the pointer, so that no verb of
// fmt, no encoder (encoding/json, encoding/xml, log/slog's handlers) and no
// reader of a printed form sees a secret.

// Format prints String for every verb (GoString for %#v).
func (s Setting[T]) Format(f fmt.State, verb rune) {
	kind.WriteFormat(f, verb, s.String(), s.GoString())
}

// MarshalText is String.
func (s Setting[T]) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue is String.
func (s Setting[T]) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON writes the fields, the raw text and value replaced by
// kind.Redacted when String redacts them.
func (s Setting[T]) MarshalJSON() ([]byte, error) {
	if s.hidden() {
		return json.Marshal(struct {
			Key, Raw, Value string
			Set             bool
		}{s.Key, kind.Redacted, kind.Redacted, s.Set})
	}
	return json.Marshal(setting[T](s))
}

// Format prints String for every verb (GoString for %#v).
func (t TLS) Format(f fmt.State, verb rune) { kind.WriteFormat(f, verb, t.String(), t.GoString()) }

// MarshalText is String.
func (t TLS) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// LogValue is String.
func (t TLS) LogValue() slog.Value { return slog.StringValue(t.String()) }

// MarshalJSON writes the settings with the secret fields redacted, as
// String does.
func (t TLS) MarshalJSON() ([]byte, error) { return json.Marshal(tlsFields(t.redacted())) }

// MarshalText is String. (Config has no fmt.Formatter: its Format is the DSN
// writer; fmt's text verbs print String, and a Config is no number.)
func (c Config) MarshalText() ([]byte, error) { return []byte(c.format(true)), nil }

// shown is the value as every printer shows it: kind.Redacted when the key
// names a secret (an ignored keyStoreSecret holds one).
func (p Property) shown() Property {
	p.Value = kind.Redact(p.Key, p.Value)
	return p
}

// property is Property without methods, for printing.
type property Property

// String prints key=value, the value redacted when the key names a secret.
func (p Property) String() string { p = p.shown(); return p.Key + "=" + p.Value }

// GoString is %#v with the same redaction.
func (p Property) GoString() string {
	return strings.Replace(fmt.Sprintf("%#v", property(p.shown())), "dsn.property{", "dsn.Property{", 1)
}

// Format prints String for every verb (GoString for %#v).
func (p Property) Format(f fmt.State, verb rune) { kind.WriteFormat(f, verb, p.String(), p.GoString()) }

// MarshalText is String.
func (p Property) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// LogValue is String.
func (p Property) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON writes the key and the value, redacted as String redacts it.
func (p Property) MarshalJSON() ([]byte, error) { return json.Marshal(property(p.shown())) }
