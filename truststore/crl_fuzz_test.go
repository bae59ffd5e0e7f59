package truststore

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
)

// FuzzCRL: whatever a CRL file holds, reading it never panics, and every
// failure is a *kind.Error naming the property, never the content.
func FuzzCRL(f *testing.F) {
	ca := certgen.Must(certgen.Spec{CN: "fuzz CA", IsCA: true})
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: certgen.Clock, NextUpdate: certgen.Clock.Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: big.NewInt(7), RevocationTime: certgen.Clock}}}, ca.Cert, ca.Key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(der, false)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), true)
	f.Add(append(ca.CertPEM(), pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})...), false)
	f.Add(ca.CertPEM(), true)
	f.Add([]byte("-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, inDir bool) {
		lists, err := parseCRLs(data, "/crl.pem", "ssl-crl", inDir, certgen.Clock)
		if err != nil {
			var ke *kind.Error
			if !errors.As(err, &ke) || ke.Key != "ssl-crl" {
				t.Fatalf("not a *kind.Error naming ssl-crl: %v", err)
			}
			return
		}
		for _, l := range lists {
			if l == nil {
				t.Fatal("a nil list")
			}
		}
	})
}
