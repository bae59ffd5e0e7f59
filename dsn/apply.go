package dsn

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/internal/driverparam"
	"github.com/dbtls/dbtls/kind"
)

// applier reads the properties of a DSN into a Config, remembering which
// key set which property and which vocabulary each concept was written in,
// so that an error names the key as written; Normalize runs the same checks
// on the fields (normalize.go).
type applier struct {
	c      *Config
	seen   map[string]string // slot (field or parameter) → key as written
	vocab  map[concept]vocabKey
	labels []Property // what the current token set in Params
}

// vocabKey is the vocabulary a concept was first written in, and the key.
type vocabKey struct {
	vocab vocabulary
	key   string
}

func newApplier(c *Config) *applier {
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	return &applier{c: c, seen: map[string]string{}, vocab: map[concept]vocabKey{}}
}

// givenTwice is the error for a second key filling one slot.
func givenTwice(first, key, value, slot string) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "property given twice", Key: key, Value: kind.Redact(key, value),
		Why: fmt.Sprintf("%s and %s both set %s", first, key, slot), Fix: "keep only one of " + first + " and " + key}
}

// once records that slot was set by key; a second key for the same slot is
// an error naming both.
func (a *applier) once(slot, key, value string) error {
	return onceIn(a.seen, slot, key, value)
}

func onceIn(seen map[string]string, slot, key, value string) error {
	if first, dup := seen[strings.ToLower(slot)]; dup {
		return givenTwice(first, key, value, slot)
	}
	seen[strings.ToLower(slot)] = key
	return nil
}

// twoVocabularies is the error for a concept written in both vocabularies.
func twoVocabularies(prev vocabKey, key, value string, f *field) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "two vocabularies for one setting", Key: key, Value: kind.Redact(key, value),
		Why: fmt.Sprintf("%s (%s) and %s (%s) both set the %s", prev.key, prev.vocab, key, f.vocab, f.concept),
		Fix: "use either " + prev.key + " or " + key + ", not both"}
}

// vocabularyOnce records the vocabulary f's concept is written in; the
// other vocabulary for the same concept is an error naming both keys.
func vocabularyOnce(seen map[concept]vocabKey, f *field, key, value string) error {
	if f.concept == "" {
		return nil
	}
	if prev, ok := seen[f.concept]; ok && prev.vocab != f.vocab {
		return twoVocabularies(prev, key, value, f)
	} else if !ok {
		seen[f.concept] = vocabKey{f.vocab, key}
	}
	return nil
}

// cannotHonour is the error for a key that is refused whatever its value.
func cannotHonour(key, value, why string) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "property cannot be honoured", Key: key, Value: kind.Redact(key, value), Why: why, Fix: "remove " + key}
}

// apply reads one key=value pair that is not part of where to connect.
func (a *applier) apply(key, value string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return invalid("", value, "property without a name", "a property is written key=value", "remove the stray =")
	}
	lk := strings.ToLower(key)
	if f, ok := tlsProps[lk]; ok {
		return a.field(f, key, value)
	}
	if why, ok := refusedKeys[lk]; ok {
		return cannotHonour(key, value, why)
	}
	if a.c.Family == SQLServer {
		return a.applySQLServer(key, lk, value)
	}
	return a.applyMySQL(key, lk, value)
}

// field reads a property of TLS or MySQLAuth.
func (a *applier) field(f *field, key, value string) error {
	if err := a.once(f.slot, key, value); err != nil {
		return err
	}
	if err := vocabularyOnce(a.vocab, f, key, value); err != nil {
		return err
	}
	if err := f.ops.apply(a.c, key, value); err != nil {
		return err
	}
	a.c.layout = append(a.c.layout, mark{kind: markField, field: f.name})
	return nil
}

