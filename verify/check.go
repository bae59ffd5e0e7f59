package verify

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dbtls/dbtls/kind"
)

// Check runs every certificate check of spec §3 that s demands on a presented
// chain (leaf first) at the time now. It is what VerifyConnection runs, so it
// also holds on resumed sessions.
func Check(s *Strategy, chain []*x509.Certificate, now time.Time) error {
	if s.described {
		return errDescribed
	}
	if len(chain) == 0 {
		return &kind.Error{Kind: kind.HandshakeFailed, What: "server presented no certificate"}
	}
	leaf := chain[0]
	switch s.Mode {
	case ModeNone:
		if s.CheckValidity {
			return checkValidity(chain, now)
		}
		return nil
	case ModeCAChain, ModeHostnameOverride:
		if err := checkChain(s, chain, now); err != nil {
			return err
		}
		if s.NameRules == NoName {
			return nil
		}
		return MatchName(s.NameRules, leaf, s.ExpectedName)
	case ModePin:
		if s.Pin == nil {
			panic("verify: ModePin without a pin")
		}
		if !bytesEqual(leaf.Raw, s.Pin.Raw) {
			pe := &PinError{Certificate: leaf, Pinned: s.Pin}
			return &kind.Error{Kind: kind.PinMismatch, What: "server certificate is not the pinned one", Key: "serverCertificate", Value: s.Trust.Path,
				Why: pe.Error(), Fix: "update the serverCertificate file to the server's current certificate", Err: pe}
		}
		return checkValidity(chain, now)
	}
	panic("verify: impossible Mode")
}

// errDescribed is Check's answer for a Strategy made by Describe.
var errDescribed = &kind.Error{Kind: kind.HandshakeFailed, What: "a described strategy cannot judge a certificate",
	Why: "verify.Describe names the trust material without loading it", Fix: "use verify.Resolve for a strategy to connect with"}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// checkValidity checks that every certificate is within its window.
func checkValidity(chain []*x509.Certificate, now time.Time) error {
	for _, c := range chain {
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			return validityError(c, now)
		}
	}
	return nil
}

func validityError(c *x509.Certificate, now time.Time) error {
	ve := &ValidityError{Certificate: c, Now: now}
	return &kind.Error{Kind: kind.CertificateExpired, What: "server certificate outside its validity period", Why: ve.Error(),
		Fix: "renew the server's certificate (or check this machine's clock)", Err: ve}
}

var systemRoots = sync.OnceValues(x509.SystemCertPool)

// checkChain verifies the chain to s.Roots (the host's pool when nil) with
// the intermediates the server sent, for serverAuth.
func checkChain(s *Strategy, chain []*x509.Certificate, now time.Time) error {
	roots := s.Roots
	if roots == nil {
		var err error
		if roots, err = systemRoots(); err != nil {
			return &kind.Error{Kind: kind.UntrustedCertificate, What: "cannot read the system trust anchors", Why: err.Error(),
				Fix: "set " + kind.KeyOr(s.anchorKey, "trustStore") + " to the CA that issued the server's certificate", Err: err}
		}
	}
	key := chainKey(chain)
	if s.chains.lookup(key, now) {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	leaf := chain[0]
	built, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err == nil {
		s.chains.store(key, built[0])
		return nil
	}
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			return validityError(inv.Cert, now)
		case x509.IncompatibleUsage:
			ue := &UsageError{Certificate: leaf}
			return &kind.Error{Kind: kind.CertificateUsage, What: "server certificate is not for server authentication", Why: ue.Error(),
				Fix: "give the server a certificate whose extended key usage includes serverAuth", Err: ue}
		}
	}
	ce := &ChainError{Certificate: leaf, Chain: chain, Cause: err}
	if w := weakSignature(chain); w != nil && strings.Contains(err.Error(), "insecure algorithm") {
		fix := "re-issue the server's certificate signed with SHA-256"
		if k, ok := leaf.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
			fix += " and a 2048-bit (or larger) RSA key (this one has " + strconv.Itoa(k.N.BitLen()) + " bits)"
		}
		return &kind.Error{Kind: kind.UntrustedCertificate, What: "server certificate is signed with " + w.SignatureAlgorithm.String(),
			Why: "Go's crypto/x509 refuses " + w.SignatureAlgorithm.String() + " signatures in a chain (the x509sha1 setting that allowed SHA-1 was removed in Go 1.24): " +
				w.Subject.String() + ", issued by " + w.Issuer.String(),
			Fix: fix + "; no client setting accepts it with the chain checked", Err: ce}
	}
	return &kind.Error{Kind: kind.UntrustedCertificate, What: "server certificate is not trusted", Why: ce.Error(),
		Fix: "add the issuing CA (" + kind.Foreign(ce.Issuer()) + ") to the trust anchors (" + kind.KeyOr(s.anchorKey, "trustStore") + "), or have the server send its intermediate certificates", Err: ce}
}
