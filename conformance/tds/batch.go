package tds

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// batchText returns the SQL text of a SQLBatch payload, skipping the
// ALL_HEADERS block that TDS 7.2 and later put in front of it.
func batchText(b []byte, allHeaders bool) (string, error) {
	if allHeaders {
		if len(b) < 4 {
			return "", fmt.Errorf("tds: SQLBatch of %d bytes has no ALL_HEADERS", len(b))
		}
		n := int(binary.LittleEndian.Uint32(b))
		if n < 4 || n > len(b) {
			return "", fmt.Errorf("tds: SQLBatch ALL_HEADERS length %d out of range", n)
		}
		b = b[n:]
	}
	if len(b)%2 != 0 {
		return "", fmt.Errorf("tds: SQLBatch text of odd length %d", len(b))
	}
	return fromUCS2(b), nil
}

// hasAllHeaders reports whether a client of TDS version v sends ALL_HEADERS
// (7.2 and later, and 8.0, whose number 0x08000000 sorts below them).
func hasAllHeaders(v uint32) bool { return v >= 0x72000000 || v>>24 == 0x08 }

var (
	selectRe = regexp.MustCompile(`(?is)^\s*select\s+(.*?)\s*;?\s*$`)
	aliasRe  = regexp.MustCompile(`(?is)^(.*?)\s+(?:as\s+)?\[?([A-Za-z_][A-Za-z0-9_]*)\]?$`)
	quietRe  = regexp.MustCompile(`(?is)^\s*(set|use|if|declare|exec|execute|begin|commit|rollback|print)\b`)
)

// answer is the server's reply to one batch: result columns (nil for none),
// or an error text.
type answer struct {
	Cols []column
	Err  string
}

// answerBatch decides what a batch returns. It knows SELECT of integer and
// string literals, NULL and a few @@ variables and functions (the forms
// clients send on connect); SET, USE and the like succeed without a
// result; anything else is error 102, as SQL Server answers text it cannot
// parse.
func answerBatch(q string, s *session) answer {
	q = strings.TrimSpace(q)
	if q == "" || quietRe.MatchString(q) {
		return answer{}
	}
	m := selectRe.FindStringSubmatch(q)
	if m == nil {
		return answer{Err: fmt.Sprintf("Incorrect syntax near '%s'.", firstWord(q))}
	}
	var cols []column
	for _, expr := range splitTop(m[1]) {
		c, ok := evalExpr(strings.TrimSpace(expr), s)
		if !ok {
			return answer{Err: fmt.Sprintf("Incorrect syntax near '%s'.", firstWord(expr))}
		}
		cols = append(cols, c)
	}
	return answer{Cols: cols}
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// splitTop splits on commas outside quotes and parentheses.
func splitTop(s string) []string {
	var out []string
	depth, quote, start := 0, false, 0
	for i, r := range s {
		switch {
		case r == '\'':
			quote = !quote
		case quote:
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func evalExpr(e string, s *session) (column, bool) {
	if c, ok := evalValue(e, s); ok {
		return c, true
	}
	if m := aliasRe.FindStringSubmatch(e); m != nil {
		if c, ok := evalValue(strings.TrimSpace(m[1]), s); ok {
			c.Name = m[2]
			return c, true
		}
	}
	return column{}, false
}

func evalValue(e string, s *session) (column, bool) {
	if n, err := strconv.ParseInt(e, 10, 32); err == nil {
		return column{Int: true, IntV: int32(n)}, true
	}
	if body, ok := stringLiteral(e); ok {
		return column{StrV: body}, true
	}
	switch strings.ToLower(e) {
	case "null":
		return column{Int: true, IsNil: true}, true
	case "@@spid":
		return column{Int: true, IntV: int32(s.spid)}, true
	case "@@version":
		return column{StrV: "Microsoft SQL Server 2022 (dbtls conformance TDS server)"}, true
	case "@@servername", "serverproperty('servername')":
		return column{StrV: "dbtls-tds"}, true
	case "db_name()":
		return column{StrV: s.database}, true
	case "@@language":
		return column{StrV: "us_english"}, true
	case "@@trancount":
		return column{Int: true}, true
	case "@@options":
		return column{Int: true, IntV: 5176}, true
	case "@@max_precision":
		return column{Int: true, IntV: 38}, true
	case "@@textsize":
		return column{Int: true, IntV: 2147483647}, true
	case "@@lock_timeout":
		return column{Int: true, IntV: -1}, true
	}
	return column{}, false
}

// stringLiteral reads 'text' or N'text' with ” for a quote.
func stringLiteral(e string) (string, bool) {
	if len(e) > 0 && (e[0] == 'N' || e[0] == 'n') {
		e = e[1:]
	}
	if len(e) < 2 || e[0] != '\'' || e[len(e)-1] != '\'' {
		return "", false
	}
	body := e[1 : len(e)-1]
	if strings.Contains(strings.ReplaceAll(body, "''", ""), "'") {
		return "", false
	}
	return strings.ReplaceAll(body, "''", "'"), true
}
