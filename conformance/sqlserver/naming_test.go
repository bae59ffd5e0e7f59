package sqlserver

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
)

// TestOracleNaming pins the oracle's naming dimension to spec §2.1 and §3,
// one hand-written expectation per certificate kind and host: for an IP
// literal the name is the literal, which a SAN iPAddress matches exactly
// and a CN or dNSName only letter for letter (never through a wildcard);
// hostNameInCertificate replaces the host; rows 1, 2 and a pin check no name.
func TestOracleNaming(t *testing.T) {
	g := func(host string, c Case) Case {
		c.Host = host
		if c.Encrypt == "" {
			c.Encrypt = "true"
		}
		if c.Server == "" {
			c.Server = "on"
		}
		return c
	}
	cases := []struct {
		c    Case
		row  string
		want string
	}{
		{g("ipv4", Case{Cert: "good"}), "3", "full"}, // SAN IP 127.0.0.1
		{g("ipv6", Case{Cert: "good"}), "3", "refused: hostname-mismatch"},
		{g("ipv4", Case{Cert: "ip-san"}), "3", "full"},
		{g("ipv6", Case{Cert: "ip-san"}), "3", "full"},
		{g("dns", Case{Cert: "ip-san"}), "3", "refused: hostname-mismatch"},
		{g("ipv4", Case{Cert: "cn-ipv4"}), "3", "full"},
		{g("ipv6", Case{Cert: "cn-ipv4"}), "3", "refused: hostname-mismatch"},
		{g("ipv6", Case{Cert: "cn-ipv6"}), "3", "full"},
		{g("ipv4", Case{Cert: "cn-ipv6"}), "3", "refused: hostname-mismatch"},
		{g("ipv4", Case{Cert: "dns-ip"}), "3", "full"},
		{g("ipv6", Case{Cert: "dns-ip"}), "3", "full"},
		{g("ipv4", Case{Cert: "wildcard-ip"}), "3", "refused: hostname-mismatch"},
		{g("ipv4", Case{Cert: "cn-only"}), "3", "refused: hostname-mismatch"},
		{g("ipv6", Case{Cert: "another-host"}), "3", "refused: hostname-mismatch"},
		{g("ipv4", Case{HostName: "matching", Cert: "cn-only"}), "4", "full"},
		{g("ipv6", Case{HostName: "matching", Cert: "ip-san"}), "4", "refused: hostname-mismatch"},
		{g("ipv6", Case{Store: "jks", Cert: "ip-san"}), "7", "full"},
		{g("ipv6", Case{Store: "jks", Password: "right", Cert: "cn-ipv6"}), "5", "full"},
		{g("ipv4", Case{Password: "right", Cert: "another-host"}), "6", "refused: hostname-mismatch"},
		{g("ipv6", Case{Encrypt: "false", Server: "off", Cert: "another-host"}), "1", "login-only"},
		{g("ipv4", Case{Encrypt: "false", Server: "req", Cert: "cn-ipv6"}), "1", "full"},
		{g("ipv6", Case{TSC: "true", Cert: "another-host"}), "2", "full"},
		{g("ipv6", Case{Server: "notsup", Cert: "ip-san"}), "3", "refused: encryption-not-supported"},
		{g("ipv6", Case{Encrypt: "strict", Server: "strict-only", Cert: "ip-san"}), "11", "strict"},
		{g("ipv6", Case{Encrypt: "strict", Server: "strict-only", Cert: "good"}), "11", "refused: hostname-mismatch"},
		{g("ipv6", Case{Encrypt: "strict", ServerCert: "same", Server: "strict-only", Cert: "another-host"}), "11", "strict"},
	}
	for _, tc := range cases {
		o := Oracle(tc.c)
		if o.Row != tc.row || o.Short() != tc.want {
			t.Errorf("%s: row %s %q; want row %s %q", tc.c.Name(), o.Row, o.Short(), tc.row, tc.want)
		}
	}
}

