package verify

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/dbtls/dbtls/kind"
)

// The typed causes of certificate failures. Check returns a *kind.Error
// whose Err is one of them, reachable with errors.As; like crypto/x509's
// HostnameError and CertificateInvalidError they carry the certificate
// itself (and the expected name, the chain, the pin), and their messages
// are built from it.

// NameError is the cause of a hostname-mismatch: the server's certificate
// does not carry the expected name under the name rules.
type NameError struct {
	Certificate *x509.Certificate // the server's certificate (leaf)
	Expected    string            // the name it had to carry
	Rules       NameRules
}

func (e *NameError) Error() string {
	return "certificate names " + certNames(e.Certificate) + " do not match " + kind.Foreign(e.Expected)
}

// certNames lists a certificate's names as a person compares them:
// [CN=…, DNS:…, IP:…].
func certNames(c *x509.Certificate) string {
	var parts []string
	if c.Subject.CommonName != "" {
		parts = append(parts, "CN="+c.Subject.CommonName)
	}
	for _, d := range c.DNSNames {
		parts = append(parts, "DNS:"+d)
	}
	for _, ip := range c.IPAddresses {
		parts = append(parts, "IP:"+ip.String())
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return "[" + kind.Foreign(strings.Join(parts, ", ")) + "]"
}

// ChainError is the cause of an untrusted-certificate: the server's
// certificate does not chain to a trust anchor.
type ChainError struct {
	Certificate *x509.Certificate   // the server's certificate (leaf)
	Chain       []*x509.Certificate // what the server presented, leaf first
	Cause       error               // crypto/x509's verdict
}

// Issuer names the issuer no trust anchor vouched for: that of the
// certificate crypto/x509 could not place, else of the last certificate the
// server sent.
func (e *ChainError) Issuer() string {
	var ua x509.UnknownAuthorityError
	if errors.As(e.Cause, &ua) && ua.Cert != nil {
		return ua.Cert.Issuer.String()
	}
	if len(e.Chain) > 0 {
		return e.Chain[len(e.Chain)-1].Issuer.String()
	}
	return e.Certificate.Issuer.String()
}

func (e *ChainError) Error() string {
	return "certificate " + kind.Foreign(e.Certificate.Subject.String()) + " issued by " + kind.Foreign(e.Issuer()) + " does not chain to a trusted root: " + kind.Foreign(e.Cause.Error())
}

func (e *ChainError) Unwrap() error { return e.Cause }

// ValidityError is the cause of a certificate-expired: a certificate is
// outside its validity window at Now.
type ValidityError struct {
	Certificate *x509.Certificate
	Now         time.Time
}

func (e *ValidityError) Error() string {
	c := e.Certificate
	state := "expired"
	if e.Now.Before(c.NotBefore) {
		state = "not yet valid"
	}
	return "certificate " + kind.Foreign(c.Subject.String()) + " is " + state + ": valid from " + c.NotBefore.UTC().Format(time.RFC3339) +
		" to " + c.NotAfter.UTC().Format(time.RFC3339) + ", clock says " + e.Now.UTC().Format(time.RFC3339)
}

// UsageError is the cause of a certificate-usage: the server's certificate
// has an extended key usage without server authentication.
type UsageError struct {
	Certificate *x509.Certificate
}

func (e *UsageError) Error() string {
	names := map[x509.ExtKeyUsage]string{x509.ExtKeyUsageServerAuth: "serverAuth", x509.ExtKeyUsageClientAuth: "clientAuth",
		x509.ExtKeyUsageCodeSigning: "codeSigning", x509.ExtKeyUsageEmailProtection: "emailProtection", x509.ExtKeyUsageAny: "any"}
	var ekus []string
	for _, u := range e.Certificate.ExtKeyUsage {
		if n, ok := names[u]; ok {
			ekus = append(ekus, n)
		} else {
			ekus = append(ekus, "other")
		}
	}
	return "certificate " + kind.Foreign(e.Certificate.Subject.String()) + " has extended key usage [" + strings.Join(ekus, ", ") + "] without serverAuth"
}

// PinError is the cause of a pin-mismatch: the server's certificate is not
// the pinned one.
type PinError struct {
	Certificate *x509.Certificate // what the server presented
	Pinned      *x509.Certificate // the serverCertificate file's
}

// GotSHA256 and WantSHA256 are the two certificates' SHA-256 fingerprints
// in hex.
func (e *PinError) GotSHA256() string  { return fingerprint(e.Certificate.Raw) }
func (e *PinError) WantSHA256() string { return fingerprint(e.Pinned.Raw) }

func (e *PinError) Error() string {
	return "server certificate SHA-256 " + e.GotSHA256() + " is not the pinned " + e.WantSHA256()
}

func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
