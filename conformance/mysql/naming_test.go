package mysql

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
)

// TestExpectNaming pins the oracle's naming dimension to spec §3 (Connector/J
// VERIFY_IDENTITY), one hand-written expectation per host and certificate:
// the name is the host as the DSN names it; SANs decide when present (an
// iPAddress as an address, a dNSName by the wildcard rule) and the CN is not
// consulted; only without SANs is the CN used. Modes below VERIFY_IDENTITY
// check no name.
func TestExpectNaming(t *testing.T) {
	c := func(mode, host, cert string) Case {
		return Case{Mode: mode, Server: "tls", Cert: cert, Trust: "pem", Client: "none", User: "plain", Host: host}
	}
	const vi, mismatch = "VERIFY_IDENTITY", "hostname-mismatch"
	cases := []struct {
		c    Case
		kind string // "" connects
	}{
		{c(vi, "ipv4", "good"), ""},            // SAN IP 127.0.0.1
		{c(vi, "dns", "good"), ""},             // SAN DNS localhost
		{c(vi, "ipv6", "good"), mismatch},      // SANs, none is ::1
		{c(vi, "ipv4", "cn-only"), ""},         // no SAN: CN 127.0.0.1
		{c(vi, "ipv6", "cn-only"), mismatch},   // no SAN: CN is not ::1
		{c(vi, "dns", "cn-only"), mismatch},    // no SAN: CN is not localhost
		{c(vi, "ipv4", "san-other"), mismatch}, // CN 127.0.0.1 not consulted: a SAN is present
		{c(vi, "ipv6", "wildcard"), mismatch},
		{c(vi, "ipv4", "ip-san"), ""},
		{c(vi, "ipv6", "ip-san"), ""},
		{c(vi, "dns", "ip-san"), mismatch}, // CN localhost not consulted: SAN IPs are present
		{c(vi, "ipv6", "cn-ipv6"), ""},
		{c(vi, "ipv4", "cn-ipv6"), mismatch},
		{c(vi, "ipv4", "wildcard-ip"), mismatch}, // *.0.0.1 never stands for 127.0.0.1 (Connector/J connects: #28)
		{c(vi, "dns", "wildcard-ip"), mismatch},
		{c(vi, "ipv6", "wildcard-ip"), mismatch},
		{c("jdbc:encrypt=true", "ipv4", "wildcard-ip"), mismatch},
		{c("jdbc:encrypt=true", "ipv6", "ip-san"), ""},
		{c("jdbc:encrypt=true", "dns", "ip-san"), mismatch},
		{c("VERIFY_CA", "ipv6", "good"), ""}, // no name checked
		{c("REQUIRED", "dns", "good"), ""},
	}
	for _, tc := range cases {
		got := Expect(tc.c)
		if got.OK != (tc.kind == "") || got.Kind != tc.kind {
			t.Errorf("%s: %+v; want kind %q", tc.c.Name(), got, tc.kind)
		}
	}
	n := map[string]int{}
	for _, c := range Cases() {
		n[c.Host]++
		if c.Host == "" {
			t.Errorf("%s: no host", c.Name())
		}
	}
	for _, m := range modes {
		for _, h := range Hosts {
			found := false
			for _, c := range Cases() {
				found = found || c.Mode == m && c.Host == h
			}
			if !found {
				t.Errorf("mode %s never names the server as %s", m, h)
			}
		}
	}
	t.Logf("cases per host: %v", n)
}

// TestConnectorJBracketedIPv6 pins docs/divergences.md #29 for Connector/J:
// with jdbc:mysql://[::1]:port/?sslMode=VERIFY_IDENTITY, Connector/J 9.7
// checks the certificate against "[::1]", brackets included, so a
// certificate for ::1 (CN ::1, no SAN) is refused; dbtls checks ::1 (the
// host, spec §3) and connects with the same URL. In Connector/J's key-value
// host form (the differential's) it checks ::1 and connects too.
func TestConnectorJBracketedIPv6(t *testing.T) {
	f := getFixture(t)
	s := server(t, f, "tls", "cn-ipv6")
	c := Case{Mode: "VERIFY_IDENTITY", Server: "tls", Cert: "cn-ipv6", Trust: "jks", Client: "none", User: "plain", Host: "ipv6"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, _, err := Attempt(ctx, f.DSNFor(c, s)); err != nil {
		t.Errorf("dbtls with %s: %v", "jdbc:mysql://[::1]:…", err)
	}
	keyValue, props := f.connectorJURL(c, s)
	bracketed := strings.Replace(keyValue, "address=(host=::1)(port="+itoa(s.Port)+")", "[::1]:"+itoa(s.Port), 1)
	outs, err := jdbc.Run(ctx, []jdbc.Case{
		{ID: "bracketed", Driver: "mysql", URL: bracketed, Properties: props, TimeoutSeconds: 20},
		{ID: "key-value", Driver: "mysql", URL: keyValue, Properties: props, TimeoutSeconds: 20},
	})
	if err != nil {
		t.Fatalf("running Connector/J: %v", err)
	}
	if o := outs[0]; o.Connected || o.Class != "hostname-mismatch" || !strings.Contains(o.Message, "'[::1]'") {
		t.Errorf("Connector/J with [::1]: connected=%v %s %s; want hostname-mismatch against '[::1]' (#29)", o.Connected, o.Class, o.Message)
	}
	if o := outs[1]; !o.Connected {
		t.Errorf("Connector/J with address=(host=::1): %s %s; want a connection", o.Class, o.Message)
	}
}
