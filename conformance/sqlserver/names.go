package sqlserver

import (
	"net"
	"strings"
)

// matchName is spec §3's SQL Server name rule for one certificate name
// (written here independently of package verify): ASCII case-insensitive;
// a name equal to the expected one matches; otherwise a '*' may stand only
// in the left-most label, possibly with other letters around it, never
// matches a dot, needs at least two labels after it, and is not honoured in
// a label starting "xn--".
func matchName(pattern, host string) bool {
	pattern, host = strings.ToLower(pattern), strings.ToLower(host)
	if pattern == host {
		return true
	}
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return false
	}
	dot := strings.IndexByte(pattern, '.')
	if dot < 0 || star > dot || strings.Count(pattern, "*") != 1 {
		return false // the wildcard is not in the left-most label
	}
	first, rest := pattern[:dot], pattern[dot:] // rest starts with '.'
	if strings.HasPrefix(first, "xn--") {
		return false
	}
	if strings.Count(rest, ".") < 2 {
		return false // "*.com", "*.local": fewer than two labels after the wildcard
	}
	hdot := strings.IndexByte(host, '.')
	if hdot < 0 || host[hdot:] != rest {
		return false
	}
	label := host[:hdot]
	prefix, suffix := first[:star], first[star+1:]
	return len(label) >= len(prefix)+len(suffix) && strings.HasPrefix(label, prefix) && strings.HasSuffix(label, suffix)
}

// certNames are the names a server certificate carries.
type certNames struct {
	CN  string
	DNS []string
	IPs []string
}

// matchCert: the CN is tried first, then the SAN dNSNames, then the SAN
// iPAddresses, exactly: an address equal to the IP literal host (spec §2.1;
// a CN or dNSName equal to the literal letter for letter matches above).
func matchCert(c certNames, host string) bool {
	want := net.ParseIP(host)
	match := matchName
	if want != nil {
		// An IP literal is never matched by a wildcard: only a name equal
		// to it letter for letter.
		match = func(pattern, host string) bool { return pattern == host }
	}
	if c.CN != "" && match(c.CN, host) {
		return true
	}
	for _, d := range c.DNS {
		if match(d, host) {
			return true
		}
	}
	for _, ip := range c.IPs {
		if want != nil && net.ParseIP(ip).Equal(want) {
			return true
		}
	}
	return false
}
