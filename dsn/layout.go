package dsn

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// The order memory. A Config that Parse returned keeps the DSN it read;
// when FormatDSN or String is called, layout splits it again with its shape's
// tokenizer, without checking it, into marks: the order and spelling its
// properties were written in. items follows them while they still say what
// the fields hold; nothing reads them for meaning.

// markKind says what a mark stands for.
type markKind int

const (
	markField    markKind = iota // a field of TLS or MySQLAuth
	markParam                    // a key=value that set parameters of the driver
	markIgnored                  // a property of Ignored
	markUser                     // MySQL: the user, written as a parameter
	markPassword                 // the password, written as a property or parameter
)

// mark is one property in the order it was written.
type mark struct {
	kind     markKind
	field    *field     // markField
	key, raw string     // markParam, markIgnored: as written; markUser, markPassword: the key as written
	params   []Property // markParam: what it set in Params (name, value)
}

// layout returns the marks of the DSN c was parsed from (nil for a Config
// built as a struct), each token read by the key table as Parse read it,
// and in auth's key and raw the user and password written before '@' in
// go-sql-driver's DSN.
func (c *Config) layout() (marks []mark, auth mark) {
	if c.source == "" {
		return nil, auth
	}
	shape, n := detectShape(c.source)
	body := c.source[n:]
	fam := shapeFamily[shape]
	if shape == ShapeJDBCMariaDB {
		fam = familyMariaDB
	}
	var toks []token
	switch shape {
	case ShapeJDBCSQLServer:
		_, props, _ := strings.Cut(body, ";")
		toks = splitProps(props, jdbcSyntax)
	case ShapeADO:
		toks = splitProps(body, adoSyntax)
	case ShapeSQLServerURL:
		_, query, _ := strings.Cut(body, "?")
		toks = splitQuery(query)
	case ShapeMySQLGo:
		slash := mysqlGoSeparator(body)
		head, tail := body[:slash], body[slash+1:]
		if at := strings.LastIndex(head, "@"); at > 0 {
			auth.key, auth.raw, _ = strings.Cut(head[:at], ":")
		}
		_, query, _ := strings.Cut(tail, "?")
		toks = splitQuery(query)
	default:
		rest, query, _ := strings.Cut(body, "?")
		if authority, _, at, hostForm := splitMySQLURL(rest); hostForm {
			toks, _ = new(Config).readHostForm(authority[at+1:], shape)
		}
		toks = append(toks, splitQuery(query)...)
	}
	out := make([]mark, 0, len(toks))
	params := make([]Property, len(toks)) // what each token sets in Params, if one
	for i, t := range toks {
		m := mark{kind: markParam, key: t.Key, raw: t.Value}
		switch k := lookupKey(fam, t.Key); k.class {
		case keyConnect:
			if k.text != "password" && (k.text != "user" || fam != MySQL) {
				continue
			}
			m = mark{kind: markPassword, key: t.Key}
			if k.text == "user" {
				m.kind = markUser
			}
		case keyField:
			m = mark{kind: markField, field: k.field}
		case keyIgnored:
			m.kind = markIgnored
		case keySessionVars:
			m.params, _ = splitSessionVariables(t.Key, t.Value)
		default: // a driver parameter, mapped or not, or a session variable
			params[i] = Property{t.Key, t.Value}
			if k.class != keyOther {
				params[i].Key = k.text
			}
			if k.class == keyMapped {
				params[i].Value, _ = connectorJValue(k.text, t.Key, t.Value)
			}
			m.params = params[i : i+1 : i+1]
		}
		out = append(out, m)
	}
	return out, auth
}

// slot is what items has written: a field by name, a parameter by name, a
// property of Ignored by index, the user or the password.
type slot struct {
	kind markKind
	name string
	i    int
}

// slotSet is a small set of slots.
type slotSet []slot

func (s slotSet) has(x slot) bool { return slices.Contains(s, x) }

// claim adds x to s and reports whether it was not there yet.
func (s *slotSet) claim(x slot) bool {
	if s.has(x) {
		return false
	}
	*s = append(*s, x)
	return true
}

// item is one key=value FormatDSN writes, and the mark it leaves.
type item struct {
	key, value string
	mark       mark
	secret     bool // kind.IsSecretKey(key)
}

