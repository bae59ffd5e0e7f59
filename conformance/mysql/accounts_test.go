package mysql

import (
	"crypto/x509/pkix"
	"slices"
	"strings"
	"testing"
)

// oneline writes a name as X509_NAME_oneline does (the form REQUIRE SUBJECT
// and REQUIRE ISSUER compare), for the attributes the fixture uses.
func oneline(n pkix.Name) string {
	short := map[string]string{"2.5.4.3": "CN", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.6": "C"}
	var b strings.Builder
	for _, a := range n.Names {
		b.WriteString("/" + short[a.Type.String()] + "=" + a.Value.(string))
	}
	return b.String()
}

// TestClientCertsAsListed: the fixture's client certificates carry what
// ClientCerts says, which is what the oracle reads.
func TestClientCertsAsListed(t *testing.T) {
	f := getFixture(t)
	for name, want := range ClientCerts {
		c := f.ClientCert(name)
		if name == "none" {
			if c != nil {
				t.Errorf("client none has a certificate")
			}
			continue
		}
		got := clientCert{Subject: oneline(c.Cert.Subject), Issuer: oneline(c.Cert.Issuer), DNS: c.Cert.DNSNames}
		if got.Subject != want.Subject || got.Issuer != want.Issuer || !slices.Equal(got.DNS, want.DNS) {
			t.Errorf("client %s: %+v, ClientCerts says %+v", name, got, want)
		}
	}
}

// TestExpectAccountsAndVersions pins the oracle's REQUIRE clauses and TLS
// versions to the spec, one hand-written expectation each: an account's
// clause is the server's refusal (server-refused, §5/§8) when the session
// or the certificate does not meet it; negotiation picks the highest version
// both sides accept, and none in common is tls-version-mismatch (§5).
func TestExpectAccountsAndVersions(t *testing.T) {
	acct := func(user, client string) Case {
		return Case{Mode: "REQUIRED", Server: "x509", Cert: "good", Trust: "none", Client: client, User: user, Host: "ipv4"}
	}
	ver := func(server, versions string) Case {
		return Case{Mode: "REQUIRED", Server: server, Cert: "good", Trust: "none", Client: "none", User: "plain", Versions: versions, Host: "ipv4"}
	}
	const refused = "server-refused"
	for _, tc := range []struct {
		c       Case
		kind    string // "" connects
		version string
	}{
		{acct("issueruser", "pem"), "", "TLSv1.3"},
		{acct("issueruser", "pem-other-subject"), "", "TLSv1.3"}, // same issuer, another subject
		{acct("issueruser", "none"), refused, ""},
		{acct("sanuser", "pem"), "", "TLSv1.3"},
		{acct("sanuser", "keystore"), "", "TLSv1.3"},
		{acct("sanuser", "pem-other-subject"), refused, ""}, // its SAN is another name
		{acct("sanuser", "none"), refused, ""},
		{acct("subjuser", "pem-other-subject"), refused, ""},
		{acct("x509user", "pem-other-subject"), "", "TLSv1.3"},
		{Case{Mode: "DISABLED", Server: "x509", Cert: "good", Trust: "none", Client: "pem", User: "sanuser", Host: "ipv4"}, refused, ""},
		{ver("tls12", ""), "", "TLSv1.2"},
		{ver("tls12", "TLSv1.3"), "tls-version-mismatch", ""},
		{ver("tls13", "TLSv1.2,TLSv1.3"), "", "TLSv1.3"},
		{ver("min-tls12", "TLSv1.2"), "", "TLSv1.2"},
		{ver("min-tls12", ""), "", "TLSv1.3"},
		{ver("min-tls12", "TLSv1.3"), "", "TLSv1.3"},
		{ver("tls11-ignored", "TLSv1.1"), "tls-version-mismatch", ""},
		{ver("tls11-ignored", "TLSv1.1,TLSv1.2"), "", "TLSv1.2"},
		{ver("tls", "tlsv1.2"), "", "TLSv1.2"},
		{Case{Mode: "PREFERRED", Server: "tls13", Cert: "good", Trust: "none", Client: "none", User: "plain", Versions: "TLSv1.2", Host: "ipv4"}, "tls-version-mismatch", ""},
	} {
		got := Expect(tc.c)
		if got.OK != (tc.kind == "") || got.Kind != tc.kind || got.Version != tc.version {
			t.Errorf("%s: %+v; want kind %q version %q", tc.c.Name(), got, tc.kind, tc.version)
		}
	}
}
