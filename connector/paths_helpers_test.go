package connector

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

// The tests of spec §2.1's paths (named instances, routing) put each SQL
// Browser on UDP 1434 of a loopback address of its own, picked at random
// (tds.ListenBrowserLoopback), so that tests, packages and concurrent test
// processes never share one; 127.0.0.0/8 is all loopback on Linux, and
// binding it needs no privilege. Servers that only need a distinct address
// (TCP, any port) use 127.0.0.20–39 of this package; the fixed browsers are
// those of the host-name tests: 127.0.0.1 (TestNamedInstanceLocalhost) and
// 127.0.0.30 (TestNamedInstanceHostName).

// pathFixture is a CA, a PEM trust store holding it, and certificates it
// issues for the names each test needs.
type pathFixture struct {
	ca, other *certgen.Cert // other: a CA nobody trusts
	trust     string
	nb, na    time.Time
}

func newPathFixture(t *testing.T) *pathFixture {
	f := &pathFixture{}
	f.nb, f.na = certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	f.ca = certgen.Must(certgen.Spec{CN: "paths CA", IsCA: true, NotBefore: f.nb, NotAfter: f.na})
	f.other = certgen.Must(certgen.Spec{CN: "untrusted CA", IsCA: true, NotBefore: f.nb, NotAfter: f.na})
	f.trust = filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(f.trust, f.ca.CertPEM(), 0o644))
	return f
}

// leaf issues a certificate whose CN is names[0] and whose SANs are names
// (IP literals as iPAddress entries, the rest as dNSName entries).
func (f *pathFixture) leaf(parent *certgen.Cert, names ...string) *certgen.Cert {
	spec := certgen.Spec{CN: names[0], Parent: parent, NotBefore: f.nb, NotAfter: f.na}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			spec.IPs = append(spec.IPs, ip)
		} else {
			spec.DNSNames = append(spec.DNSNames, n)
		}
	}
	return certgen.Must(spec)
}

// server starts a TDS server on ip (any port) presenting a certificate the
// fixture's CA issued for names (default: ip).
func (f *pathFixture) server(t *testing.T, ip string, cfg tds.Config, names ...string) *tds.Server {
	if len(names) == 0 {
		names = []string{ip}
	}
	return f.serverWith(t, ip, cfg, f.leaf(f.ca, names...))
}

func (f *pathFixture) serverWith(t *testing.T, ip string, cfg tds.Config, leaf *certgen.Cert) *tds.Server {
	cert := leaf.TLS(true)
	cfg.Certificate = &cert
	srv, err := tds.Listen(net.JoinHostPort(ip, "0"), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// browser starts a SQL Browser on ip:1434 (the host-name tests, whose
// addresses are fixed).
func (f *pathFixture) browser(t *testing.T, ip string, cfg tds.BrowserConfig) *tds.Browser {
	b, err := tds.ListenBrowser(net.JoinHostPort(ip, "1434"), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

// browserAnywhere starts a SQL Browser on UDP 1434 of a loopback address of
// its own (tds.ListenBrowserLoopback): the test's servers listen on its
// Host, and SetInstances tells it their ports.
func (f *pathFixture) browserAnywhere(t *testing.T, cfg tds.BrowserConfig) *tds.Browser {
	b, err := tds.ListenBrowserLoopback(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

// freeLoopback is a loopback address with nothing on UDP 1434.
func freeLoopback(t *testing.T) string {
	ip, err := tds.FreeLoopback()
	require.NoError(t, err)
	return ip
}

// testHosts are the host names the name-resolution tests connect to, and
// the loopback address each must resolve to. No resolver holds them unless
// the machine's hosts file does: the tests that need them skip otherwise,
// saying which lines to add (as root: the block below, appended to
// /etc/hosts). The paths they test are also covered with IP literals and
// localhost by tests that always run.
var testHosts = []struct{ name, ip string }{
	{"sql-a.dbtls.test", "127.0.0.30"},
	{"myserver.database.dbtls.test", "127.0.0.31"},
	{"a.tr1.westus1-a.worker.database.dbtls.test", "127.0.0.32"},
	{"b.tr2.westus1-a.worker.database.dbtls.test", "127.0.0.33"},
	{"ag.dbtls.test", "127.0.0.36"}, // two addresses: an availability group listener
	{"ag.dbtls.test", "127.0.0.37"},
}

// needHosts skips the test unless every name of testHosts resolves to its
// addresses, and to no other.
func needHosts(t *testing.T) {
	t.Helper()
	want := map[string][]string{}
	var order []string
	for _, h := range testHosts {
		if want[h.name] == nil {
			order = append(order, h.name)
		}
		want[h.name] = append(want[h.name], h.ip)
	}
	var missing []string
	for _, name := range order {
		addrs, err := net.DefaultResolver.LookupHost(context.Background(), name)
		slices.Sort(addrs)
		if err != nil || !slices.Equal(addrs, want[name]) {
			for _, ip := range want[name] {
				missing = append(missing, ip+" "+name)
			}
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("these host names do not resolve as the test needs; add to /etc/hosts (scripts/install-deps.sh does):\n%s", strings.Join(missing, "\n"))
		if os.Getenv("CI") != "" {
			t.Fatal(msg) // under CI a test that needs its set-up fails, never skips
		}
		t.Skip(msg)
	}
}