// TestNamingDimension: every host reaches every scenario row, an IP host
// and an IP certificate are kept only with the reduced trust variations,
// and the dimension's cases are within the time budget.
func TestNamingDimension(t *testing.T) {
	kept, _ := Cases()
	rows := map[string]map[string]int{}
	certs := map[string]map[string]bool{}
	for _, c := range kept {
		h := c.HostKind()
		if rows[h] == nil {
			rows[h], certs[h] = map[string]int{}, map[string]bool{}
		}
		rows[h][Oracle(c).Row]++
		certs[h][c.Cert] = true
		if h == "dns" && !IPCerts[c.Cert] {
			continue
		}
		if c.Store == "pem" || c.Store == "pkcs12" || c.Password == "wrong" || c.HostName == "not-matching" {
			t.Errorf("%s: a naming case with a trust variation the reduction leaves out", c.Name())
		}
	}
	for _, h := range Hosts {
		for _, r := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"} {
			if rows[h][r] == 0 {
				t.Errorf("host %s: no case for row %s", h, r)
			}
		}
	}
	for _, h := range []string{"ipv4", "ipv6"} {
		for _, cert := range []string{"good", "cn-only", "another-host", "ip-san", "cn-ipv4", "cn-ipv6", "dns-ip", "wildcard-ip"} {
			if !certs[h][cert] {
				t.Errorf("host %s: certificate %s is never served", h, cert)
			}
		}
		for _, cert := range []string{"wildcard", "partial-wildcard", "expired", "untrusted", "clientauth-only"} {
			if certs[h][cert] {
				t.Errorf("host %s: certificate %s is crossed with an IP host", h, cert)
			}
		}
	}
	t.Logf("cases per host and row: %v", rows)
}

// TestMssqlJdbcBracketedIPv6 pins docs/divergences.md #29 for mssql-jdbc:
// the JDBC URL jdbc:sqlserver://[::1]:port;… reaches the server through
// dbtls (the name checked is ::1, spec §2.1), while mssql-jdbc 13.4 does not
// read an IPv6 literal in the URL's host part (it takes ":1]:port" for the
// port; Microsoft documents serverName=::1 for IPv6, the form the
// differential gives it). The server presents a certificate whose CN is ::1,
// which both drivers accept through serverName.
func TestMssqlJdbcBracketedIPv6(t *testing.T) {
	m := sharedMatrix(t)
	c := Case{Encrypt: "true", Store: "jks", Server: "on", Cert: "cn-ipv6", Host: "ipv6"}
	srv := m.Servers.ForCase(c)
	url := m.JDBCURL(c, srv.Port(), "bracketed-dbtls")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if a := ViaConnector(ctx, url); a.Err != nil || !a.Encrypted {
		t.Errorf("dbtls with %s: %v (encrypted=%v), want a fully encrypted connection", url, a.Err, a.Encrypted)
	}
	bracketed := m.JVMCase(c, srv.Port(), "bracketed-jdbc")
	bracketed.ID = "bracketed"
	bracketed.URL = "jdbc:sqlserver://[::1]:" + strconv.Itoa(srv.Port())
	delete(bracketed.Properties, "serverName")
	delete(bracketed.Properties, "portNumber")
	documented := m.JVMCase(c, srv.Port(), "documented-jdbc")
	documented.ID = "serverName"
	outs, err := jdbc.Run(ctx, []jdbc.Case{bracketed, documented})
	if err != nil {
		t.Fatalf("running mssql-jdbc: %v", err)
	}
	if o := outs[0]; o.Connected || !strings.Contains(o.Message, "port number") {
		t.Errorf("mssql-jdbc with %s: connected=%v %s %s; want the port refused (#29)", bracketed.URL, o.Connected, o.Class, o.Message)
	}
	if o := outs[1]; !o.Connected {
		t.Errorf("mssql-jdbc with serverName=::1: %s %s; want a connection", o.Class, o.Message)
	}
}
