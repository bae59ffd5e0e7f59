package verify

import (
	"crypto/x509"
	"net"
	"slices"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// MatchName applies the name rules of spec §3 and returns nil when cert
// carries the expected name, else a hostname-mismatch *kind.Error whose Err
// is a *NameError.
//
// SQLServerNames (Microsoft JDBC 13.x): the subject CN is tried first, then
// the SAN dNSNames, then the SAN iPAddresses. MySQLNames (Connector/J
// VERIFY_IDENTITY): when the certificate has any SAN DNS or IP entry one of
// them must match and the CN is not consulted; only without SANs is the CN
// used. In both, an IP literal expected name (spec §2.1, §3) matches a SAN
// iPAddress, or a CN or dNSName equal to it letter for letter, never a
// wildcard (where Connector/J's wildcard loop, like mssql-jdbc's, lets
// *.0.0.1 stand for 127.0.0.1). Both compare ASCII-case-insensitively with
// the wildcard rule of matchPattern. Unlike Go's VerifyHostname, a CN-only certificate can match,
// and partial wildcards (db*.example.com) are honoured.
func MatchName(rules NameRules, cert *x509.Certificate, expected string) error {
	if namesMatch(rules, cert, expected) {
		return nil
	}
	ne := &NameError{Certificate: cert, Expected: expected, Rules: rules}
	key := "hostNameInCertificate"
	fix := "set hostNameInCertificate to one of the certificate's names, or give the server a certificate for " + expected
	if rules == MySQLNames {
		key = "host"
		fix = "connect with a host name the certificate carries, or give the server a certificate whose SAN holds " + expected
		if len(cert.DNSNames)+len(cert.IPAddresses) > 0 && namesMatch(MySQLNames, &x509.Certificate{Subject: cert.Subject}, expected) {
			fix += " (its CN matches, but Connector/J ignores the CN when SANs are present)"
		}
	}
	if net.ParseIP(expected) != nil && slices.ContainsFunc(append([]string{cert.Subject.CommonName}, cert.DNSNames...), func(n string) bool { return matchPattern(n, expected) }) {
		fix += " (a wildcard name never stands for an IP address: the certificate needs the address as a SAN iPAddress, or the host must be a DNS name the wildcard covers)"
	}
	return &kind.Error{Kind: kind.HostnameMismatch, What: "server certificate does not carry the expected name", Key: key, Value: kind.Foreign(expected),
		Why: "found " + certNames(cert), Fix: fix, Err: ne}
}

func namesMatch(rules NameRules, cert *x509.Certificate, expected string) bool {
	cn := cert.Subject.CommonName
	ipMatch := func() bool {
		want := net.ParseIP(expected)
		for _, ip := range cert.IPAddresses {
			if ip.String() == expected || (want != nil && ip.Equal(want)) {
				return true
			}
		}
		return false
	}
	dnsMatch := func() bool {
		for _, d := range cert.DNSNames {
			if matchPattern(d, expected) {
				return true
			}
		}
		return false
	}
	// Spec §2.1 and §3, both families: an IP literal matches a SAN
	// iPAddress, or a CN or dNSName equal to it letter for letter; never a
	// wildcard (*.0.0.1 does not stand for 127.0.0.1).
	isIP := net.ParseIP(expected) != nil
	literal := func(n string) bool { return n != "" && asciiLower(n) == asciiLower(expected) }
	literalDNS := func() bool {
		for _, d := range cert.DNSNames {
			if literal(d) {
				return true
			}
		}
		return false
	}
	switch rules {
	case SQLServerNames:
		if isIP {
			return literal(cn) || ipMatch() || literalDNS()
		}
		return matchPattern(cn, expected) || dnsMatch() || ipMatch()
	case MySQLNames:
		switch {
		case len(cert.DNSNames)+len(cert.IPAddresses) > 0 && isIP:
			return literalDNS() || ipMatch()
		case len(cert.DNSNames)+len(cert.IPAddresses) > 0:
			return dnsMatch() || ipMatch()
		case isIP:
			return literal(cn)
		}
		return matchPattern(cn, expected)
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
