package truststore

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// The printers of Source: each shows its fields with the password replaced
// by kind.Redacted, on the value and on the pointer, whatever the verb or
// the encoder.

// sourceFields is Source without methods, for printing.
type sourceFields Source

func (src Source) redacted() sourceFields {
	if src.Password != "" {
		src.Password = kind.Redacted
	}
	return sourceFields(src)
}

// String prints the fields as %+v does, the password redacted.
func (src Source) String() string { return fmt.Sprintf("%+v", src.redacted()) }

// GoString is %#v with the same redaction.
func (src Source) GoString() string {
	return strings.Replace(fmt.Sprintf("%#v", src.redacted()), "truststore.sourceFields{", "truststore.Source{", 1)
}

// Format prints String for every verb (GoString for %#v).
func (src Source) Format(f fmt.State, verb rune) {
	kind.WriteFormat(f, verb, src.String(), src.GoString())
}

// MarshalJSON writes the fields, the password redacted.
func (src Source) MarshalJSON() ([]byte, error) { return json.Marshal(src.redacted()) }

// MarshalText is String.
func (src Source) MarshalText() ([]byte, error) { return []byte(src.String()), nil }

// LogValue is String.
func (src Source) LogValue() slog.Value { return slog.StringValue(src.String()) }
