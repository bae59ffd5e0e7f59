package sqlserver

import "strings"

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
// iPAddresses, exactly.
func matchCert(c certNames, host string) bool {
	if c.CN != "" && matchName(c.CN, host) {
		return true
	}
	for _, d := range c.DNS {
		if matchName(d, host) {
			return true
		}
	}
	for _, ip := range c.IPs {
		if ip == host {
			return true
		}
	}
	return false
}
