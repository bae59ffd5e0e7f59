package dsn

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// What Format writes after where to connect is a list of items, from the
// fields. A Config that Parse returned remembers, in layout, the order and
// spelling its properties were written in; Format follows it while it still
// says what the fields hold, and writes what it does not cover (a setting
// set or changed since, a Config built as a struct) with canonical keys
// after it. layout is display only: Normalize rewrites it as the items
// Format writes, and nothing reads it for meaning.

// markKind says what a mark stands for.
type markKind int

const (
	markField     markKind = iota // a field of TLS or MySQLAuth
	markParam                     // a key=value that set parameters of the driver
	markIgnored                   // a property of Ignored
	markUser                      // MySQL: the user, written as a parameter
	markPassword                  // the password, written as a property or parameter
	markAuthority                 // go-sql-driver's DSN: the user and password written before '@'
)

// mark is one property in the order it was written.
type mark struct {
	kind     markKind
	field    string     // markField: the field's canonical key
	key, raw string     // markParam, markIgnored: as written; markUser, markPassword: the key as written
	params   []Property // markParam: what it set in Params (name, value)
}

// slot is what items has written: a field or parameter by name, a property
// of Ignored by index, the user or the password.
type slot struct {
	kind markKind
	name string
	i    int
}

func (m mark) equal(o mark) bool {
	return m.kind == o.kind && m.field == o.field && m.key == o.key && m.raw == o.raw && slices.Equal(m.params, o.params)
}

// slotSet is a small set of slots (a Config has a few dozen properties at
// most).
type slotSet []slot

func (s slotSet) has(x slot) bool { return slices.Contains(s, x) }
func (s *slotSet) add(x slot)     { *s = append(*s, x) }

// item is one key=value Format writes, and the mark it leaves.
type item struct {
	key, value string
	mark       mark
}

