package dsn

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// applier reads properties into a Config, remembering which key set which
// property and which vocabulary each concept was written in.
type applier struct {
	c        *Config
	seen     map[string]string // canonical property → key as written
	vocabKey map[concept]struct {
		vocab vocabulary
		key   string
	}
}

func newApplier(c *Config) *applier {
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	return &applier{c: c, seen: map[string]string{}, vocabKey: map[concept]struct {
		vocab vocabulary
		key   string
	}{}}
}

// once records that canonical was set by key; a second key for the same
// property is an error naming both.
func (a *applier) once(canonical, key, value string) error {
	if first, dup := a.seen[strings.ToLower(canonical)]; dup {
		return &kind.Error{Kind: kind.InvalidDSN, What: "property given twice", Key: key, Value: kind.Redact(key, value),
			Why: fmt.Sprintf("%s and %s both set %s", first, key, canonical), Fix: "keep only one of " + first + " and " + key}
	}
	a.seen[strings.ToLower(canonical)] = key
	return nil
}

// apply reads one key=value pair that is not part of where to connect.
func (a *applier) apply(key, value string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return invalid("", value, "property without a name", "a property is written key=value", "remove the stray =")
	}
	lk := strings.ToLower(key)
	a.c.props = append(a.c.props, prop{key, value})
	if p, ok := tlsProps[lk]; ok {
		if err := a.once(p.slot, key, value); err != nil {
			return err
		}
		if prev, ok := a.vocabKey[p.concept]; ok && prev.vocab != p.vocab {
			return &kind.Error{Kind: kind.InvalidDSN, What: "two vocabularies for one setting", Key: key, Value: kind.Redact(key, value),
				Why: fmt.Sprintf("%s (%s) and %s (%s) both set the %s", prev.key, prev.vocab, key, p.vocab, p.concept),
				Fix: "use either " + prev.key + " or " + key + ", not both"}
		} else if !ok {
			a.vocabKey[p.concept] = struct {
				vocab vocabulary
				key   string
			}{p.vocab, key}
		}
		return p.set(&a.c.TLS, key, value)
	}
	if why, ok := refusedKeys[lk]; ok {
		return &kind.Error{Kind: kind.InvalidDSN, What: "property cannot be honoured", Key: key, Value: kind.Redact(key, value), Why: why, Fix: "remove " + key}
	}
	if a.c.Family == SQLServer {
		return a.applySQLServer(key, lk, value)
	}
	return a.applyMySQL(key, lk, value)
}

func (a *applier) applySQLServer(key, lk, value string) error {
	if canon, ok := sqlServerDriverParams[lk]; ok {
		return a.param(canon, key, value, value)
	}
	if sqlServerIgnored[lk] {
		a.ignored(key, "a Microsoft JDBC or ADO property that go-mssqldb cannot honour")
		return nil
	}
	return unknownKey(key, value, "SQL Server")
}

// ignored records the warning for a property accepted but not honoured.
func (a *applier) ignored(key, what string) {
	a.c.Warnings = append(a.c.Warnings, fmt.Sprintf("ignored: %s is %s", key, what))
}

func (a *applier) applyMySQL(key, lk, value string) error {
	if why, ok := mysqlRefused[lk]; ok {
		return &kind.Error{Kind: kind.InvalidDSN, What: "property cannot be honoured", Key: key, Value: kind.Redact(key, value), Why: why, Fix: "remove " + key}
	}
	if canon, ok := mysqlDriverParams[lk]; ok {
		return a.param(canon, key, value, value)
	}
	if canon, ok := connectorJMapped[lk]; ok {
		v, err := connectorJValue(key, lk, value)
		if err != nil {
			return err
		}
		return a.param(canon, key, value, v)
	}
	if lk == "sessionvariables" { // Connector/J: a list of session variables
		vars, err := splitSessionVariables(key, value)
		if err != nil {
			return err
		}
		for i, p := range vars {
			if err := checkSessionVariable(key, p.Key, p.Value, i+1); err != nil {
				return err
			}
			if err := a.param(p.Key, key, kind.Redacted, p.Value); err != nil {
				return err
			}
		}
		return nil
	}
	if ok, err := a.applyMySQLAuth(key, lk, value); ok {
		return err
	}
	if connectorJIgnored[lk] || strings.HasPrefix(lk, "xdevapi.") {
		a.ignored(key, "a Connector/J property that go-sql-driver cannot honour")
		return nil
	}
	// go-sql-driver's rule: other parameters are session variables (SET k=v),
	// checked in sessionvars.go; one that sets a secret is refused first, and
	// a misspelt TLS key or password is a typo, never a variable (suggest.go).
	if kind.IsSecretKey(key) {
		return checkSessionVariable(key, key, value, 0)
	}
	if err := misspeltTLSKey(key, value); err != nil {
		return err
	}
	if err := checkSessionVariable(key, key, value, 0); err != nil {
		return err
	}
	return a.param(key, key, value, value)
}

// param passes one parameter on to the Go driver under its canonical name,
// after asking the driver's own parser about its value, so that a bad value
// (parseTime=maybe) is an invalid-dsn error now, naming the key as written.
func (a *applier) param(canon, key, raw, value string) error {
	if err := a.once(canon, key, raw); err != nil {
		return err
	}
	var err error
	driver := "go-sql-driver"
	if a.c.Family == SQLServer {
		driver = "go-mssqldb"
		// The probe names a database: go-mssqldb checks applicationintent=
		// ReadOnly against it, and the DSN's own database may come later
		// (or not at all: the connector's msdsn.Parse of the whole DSN
		// refuses ReadOnly without one).
		probe := &Config{Family: SQLServer, Host: "localhost", Database: "probe", Params: map[string]string{canon: value}}
		_, err = parseMSDSN(probe.DriverDSN())
	} else {
		_, err = parseMySQLDSN("/?" + encodeQuery([]prop{{canon, value}}))
	}
	if err != nil {
		why := err.Error()
		if kind.IsSecretKey(key) || kind.IsSecretKey(canon) { // the driver's text may quote the value
			why, err = "the driver refused the value", nil
		}
		return &kind.Error{Kind: kind.InvalidDSN, What: "invalid value for a " + driver + " parameter", Key: key, Value: kind.Redact(key, raw),
			Why: why, Fix: "fix the value of " + key, Err: err}
	}
	a.c.Params[canon] = value
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
