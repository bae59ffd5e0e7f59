package verify

import (
	"crypto/x509"
	"net"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// NameError is the detail of a hostname-mismatch: the name expected and every
// name the certificate carries.
type NameError struct {
	Expected    string
	CommonName  string
	DNSNames    []string
	IPAddresses []string
	Rules       NameRules
}

func (e *NameError) Error() string {
	return "certificate names " + e.found() + " do not match " + e.Expected
}

func (e *NameError) found() string {
	var parts []string
	if e.CommonName != "" {
		parts = append(parts, "CN="+e.CommonName)
	}
	for _, d := range e.DNSNames {
		parts = append(parts, "DNS:"+d)
	}
	for _, ip := range e.IPAddresses {
		parts = append(parts, "IP:"+ip)
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// MatchName applies the name rules of spec §3 and returns nil when cert
// carries the expected name, else a hostname-mismatch *kind.Error whose Err
// is a *NameError.
//
// SQLServerNames (Microsoft JDBC 13.x): the subject CN is tried first, then
// the SAN dNSNames, then the SAN iPAddresses; an IP literal expected name
// (spec §2.1) matches a SAN iPAddress, or a CN or dNSName equal to it letter
// for letter, never a wildcard. MySQLNames (Connector/J
// VERIFY_IDENTITY): when the certificate has any SAN DNS or IP entry one of
// them must match and the CN is not consulted; only without SANs is the CN
// used. Both compare ASCII-case-insensitively with the wildcard rule of
// matchPattern. Unlike Go's VerifyHostname, a CN-only certificate can match,
// and partial wildcards (db*.example.com) are honoured.
func MatchName(rules NameRules, cert *x509.Certificate, expected string) error {
	ne := &NameError{Expected: expected, CommonName: cert.Subject.CommonName, DNSNames: cert.DNSNames, Rules: rules}
	for _, ip := range cert.IPAddresses {
		ne.IPAddresses = append(ne.IPAddresses, ip.String())
	}
	if namesMatch(rules, ne, expected) {
		return nil
	}
	key := "hostNameInCertificate"
	fix := "set hostNameInCertificate to one of the certificate's names, or give the server a certificate for " + expected
	if rules == MySQLNames {
		key = "host"
		fix = "connect with a host name the certificate carries, or give the server a certificate whose SAN holds " + expected
		if len(ne.DNSNames)+len(ne.IPAddresses) > 0 && matchPattern(ne.CommonName, expected) {
			fix += " (its CN matches, but Connector/J ignores the CN when SANs are present)"
		}
	}
	return &kind.Error{Kind: kind.HostnameMismatch, What: "server certificate does not carry the expected name", Key: key, Value: expected,
		Why: "found " + ne.found(), Fix: fix, Err: ne}
}

func namesMatch(rules NameRules, ne *NameError, expected string) bool {
	ipMatch := func() bool {
		want := net.ParseIP(expected)
		for _, s := range ne.IPAddresses {
			if s == expected || (want != nil && net.ParseIP(s).Equal(want)) {
				return true
			}
		}
		return false
	}
	dnsMatch := func() bool {
		for _, d := range ne.DNSNames {
			if matchPattern(d, expected) {
				return true
			}
		}
		return false
	}
	switch rules {
	case SQLServerNames:
		if net.ParseIP(expected) != nil {
			// Spec §2.1: an IP literal matches a SAN iPAddress, or a CN or
			// dNSName equal to it letter for letter; never a wildcard
			// (*.0.0.1 does not stand for 127.0.0.1).
			literal := func(n string) bool { return n != "" && asciiLower(n) == asciiLower(expected) }
			if literal(ne.CommonName) || ipMatch() {
				return true
			}
			for _, d := range ne.DNSNames {
				if literal(d) {
					return true
				}
			}
			return false
		}
		return matchPattern(ne.CommonName, expected) || dnsMatch() || ipMatch()
	case MySQLNames:
		if len(ne.DNSNames)+len(ne.IPAddresses) > 0 {
			return dnsMatch() || ipMatch()
		}
		return matchPattern(ne.CommonName, expected)
	case NoName:
		return true
	}
	panic("verify: impossible NameRules")
}

// matchPattern reports whether a certificate name (pattern) stands for name:
//   - equal ignoring ASCII case: match (so "*.example.com" matches itself);
//   - a '*' only in the left-most label, at most one, partial allowed
//     (db*.example.com, *db.example.com), standing for zero or more
//     characters of one label (never a dot);
//   - at least two labels after the wildcard label (*.com, *.local never match);
//   - a left-most label starting "xn--" gets no wildcard matching.
func matchPattern(pattern, name string) bool {
	if pattern == "" || name == "" {
		return false
	}
	p, n := asciiLower(pattern), asciiLower(name)
	if p == n {
		return true
	}
	if !strings.Contains(p, "*") {
		return false
	}
	pl, nl := strings.Split(p, "."), strings.Split(n, ".")
	first := pl[0]
	if len(pl) < 3 || len(pl) != len(nl) || strings.HasPrefix(first, "xn--") || strings.Count(first, "*") != 1 {
		return false
	}
	for i := 1; i < len(pl); i++ {
		if strings.Contains(pl[i], "*") || pl[i] == "" || pl[i] != nl[i] {
			return false
		}
	}
	prefix, suffix, _ := strings.Cut(first, "*")
	label := nl[0]
	return label != "" && len(label) >= len(prefix)+len(suffix) && strings.HasPrefix(label, prefix) && strings.HasSuffix(label, suffix)
}

func asciiLower(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' }) {
		return s // already lower case: no copy
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
