package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/sqlserver"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

// ipProbeResult is the part of probe's JSON these tests read.
type ipProbeResult struct {
	OK    bool
	Row   string
	Mode  string
	Addr  string
	TLS   *struct{ Encrypted, LoginOnly bool }
	Error *struct{ Kind, Message string }
}

// TestExplainProbeIPHosts (spec §2.1; every non-strict TLS connection
// to an IP address once panicked): explain and probe, in text and JSON, for
// every scenario row 1–11 (and the row 11 pin) against in-process TDS
// servers named by 127.0.0.1 and [::1], for three kinds of certificate. No
// run may panic; the exit status and the outcome are the spec's:
//   - the name checked is the literal, unless hostNameInCertificate gives
//     one (rows 4, 8, 9, 10); the literal matches a SAN iPAddress or a CN
//     equal to it letter for letter;
//   - rows 1 and 2 and a pin check no name; row 1 against a server answering
//     OFF encrypts the login packet only, rows 2–10 everything;
//   - rows 3 and 4 trust the host's pool, which does not hold this run's CA
//     (untrusted-certificate); rows 6 and 8 the JDK default store file
//     ($JAVA_HOME/lib/security/cacerts, here holding the CA).
func TestExplainProbeIPHosts(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "probe ip CA", IsCA: true, NotBefore: nb, NotAfter: na})
	dir := t.TempDir()
	pemStore := filepath.Join(dir, "trust.pem")
	require.NoError(t, os.WriteFile(pemStore, ca.CertPEM(), 0o644))
	jksBytes, err := sqlserver.JKS(ca.Cert, "changeit", time.Now())
	require.NoError(t, err)
	jksStore := filepath.Join(dir, "trust.jks")
	require.NoError(t, os.WriteFile(jksStore, jksBytes, 0o644))
	home := filepath.Join(dir, "jdk")
	require.NoError(t, os.MkdirAll(filepath.Join(home, "lib", "security"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(home, "lib", "security", "cacerts"), jksBytes, 0o644))
	t.Setenv("JAVA_HOME", home)

	const dnsName = "db.dbtls.test"
	kinds := []struct {
		name string
		spec func(literal string) certgen.Spec
	}{
		{"ip-san", func(string) certgen.Spec {
			return certgen.Spec{CN: dnsName, DNSNames: []string{dnsName}, IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}}
		}},
		{"cn-literal", func(lit string) certgen.Spec { return certgen.Spec{CN: lit} }},
		{"no-ip", func(string) certgen.Spec { return certgen.Spec{CN: dnsName, DNSNames: []string{dnsName}} }},
	}
	// names: whether the certificate kind carries the literal, and dnsName.
	carriesLiteral := map[string]bool{"ip-san": true, "cn-literal": true, "no-ip": false}
	carriesDNS := map[string]bool{"ip-san": true, "cn-literal": false, "no-ip": true}

	type rowCase struct {
		name, props string
		row         string
		mode        string
		strict      bool
		hnic        bool // the name checked is dnsName, not the literal
		checksName  bool
		systemPool  bool // rows 3, 4: this run's CA is not in the host's pool
	}
	rows := []rowCase{
		{"row 1", "encrypt=false", "1", "none", false, false, false, false},
		{"row 2", "encrypt=true;trustServerCertificate=true", "2", "none", false, false, false, false},
		{"row 3", "encrypt=true", "3", "ca-chain", false, false, true, true},
		{"row 4", "encrypt=true;hostNameInCertificate=" + dnsName, "4", "hostname-override", false, true, true, true},
		{"row 5", "encrypt=true;trustStore=" + jksStore + ";trustStorePassword=changeit", "5", "ca-chain", false, false, true, false},
		{"row 6", "encrypt=true;trustStorePassword=changeit", "6", "ca-chain", false, false, true, false},
		{"row 7", "encrypt=true;trustStore=" + pemStore, "7", "ca-chain", false, false, true, false},
		{"row 8", "encrypt=true;hostNameInCertificate=" + dnsName + ";trustStorePassword=changeit", "8", "hostname-override", false, true, true, false},
		{"row 9", "encrypt=true;hostNameInCertificate=" + dnsName + ";trustStore=" + pemStore, "9", "hostname-override", false, true, true, false},
		{"row 10", "encrypt=true;hostNameInCertificate=" + dnsName + ";trustStore=" + jksStore + ";trustStorePassword=changeit", "10", "hostname-override", false, true, true, false},
		{"row 11", "encrypt=strict;trustStore=" + pemStore, "11", "ca-chain", true, false, true, false},
		{"row 11 hostNameInCertificate", "encrypt=strict;hostNameInCertificate=" + dnsName + ";trustStore=" + jksStore, "11", "hostname-override", true, true, true, false},
		{"row 11 pin", "encrypt=strict;serverCertificate=PIN", "11", "pin", true, false, false, false},
	}
	for _, host := range []struct{ literal, inURL string }{{"127.0.0.1", "127.0.0.1"}, {"::1", "[::1]"}} {
		for _, k := range kinds {
			spec := k.spec(host.literal)
			spec.Parent, spec.NotBefore, spec.NotAfter = ca, nb, na
			leaf := certgen.Must(spec)
			pin := filepath.Join(dir, strings.ReplaceAll(host.literal, ":", "_")+"-"+k.name+".pem")
			require.NoError(t, os.WriteFile(pin, leaf.CertPEM(), 0o644))
			cert := leaf.TLS(true)
			ports := map[bool]int{}
			for _, strict := range []bool{false, true} {
				cfg := tds.Config{Encryption: tds.Off, Certificate: &cert}
				if strict {
					cfg.Strict = tds.StrictOnly
				}
				srv, err := tds.Listen(net.JoinHostPort(host.literal, "0"), cfg)
				require.NoError(t, err)
				t.Cleanup(func() { srv.Close() })
				ports[strict] = srv.Port()
			}
			for _, r := range rows {
				t.Run(host.literal+"/"+k.name+"/"+r.name, func(t *testing.T) {
					port := ports[r.strict]
					dsn := "jdbc:sqlserver://" + host.inURL + ":" + strconv.Itoa(port) + ";user=sa;password=" + secret + ";loginTimeout=5;" +
						strings.ReplaceAll(r.props, "PIN", pin)
					// The spec's outcome.
					wantKind := ""
					switch {
					case r.systemPool:
						wantKind = "untrusted-certificate"
					case r.checksName && r.hnic && !carriesDNS[k.name], r.checksName && !r.hnic && !carriesLiteral[k.name]:
						wantKind = "hostname-mismatch"
					}
					wantName := ""
					if r.checksName {
						wantName = host.literal
						if r.hnic {
							wantName = dnsName
						}
					}

					// explain, JSON and text: the row, the strategy and the name.
					var code int
					var out, errText string
					require.NotPanics(t, func() { code, out, errText = runCLI(t, "explain", "--json", dsn) })
					require.Equal(t, 0, code, errText)
					var ex map[string]any
					require.NoError(t, json.Unmarshal([]byte(out), &ex), out)
					require.Equal(t, r.row, ex["row"])
					require.Equal(t, r.mode, ex["mode"])
					if wantName != "" {
						require.Equal(t, wantName, ex["expectedName"])
					}
					require.NotPanics(t, func() { code, out, errText = runCLI(t, "explain", dsn) })
					require.Equal(t, 0, code, errText)
					require.Contains(t, out, "row:                "+r.row+"\n")
					if wantName != "" {
						require.Contains(t, out, "expected name:      "+wantName+"\n")
					}

					// probe, JSON.
					require.NotPanics(t, func() { code, out, errText = runCLI(t, "probe", "--json", "--timeout", "20s", dsn) })
					var res ipProbeResult
					require.NoError(t, json.Unmarshal([]byte(out), &res), out)
					require.Equal(t, r.row, res.Row)
					require.Equal(t, r.mode, res.Mode)
					if wantKind != "" {
						require.Equal(t, 1, code, out)
						require.False(t, res.OK)
						require.NotNil(t, res.Error, out)
						require.Equal(t, wantKind, res.Error.Kind, res.Error.Message)
					} else {
						require.Equal(t, 0, code, out)
						require.True(t, res.OK, out)
						require.Equal(t, net.JoinHostPort(host.literal, strconv.Itoa(port)), res.Addr)
						require.NotNil(t, res.TLS)
						if r.row == "1" {
							require.True(t, res.TLS.LoginOnly, "row 1 vs OFF: the login packet only")
						} else {
							require.True(t, res.TLS.Encrypted)
							require.False(t, res.TLS.LoginOnly)
						}
					}

					// probe, text.
					require.NotPanics(t, func() { code, out, errText = runCLI(t, "probe", "--timeout", "20s", dsn) })
					if wantKind != "" {
						require.Equal(t, 1, code, out)
						require.True(t, strings.HasPrefix(out, "ok:              false\n"), out)
						require.Contains(t, out, "error:           "+wantKind+"\nmessage:         dbtls: ")
						require.Empty(t, errText, "standard error carries only usage errors")
					} else {
						require.Equal(t, 0, code, errText)
						require.True(t, strings.HasPrefix(out, "ok:              true\n"), out)
						require.Contains(t, out, "address:         "+net.JoinHostPort(host.literal, strconv.Itoa(port))+"\n")
					}
				})
			}
		}
	}
}

