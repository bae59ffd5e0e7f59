package connector

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestIPHostsEveryRow (spec §2.1; every non-strict TLS connection to an IP
// address once panicked inside crypto/tls): every scenario row against a
// server named by an IPv4 or IPv6 literal, for three kinds of certificate.
// The expected outcomes are written from the spec: the name to check is the
// literal, which matches a SAN iPAddress exactly or a CN equal to it letter
// for letter; rows 1 and 2 check nothing; rows 3 and 4 use the system pool,
// which does not hold this run's CA; a pin ignores names.
func TestIPHostsEveryRow(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "ip CA", IsCA: true, NotBefore: nb, NotAfter: na})
	dir := t.TempDir()
	trust := filepath.Join(dir, "trust.pem")
	require.NoError(t, os.WriteFile(trust, ca.CertPEM(), 0o644))

	type certKind struct {
		name string
		spec func(literal string) certgen.Spec
	}
	kinds := []certKind{
		{"ip-san", func(string) certgen.Spec {
			return certgen.Spec{CN: "ip-san", IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}}
		}},
		{"cn-literal", func(lit string) certgen.Spec { return certgen.Spec{CN: lit} }},
		{"no-ip", func(string) certgen.Spec { return certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}} }},
	}
	ok := kind.Kind("")
	// want[certKind] for each row; "" is success.
	rows := []struct {
		name, props string
		strict      bool
		want        map[string]kind.Kind
	}{
		{"row 1", "encrypt=false", false, map[string]kind.Kind{"ip-san": ok, "cn-literal": ok, "no-ip": ok}},
		{"row 2", "encrypt=true;trustServerCertificate=true", false, map[string]kind.Kind{"ip-san": ok, "cn-literal": ok, "no-ip": ok}},
		{"row 3", "encrypt=true", false, map[string]kind.Kind{"ip-san": kind.UntrustedCertificate, "cn-literal": kind.UntrustedCertificate, "no-ip": kind.UntrustedCertificate}},
		{"row 4", "encrypt=true;hostNameInCertificate=localhost", false, map[string]kind.Kind{"ip-san": kind.UntrustedCertificate, "cn-literal": kind.UntrustedCertificate, "no-ip": kind.UntrustedCertificate}},
		{"row 7", "encrypt=true;trustStore=" + trust, false, map[string]kind.Kind{"ip-san": ok, "cn-literal": ok, "no-ip": kind.HostnameMismatch}},
		{"row 9", "encrypt=true;trustStore=" + trust + ";hostNameInCertificate=localhost", false, map[string]kind.Kind{"ip-san": kind.HostnameMismatch, "cn-literal": kind.HostnameMismatch, "no-ip": ok}},
		{"row 11", "encrypt=strict;trustStore=" + trust, true, map[string]kind.Kind{"ip-san": ok, "cn-literal": ok, "no-ip": kind.HostnameMismatch}},
		{"row 11 pin", "encrypt=strict;serverCertificate=PIN", true, map[string]kind.Kind{"ip-san": ok, "cn-literal": ok, "no-ip": ok}},
	}
	for _, host := range []struct{ literal, listen, inURL string }{
		{"127.0.0.1", "127.0.0.1:0", "127.0.0.1"},
		{"::1", "[::1]:0", "[::1]"},
	} {
		for _, ck := range kinds {
			spec := ck.spec(host.literal)
			spec.Parent, spec.NotBefore, spec.NotAfter = ca, nb, na
			leaf := certgen.Must(spec)
			pin := filepath.Join(dir, strings.ReplaceAll(host.literal, ":", "_")+"-"+ck.name+".pem")
			require.NoError(t, os.WriteFile(pin, leaf.CertPEM(), 0o644))
			cert := leaf.TLS(true)
			servers := map[bool]*tds.Server{}
			for _, strict := range []bool{false, true} {
				cfg := tds.Config{Encryption: tds.Req, Certificate: &cert}
				if strict {
					cfg.Strict = tds.StrictOnly
				}
				srv, err := tds.Listen(host.listen, cfg)
				require.NoError(t, err)
				t.Cleanup(func() { srv.Close() })
				servers[strict] = srv
			}
			for _, row := range rows {
				name := host.literal + "/" + ck.name + "/" + row.name
				t.Run(name, func(t *testing.T) {
					port := servers[row.strict].Port()
					url := "jdbc:sqlserver://" + host.inURL + ":" + strconv.Itoa(port) + ";user=sa;password=Tds-s3cret;loginTimeout=5;" +
						strings.ReplaceAll(row.props, "PIN", pin)
					c, err := New(url)
					require.NoError(t, err)
					var info ConnInfo
					require.NotPanics(t, func() { info, err = connectOnce(t, c) })
					want := row.want[ck.name]
					if want != ok {
						require.ErrorIs(t, err, want)
						require.NotContains(t, err.Error(), "Tds-s3cret")
						return
					}
					require.NoError(t, err)
					require.True(t, info.Encrypted, "the server answers REQ: everything is encrypted")
					require.Equal(t, leaf.SHA256(), info.Peer[0].SHA256)
				})
			}
		}
	}
}
