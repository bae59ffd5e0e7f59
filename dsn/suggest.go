package dsn

import (
	"maps"
	"slices"
	"strings"
	"unicode"

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
	s, d := closest(key, []string{"password"}, tlsKeySpellings)
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

// unknownKey is the error for a key dbtls does not know on a SQL Server DSN
// (on MySQL it is a session variable). The key and value are shown when the
// key is a plain word; other text may be part of a password (sa:pw@host
// written where a key goes) and is not shown.
func unknownKey(key, value string) error {
	e := invalid(key, value, "unknown property", "it is not a SQL Server property that dbtls knows", "remove it or fix its spelling (see docs/properties.md)")
	if !plainWord(key) {
		e.Key, e.Value, e.Why = "", "", e.Why+" (the text is not shown)"
		return e
	}
	if s, d := closest(key, tlsKeySpellings, connectKeySpellings, sqlServerParamNames); d <= 2 {
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

// sqlServerParamNames are go-mssqldb's parameter names, sorted, for
// suggestions.
var sqlServerParamNames = slices.Sorted(maps.Values(sqlServerDriverParams))

// closest returns the candidate nearest to key (case-insensitive, ignoring
// '-', '_' and ' ') and its optimal-string-alignment distance, if that is
// 2 or less (else "", 3). Among equally near candidates, the one closest as
// written wins (ssl-mdoe → ssl-mode, sslmod → sslMode), then the first
// listed.
func closest(key string, lists ...[]string) (string, int) {
	var kb, lb, cb, clb [64]rune
	k, lk := foldRunes(kb[:0], key, true), foldRunes(lb[:0], key, false)
	best, bestD, bestRaw := "", 3, 0
	for _, list := range lists {
		for _, c := range list {
			nc := foldRunes(cb[:0], c, true)
			if len(nc) > len(k)+2 || len(k) > len(nc)+2 {
				continue // at least 3 edits
			}
			d := osa(k, nc)
			if d > 2 || d > bestD {
				continue
			}
			if raw := osa(lk, foldRunes(clb[:0], c, false)); d < bestD || raw < bestRaw {
				best, bestD, bestRaw = c, d, raw
			}
		}
	}
	return best, bestD
}

// foldRunes appends the runes of strings.ToLower(s) to dst, without '-', '_'
// and ' ' when drop is set.
func foldRunes(dst []rune, s string, drop bool) []rune {
	for _, r := range s {
		if r = unicode.ToLower(r); !drop || r != '-' && r != '_' && r != ' ' {
			dst = append(dst, r)
		}
	}
	return dst
}

// osa is the optimal string alignment distance (Levenshtein plus adjacent
// transpositions), so "ssl-mdoe" is one step from "ssl-mode". It keeps the
// last three rows of the table.
func osa(a, b []rune) int {
	var buf [3 * 65]int
	n := len(b) + 1
	cells := slices.Grow(buf[:0], 3*n)[:3*n]
	prev2, prev, cur := cells[:n], cells[n:2*n], cells[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
