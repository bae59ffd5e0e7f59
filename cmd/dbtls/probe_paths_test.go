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
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

// TestProbePaths: probe shows every hop of a SQL Server connect (spec §6,
// §2.1): a login routed from one TDS server to another (each hop's address,
// the name checked there, its PRELOGIN answer and TLS), and a named
// instance resolved through SQL Browser (on a loopback address of its own).
// The routing servers listen on 127.0.0.50–51.
func TestProbePaths(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "probe paths CA", IsCA: true, NotBefore: nb, NotAfter: na})
	trust := filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(trust, ca.CertPEM(), 0o644))
	listen := func(ip string, cfg tds.Config) *tds.Server {
		leaf := certgen.Must(certgen.Spec{CN: ip, IPs: []net.IP{net.ParseIP(ip)}, Parent: ca, NotBefore: nb, NotAfter: na})
		cert := leaf.TLS(true)
		cfg.Certificate = &cert
		srv, err := tds.Listen(ip+":0", cfg)
		require.NoError(t, err)
		t.Cleanup(func() { srv.Close() })
		return srv
	}
	b := listen("127.0.0.51", tds.Config{Encryption: tds.Req})
	a := listen("127.0.0.50", tds.Config{Encryption: tds.On, Route: &tds.Route{Server: "127.0.0.51", Port: uint16(b.Port())}})
	aAddr, bAddr := "127.0.0.50:"+strconv.Itoa(a.Port()), "127.0.0.51:"+strconv.Itoa(b.Port())
	url := "jdbc:sqlserver://" + aAddr + ";user=sa;password=" + mariadb.PlainPassword + ";encrypt=true;trustStore=" + trust

	code, stdout, errText := runProbeCLI(t, "probe", "--json", url)
	require.Equal(t, 0, code, errText)
	var r struct {
		OK   bool
		Addr string
		Hops []struct {
			Addr, Remote, RoutedFrom, NameChecked, Prelogin, Version string
			Encrypted                                                bool
			Certificate                                              struct{ Subject string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
	require.True(t, r.OK)
	require.Equal(t, bAddr, r.Addr)
	require.Len(t, r.Hops, 2)
	require.Equal(t, aAddr, r.Hops[0].Addr)
	require.Equal(t, "127.0.0.50", r.Hops[0].NameChecked)
	require.Equal(t, "ENCRYPT_ON", r.Hops[0].Prelogin)
	require.Equal(t, "", r.Hops[0].RoutedFrom)
	require.Equal(t, bAddr, r.Hops[1].Addr)
	require.Equal(t, aAddr, r.Hops[1].RoutedFrom)
	require.Equal(t, "127.0.0.51", r.Hops[1].NameChecked)
	require.Equal(t, "ENCRYPT_REQ", r.Hops[1].Prelogin)
	require.Equal(t, "CN=127.0.0.51", r.Hops[1].Certificate.Subject)
	for _, h := range r.Hops {
		require.True(t, h.Encrypted)
		require.Equal(t, "TLSv1.2", h.Version)
	}

	code, text, errText := runProbeCLI(t, "probe", url)
	require.Equal(t, 0, code, errText)
	require.Contains(t, text, "hop 1:           "+aAddr+"\n")
	require.Contains(t, text, "hop 2:           "+bAddr+" (routed there by "+aAddr+")\n")
	require.Contains(t, text, "  name checked:  127.0.0.51\n")
	require.Contains(t, text, "  prelogin:      ENCRYPT_REQ\n")

	// A named instance: the browser and the port it gave.
	br, err := tds.ListenBrowserLoopback(tds.BrowserConfig{})
	require.NoError(t, err)
	defer br.Close()
	ip := br.Host()
	inst := listen(ip, tds.Config{Encryption: tds.On})
	br.SetInstances([]tds.Instance{{Name: "INST", Port: inst.Port()}})
	code, text, errText = runProbeCLI(t, "probe", `jdbc:sqlserver://`+ip+`\INST;user=sa;password=`+mariadb.PlainPassword+";encrypt=true;trustStore="+trust)
	require.Equal(t, 0, code, errText)
	require.Contains(t, text, "address:         "+ip+":"+strconv.Itoa(inst.Port())+"\n")
	require.Contains(t, text, "  sql browser:   "+ip+":1434 gave instance INST this port\n")
}

// TestProbeHostileBrowser: a SQL Browser answer (anyone on the network can
// send one) listing 1,000 instances whose names carry ESC sequences and CR
// LF reaches probe's text and JSON output escaped and bounded: no control
// character, no forged "ERROR: NONE (ALL GOOD)" line.
func TestProbeHostileBrowser(t *testing.T) {
	br, err := tds.ListenBrowserLoopback(tds.BrowserConfig{Raw: tds.ForgingAnswer(1000)})
	require.NoError(t, err)
	defer br.Close()
	for _, args := range [][]string{{"probe"}, {"probe", "--json"}} {
		code, text, errText := runProbeCLI(t, append(args, `jdbc:sqlserver://`+br.Host()+`\INST;user=sa;password=`+mariadb.PlainPassword+";encrypt=true;trustServerCertificate=true")...)
		require.Equal(t, 1, code, errText)
		out := text + errText
		require.Contains(t, out, "does not know the instance")
		require.False(t, strings.ContainsFunc(out, func(r rune) bool { return r == 0x1b || r == '\r' }), "a control character reached the output: %q", out)
		for _, l := range strings.Split(out, "\n") {
			require.False(t, strings.HasPrefix(strings.TrimSpace(l), "ERROR: NONE"), "a forged line: %q", l)
		}
		require.Less(t, len(out), 4096, "bounded")
	}
}