// items lists what Format writes after where to connect: first in the
// order of layout, the properties it names whose fields still hold what it
// says (a parameter written as applicationName=billing stays so while
// Params["app name"] is billing; a setting is written from its field, in
// the key it was read with); then the rest in a canonical order — the
// fields of TLS and MySQLAuth as declared, Params by key, Ignored — with the
// secrets last. On a MySQL DSN a session variable right after a secret is
// refused by Parse (it may be the rest of the secret), so none is written
// there.
//
// In go-sql-driver's DSN the password is written before '@' when it was
// read there and still reads back from there, else as a parameter; with
// redact (String) it stays where it was read, so that where it is shown
// never depends on what it holds.
func (c Config) items(redact bool) []item {
	out := make([]item, 0, len(c.layout)+len(c.Params)+4)
	var doneBuf [24]slot
	done := slotSet(doneBuf[:0])
	fieldItem := func(f *field) item {
		k, v := f.ops.display(&c, f)
		return item{k, v, mark{kind: markField, field: f.name}}
	}
	paramItem := func(k string) item {
		v := c.Params[k]
		return item{k, v, mark{kind: markParam, key: k, raw: v, params: []Property{{k, v}}}}
	}
	authItem := func(m mark) item {
		switch {
		case m.kind == markUser && m.key == "":
			m.key = "user"
		case m.key == "":
			m.key = "password"
		}
		if m.kind == markUser {
			return item{m.key, c.User, m}
		}
		return item{m.key, c.Password, m}
	}
	for _, m := range c.layout {
		switch m.kind {
		case markField:
			if f := fieldByName[m.field]; f != nil && f.ops.isSet(&c) && !done.has(slot{markField, f.name, 0}) {
				done.add(slot{markField, f.name, 0})
				out = append(out, fieldItem(f))
			}
		case markUser, markPassword:
			if k := (slot{kind: m.kind}); (c.family() == MySQL || m.kind == markPassword) && !done.has(k) {
				done.add(k)
				out = append(out, authItem(m))
			}
		case markParam:
			holds := true
			for _, p := range m.params {
				if v, ok := c.Params[p.Key]; !ok || v != p.Value || done.has(slot{markParam, p.Key, 0}) {
					holds = false
				}
			}
			if holds {
				for _, p := range m.params {
					done.add(slot{markParam, p.Key, 0})
				}
				out = append(out, item{m.key, m.raw, m})
				continue
			}
			for _, p := range m.params {
				if _, ok := c.Params[p.Key]; ok && !done.has(slot{markParam, p.Key, 0}) {
					done.add(slot{markParam, p.Key, 0})
					out = append(out, paramItem(p.Key))
				}
			}
		case markIgnored:
			for i, p := range c.Ignored {
				if k := (slot{markIgnored, "", i}); !done.has(k) && p.Key == m.key && p.Value == m.raw {
					done.add(k)
					out = append(out, item{p.Key, p.Value, m})
					break
				}
			}
		}
	}
	start := len(out) // what layout does not place, in a canonical order
	if c.shape() == ShapeMySQLGo {
		// go-sql-driver's DSN cannot hold every user and password before '@'.
		user := c.User
		if k := (slot{kind: markUser}); done.has(k) {
			user = ""
		} else if c.User != "" && !c.authorityUser() {
			done.add(k)
			user = ""
			out = append(out, authItem(mark{kind: markUser}))
		}
		if k := (slot{kind: markPassword}); !done.has(k) && c.Password != "" &&
			!c.authorityPassword(user, redact) {
			done.add(k)
			out = append(out, authItem(mark{kind: markPassword}))
		}
	}
	for _, f := range fields {
		if f.ops.isSet(&c) && !done.has(slot{markField, f.name, 0}) {
			out = append(out, fieldItem(f))
		}
	}
	for _, k := range sortedKeys(c.Params) {
		if !done.has(slot{markParam, k, 0}) {
			out = append(out, paramItem(k))
		}
	}
	for i, p := range c.Ignored {
		if !done.has(slot{markIgnored, "", i}) {
			out = append(out, item{p.Key, p.Value, mark{kind: markIgnored, key: p.Key, raw: p.Value}})
		}
	}
	// Secrets last, and among them those dbtls does not know first (only a
	// Config built by hand has them, and they are refused): Parse words the
	// error of a property after a secret differently, as it may be the
	// secret's rest.
	rank := func(it item) int {
		switch {
		case !kind.IsSecretKey(it.key):
			return 0
		case !knownKey(it.key):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out[start:], func(a, b item) int { return cmp.Compare(rank(a), rank(b)) })
	if k := (slot{kind: markPassword}); !done.has(k) && c.Password != "" && (c.shape() == ShapeJDBCSQLServer || c.shape() == ShapeADO) {
		// The JDBC and ADO shapes write the password as a property: last, so
		// that no property follows it (Parse words the error of a property
		// after a secret differently, as it may be the secret's rest).
		out = append(out, authItem(mark{kind: markPassword}))
	}
	if c.family() == MySQL {
		for i := 1; i < len(out); i++ {
			if kind.IsSecretKey(out[i-1].key) && !kind.IsSecretKey(out[i].key) && !knownKey(out[i].key) &&
				!strings.HasPrefix(strings.ToLower(out[i].key), "xdevapi.") {
				out[i-1], out[i] = out[i], out[i-1]
				i = max(i-2, 0)
			}
		}
	}
	return out
}

// goAuthorityReads reports whether user[:pw]@ written before the network
// part of go-sql-driver's DSN reads back as user and pw (a user holding ':',
// a password holding '@' then '/', … do not): else Format writes them as
// parameters (user=, password=, percent-encoded).
func (c Config) goAuthorityReads(user, pw string) bool {
	s := user
	if pw != "" {
		s += ":" + pw
	}
	r, err := parseMySQLGo(s + "@" + c.goNetPart() + "/")
	return err == nil && r.User == user && r.Password == pw
}

// authorityMark returns the markAuthority mark: what was read before '@'
// in go-sql-driver's DSN.
func (c Config) authorityMark() (mark, bool) {
	i := slices.IndexFunc(c.layout, func(m mark) bool { return m.kind == markAuthority })
	if i < 0 {
		return mark{}, false
	}
	return c.layout[i], true
}

// authorityUser reports whether go-sql-driver's DSN can write the user
// before '@': it was read there, or it reads back from there.
func (c Config) authorityUser() bool {
	m, ok := c.authorityMark()
	return ok && m.key == c.User || c.goAuthorityReads(c.User, "")
}

// authorityPassword reports whether go-sql-driver's DSN writes the password
// before '@', after user: when a password was read there and it still reads
// back from there (known without reading when user and password are those it
// was read with). With redact (String) only where it was read counts, so
// that where the password is shown never depends on what it holds.
func (c Config) authorityPassword(user string, redact bool) bool {
	m, ok := c.authorityMark()
	switch {
	case !ok || m.raw == "":
		return false
	case redact, m.key == user && m.raw == c.Password:
		return true
	}
	return c.goAuthorityReads(user, c.Password)
}

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

// Format returns the DSN in its shape, secrets included, written from the
// fields: for a Config that Normalize accepts, Parse(c.Format()) equals
// Normalize(c), and for a Config Parse returned, c itself. Properties keep
// the order and spelling they were read in while they still say what the
// fields hold; a property set or changed since is written with its
// canonical key and value.
func (c *Config) Format() string { return c.format(false) }

func (c Config) format(redact bool) string {
	items := c.items(redact)
	if redact {
		for i, it := range items {
			if it.value != "" && kind.IsSecretKey(it.key) {
				items[i].value = kind.Redacted
			}
		}
	}
	pw := c.password(redact)
	switch c.shape() {
	case ShapeJDBCSQLServer:
		return c.formatJDBCSQLServer(pw, items)
	case ShapeADO:
		return c.formatADO(pw, items)
	case ShapeSQLServerURL:
		return c.formatSQLServerURL(pw, items)
	case ShapeMySQLGo:
		return c.formatMySQLGo(pw, items)
	default:
		return c.formatMySQLURL(pw, items)
	}
}

// formatJDBCSQLServer writes jdbc:sqlserver://host\instance:port;k=v;…
func (c Config) formatJDBCSQLServer(pw string, items []item) string {
	var b strings.Builder
	b.WriteString("jdbc:sqlserver://")
	w := func(k, v string) { b.WriteString(";" + k + "=" + jdbcQuote(v)) }
	if strings.Contains(c.Host, ":") && c.Instance != "" {
		// [v6]\instance does not read in the URL: as properties
		w("serverName", hostForURL(c.Host))
		w("instanceName", c.Instance)
		if c.Port != 0 {
			w("portNumber", strconv.Itoa(c.Port))
		}
	} else {
		b.WriteString(hostForURL(c.Host))
		if c.Instance != "" {
			b.WriteString(`\` + c.Instance)
		}
		if c.Port != 0 {
			b.WriteString(":" + strconv.Itoa(c.Port))
		}
	}
	if c.Database != "" {
		w("databaseName", c.Database)
	}
	if c.User != "" {
		w("user", c.User)
	}
	for _, it := range items { // the password among them (items)
		w(it.key, it.value)
	}
	return b.String()
}

// formatADO writes server=host\instance,port;user id=…;k=v;…
func (c Config) formatADO(pw string, items []item) string {
	var parts []string
	server := c.Host
	if c.Instance != "" {
		server += `\` + c.Instance
	}
	if c.Port != 0 {
		server += "," + strconv.Itoa(c.Port)
	}
	w := func(k, v string) { parts = append(parts, k+"="+adoQuote(v)) }
	w("server", server) // always: it also marks the string as ADO
	if c.User != "" {
		w("user id", c.User)
	}
	if c.Database != "" {
		w("database", c.Database)
	}
	for _, it := range items { // the password among them (items)
		w(it.key, it.value)
	}
	return strings.Join(parts, ";")
}

// formatSQLServerURL writes go-mssqldb's sqlserver://user:pw@host:port/instance?k=v&…
func (c Config) formatSQLServerURL(pw string, items []item) string {
	var b strings.Builder
	b.WriteString("sqlserver://")
	if slices.ContainsFunc(items, func(it item) bool { return it.mark.kind == markPassword }) {
		pw = "" // written as a parameter, where it was read
	}
	if c.User != "" || pw != "" {
		ui := url.User(c.User)
		if pw != "" {
			ui = url.UserPassword(c.User, pw)
		}
		b.WriteString(ui.String() + "@")
	}
	b.WriteString(joinHostPort(c.Host, c.Port))
	if c.Instance != "" {
		b.WriteString("/" + url.PathEscape(c.Instance))
	}
	if c.Database != "" {
		items = append([]item{{key: "database", value: c.Database}}, items...)
	}
	writeQuery(&b, items)
	return b.String()
}

// formatMySQLGo writes go-sql-driver's user:pw@net(host:port)/db?k=v&…
func (c Config) formatMySQLGo(pw string, items []item) string {
	var b strings.Builder
	user, pw := c.authority(items, pw)
	if user != "" || pw != "" {
		b.WriteString(user)
		if pw != "" {
			b.WriteString(":" + pw)
		}
		b.WriteString("@")
	}
	b.WriteString(c.goNetPart())
	b.WriteString("/" + url.PathEscape(c.Database))
	writeQuery(&b, items)
	return b.String()
}

// formatMySQLURL writes the URL shapes: mysql:// (mariadb://, tidb://),
// jdbc:mysql:// and jdbc:mariadb://, user:pw@host:port/db?k=v&…
func (c Config) formatMySQLURL(pw string, items []item) string {
	var b strings.Builder
	b.WriteString(c.urlScheme())
	user, pw := c.authority(items, pw)
	if user != "" || pw != "" {
		b.WriteString(userinfoEscape(user))
		if pw != "" {
			b.WriteString(":" + userinfoEscape(pw))
		}
		b.WriteString("@")
	}
	b.WriteString(joinHostPort(c.Host, c.Port))
	// '@' too: an @ after the host part is refused (misplacedUserinfo).
	b.WriteString("/" + strings.ReplaceAll(url.PathEscape(c.Database), "@", "%40"))
	writeQuery(&b, items)
	return b.String()
}

// writeQuery writes ?k=v&… percent-encoded, or nothing.
func writeQuery(b *strings.Builder, items []item) {
	for i, it := range items {
		if i == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("&")
		}
		b.WriteString(url.QueryEscape(it.key) + "=" + url.QueryEscape(it.value))
	}
}

// shape is the shape Format writes: Shape, or the family's default.
func (c Config) shape() Shape {
	if _, ok := shapeFamily[c.Shape]; ok {
		return c.Shape
	}
	if s, ok := defaultShape[c.Family]; ok {
		return s
	}
	return ShapeMySQLGo
}

// family is the family Format writes for: the shape's.
func (c Config) family() Family { return shapeFamily[c.shape()] }

// urlScheme is the scheme of a MySQL URL shape.
func (c Config) urlScheme() string {
	switch c.shape() {
	case ShapeJDBCMySQL:
		return "jdbc:mysql://"
	case ShapeJDBCMariaDB:
		return "jdbc:mariadb://"
	}
	switch c.scheme {
	case "mysql://", "mariadb://", "tidb://":
		return c.scheme
	}
	return "mysql://"
}

// goNetPart is the network and address of go-sql-driver's DSN:
// tcp(host:port), unix(/path), tcp, or nothing.
func (c Config) goNetPart() string {
	switch netw := c.goNet(); {
	case netw == "unix":
		return "unix(" + c.Host + ")"
	case netw != "" && (c.Host != "" || c.Port != 0):
		return netw + "(" + joinHostPort(c.Host, c.Port) + ")"
	default:
		return netw
	}
}

// goNet is the network of go-sql-driver's DSN: Net, or tcp when a host or
// port is given without one (user@/db names neither).
func (c Config) goNet() string {
	if c.Net == "" && (c.Host != "" || c.Port != 0) {
		return "tcp"
	}
	return c.Net
}

// authority returns the user and password (or its stand-in pw) to write
// before '@' in a MySQL shape: those that items do not write as parameters.
func (c Config) authority(items []item, pw string) (string, string) {
	user := c.User
	for _, it := range items {
		switch it.mark.kind {
		case markUser:
			user = ""
		case markPassword:
			pw = ""
		}
	}
	return user, pw
}

// password returns the password, or kind.Redacted in its place.
func (c Config) password(redact bool) string {
	if redact && c.Password != "" {
		return kind.Redacted
	}
	return c.Password
}

func hostForURL(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

func joinHostPort(h string, port int) string {
	if port == 0 {
		return hostForURL(h)
	}
	return net.JoinHostPort(h, strconv.Itoa(port))
}

// jdbcQuote wraps a value in {…} when it holds characters that would end it.
func jdbcQuote(v string) string {
	if v == "" || strings.ContainsAny(v, ";{}=") || strings.TrimSpace(v) != v {
		return "{" + strings.ReplaceAll(v, "}", "}}") + "}"
	}
	return v
}

// adoQuote wraps a value in "…" when it holds ; or quotes or edge spaces.
func adoQuote(v string) string {
	if v == "" || strings.ContainsAny(v, `;"'=`) || strings.TrimSpace(v) != v {
		return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	}
	return v
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// userinfoEscape percent-encodes a user or password for a URL's userinfo.
func userinfoEscape(s string) string {
	return strings.NewReplacer(":", "%3A", "@", "%40", "/", "%2F", "?", "%3F", "#", "%23").Replace(url.PathEscape(s))
}

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
