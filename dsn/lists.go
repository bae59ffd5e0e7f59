package dsn

import (
	"errors"
	"strconv"

	"github.com/dbtls/dbtls/kind"
)

// This file words the errors about one key=value token of a list (the
// ;-lists of the JDBC and ADO shapes, the &-queries of the URL shapes) so
// that none shows text that may be part of a secret (package doc, Secrets):
// a token right after a secret that does not read may be the rest of it,
// and an error that does not show its token's key gives the token's ordinal,
// which does not depend on how long a secret before it is.

// token is one key=value pair of a list as split, before it is applied;
// toks[i] is named by its ordinal, i+1.
type token struct {
	Property
	noValue bool  // written without '='
	bad     error // why it does not read (quoting, percent-encoding), if so
}

// listSyntax says how a shape writes its list, for messages.
type listSyntax struct {
	noun  string // "property" or "parameter"
	sep   string // ";" or "&"
	quote string // how to quote a value holding the separator
}

var (
	jdbcList  = listSyntax{"property", ";", "quote it as {…} (write }} for a } inside)"}
	adoList   = listSyntax{"property", ";", `quote it as "…" (write "" for a " inside; ADO does not quote with {…})`}
	queryList = listSyntax{"parameter", "&", "percent-encode it (& as %26, = as %3D, ; as %3B, ? as %3F, # as %23, + as %2B, % as %25, space as %20)"}
	// MySQL: a session variable right after a secret is refused too (see
	// reader.tokens).
	mysqlList = listSyntax{"parameter", "&", queryList.quote + "; a session variable cannot come right after it: write it earlier, or in sessionVariables"}
)

// noValue is the error for a token written without '='. Its text is shown
// only when it is a plain word (a key someone forgot to give a value).
func noValue(t token, syn listSyntax) error {
	e := &kind.Error{Kind: kind.InvalidDSN, What: syn.noun + " without a value",
		Why: "a " + syn.noun + " is written key=value", Fix: "add =value or remove it"}
	if plainWord(t.Key) {
		e.Key = t.Key
	} else {
		e.Why += " (the text is not shown)"
	}
	return e
}

// locate completes the error of toks[i]: its position, and, when it follows
// a secret, the rewording described above.
func locate(err error, toks []token, i int, syn listSyntax) error {
	var ke *kind.Error
	if !errors.As(err, &ke) {
		return err
	}
	at := syn.noun + " " + strconv.Itoa(i+1)
	if i == 0 || toks[i-1].noValue || !kind.IsSecretKey(toks[i-1].Key) {
		if ke.At == "" && ke.Key == "" { // the error does not name the token: say where it is
			ke.At = at
		}
		return ke
	}
	t, secretKey := toks[i], toks[i-1].Key
	hint := "if " + secretKey + "'s value holds " + syn.sep + ", " + syn.quote
	if t.noValue || t.bad != nil || !knownKey(t.Key) {
		return &kind.Error{Kind: ke.Kind, At: at, What: "text after " + secretKey + " that is not a " + syn.noun, Key: secretKey, Value: kind.Redacted,
			Why: "an unquoted value ends at the first " + syn.sep + ", so this text may be the rest of " + secretKey + "'s value (neither is shown)", Fix: hint}
	}
	e := &kind.Error{Kind: ke.Kind, At: at, What: ke.What, Key: ke.Key, Value: ke.Value, Why: ke.Why, Fix: ke.Fix + "; " + hint}
	if e.Value != "" {
		e.Value = kind.Redacted
	}
	if ke.Err != nil { // a driver's message may quote the value
		e.Why = "the driver refused the value"
	}
	e.Why += " (the value is not shown: it follows " + secretKey + ")"
	return e
}

// plainWord reports whether s is a word that may be shown: letters, digits,
// and ' ', '.', '-', '_' inside, as keys are written.
func plainWord(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && (r == ' ' || r == '.' || r == '-' || r == '_'):
		default:
			return false
		}
	}
	return true
}