// items lists what FormatDSN writes after where to connect: first in the
// order of layout, the properties it names whose fields still hold what it
// says (a parameter written as applicationName=billing stays so while
// Params["app name"] is billing; a setting is written from its field, in
// the key it was read with; a property of Ignored with the key it was read
// with stays there, a secret one whatever it now holds); then the rest in a
// canonical order — the fields of TLS and MySQLAuth as declared, Params by
// key, Ignored — with the secrets last. On a MySQL DSN a session variable
// right after a secret is refused by Parse (it may be the rest of the
// secret), so none is written there.
//
// In go-sql-driver's DSN the password is written before '@' when it was
// read there and still reads back from there, else as a parameter; with
// redact (String) it stays where it was read, so that where it is shown
// never depends on what it holds.
func (c *Config) items(redact bool) []item {
	layout, auth := c.layout()
	out := make([]item, 0, len(layout)+len(c.Params)+4)
	var doneBuf [24]slot
	done := slotSet(doneBuf[:0])
	fieldItem := func(f *field) item {
		k, v := f.ops.display(c, f)
		return item{key: k, value: v, mark: mark{kind: markField, field: f}}
	}
	paramItem := func(k string) item {
		v := c.Params[k]
		return item{key: k, value: v, mark: mark{kind: markParam, key: k, raw: v, params: []Property{{k, v}}}}
	}
	authItem := func(m mark) item {
		if m.kind == markUser {
			return item{key: cmp.Or(m.key, "user"), value: c.User, mark: m}
		}
		return item{key: cmp.Or(m.key, "password"), value: c.Password, mark: m}
	}
	for _, m := range layout {
		switch m.kind {
		case markField:
			if f := m.field; f.ops.isSet(c) && done.claim(slot{markField, f.name, 0}) {
				out = append(out, fieldItem(f))
			}
		case markUser, markPassword:
			if (c.family() == MySQL || m.kind == markPassword) && done.claim(slot{kind: m.kind}) {
				out = append(out, authItem(m))
			}
		case markParam:
			holds := !slices.ContainsFunc(m.params, func(p Property) bool {
				v, ok := c.Params[p.Key]
				return !ok || v != p.Value || done.has(slot{markParam, p.Key, 0})
			})
			for _, p := range m.params {
				if _, ok := c.Params[p.Key]; ok && done.claim(slot{markParam, p.Key, 0}) && !holds {
					out = append(out, paramItem(p.Key))
				}
			}
			if holds {
				out = append(out, item{key: m.key, value: m.raw, mark: m})
			}
		case markIgnored:
			for i, p := range c.Ignored {
				if p.Key == m.key && (p.Value == m.raw || kind.IsSecretKey(p.Key)) && done.claim(slot{markIgnored, "", i}) {
					out = append(out, item{key: p.Key, value: p.Value, mark: m})
					break
				}
			}
		}
	}
	start := len(out) // what layout does not place, in a canonical order
	if c.shape() == ShapeMySQLGo {
		// go-sql-driver's DSN cannot hold every user and password before '@'.
		user := c.User
		if done.has(slot{kind: markUser}) {
			user = ""
		} else if c.User != "" && !(auth.key == c.User || c.goAuthorityReads(c.User, "")) {
			user = ""
			out = append(out, authItem(mark{kind: markUser}))
		}
		// The password stays before '@' as said above: known to read back
		// without reading when user and password are those read there.
		if !done.has(slot{kind: markPassword}) && c.Password != "" &&
			!(auth.raw != "" && (redact || auth.key == user && auth.raw == c.Password || c.goAuthorityReads(user, c.Password))) {
			out = append(out, authItem(mark{kind: markPassword}))
		}
	}
	for _, f := range c.fieldList() {
		if f.ops.isSet(c) && !done.has(slot{markField, f.name, 0}) {
			out = append(out, fieldItem(f))
		}
	}
	keys := slices.AppendSeq(make([]string, 0, len(c.Params)), maps.Keys(c.Params))
	slices.Sort(keys)
	for _, k := range keys {
		if !done.has(slot{markParam, k, 0}) {
			out = append(out, paramItem(k))
		}
	}
	for i, p := range c.Ignored {
		if !done.has(slot{markIgnored, "", i}) {
			out = append(out, item{key: p.Key, value: p.Value, mark: mark{kind: markIgnored, key: p.Key, raw: p.Value}})
		}
	}
	// Secrets last, and among them those dbtls does not know first (only a
	// Config built by hand has them, and they are refused): Parse words the
	// error of a property after a secret differently, as it may be the
	// secret's rest.
	for i := range out {
		out[i].secret = isSecret(out[i].key)
	}
	rank := func(it item) int {
		switch {
		case !it.secret:
			return 0
		case !knownKey(it.key):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out[start:], func(a, b item) int { return cmp.Compare(rank(a), rank(b)) })
	if !done.has(slot{kind: markPassword}) && c.Password != "" && (c.shape() == ShapeJDBCSQLServer || c.shape() == ShapeADO) {
		// The JDBC and ADO shapes write the password as a property: last,
		// for the same reason.
		out = append(out, authItem(mark{kind: markPassword}))
	}
	if c.family() == MySQL {
		for i := 1; i < len(out); i++ {
			if out[i-1].secret && !out[i].secret && !knownKey(out[i].key) && lookupKey(MySQL, out[i].key).class != keyIgnored {
				out[i-1], out[i] = out[i], out[i-1]
				i = max(i-2, 0)
			}
		}
	}
	return out
}

// goAuthorityReads reports whether user[:pw]@ written before the network
// part of go-sql-driver's DSN reads back as user and pw: the network part
// reads, the '/' after it is the one that ends it (a password holding '@'
// then '/' ends it earlier), and the user holds no ':'. Else FormatDSN writes
// them as parameters (user=, password=, percent-encoded).
func (c Config) goAuthorityReads(user, pw string) bool {
	switch c.goNet() {
	case "", "unix":
	case "tcp", "tcp4", "tcp6":
		if checkHost("host", c.Host, nil) != nil || c.Port < 0 || c.Port > 65535 {
			return false
		}
	default:
		return false
	}
	netPart := c.goNetPart()
	s := userinfo(user, pw, func(s string) string { return s }) + netPart + "/"
	return mysqlGoSeparator(s) == len(s)-1 && !strings.Contains(user, ":") && !strings.Contains(netPart, "@")
}
