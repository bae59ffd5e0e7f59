package verify

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// matchNamesTests pin spec §3's name rules; expectations come from the spec.
var matchNamesTests = []struct {
	rules    NameRules
	cn       string
	dns      []string
	ips      []string
	expected string
	ok       bool
	why      string
}{
	// SQL Server family (Microsoft JDBC 13.x).
	{SQLServerNames, "db.example.com", nil, nil, "db.example.com", true, "CN-only certificate: JDBC accepts it (Go's VerifyHostname would not)"},
	{SQLServerNames, "DB.Example.COM", nil, nil, "db.example.com", true, "ASCII case-insensitive"},
	{SQLServerNames, "", []string{"db.example.com"}, nil, "db.example.com", true, "SAN-only"},
	{SQLServerNames, "db.example.com", []string{"other.example.com"}, nil, "db.example.com", true, "CN is tried first: SAN and CN disagreeing, CN matches"},
	{SQLServerNames, "other.example.com", []string{"db.example.com"}, nil, "db.example.com", true, "then the SAN DNS names"},
	{SQLServerNames, "other", nil, []string{"127.0.0.1"}, "127.0.0.1", true, "then SAN IP, exact"},
	{SQLServerNames, "other", nil, []string{"127.0.0.1"}, "127.0.0.2", false, "IP must be exact"},
	{SQLServerNames, "*.example.com", nil, nil, "db.example.com", true, "wildcard in the left-most label"},
	{SQLServerNames, "*.example.com", nil, nil, "a.b.example.com", false, "a wildcard never matches a dot"},
	{SQLServerNames, "*.example.com", nil, nil, "example.com", false, "a wildcard stands for one label"},
	{SQLServerNames, "db*.example.com", nil, nil, "db1.example.com", true, "partial wildcard, prefix"},
	{SQLServerNames, "db*.example.com", nil, nil, "web1.example.com", false, "partial wildcard, wrong prefix"},
	{SQLServerNames, "*db.example.com", nil, nil, "maindb.example.com", true, "partial wildcard, suffix"},
	{SQLServerNames, "*db.example.com", nil, nil, "maindb1.example.com", false, "partial wildcard, wrong suffix"},
	{SQLServerNames, "*.com", nil, nil, "example.com", false, "needs two labels after the wildcard"},
	{SQLServerNames, "*.local", nil, nil, "db.local", false, "needs two labels after the wildcard"},
	{SQLServerNames, "f*.com", nil, nil, "f.com", false, "mssql-jdbc's dot double-count quirk is not copied"},
	{SQLServerNames, "xn--*.example.com", nil, nil, "xn--bcher-kva.example.com", false, "no wildcard matching in an xn-- label"},
	{SQLServerNames, "xn--bcher-kva.example.com", nil, nil, "XN--BCHER-KVA.example.com", true, "an IDN label matches letter for letter"},
	{SQLServerNames, "*.example.com", nil, nil, "*.example.com", true, "hostNameInCertificate=*.example.com matches a certificate for *.example.com"},
	{SQLServerNames, "db.*.com", nil, nil, "db.example.com", false, "a wildcard only in the left-most label"},
	{SQLServerNames, "**.example.com", nil, nil, "db.example.com", false, "one wildcard at most"},
	{SQLServerNames, "", nil, nil, "db.example.com", false, "no names at all"},
	{SQLServerNames, "db.example.com", nil, nil, "", false, "empty expected name"},

	// MySQL family (Connector/J VERIFY_IDENTITY).
	{MySQLNames, "db.example.com", nil, nil, "db.example.com", true, "no SANs: the CN is used"},
	{MySQLNames, "db.example.com", []string{"other.example.com"}, nil, "db.example.com", false, "SANs present: the CN is not consulted"},
	{MySQLNames, "other", []string{"db.example.com"}, nil, "db.example.com", true, "SAN DNS match"},
	{MySQLNames, "db.example.com", nil, []string{"10.0.0.1"}, "db.example.com", false, "an IP SAN alone also hides the CN"},
	{MySQLNames, "x", nil, []string{"127.0.0.1"}, "127.0.0.1", true, "SAN IP match"},
	{MySQLNames, "x", []string{"*.example.com"}, nil, "DB.example.com", true, "wildcard, case-insensitive"},
	{MySQLNames, "x", []string{"*.com"}, nil, "example.com", false, "two labels after the wildcard"},
	{MySQLNames, "x", []string{"db*.example.com"}, nil, "db7.example.com", true, "partial wildcard"},
}

func certWith(cn string, dns, ips []string) *x509.Certificate {
	c := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dns}
	for _, ip := range ips {
		c.IPAddresses = append(c.IPAddresses, net.ParseIP(ip))
	}
	return c
}

func TestMatchName(t *testing.T) {
	for _, tt := range matchNamesTests {
		err := MatchName(tt.rules, certWith(tt.cn, tt.dns, tt.ips), tt.expected)
		if tt.ok {
			require.NoError(t, err, tt.why)
			continue
		}
		require.ErrorIs(t, err, kind.HostnameMismatch, tt.why)
		var ne *NameError
		require.ErrorAs(t, err, &ne)
		require.Equal(t, tt.expected, ne.Expected)
		if tt.cn != "" {
			require.Contains(t, err.Error(), "CN="+tt.cn, "the message lists the names found")
		}
	}
}

func FuzzMatchName(f *testing.F) {
	for _, tt := range matchNamesTests {
		f.Add(tt.cn, tt.expected)
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		got := matchPattern(pattern, name)
		if pattern != "" && asciiLower(pattern) == asciiLower(name) && !got {
			t.Fatalf("%q must match itself", pattern)
		}
		if got && pattern != name && len(splitDots(pattern)) != len(splitDots(name)) {
			t.Fatalf("%q matched %q with a different number of labels", pattern, name)
		}
		if got && pattern != "" && asciiLower(pattern) != asciiLower(name) && !containsStar(pattern) {
			t.Fatalf("%q matched %q without a wildcard", pattern, name)
		}
	})
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func containsStar(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' {
			return true
		}
	}
	return false
}
