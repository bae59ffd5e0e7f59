package kind

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// The printers of *Error beyond Error and GoString. Each shows what Error
// shows and nothing more: Value redacted when Key names a secret, the cause
// as its message only (its own fields may hold what the message leaves out).
// They have value receivers, so that an Error printed, marshalled or logged
// as a value (fmt.Print(*e)) is redacted as the pointer is.

// Format makes every fmt verb print the message (%#v prints GoString), so
// that no verb walks the fields.
func (e Error) Format(f fmt.State, verb rune) { WriteFormat(f, verb, e.Error(), e.GoString()) }

// MarshalText is the message.
func (e Error) MarshalText() ([]byte, error) { return []byte(e.Error()), nil }

// LogValue is the message, as log/slog prints an error.
func (e Error) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// errorJSON is the JSON form of an Error: its fields as Error shows them,
// the cause as its message, and the message.
type errorJSON struct {
	Kind    Kind
	What    string
	Key     string `json:",omitempty"`
	Value   string `json:",omitempty"`
	At      string `json:",omitempty"`
	Why     string `json:",omitempty"`
	Fix     string `json:",omitempty"`
	Err     string `json:",omitempty"`
	Message string
}

// MarshalJSON writes the fields as Error shows them, the cause as its
// message and the message, so that json.Marshal(err) and log/slog's
// JSONHandler (slog.Any("errs", []error{err})) show no secret.
func (e Error) MarshalJSON() ([]byte, error) {
	j := errorJSON{Kind: e.Kind, What: e.What, Key: e.Key, Value: Redact(e.Key, e.Value), At: e.At, Why: e.Why, Fix: e.Fix, Message: e.Error()}
	if e.Err != nil {
		j.Err = e.Err.Error()
	}
	return json.Marshal(j)
}

// WriteFormat is the fmt.Formatter of a type that may hold a secret: %#v
// writes goText, %q writes text quoted, every other verb writes text (with
// its width and precision). text and goText are the type's redacted String
// and GoString.
func WriteFormat(f fmt.State, verb rune, text, goText string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, goText)
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(text))
	case verb == 'x' || verb == 'X':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), text)
	default:
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 's'), text)
	}
}
