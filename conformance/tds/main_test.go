package tds

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// The servers the client tests share, one per server setting of the
// matrix, started once for the package. Real clients use the real clock, so
// the certificate is valid around time.Now().
var (
	shared     map[string]*Server
	sharedCA   string // PEM file of the CA that issued the server certificate
	sharedCert tls.Certificate
	sharedErr  error
	sharedOnce sync.Once
	sharedDir  string
)

// serverSettings names the shared servers: the four PRELOGIN settings with
// TDS 8.0 refused, strict only, and OFF that also serves TDS 8.0.
var serverSettings = []struct {
	Name       string
	Encryption Setting
	Strict     Strict
}{
	{"off", Off, StrictNo},
	{"on", On, StrictNo},
	{"req", Req, StrictNo},
	{"notsup", NotSup, StrictNo},
	{"strict-only", Off, StrictOnly},
	{"off+strict", Off, StrictAlso},
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range shared {
		s.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// servers returns the shared servers, starting them on first use.
func servers(t testing.TB) map[string]*Server {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "tds-test-")
		if sharedErr != nil {
			return
		}
		ca := certgen.Must(certgen.Spec{CN: "dbtls test root", IsCA: true})
		leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"},
			IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Parent: ca})
		sharedCert = leaf.TLS(true)
		sharedCA = filepath.Join(sharedDir, "ca.pem")
		if sharedErr = os.WriteFile(sharedCA, ca.CertPEM(), 0o644); sharedErr != nil {
			return
		}
		shared = map[string]*Server{}
		for _, st := range serverSettings {
			s, err := Listen("127.0.0.1:0", Config{Encryption: st.Encryption, Strict: st.Strict, Certificate: &sharedCert})
			if err != nil {
				sharedErr = fmt.Errorf("server %s: %w", st.Name, err)
				return
			}
			shared[st.Name] = s
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// What a client sends, whatever its own option is called:
//
//	NOT_SUP: go-mssqldb encrypt=disable, tedious encrypt=false
//	OFF:     go-mssqldb encrypt=false, mssql-jdbc encrypt=false
//	ON:      go-mssqldb, tedious and mssql-jdbc encrypt=true
//	strict:  TLS first with ALPN tds/8.0 (encrypt=strict everywhere)
//
// want is written from [MS-TDS] 2.2.6.5 (client byte × server setting) and
// from the strict settings: "" means the connection is refused (terminated by
// the table, or TDS 7.x against strict-only, or TDS 8.0 against a server that
// does not serve it); otherwise the encryption the server must log.
var want = map[string]map[string]Negotiated{
	"NOT_SUP": {"off": NegNone, "on": "", "req": "", "notsup": NegNone, "strict-only": "", "off+strict": NegNone},
	"OFF":     {"off": NegLoginOnly, "on": NegFull, "req": NegFull, "notsup": NegNone, "strict-only": "", "off+strict": NegLoginOnly},
	"ON":      {"off": NegFull, "on": NegFull, "req": NegFull, "notsup": "", "strict-only": "", "off+strict": NegFull},
	"strict":  {"off": "", "on": "", "req": "", "notsup": "", "strict-only": NegStrict, "off+strict": NegStrict},
}

// needTool fails under CI and skips otherwise when a tool is missing.
func needTool(t *testing.T, why string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s: %v (CI is set, so this is a failure, not a skip)", why, err)
	}
	t.Skipf("%s: %v", why, err)
}
