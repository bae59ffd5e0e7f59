package connector

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/dbtls/dbtls/kind"
)

// The other printers of a Connector: each shows String, which holds no
// secret, whatever the verb or the encoder.

// Value receivers: a Connector value is one pointer (connector.go).

// Format prints String for every verb.
func (c Connector) Format(f fmt.State, verb rune) { kind.WriteFormat(f, verb, c.String(), c.String()) }

// MarshalJSON is String as a JSON string.
func (c Connector) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// MarshalText is String.
func (c Connector) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// LogValue is String.
func (c Connector) LogValue() slog.Value { return slog.StringValue(c.String()) }
