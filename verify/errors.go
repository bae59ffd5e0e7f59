package verify

import (
	"strings"
	"time"
)

// ChainError: the certificate did not chain to a trust anchor.
type ChainError struct {
	Subject, Issuer string
	Cause           error
}

func (e *ChainError) Error() string {
	return "certificate " + e.Subject + " issued by " + e.Issuer + " does not chain to a trusted root: " + e.Cause.Error()
}

func (e *ChainError) Unwrap() error { return e.Cause }

// ValidityError: a certificate is outside its validity window at Now.
type ValidityError struct {
	Subject             string
	NotBefore, NotAfter time.Time
	Now                 time.Time
}

func (e *ValidityError) Error() string {
	state := "expired"
	if e.Now.Before(e.NotBefore) {
		state = "not yet valid"
	}
	return "certificate " + e.Subject + " is " + state + ": valid from " + e.NotBefore.UTC().Format(time.RFC3339) +
		" to " + e.NotAfter.UTC().Format(time.RFC3339) + ", clock says " + e.Now.UTC().Format(time.RFC3339)
}

// UsageError: the leaf's extended key usage does not allow server authentication.
type UsageError struct {
	Subject     string
	ExtKeyUsage []string
}

func (e *UsageError) Error() string {
	return "certificate " + e.Subject + " has extended key usage [" + strings.Join(e.ExtKeyUsage, ", ") + "] without serverAuth"
}

// PinError: the server's certificate is not the pinned one.
type PinError struct {
	WantSHA256, GotSHA256 string
}

func (e *PinError) Error() string {
	return "server certificate SHA-256 " + e.GotSHA256 + " is not the pinned " + e.WantSHA256
}
