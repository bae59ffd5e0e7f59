package kind

import (
	"strings"
)

// Error is the one error type of dbtls. Its message has the shape
//
//	dbtls: <what> (<key>=<value>): <why>; <fix>
//
// where the key/value part, the why and the fix are left out when empty.
// Value is redacted when Key names a secret (see IsSecretKey), so a password
// can never reach the message, whatever the caller put in Value.
type Error struct {
	Kind  Kind   // the stable class; never empty
	What  string // what failed, e.g. "invalid encrypt value"
	Key   string // the property involved, as the user wrote it (may be empty)
	Value string // the value involved (redacted in Error() for secret keys)
	Why   string // why it failed
	Fix   string // what to change
	Err   error  // the cause, if any
}

// Error formats the message; secret values are redacted.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dbtls: ")
	b.WriteString(e.What)
	if e.Key != "" {
		b.WriteString(" (")
		b.WriteString(e.Key)
		b.WriteString("=")
		b.WriteString(Redact(e.Key, e.Value))
		b.WriteString(")")
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

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is this error's Kind, so that
// errors.Is(err, kind.PinMismatch) works.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}
