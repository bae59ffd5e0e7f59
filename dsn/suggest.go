package dsn

import (
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// Typo suggestions: an unknown key is an error that names the nearest key
// dbtls knows when it is two edits away or less, and on a MySQL DSN a key
// that looks like a misspelt TLS key or password is refused instead of being
// sent as a session variable.

// misspeltTLSKey refuses a MySQL parameter that would otherwise be a session
// variable but is a letter or two away from a TLS key or from password
// (ssl-mdoe, sslmod, pasword): MySQL variable names use underscores, so a key
// without one that close to a TLS key is a typo. nil for any other key.
func misspeltTLSKey(key, value string) error {
	if strings.Contains(key, "_") || len(key) < 4 {
		return nil
	}
	s, d := closest(strings.ToLower(key), append([]string{"password"}, tlsKeySpellings...))
	if d > 2 {
		return nil
	}
	why := "it looks like a misspelt TLS property, and a TLS property is never sent as a session variable"
	if s == "password" {
		why = "it looks like a misspelt password, and a password is never sent as a session variable"
	}
	return &kind.Error{Kind: kind.InvalidDSN, What: "unknown property", Key: key, Value: kind.Redact(s, kind.Redact(key, value)),
		Why: why, Fix: "did you mean " + s + "?"}
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
