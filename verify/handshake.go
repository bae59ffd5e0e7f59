package verify

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// ClassifyHandshake maps an error from a TLS handshake, as a driver returns
// it, to a *kind.Error of the right kind; an error that already carries a
// kind is returned unchanged, and nil stays nil.
func ClassifyHandshake(err error) error {
	if err == nil || kind.Of(err) != "" {
		return err
	}
	msg := err.Error()
	shown := kind.Foreign(msg) // it may quote the certificate's names
	switch {
	case strings.Contains(msg, "negative serial number"):
		return &kind.Error{Kind: kind.HandshakeFailed, What: "server certificate has a negative serial number",
			Why: "Go's crypto/tls refuses such certificates (SQL Server 2017 makes them when it generates its own) even with trustServerCertificate=true, and offers no way around it",
			Fix: "install a proper certificate on the server", Err: err}
	case strings.Contains(msg, "protocol version not supported"), strings.Contains(msg, "unsupported protocol version"),
		strings.Contains(msg, "no supported versions"), strings.Contains(msg, "server selected unsupported"):
		return &kind.Error{Kind: kind.TLSVersionMismatch, What: "no TLS version in common with the server", Why: shown,
			Fix: "allow a version the server supports (tls-version / sslProtocol), or enable a newer one on the server", Err: err}
	}
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ce) || isX509(err) {
		return &kind.Error{Kind: kind.UntrustedCertificate, What: "server certificate refused", Why: shown, Err: err}
	}
	var oe *net.OpError
	if (errors.As(err, &oe) && oe.Op == "remote error" || strings.Contains(msg, "remote error: tls: ")) && strings.Contains(msg, "certificate required") {
		// TLS 1.3's certificate_required: the client learns it on its first
		// read after the handshake.
		return &kind.Error{Kind: kind.HandshakeFailed, What: "the server demands a client certificate", Why: shown,
			Fix: "give a client certificate the server trusts: ssl-cert and ssl-key, or clientCertificateKeyStoreUrl", Err: err}
	}
	if errors.As(err, &oe) && oe.Op == "remote error" || strings.Contains(msg, "remote error: tls: ") { // the text: go-mssqldb flattens the error with %v
		// crypto/tls reports a received alert as a *net.OpError: it is the
		// server refusing the handshake, not the network failing.
		return &kind.Error{Kind: kind.HandshakeFailed, What: refusedWhat, Why: shown,
			Fix: "compare the TLS versions and cipher suites both sides allow (and the server's certificate setup)", Err: err}
	}
	if errors.As(err, &oe) && oe.Op == "local error" {
		// an alert crypto/tls sent itself (bad record MAC, decode error …):
		// the bytes arrived but do not make a valid TLS exchange — tampered
		// with, or a broken server.
		return &kind.Error{Kind: kind.HandshakeFailed, What: "TLS handshake failed", Why: shown,
			Fix: "the TLS exchange was corrupted: check for a machine in the middle or a broken server", Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return &kind.Error{Kind: kind.Network, What: "network failure during the TLS handshake", Why: shown, Err: err}
	}
	return &kind.Error{Kind: kind.HandshakeFailed, What: "TLS handshake failed", Why: shown, Err: err}
}

func isX509(err error) bool {
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var he x509.HostnameError
	return errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &he)
}
