package verify

import (
	"crypto/tls"
	"encoding/json"
)

// strategyFields is Strategy without methods, for printing.
type strategyFields Strategy

// MarshalJSON writes the fields with the client certificate's private key
// left out (its chain and leaf stay): json.Marshal of a Strategy, or
// log/slog's JSONHandler given one, shows no key. fmt prints a Strategy's
// ClientCertificate as a pointer, never its key.
func (s Strategy) MarshalJSON() ([]byte, error) {
	if s.ClientCertificate != nil {
		c := *s.ClientCertificate
		s.ClientCertificate = &tls.Certificate{Certificate: c.Certificate, Leaf: c.Leaf}
	}
	return json.Marshal(strategyFields(s))
}