// params reads a token that sets parameters of the driver (set calls param
// for each), and remembers it as written.
func (a *applier) params(key, raw string, set func() error) error {
	a.labels = nil
	if err := set(); err != nil {
		return err
	}
	a.c.layout = append(a.c.layout, mark{kind: markParam, key: key, raw: raw, params: a.labels})
	return nil
}

// ignore accepts a property that cannot be honoured, with a warning.
func (a *applier) ignore(key, value string) error {
	if err := checkLogin(a.c.Family, key, value); err != nil {
		return err
	}
	a.c.Ignored = append(a.c.Ignored, Property{key, value})
	a.c.layout = append(a.c.layout, mark{kind: markIgnored, key: key, raw: value})
	return nil
}

func (a *applier) applySQLServer(key, lk, value string) error {
	if canon, ok := sqlServerDriverParams[lk]; ok {
		return a.params(key, value, func() error { return a.param(canon, key, value, value) })
	}
	if sqlServerIgnored[lk] {
		return a.ignore(key, value)
	}
	return unknownKey(key, value, "SQL Server")
}

func (a *applier) applyMySQL(key, lk, value string) error {
	if why, ok := mysqlRefused[lk]; ok {
		return cannotHonour(key, value, why)
	}
	if canon, ok := mysqlDriverParams[lk]; ok {
		return a.params(key, value, func() error { return a.param(canon, key, value, value) })
	}
	if canon, ok := connectorJMapped[lk]; ok {
		v, err := connectorJValue(key, lk, value)
		if err != nil {
			return err
		}
		return a.params(key, value, func() error { return a.param(canon, key, value, v) })
	}
	if lk == "sessionvariables" { // Connector/J: a list of session variables
		vars, err := splitSessionVariables(key, value)
		if err != nil {
			return err
		}
		return a.params(key, value, func() error {
			for i, p := range vars {
				if err := checkSessionVariable(key, p.Key, p.Value, i+1); err != nil {
					return err
				}
				if err := a.param(p.Key, key, kind.Redacted, p.Value); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if f, ok := authProps[lk]; ok {
		return a.field(f, key, value)
	}
	if connectorJIgnored[lk] || strings.HasPrefix(lk, "xdevapi.") {
		return a.ignore(key, value)
	}
	// go-sql-driver's rule: other parameters are session variables (SET k=v).
	if err := checkSessionParam(key, value); err != nil {
		return err
	}
	return a.params(key, value, func() error { return a.param(key, key, value, value) })
}

// checkSessionParam checks a MySQL parameter that go-sql-driver would send
// as a session variable (sessionvars.go): one that sets a secret is refused
// first, and a misspelt TLS key or password is a typo, never a variable
// (suggest.go).
func checkSessionParam(key, value string) error {
	if kind.IsSecretKey(key) {
		return checkSessionVariable(key, key, value, 0)
	}
	if err := misspeltTLSKey(key, value); err != nil {
		return err
	}
	return checkSessionVariable(key, key, value, 0)
}

// param passes one parameter on to the Go driver under its canonical name,
// after checking its value as the driver reads it (internal/driverparam), so
// that a bad value (parseTime=maybe) is an invalid-dsn error now, naming the
// key as written.
func (a *applier) param(canon, key, raw, value string) error {
	if err := a.once(canon, key, raw); err != nil {
		return err
	}
	if err := checkDriverValue(a.c.Family, canon, key, raw, value); err != nil {
		return err
	}
	a.c.Params[canon] = value
	a.labels = append(a.labels, Property{canon, value})
	return nil
}

// checkDriverValue checks the value of the driver parameter canon, written
// as key=raw; a session variable (not a driver parameter) is not checked
// here.
func checkDriverValue(family Family, canon, key, raw, value string) error {
	table, driver := driverparam.MySQL, "go-sql-driver"
	if family == SQLServer {
		table, driver = driverparam.SQLServer, "go-mssqldb"
	}
	k, ok := table[canon]
	if !ok {
		return nil
	}
	if err := driverparam.Check(k, value); err != nil {
		return &kind.Error{Kind: kind.InvalidDSN, What: "invalid value for a " + driver + " parameter", Key: key, Value: kind.Redact(key, raw),
			Why: err.Error(), Fix: "fix the value of " + key, Err: err}
	}
	return nil
}

// connectorJValue converts a mapped Connector/J value to go-sql-driver's form.
func connectorJValue(key, lk, value string) (string, error) {
	if lk == "connecttimeout" { // milliseconds → a Go duration; 0 means none
		ms, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || ms < 0 {
			return "", invalid(key, value, "invalid connectTimeout value", "want a whole number of milliseconds", "set "+key+" to e.g. 10000")
		}
		return strconv.Itoa(ms) + "ms", nil
	}
	if lk == "connectioncollation" {
		return strings.TrimSpace(value), nil
	}
	b, ok := parseBool(value)
	if !ok {
		return "", invalid(key, value, "invalid boolean value", "want true or false", "set "+key+" to true or false")
	}
	return strconv.FormatBool(b), nil
}

// splitSessionVariables reads Connector/J's sessionVariables value,
// "name=value" pairs separated by ',' or ';' (not inside quotes).
func splitSessionVariables(key, value string) ([]prop, error) {
	var out []prop
	var quote rune
	start := 0
	flush := func(end int) error {
		part := strings.TrimSpace(value[start:end])
		start = end + 1
		if part == "" {
			return nil
		}
		k, v, ok := strings.Cut(part, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return &kind.Error{Kind: kind.InvalidDSN, What: "invalid sessionVariables value", Key: key, Value: kind.Redacted,
				Why: "want name=value pairs separated by commas (the value is not shown)", Fix: "write e.g. sql_mode='ANSI',time_zone='+00:00'"}
		}
		out = append(out, prop{k, strings.TrimSpace(v)})
		return nil
	}
	for i, r := range value {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == ',' || r == ';':
			if err := flush(i); err != nil {
				return nil, err
			}
		}
	}
	if quote != 0 {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "invalid sessionVariables value", Key: key, Value: kind.Redacted,
			Why: "a quote is not closed (the value is not shown)", Fix: "close the quote"}
	}
	return out, flush(len(value))
}

// parsePort reads a port number 1..65535. In the host part of a DSN the
// text is shown only when it is digits: anything else may be the start of a
// password (mysql://u:pw/… reads "pw" as the port); the value of a port
// property (portNumber=abc) is shown.
func parsePort(key, raw string, property bool) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || p < 1 || p > 65535 {
		e := &kind.Error{Kind: kind.InvalidDSN, What: "invalid port", Key: key, Value: raw, Why: "want a number from 1 to 65535", Fix: "fix the port"}
		if !property && strings.Trim(strings.TrimSpace(raw), "0123456789") != "" {
			e.Value, e.Why = kind.Redacted, e.Why+" (the text is not shown)"
		}
		return 0, e
	}
	return p, nil
}

// checkHost refuses characters no host name or address holds, so that what
// Format writes reads back the same. The host is not shown (text that is not
// a host may be user:password); the error names the first character refused
// and, when at is not nil, its position.
func checkHost(key, host string, at func(int) string) error {
	i := strings.IndexAny(host, ",;\\/?@()[]{}\"' \t\r\n=&%#")
	if i < 0 && strings.Contains(host, ":") && net.ParseIP(host) == nil {
		i = strings.Index(host, ":")
	}
	if i < 0 {
		return nil
	}
	e := &kind.Error{Kind: kind.InvalidDSN, What: "invalid host", Key: key, Value: kind.Redacted,
		Why: fmt.Sprintf("a host name or address cannot hold %q (the text is not shown)", host[i]), Fix: "fix the host"}
	if host[i] == ':' {
		e.Why = "only an IPv6 address holds ':' (the text is not shown)"
	}
	if at != nil {
		e.At = at(i)
	}
	return e
}
