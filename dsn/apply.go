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
		if err := a.once(p.name, key, value); err != nil {
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
		return &kind.Error{Kind: kind.InvalidDSN, What: "property cannot be honoured", Key: key, Value: kind.Redact(key, value), Why: why}
	}
	if a.c.Family == SQLServer {
		return a.applySQLServer(key, lk, value)
	}
	return a.applyMySQL(key, lk, value)
}

func (a *applier) applySQLServer(key, lk, value string) error {
	if canon, ok := sqlServerDriverParams[lk]; ok {
		if err := a.once(canon, key, value); err != nil {
			return err
		}
		a.c.Params[canon] = value
		return nil
	}
	if jdbcSQLServerIgnored[lk] {
		a.c.Warnings = append(a.c.Warnings, fmt.Sprintf("%s is a Microsoft JDBC property that go-mssqldb cannot honour: it is ignored", key))
		return nil
	}
	return unknownKey(key, value, "SQL Server")
}

func (a *applier) applyMySQL(key, lk, value string) error {
	if canon, ok := mysqlDriverParams[lk]; ok {
		if err := a.once(canon, key, value); err != nil {
			return err
		}
		a.c.Params[canon] = value
		return nil
	}
	if canon, ok := connectorJMapped[lk]; ok { // connectTimeout (ms) → timeout
		ms, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || ms < 0 {
			return invalid(key, value, "invalid connectTimeout value", "want a whole number of milliseconds", "set "+key+" to e.g. 10000")
		}
		if err := a.once(canon, key, value); err != nil {
			return err
		}
		if ms > 0 {
			a.c.Params[canon] = strconv.Itoa(ms) + "ms"
		}
		return nil
	}
	if connectorJIgnored[lk] {
		a.c.Warnings = append(a.c.Warnings, fmt.Sprintf("%s is a Connector/J property that go-sql-driver cannot honour: it is ignored", key))
		return nil
	}
	// go-sql-driver's rule: other parameters are session variables (SET k=v).
	// MySQL variable names use underscores; a key without one that is a letter
	// or two away from a TLS key is a typo, never a variable.
	if !strings.Contains(key, "_") {
		if s, d := closest(lk, tlsKeyNames()); d <= 2 && len(lk) >= 4 {
			return &kind.Error{Kind: kind.InvalidDSN, What: "unknown property", Key: key, Value: kind.Redact(key, value),
				Why: "it looks like a misspelt TLS property, and a TLS property is never sent as a session variable", Fix: "did you mean " + s + "?"}
		}
	}
	if err := a.once(key, key, value); err != nil {
		return err
	}
	a.c.Params[key] = value
	return nil
}

func unknownKey(key, value, family string) error {
	e := &kind.Error{Kind: kind.InvalidDSN, What: "unknown property", Key: key, Value: kind.Redact(key, value),
		Why: "it is not a " + family + " property that dbtls knows", Fix: "remove it or fix its spelling (see docs/properties.md)"}
	if s, d := closest(strings.ToLower(key), allKeyNames()); d <= 3 {
		e.Fix = "did you mean " + s + "?"
	}
	return e
}

func tlsKeyNames() []string { return tlsKeySpellings }

func allKeyNames() []string {
	out := append([]string(nil), tlsKeySpellings...)
	for _, v := range sqlServerDriverParams {
		out = append(out, v)
	}
	return out
}

// closest returns the candidate nearest to key (case-insensitive, ignoring
// '-' and '_') and its optimal-string-alignment distance.
func closest(key string, candidates []string) (string, int) {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	k := norm(key)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := osa(k, norm(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
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

// parsePort reads a port number 1..65535.
func parsePort(key, raw string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || p < 1 || p > 65535 {
		return 0, invalid(key, raw, "invalid port", "want a number from 1 to 65535", "fix the port")
	}
	return p, nil
}

// checkHost refuses characters no host name or address holds, so that what
// Format writes reads back the same.
func checkHost(key, host string) error {
	if strings.ContainsAny(host, ",;\\/?@()[]{}\"' \t\r\n=&%#") {
		return invalid(key, host, "invalid host", "a host name or address cannot hold that character", "fix the host")
	}
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return invalid(key, host, "invalid host", "only an IPv6 address holds ':'", "fix the host")
	}
	return nil
}
