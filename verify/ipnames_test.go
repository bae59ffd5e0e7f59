package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
)

// TestMatchNameIPLiteral (spec §2.1, SQL Server names): an IP literal
// matches a SAN iPAddress exactly, or a CN or dNSName equal to it letter for
// letter; a wildcard never stands for an address, in the CN or in a dNSName.
func TestMatchNameIPLiteral(t *testing.T) {
	cert := func(cn string, dns []string, ips ...string) *x509.Certificate {
		c := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dns}
		for _, ip := range ips {
			c.IPAddresses = append(c.IPAddresses, net.ParseIP(ip))
		}
		return c
	}
	cases := []struct {
		name     string
		cert     *x509.Certificate
		expected string
		ok       bool
	}{
		{"SAN IPv4", cert("x", nil, "127.0.0.1"), "127.0.0.1", true},
		{"SAN IPv6", cert("x", nil, "::1"), "::1", true},
		{"SAN IPv6, literal written in full", cert("x", nil, "::1"), "0:0:0:0:0:0:0:1", true},
		{"SAN IP of another address", cert("x", nil, "127.0.0.2"), "127.0.0.1", false},
		{"CN equal to the literal", cert("127.0.0.1", nil), "127.0.0.1", true},
		{"CN equal to the IPv6 literal", cert("::1", nil), "::1", true},
		{"CN the same address, other letters", cert("0:0:0:0:0:0:0:1", nil), "::1", false},
		{"dNSName equal to the literal", cert("x", []string{"127.0.0.1"}), "127.0.0.1", true},
		{"CN wildcard over the literal", cert("*.0.0.1", nil), "127.0.0.1", false},
		{"dNSName wildcard over the literal", cert("x", []string{"*.0.0.1"}), "127.0.0.1", false},
		{"partial wildcard over the literal", cert("x", []string{"12*.0.0.1"}), "127.0.0.1", false},
		{"a wildcard still matches a DNS name", cert("x", []string{"*.0.0.1"}), "a.0.0.1", true},
	}
	for _, c := range cases {
		err := MatchName(SQLServerNames, c.cert, c.expected)
		if (err == nil) != c.ok {
			t.Errorf("%s: MatchName(%q) = %v, want ok=%v", c.name, c.expected, err, c.ok)
		}
		if err != nil && kind.Of(err) != kind.HostnameMismatch {
			t.Errorf("%s: kind %s", c.name, kind.Of(err))
		}
	}
}

// TestMatchNameIPLiteralMySQL (spec §3, MySQL names, decided for both
// families): an IP literal host matches a SAN iPAddress, or a dNSName (or,
// without SANs, the CN) equal to it letter for letter; a wildcard never
// stands for an address. Connector/J's wildcard loop lets *.0.0.1 stand for
// 127.0.0.1 (docs/divergences.md #28): the cases marked so are where it
// would connect and dbtls refuses.
func TestMatchNameIPLiteralMySQL(t *testing.T) {
	cert := func(cn string, dns []string, ips ...string) *x509.Certificate {
		c := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dns}
		for _, ip := range ips {
			c.IPAddresses = append(c.IPAddresses, net.ParseIP(ip))
		}
		return c
	}
	cases := []struct {
		name     string
		cert     *x509.Certificate
		expected string
		ok       bool
	}{
		{"SAN IPv4", cert("x", nil, "127.0.0.1"), "127.0.0.1", true},
		{"SAN IPv6, literal written in full", cert("x", nil, "::1"), "0:0:0:0:0:0:0:1", true},
		{"dNSName equal to the literal", cert("x", []string{"127.0.0.1"}), "127.0.0.1", true},
		{"no SAN: CN equal to the literal", cert("127.0.0.1", nil), "127.0.0.1", true},
		{"no SAN: CN equal to the IPv6 literal", cert("::1", nil), "::1", true},
		{"CN equal to the literal, but SANs present", cert("127.0.0.1", []string{"other.example.com"}), "127.0.0.1", false},
		{"dNSName wildcard over the literal (Connector/J connects)", cert("x", []string{"*.0.0.1"}), "127.0.0.1", false},
		{"no SAN: CN wildcard over the literal (Connector/J connects)", cert("*.0.0.1", nil), "127.0.0.1", false},
		{"partial wildcard over the literal (Connector/J connects)", cert("x", []string{"12*.0.0.1"}), "127.0.0.1", false},
		{"wildcard over the literal beside another address", cert("x", []string{"*.0.0.1"}, "10.0.0.1"), "127.0.0.1", false},
		{"a wildcard still matches a DNS name", cert("x", []string{"*.0.0.1"}), "a.0.0.1", true},
	}
	for _, c := range cases {
		err := MatchName(MySQLNames, c.cert, c.expected)
		if (err == nil) != c.ok {
			t.Errorf("%s: MatchName(%q) = %v, want ok=%v", c.name, c.expected, err, c.ok)
		}
		if err != nil && kind.Of(err) != kind.HostnameMismatch {
			t.Errorf("%s: kind %s", c.name, kind.Of(err))
		}
		if err != nil && strings.Contains(c.name, "wildcard over") && !strings.Contains(err.Error(), "never stands for an IP address") {
			t.Errorf("%s: the message does not say why the wildcard did not match: %v", c.name, err)
		}
	}
}
