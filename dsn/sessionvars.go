package dsn

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// Session variables (package doc). go-sql-driver sends every parameter it
// does not know as SET name1 = value1, name2 = value2, written as they are;
// a MySQL DSN makes them by two routes, an unknown parameter and Connector/J's
// sessionVariables, both checked here. A name is one variable in one of
// MySQL's spellings (sql_mode, @@session.sql_mode, SESSION sql_mode,
// `sql_mode`, @var, validate_password.length); one that sets a secret is
// refused in any spelling (kind.IsSecretKey decides). A value is one
// expression whose meaning does not depend on the server's sql_mode, and
// does not mention a secret. Errors never show the value.

var (
	sessionScopes = []string{"global", "session", "local", "persist_only", "persist"}
	identRE       = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)?$`)
)

// sessionVariableName reports whether name is one MySQL variable, in one of
// the spellings above.
func sessionVariableName(name string) bool {
	n := strings.TrimSpace(name)
	low := strings.ToLower(n)
	switch {
	case strings.HasPrefix(n, "@@"):
		n, low = n[2:], low[2:]
		for _, s := range sessionScopes {
			if strings.HasPrefix(low, s+".") {
				n = n[len(s)+1:]
				break
			}
		}
	case strings.HasPrefix(n, "@"):
		n = n[1:]
	default:
		for _, s := range sessionScopes {
			if strings.HasPrefix(low, s+" ") {
				n = strings.TrimSpace(n[len(s)+1:])
				break
			}
		}
	}
	if len(n) > 2 && n[0] == '`' && n[len(n)-1] == '`' {
		n = n[1 : len(n)-1]
	}
	return identRE.MatchString(n)
}

// sessionValueProblem says why value is not one expression, or "".
func sessionValueProblem(v string) string {
	var quote byte
	depth := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return "it holds a control character"
		case c == '\\':
			return "it holds a backslash"
		case quote != 0:
			if c == quote && i+1 < len(v) && v[i+1] == quote {
				i++ // a doubled quote stands for itself
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth < 0 {
				return "a ) closes nothing"
			}
		case c == ',' && depth == 0:
			return "an unquoted , would set another variable"
		case c == ';':
			return "an unquoted ; would run another statement"
		case c == '#' || strings.HasPrefix(v[i:], "--") || strings.HasPrefix(v[i:], "/*") || strings.HasPrefix(v[i:], "*/"):
			return "an unquoted " + string(c) + " would start or end a comment"
		}
	}
	if quote != 0 {
		return "a quote is not closed"
	}
	if depth != 0 {
		return "a ( is not closed"
	}
	return ""
}

// checkSessionVariable checks one variable that go-sql-driver would send as
// SET name = value. key is the DSN key as written: the name itself, or
// sessionVariables (then item is the variable's ordinal in its list).
func checkSessionVariable(key, name, value string, item int) error {
	e := &kind.Error{Kind: kind.InvalidDSN, Key: key, Value: kind.Redacted, Fix: "remove it"}
	where := ""
	if item > 0 {
		where = "item " + strconv.Itoa(item) + " of " + key + ": "
	}
	switch {
	case kind.IsSecretKey(name):
		e.What = "session variable that sets a secret"
		e.Why = where + "SET " + name + " = … would change the account's password or send a secret to the server; dbtls never sends it"
		e.Fix = "remove it (change a password with ALTER USER, never through a connection string)"
	case !sessionVariableName(name):
		e.What = "invalid session variable name"
		e.Why = where + "a session variable is one name such as sql_mode, @@session.sql_mode or @var"
		e.Fix = "fix the name or remove it"
		if item == 0 && !plainWord(name) {
			e.Key, e.Value = "", ""
			e.Why += " (the text is not shown)"
		}
	case item > 0 && knownKey(name):
		e.What = "property inside sessionVariables"
		e.Why = where + name + " is a property, not a session variable"
		e.Fix = "write it as its own parameter"
	case kind.IsSecretKey(value):
		e.What = "session variable value that mentions a secret"
		e.Why = where + "the value of " + name + " names a password or another secret (e.g. PASSWORD(…)); dbtls never sends it"
	default:
		why := sessionValueProblem(value)
		if why == "" {
			return nil
		}
		e.What = "unsafe session variable value"
		e.Why = where + "the value of " + name + " must be one expression: " + why + " (the value is not shown)"
		e.Fix = "quote the value ('…'), or set each variable on its own"
	}
	return e
}