// TestProbeIPHostsMySQL: probe against a MariaDB server named by 127.0.0.1
// and [::1] works in every sslMode (spec §5): the server's certificate carries
// both addresses as SAN iPAddresses, so VERIFY_IDENTITY passes for either
// literal (spec §3), and DISABLED connects in plaintext.
func TestProbeIPHostsMySQL(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "probe ip mysql CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}, Parent: ca, NotBefore: nb, NotAfter: na, RSA: true})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf, IPv6: true})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CertPEM(), 0o644))
	for _, host := range []struct{ literal, inURL string }{{"127.0.0.1", "127.0.0.1"}, {"::1", "[::1]"}} {
		for _, mode := range []string{"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"} {
			t.Run(host.literal+"/"+mode, func(t *testing.T) {
				dsn := "jdbc:mysql://" + host.inURL + ":" + strconv.Itoa(srv.Port) + "/?user=plain&password=" + mariadb.PlainPassword + "&sslMode=" + mode
				if strings.HasPrefix(mode, "VERIFY") {
					dsn += "&ssl-ca=" + caFile
				}
				var code int
				var out, errText string
				require.NotPanics(t, func() { code, out, errText = runProbeCLI(t, "explain", "--json", dsn) })
				require.Equal(t, 0, code, errText)
				require.NotPanics(t, func() { code, out, errText = runProbeCLI(t, "probe", "--json", "--timeout", "20s", dsn) })
				require.Equal(t, 0, code, out)
				var res ipProbeResult
				require.NoError(t, json.Unmarshal([]byte(out), &res), out)
				require.True(t, res.OK)
				require.Equal(t, mode, res.Row)
				require.Equal(t, mode != "DISABLED", res.TLS.Encrypted)
				require.NotPanics(t, func() { code, out, errText = runProbeCLI(t, "probe", "--timeout", "20s", dsn) })
				require.Equal(t, 0, code, errText)
				require.True(t, strings.HasPrefix(out, "ok:              true\n"), out)
			})
		}
	}
}
