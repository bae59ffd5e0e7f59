// Package kind holds the stable error kinds of dbtls (spec §8) and the one
// error type every layer returns.
//
// Callers branch on kinds with errors.Is:
//
//	if errors.Is(err, kind.HostnameMismatch) { ... }
//
// and read the details with errors.As:
//
//	var e *kind.Error
//	if errors.As(err, &e) { fmt.Println(e.Key, e.Value) }
package kind

import "errors"

// Kind is one of the stable failure classes of spec §8. A Kind is itself an
// error so that errors.Is(err, kind.PinMismatch) works on any wrapped error.
type Kind string

// The kinds of spec §8.
const (
	InvalidDSN             Kind = "invalid-dsn"
	EncryptionNotSupported Kind = "encryption-not-supported"
	UntrustedCertificate   Kind = "untrusted-certificate"
	HostnameMismatch       Kind = "hostname-mismatch"
	CertificateExpired     Kind = "certificate-expired"
	CertificateUsage       Kind = "certificate-usage"
	CertificateRevoked     Kind = "certificate-revoked"
	PinMismatch            Kind = "pin-mismatch"
	TruststoreIntegrity    Kind = "truststore-integrity"
	TruststoreUnreadable   Kind = "truststore-unreadable"
	TLSVersionMismatch     Kind = "tls-version-mismatch"
	HandshakeFailed        Kind = "handshake-failed"
	ServerRefused          Kind = "server-refused"
	ProtocolViolation      Kind = "protocol-violation"
	Network                Kind = "network"
)

// all is every kind, in the order of spec §8: an array, so no caller can
// change it through the slice All returns.
var all = [...]Kind{
	InvalidDSN, EncryptionNotSupported, UntrustedCertificate, HostnameMismatch,
	CertificateExpired, CertificateUsage, CertificateRevoked, PinMismatch, TruststoreIntegrity,
	TruststoreUnreadable, TLSVersionMismatch, HandshakeFailed, ServerRefused, ProtocolViolation,
	Network,
}

// All returns every kind, in the order of spec §8, as a new slice each
// call: changing it changes nothing else.
func All() []Kind { return append([]Kind(nil), all[:]...) }

// Error returns the kind's name, e.g. "hostname-mismatch".
func (k Kind) Error() string { return string(k) }

// Of returns the kind of the first *Error (or bare Kind) in err's chain, or
// "" when err carries none.
func Of(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return ""
}
