package verify

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// crlOf makes a CRL issued by ca (signed with signer's key) revoking the
// given certificates, current from thisUpdate to nextUpdate.
func crlOf(t *testing.T, ca, signer *certgen.Cert, thisUpdate, nextUpdate time.Time, revoked ...*certgen.Cert) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: thisUpdate, NextUpdate: nextUpdate}
	for _, c := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: c.Cert.SerialNumber, RevocationTime: thisUpdate})
	}
	issuer := *ca.Cert
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, &issuer, signer.Key)
	require.NoError(t, err)
	return der
}

func pemCRL(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}) }

// TestRevocation (spec §7): the CRLs are checked for every certificate of
// the verified chain; a revoked one is kind certificate-revoked; a CRL that
// does not verify against its issuer, or has expired, is refused when it is
// loaded, naming the property; the keys of both families.
func TestRevocation(t *testing.T) {
	now := time.Now()
	nb, na := certgen.Window(now, time.Hour, 24*time.Hour)
	root := certgen.Must(certgen.Spec{CN: "root CA", IsCA: true, NotBefore: nb, NotAfter: na})
	impostor := certgen.Must(certgen.Spec{CN: "root CA", IsCA: true, NotBefore: nb, NotAfter: na}) // same name, other key
	inter := certgen.Must(certgen.Spec{CN: "intermediate CA", IsCA: true, Parent: root, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "db.example.com", DNSNames: []string{"db.example.com"}, Parent: inter, NotBefore: nb, NotAfter: na})
	other := certgen.Must(certgen.Spec{CN: "db.example.com", DNSNames: []string{"db.example.com"}, Parent: inter, NotBefore: nb, NotAfter: na})
	chain := []*x509.Certificate{leaf.Cert, inter.Cert}

	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	ca := write("ca.pem", root.CertPEM())
	interRevokesLeaf := write("inter-leaf.pem", pemCRL(crlOf(t, inter, inter, now.Add(-time.Minute), now.Add(time.Hour), leaf)))
	interRevokesOtherDER := write("inter-other.der", crlOf(t, inter, inter, now.Add(-time.Minute), now.Add(time.Hour), other))
	rootRevokesInter := write("root-inter.pem", pemCRL(crlOf(t, root, root, now.Add(-time.Minute), now.Add(time.Hour), inter)))
	rootEmpty := write("root-empty.pem", pemCRL(crlOf(t, root, root, now.Add(-time.Minute), now.Add(time.Hour))))
	forged := write("forged.pem", pemCRL(crlOf(t, root, impostor, now.Add(-time.Minute), now.Add(time.Hour), inter)))
	expired := write("expired.pem", pemCRL(crlOf(t, root, root, now.Add(-2*time.Hour), now.Add(-time.Hour))))
	forgedInter := write("forged-inter.pem", pemCRL(crlOf(t, inter, impostor, now.Add(-time.Minute), now.Add(time.Hour), leaf)))
	garbage := write("garbage.crl", []byte("not a CRL"))
	crlDir := filepath.Join(dir, "crls")
	require.NoError(t, os.Mkdir(crlDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(crlDir, "a.r0"), pemCRL(crlOf(t, inter, inter, now.Add(-time.Minute), now.Add(time.Hour), leaf)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(crlDir, "ca.pem"), root.CertPEM(), 0o644)) // a certificate beside the lists: not a CRL, left
	require.NoError(t, os.WriteFile(filepath.Join(crlDir, ".hidden"), []byte("garbage"), 0o644))

	mysql := "jdbc:mysql://db.example.com/app?sslMode=VERIFY_IDENTITY&ssl-ca=" + ca + "&"
	sqlserver := "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + ca + ";"
	for _, tc := range []struct {
		name      string
		dsn       string
		loadKind  kind.Kind // refused at load
		loadWords string
		checkKind kind.Kind // "" : the chain is accepted
	}{
		{"leaf revoked, ssl-crl", mysql + "ssl-crl=" + interRevokesLeaf, "", "", kind.CertificateRevoked},
		{"another leaf revoked (DER)", mysql + "ssl-crl=" + interRevokesOtherDER, "", "", ""},
		{"intermediate revoked by the root's CRL", mysql + "ssl-crl=" + rootRevokesInter, "", "", kind.CertificateRevoked},
		{"nothing revoked", mysql + "ssl-crl=" + rootEmpty, "", "", ""},
		{"ssl-crlpath", mysql + "ssl-crlpath=" + crlDir, "", "", kind.CertificateRevoked},
		{"ssl-crl and ssl-crlpath together", mysql + "ssl-crl=" + rootEmpty + "&ssl-crlpath=" + crlDir, "", "", kind.CertificateRevoked},
		{"SQL Server: certificateRevocationList", sqlserver + "certificateRevocationList=" + rootRevokesInter, "", "", kind.CertificateRevoked},
		{"SQL Server: a directory", sqlserver + "certificateRevocationList=" + crlDir, "", "", kind.CertificateRevoked},
		{"the root's CRL signed by another key", mysql + "ssl-crl=" + forged, kind.TruststoreUnreadable, "certificate revocation list does not verify against its issuer (ssl-crl=" + forged + ")", ""},
		{"expired", mysql + "ssl-crl=" + expired, kind.TruststoreUnreadable, "certificate revocation list has expired (ssl-crl=" + expired + ")", ""},
		{"garbage", sqlserver + "certificateRevocationList=" + garbage, kind.TruststoreUnreadable, "(certificateRevocationList=" + garbage + ")", ""},
		{"missing", mysql + "ssl-crl=" + filepath.Join(dir, "none"), kind.TruststoreUnreadable, "ssl-crl", ""},
		{"intermediate's CRL signed by another key: refused at the handshake", mysql + "ssl-crl=" + forgedInter, "", "", kind.TruststoreUnreadable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := resolve(t, tc.dsn)
			if tc.loadKind != "" {
				require.ErrorIs(t, err, tc.loadKind)
				require.Contains(t, err.Error(), tc.loadWords)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, st.Revocation)
			for range 2 { // the second time through the chain cache
				err = Check(st, chain, now)
				if tc.checkKind == "" {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, tc.checkKind)
			}
			if tc.checkKind == kind.CertificateRevoked {
				var re *RevokedError
				require.ErrorAs(t, err, &re)
				require.Contains(t, err.Error(), re.Certificate.SerialNumber.String())
			}
		})
	}

	// A strategy that verifies no chain has none to check: a warning.
	st, err := resolve(t, "jdbc:mysql://db.example.com/app?sslMode=REQUIRED&ssl-crl="+interRevokesLeaf)
	require.NoError(t, err)
	require.Nil(t, st.Revocation)
	require.Contains(t, st.Warnings, "ssl-crl is ignored: sslMode REQUIRED validates no certificate chain, so there is none to check for revocation")

	// A MySQL key on a SQL Server DSN.
	_, err = resolve(t, sqlserver+"ssl-crl="+rootEmpty)
	require.ErrorIs(t, err, kind.InvalidDSN)

	// A CRL that expires while in use stops connections until replaced.
	st, err = resolve(t, mysql+"ssl-crl="+rootEmpty)
	require.NoError(t, err)
	require.ErrorIs(t, Check(st, chain, now.Add(2*time.Hour)), kind.UntrustedCertificate)
}
