package verify

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestCausesCarryTheCertificate: every certificate failure's cause, reached
// with errors.As through the *kind.Error Check returns, holds the
// certificate concerned (and the expected name, the chain, the pin), as
// crypto/x509's HostnameError does; the message is the cause's.
func TestCausesCarryTheCertificate(t *testing.T) {
	p := newPKI(t)
	ca := func(name string) *Strategy {
		return &Strategy{Mode: ModeCAChain, NameRules: SQLServerNames, ExpectedName: name, Roots: p.root.Pool()}
	}

	var ne *NameError
	err := Check(ca("other.example.com"), chainOf(p.leaf, true), now)
	require.ErrorAs(t, err, &ne)
	require.Same(t, p.leaf.Cert, ne.Certificate)
	require.Equal(t, "other.example.com", ne.Expected)
	require.Equal(t, SQLServerNames, ne.Rules)
	require.Contains(t, err.Error(), "found "+certNames(ne.Certificate), "the message is built from the certificate")

	var ce *ChainError
	chain := chainOf(p.stranger, true)
	err = Check(ca("db.example.com"), chain, now)
	require.ErrorAs(t, err, &ce)
	require.Same(t, p.stranger.Cert, ce.Certificate)
	require.Equal(t, chain, ce.Chain)
	require.Equal(t, "CN=Other Root", ce.Issuer())
	var ua x509.UnknownAuthorityError
	require.True(t, errors.As(err, &ua), "crypto/x509's verdict is the chain error's cause")

	var ve *ValidityError
	err = Check(ca("db.example.com"), chainOf(p.expired, true), now)
	require.ErrorAs(t, err, &ve)
	require.Same(t, p.expired.Cert, ve.Certificate)
	require.Equal(t, now, ve.Now)
	require.ErrorIs(t, err, kind.CertificateExpired)

	var ue *UsageError
	err = Check(ca("db.example.com"), chainOf(p.clientOnly, true), now)
	require.ErrorAs(t, err, &ue)
	require.Same(t, p.clientOnly.Cert, ue.Certificate)
	require.Contains(t, ue.Error(), "[clientAuth]")

	var pe *PinError
	err = Check(&Strategy{Mode: ModePin, Pin: p.leaf.Cert}, chainOf(p.noEKU, false), now)
	require.ErrorAs(t, err, &pe)
	require.Same(t, p.noEKU.Cert, pe.Certificate)
	require.Same(t, p.leaf.Cert, pe.Pinned)
}
