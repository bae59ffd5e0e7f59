package sqlserver

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// DemoCase is one row of the demo: a scenario-table row shown with one
// connection.
type DemoCase struct {
	Row  string
	Case Case
	Note string // what the row shows
}

// DemoCases has one case per scenario-table row 1–11, each chosen to
// connect, and each showing what its row is about.
var DemoCases = []DemoCase{
	{"1", Case{Encrypt: "false", Server: "off", Cert: "untrusted"}, "TLS for the login packet only, certificate not checked"},
	{"2", Case{Encrypt: "true", TSC: "true", Server: "req", Cert: "another-host"}, "full TLS, certificate not checked"},
	{"3", Case{Encrypt: "true", Server: "on", Cert: "good"}, "chain to the host's trust anchors, name = server host"},
	{"4", Case{Encrypt: "true", HostName: "matching", Server: "on", Cert: "cn-only"}, "name from hostNameInCertificate, found in the CN"},
	{"5", Case{Encrypt: "true", Store: "jks", Password: "right", Server: "req", Cert: "good"}, "JKS trust store, integrity checked"},
	{"6", Case{Encrypt: "true", Password: "right", Server: "on", Cert: "good"}, "the JDK's default store file, integrity checked"},
	{"7", Case{Encrypt: "true", Store: "pem", Server: "on", Cert: "good"}, "PEM trust store, no password"},
	{"8", Case{Encrypt: "true", HostName: "matching", Password: "right", Server: "on", Cert: "wildcard"}, "default store file, wildcard name"},
	{"9", Case{Encrypt: "true", HostName: "matching", Store: "jks", Server: "on", Cert: "partial-wildcard"}, "JKS without password, partial wildcard d*.dbtls.test"},
	{"10", Case{Encrypt: "true", HostName: "matching", Store: "pkcs12", Password: "right", Server: "req", Cert: "good"}, "PKCS12 trust store, integrity checked"},
	{"11", Case{Encrypt: "strict", ServerCert: "same", Server: "strict-only", Cert: "untrusted"}, "TDS 8.0, TLS first, the certificate pinned"},
}

// RunDemo starts nothing itself: it runs each demo case through connect on
// m's servers and prints row → mode → outcome, with the outcome the
// table expects. It returns an error naming the rows that did not do what
// the table says.
func RunDemo(ctx context.Context, w io.Writer, m *Matrix, connect Connect) error {
	var bad []string
	fmt.Fprintf(w, "%-4s %-18s %s\n", "row", "mode", "outcome")
	for _, d := range DemoCases {
		want := Oracle(d.Case)
		srv := m.Servers.For(d.Case.Server, d.Case.Cert)
		url := m.JDBCURL(d.Case, srv.Port(), "demo-row-"+d.Row)
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		got := connect(cctx, url)
		cancel()
		strategy := got.Strategy
		if strategy == "" {
			strategy = want.Strategy
		}
		outcome := "refused: " + fmt.Sprint(got.Err)
		if got.Err == nil {
			tlsFacts := " (" + got.Version + ", " + got.Cipher + ")"
			switch {
			case got.LoginOnly:
				outcome = "connected, TLS for the login packet only" + tlsFacts
			case got.Encrypted && want.Encryption == "strict":
				outcome = "connected, TDS 8.0 strict TLS" + tlsFacts
			case got.Encrypted:
				outcome = "connected, full TLS" + tlsFacts
			default:
				outcome = "connected, no TLS"
			}
		}
		ok := "ok"
		if err := checkAttempt(want, got); err != nil {
			ok = "UNEXPECTED: " + err.Error()
			bad = append(bad, d.Row)
		}
		fmt.Fprintf(w, "%-4s %-18s %s [%s]\n", d.Row, strategy, outcome, ok)
		fmt.Fprintf(w, "     %s\n", props(d.Case))
		fmt.Fprintf(w, "     server %s, certificate %s: %s\n", d.Case.Server, d.Case.Cert, d.Note)
	}
	if len(bad) > 0 {
		return fmt.Errorf("rows %s did not do what the scenario table says", strings.Join(bad, ", "))
	}
	return nil
}

// props is the case's JDBC properties, short.
func props(c Case) string {
	var p []string
	add := func(k, v string) {
		if v != "" {
			p = append(p, k+"="+v)
		}
	}
	add("encrypt", c.Encrypt)
	add("trustServerCertificate", c.TSC)
	if c.HostName != "" {
		add("hostNameInCertificate", map[string]string{"matching": Matching, "not-matching": NotMatching}[c.HostName])
	}
	add("trustStore", c.Store)
	if c.Password != "" {
		add("trustStorePassword", "…")
	}
	if c.ServerCert != "" {
		add("serverCertificate", c.ServerCert)
	}
	return strings.Join(p, ";")
}

// checkAttempt compares the client's side of an attempt with the oracle.
func checkAttempt(want Outcome, got Attempt) error {
	if !want.Connects {
		if got.Err == nil {
			return fmt.Errorf("connected; want %s", want.Short())
		}
		return nil
	}
	if got.Err != nil {
		return fmt.Errorf("refused; want %s", want.Encryption)
	}
	saw := "none"
	if got.LoginOnly {
		saw = "login-only"
	} else if got.Encrypted {
		saw = "full"
	}
	w := want.Encryption
	if w == "strict" {
		w = "full"
	}
	if saw != w {
		return fmt.Errorf("%s encryption; want %s", saw, want.Encryption)
	}
	return nil
}
