package sqlserver

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// TestFixture checks that each certificate has exactly the one defect its
// name says, with Go's own verifier, and that the stores open with the
// right password only.
func TestFixture(t *testing.T) {
	now := time.Now()
	f, err := NewFixture(t.TempDir(), now)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(f.CA.Cert)
	verify := func(kind string) error {
		_, err := f.Leaves[kind].Cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, DNSName: Host})
		return err
	}
	for kind, wantErr := range map[string]bool{"good": false, "expired": true, "untrusted": true, "clientauth-only": true} {
		if err := verify(kind); (err != nil) != wantErr {
			t.Errorf("%s: Verify = %v", kind, err)
		}
	}
	var inv x509.CertificateInvalidError
	if err := verify("expired"); !errors.As(err, &inv) || inv.Reason != x509.Expired {
		t.Errorf("expired: %v", err)
	}
	if err := verify("clientauth-only"); !errors.As(err, &inv) || inv.Reason != x509.IncompatibleUsage {
		t.Errorf("clientauth-only: %v", err)
	}
	if c := f.Leaves["cn-only"].Cert; len(c.DNSNames) != 0 || len(c.IPAddresses) != 0 || c.Subject.CommonName != Matching {
		t.Errorf("cn-only has SANs or the wrong CN")
	}

	jks, err := os.ReadFile(f.Stores["jks"])
	if err != nil {
		t.Fatal(err)
	}
	for pw, ok := range map[string]bool{StorePassword: true, WrongPassword: false} {
		ks := keystore.New()
		if err := ks.Load(bytes.NewReader(jks), []byte(pw)); (err == nil) != ok {
			t.Errorf("JKS with %q: %v", pw, err)
		}
	}
	p12, err := os.ReadFile(f.Stores["pkcs12"])
	if err != nil {
		t.Fatal(err)
	}
	for pw, ok := range map[string]bool{StorePassword: true, WrongPassword: false, "": false} {
		certs, err := pkcs12.DecodeTrustStore(p12, pw)
		if (err == nil && len(certs) == 1) != ok {
			t.Errorf("PKCS12 with %q: %d certificates, %v", pw, len(certs), err)
		}
	}
	if _, err := os.Stat(f.JavaHome + "/lib/security/jssecacerts"); err != nil {
		t.Error(err)
	}
}

// TestServersPresentTheirLeaf dials each strict-only server (TLS first) and
// checks the certificate it presents.
func TestServersPresentTheirLeaf(t *testing.T) {
	f, err := NewFixture(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srvs, err := StartServers(f)
	if err != nil {
		t.Fatal(err)
	}
	defer srvs.Close()
	for _, kind := range Certs {
		c, err := tls.Dial("tcp", srvs.For("strict-only", kind).Addr(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"tds/8.0"}})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		got := c.ConnectionState().PeerCertificates[0]
		c.Close()
		if !got.Equal(f.Leaves[kind].Cert) {
			t.Errorf("%s: server presents %s", kind, got.Subject)
		}
	}
}
