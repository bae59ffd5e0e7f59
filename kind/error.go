package kind

import (
	"fmt"
	"strings"
)

// Error is the one error type of dbtls. Its message has the shape
//
//	dbtls: <what> (<key>=<value>) at <where>: <why>; <fix>
//
// where the key/value part, the position, the why and the fix are left out
// when empty. Value is redacted when Key names a secret (see IsSecretKey), so
// a password can never reach the message, whatever the caller put in Value;
// %#v (GoString) redacts it too.
type Error struct {
	Kind  Kind   // the stable class; never empty
	What  string // what failed, e.g. "invalid encrypt value"
	Key   string // the property involved, as the user wrote it (may be empty)
	Value string // the value involved (redacted in Error() for secret keys)
	At    string // where in the DSN, e.g. "character 16" or "property 3" (may be empty)
	Why   string // why it failed
	Fix   string // what to change
	Err   error  // the cause, if any
}

// KeyOr returns key, or canonical when key is empty: the name a message
// gives a property that was not written (a setting left blank, or one of a
// Config built as a struct), so that every message names a key.
func KeyOr(key, canonical string) string {
	if key == "" {
		return canonical
	}
	return key
}

// Error formats the message; secret values are redacted.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dbtls: ")
	b.WriteString(e.What)
	switch {
	case e.Value == "" && isOption(e.Key):
		b.WriteString(" (")
		b.WriteString(e.Key)
		b.WriteString(")")
	case e.Key != "":
		b.WriteString(" (")
		b.WriteString(e.Key)
		b.WriteString("=")
		b.WriteString(Redact(e.Key, e.Value))
		b.WriteString(")")
	}
	if e.At != "" {
		b.WriteString(" at ")
		b.WriteString(e.At)
	}
	if e.Why != "" {
		b.WriteString(": ")
		b.WriteString(e.Why)
	}
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// GoString is what %#v prints: the fields, with Value redacted as in Error
// and the cause as its message only (its own fields may hold what the
// message leaves out).
func (e *Error) GoString() string {
	cause := "nil"
	if e.Err != nil {
		cause = fmt.Sprintf("error(%q)", e.Err.Error())
	}
	return fmt.Sprintf("&kind.Error{Kind:%q, What:%q, Key:%q, Value:%q, At:%q, Why:%q, Fix:%q, Err:%s}",
		string(e.Kind), e.What, e.Key, Redact(e.Key, e.Value), e.At, e.Why, e.Fix, cause)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is this error's Kind, so that
// errors.Is(err, kind.PinMismatch) works.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// isOption reports whether key names an option given in code
// (connector.WithRootCAsPEM, …) rather than a property: it has no value to
// show.
func isOption(key string) bool {
	return len(key) > 4 && strings.HasPrefix(key, "With") && 'A' <= key[4] && key[4] <= 'Z'
}
