package verify

import (
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

var now = certgen.Clock

// pki is a root, an intermediate and leaves made at the fixed clock.
type pki struct {
	root, mid, leaf, expired, future, clientOnly, noEKU, otherRoot, stranger *certgen.Cert
}

func newPKI(t *testing.T) pki {
	nb, na := certgen.Window(now, 24*time.Hour, 365*24*time.Hour)
	var p pki
	p.root = certgen.Must(certgen.Spec{CN: "Root CA", IsCA: true, NotBefore: nb, NotAfter: na})
	p.mid = certgen.Must(certgen.Spec{CN: "Intermediate CA", IsCA: true, Parent: p.root, NotBefore: nb, NotAfter: na})
	leaf := func(s certgen.Spec) *certgen.Cert {
		if s.NotBefore.IsZero() {
			s.NotBefore, s.NotAfter = nb, na
		}
		if s.Parent == nil {
			s.Parent = p.mid
		}
		return certgen.Must(s)
	}
	p.leaf = leaf(certgen.Spec{CN: "db.example.com", DNSNames: []string{"db.example.com"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	p.expired = leaf(certgen.Spec{CN: "db.example.com", NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)})
	p.future = leaf(certgen.Spec{CN: "db.example.com", NotBefore: now.Add(time.Hour), NotAfter: now.Add(48 * time.Hour)})
	p.clientOnly = leaf(certgen.Spec{CN: "db.example.com", ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	p.noEKU = leaf(certgen.Spec{CN: "db.example.com", NoEKU: true})
	p.otherRoot = certgen.Must(certgen.Spec{CN: "Other Root", IsCA: true, NotBefore: nb, NotAfter: na})
	p.stranger = leaf(certgen.Spec{CN: "db.example.com", Parent: p.otherRoot})
	return p
}

func chainOf(c *certgen.Cert, withMid bool) []*x509.Certificate {
	out := []*x509.Certificate{c.Cert}
	if withMid && c.Parent != nil && c.Parent.Parent != nil {
		out = append(out, c.Parent.Cert)
	}
	return out
}

func TestCheck(t *testing.T) {
	p := newPKI(t)
	ca := func(name string) *Strategy {
		return &Strategy{Mode: ModeCAChain, NameRules: SQLServerNames, ExpectedName: name, Roots: p.root.Pool()}
	}
	pin := &Strategy{Mode: ModePin, Pin: p.leaf.Cert}
	tests := []struct {
		name  string
		s     *Strategy
		chain []*x509.Certificate
		want  kind.Kind // "" = accepted
		text  string
	}{
		{"trusted, intermediate served", ca("db.example.com"), chainOf(p.leaf, true), "", ""},
		{"intermediate not served", ca("db.example.com"), chainOf(p.leaf, false), kind.UntrustedCertificate, "Intermediate CA"},
		{"untrusted root", ca("db.example.com"), chainOf(p.stranger, true), kind.UntrustedCertificate, "Other Root"},
		{"expired", ca("db.example.com"), chainOf(p.expired, true), kind.CertificateExpired, "expired"},
		{"not yet valid", ca("db.example.com"), chainOf(p.future, true), kind.CertificateExpired, "not yet valid"},
		{"clientAuth-only EKU", ca("db.example.com"), chainOf(p.clientOnly, true), kind.CertificateUsage, "clientAuth"},
		{"no EKU is fine", ca("db.example.com"), chainOf(p.noEKU, true), "", ""},
		{"name mismatch after a good chain", ca("other.example.com"), chainOf(p.leaf, true), kind.HostnameMismatch, "other.example.com"},
		{"VERIFY_CA checks no name", &Strategy{Mode: ModeCAChain, NameRules: NoName, Roots: p.root.Pool()}, chainOf(p.leaf, true), "", ""},
		{"pin match", pin, chainOf(p.leaf, true), "", ""},
		{"pin match, untrusted chain is fine (no chain check)", &Strategy{Mode: ModePin, Pin: p.stranger.Cert}, chainOf(p.stranger, false), "", ""},
		{"pin mismatch", pin, chainOf(p.noEKU, true), kind.PinMismatch, p.leaf.SHA256()},
		{"pin with an expired certificate", &Strategy{Mode: ModePin, Pin: p.expired.Cert}, chainOf(p.expired, true), kind.CertificateExpired, "expired"},
		{"none checks nothing", &Strategy{Mode: ModeNone}, chainOf(p.expired, false), "", ""},
		{"none with validity (MySQL family)", &Strategy{Mode: ModeNone, CheckValidity: true}, chainOf(p.expired, false), kind.CertificateExpired, "clock says"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.s, tt.chain, now)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.Contains(t, err.Error(), tt.text)
		})
	}
	var pe *PinError
	require.ErrorAs(t, Check(pin, chainOf(p.noEKU, true), now), &pe)
	require.Equal(t, p.leaf.SHA256(), pe.WantSHA256())
	require.Same(t, p.noEKU.Cert, pe.Certificate, "the cause carries the certificate presented")
	require.Equal(t, p.noEKU.SHA256(), pe.GotSHA256())
}

func TestPinFileThatDoesNotParse(t *testing.T) {
	f := filepath.Join(t.TempDir(), "pin.pem")
	require.NoError(t, os.WriteFile(f, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o644))
	cfg, err := dsn.Parse("jdbc:sqlserver://h;encrypt=strict;serverCertificate=" + f)
	require.NoError(t, err)
	_, err = Resolve(cfg)
	require.ErrorIs(t, err, kind.InvalidDSN, "a pin that does not parse is a configuration error, never accept-all")
}
