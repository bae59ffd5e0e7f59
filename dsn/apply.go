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
	// checked in sessionvars.go; one that sets a secret is refused first.
	// MySQL variable names use underscores; a key without one that is a letter
	// or two away from a TLS key (or from password, which would otherwise be
	// sent and shown) is a typo, never a variable.
	if kind.IsSecretKey(key) {
		return checkSessionVariable(key, key, value, 0)
	}
	if !strings.Contains(key, "_") && len(lk) >= 4 {
		if s, d := closest(lk, append([]string{"password"}, tlsKeySpellings...)); d <= 2 {
			why := "it looks like a misspelt TLS property, and a TLS property is never sent as a session variable"
			if s == "password" {
				why = "it looks like a misspelt password, and a password is never sent as a session variable"
			}
			return &kind.Error{Kind: kind.InvalidDSN, What: "unknown property", Key: key, Value: kind.Redact(s, kind.Redact(key, value)),
				Why: why, Fix: "did you mean " + s + "?"}
		}
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

// unknownKey is the error for a key dbtls does not know. The key and value
// are shown when the key is a plain word; other text may be part of a
// password (sa:pw@host written where a key goes) and is not shown.
func unknownKey(key, value, family string) error {
	e := &kind.Error{Kind: kind.InvalidDSN, What: "unknown property", Key: key, Value: kind.Redact(key, value),
		Why: "it is not a " + family + " property that dbtls knows", Fix: "remove it or fix its spelling (see docs/properties.md)"}
	if !plainWord(key) {
		e.Key, e.Value, e.Why = "", "", e.Why+" (the text is not shown)"
		return e
	}
	if s, d := closest(strings.ToLower(key), allKeyNames()); d <= 2 {
		e.Fix = "did you mean " + s + "?"
		e.Value = kind.Redact(s, e.Value) // a misspelt password key still holds a password
	}
	return e
}

// connectKeySpellings are the where-to-connect keys of the SQL Server shapes
// and the documented spellings of mapped keys, for suggestions.
var connectKeySpellings = []string{"serverName", "portNumber", "port", "instanceName", "databaseName", "database",
	"user", "userName", "password", "user id", "initial catalog", "data source", "applicationName", "workstationID",
	"packetSize", "loginTimeout"}

func allKeyNames() []string {
	out := append(append([]string(nil), tlsKeySpellings...), connectKeySpellings...)
	for _, v := range sqlServerDriverParams {
		out = append(out, v)
	}
	return out
}

// closest returns the candidate nearest to key (case-insensitive, ignoring
// '-', '_' and ' ') and its optimal-string-alignment distance. Among equally
// near candidates, the one closest as written wins (ssl-mdoe → ssl-mode,
// sslmod → sslMode), then the first listed.
func closest(key string, candidates []string) (string, int) {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	k, lk := norm(key), strings.ToLower(key)
	best, bestD, bestRaw := "", 1<<30, 1<<30
	for _, c := range candidates {
		d := osa(k, norm(c))
		if d > bestD {
			continue
		}
		if raw := osa(lk, strings.ToLower(c)); d < bestD || raw < bestRaw {
			best, bestD, bestRaw = c, d, raw
		}
	}
	return best, bestD
}

// osa is the optimal string alignment distance (Levenshtein plus adjacent
// transpositions), so "ssl-mdoe" is one step from "ssl-mode".
func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
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
