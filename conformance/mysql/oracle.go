package mysql

import (
	"net"
	"slices"
	"strings"
)

// Case is one connection attempt of the matrix.
type Case struct {
	Mode     string // DISABLED … VERIFY_IDENTITY, or jdbc:encrypt=false / jdbc:encrypt+tsc / jdbc:encrypt=true
	Server   string // tls, off, require-secure, x509, or a key of ServerVersions (tls12, tls13, min-tls12, tls11-ignored)
	Cert     string // a key of CertNames: good, cn-only, san-other, wildcard, expired, untrusted, self-signed, ip-san, cn-ipv6, wildcard-ip
	Trust    string // pem, jks, pkcs12, none
	Client   string // a key of ClientCerts: none, pem, keystore, pem-other-subject
	User     string // plain, ssluser, x509user, subjuser, issueruser, sanuser (see Users)
	Versions string // client tls-version list, "" = default
	Host     string // how the DSN names the server: ipv4 (127.0.0.1), dns (localhost), ipv6 ([::1])
}

// HostName is the host a DSN names for a value of Case.Host: the name
// VERIFY_IDENTITY checks.
func HostName(h string) string {
	switch h {
	case "dns":
		return "localhost"
	case "ipv6":
		return "::1"
	}
	return "127.0.0.1"
}

// hostPart is HostName as a URL writes it (an IPv6 literal in brackets).
func hostPart(h string) string {
	if h == "ipv6" {
		return "[::1]"
	}
	return HostName(h)
}

// names are the names a server certificate carries.
type names struct {
	CN       string
	DNS, IPs []string
}

// CertNames are the names of each server certificate (the fixture makes them
// so). expired, untrusted and self-signed carry the same names, so that only
// their one defect shows.
var CertNames = map[string]names{
	"good":        {CN: "localhost", DNS: []string{"localhost"}, IPs: []string{"127.0.0.1"}},
	"cn-only":     {CN: "127.0.0.1"},
	"san-other":   {CN: "127.0.0.1", DNS: []string{"other.example.com"}},
	"wildcard":    {CN: "wild", DNS: []string{"*.dbtls.test"}},
	"expired":     {CN: "127.0.0.1", IPs: []string{"127.0.0.1"}},
	"untrusted":   {CN: "127.0.0.1", IPs: []string{"127.0.0.1"}},
	"self-signed": {CN: "127.0.0.1", IPs: []string{"127.0.0.1"}},
	// The naming dimension's own: SAN iPAddresses for both literals under a
	// CN that is the DNS name (which SANs make irrelevant), and a CN that is
	// the IPv6 literal with no SAN.
	"ip-san":  {CN: "localhost", IPs: []string{"127.0.0.1", "::1"}},
	"cn-ipv6": {CN: "::1"},
	// A wildcard that would cover 127.0.0.1 were it a DNS name: spec §3
	// never lets a wildcard stand for an IP address (Connector/J does,
	// docs/divergences.md #28).
	"wildcard-ip": {CN: "*.0.0.1", DNS: []string{"*.0.0.1"}},
}

// nameMatches is spec §3's MySQL-family name rule (Connector/J
// VERIFY_IDENTITY), written here independently of package verify: when the
// certificate has any SAN dNSName or iPAddress one of them must match (a
// dNSName by the wildcard rule, an iPAddress as an address) and the CN is
// not consulted; only without SANs is the CN used. Against an IP literal
// host a dNSName or CN matches only when it is the same text, never
// through a wildcard.
func nameMatches(n names, host string) bool {
	want := net.ParseIP(host)
	match := wildcardMatch
	if want != nil {
		match = func(name, host string) bool { return strings.EqualFold(name, host) }
	}
	if len(n.DNS)+len(n.IPs) > 0 {
		for _, d := range n.DNS {
			if match(d, host) {
				return true
			}
		}
		for _, ip := range n.IPs {
			if want != nil && net.ParseIP(ip).Equal(want) {
				return true
			}
		}
		return false
	}
	return match(n.CN, host)
}

// wildcardMatch: equal ignoring ASCII case, or a '*' standing for one
// whole left-most label with at least two labels after it (the matrix's
// certificates need no more of §3's rule).
func wildcardMatch(pattern, host string) bool {
	pattern, host = strings.ToLower(pattern), strings.ToLower(host)
	if pattern == host {
		return true
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok || strings.Count(rest, ".") < 1 {
		return false
	}
	_, hrest, ok := strings.Cut(host, ".")
	return ok && hrest == rest
}

// Outcome is what the spec says must happen.
type Outcome struct {
	OK        bool
	Kind      string // the error kind when !OK
	Encrypted bool   // when OK: TLS was used
	Version   string // when Encrypted: the TLS version negotiated (spec §5: the highest common one)
}

// effectiveMode maps the JDBC vocabulary onto sslMode (spec §5).
func effectiveMode(m string) string {
	switch m {
	case "jdbc:encrypt=false":
		return "PREFERRED"
	case "jdbc:encrypt+tsc":
		return "REQUIRED"
	case "jdbc:encrypt=true":
		return "VERIFY_IDENTITY"
	}
	return m
}

// Expect is the oracle: the outcome spec §3, §5 and §8 give for c, written
// from the spec's text rule by rule.
func Expect(c Case) Outcome {
	mode := effectiveMode(c.Mode)
	serverTLS := c.Server != "off"
	wantsTLS := mode != "DISABLED"
	required := mode == "REQUIRED" || mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY"

	// §5: a server without TLS under REQUIRED and above is encryption-not-supported.
	if !serverTLS && required {
		return Outcome{Kind: "encryption-not-supported"}
	}
	encrypted := serverTLS && wantsTLS
	if encrypted {
		// §5 versions: negotiation picks the highest common version; none
		// in common is tls-version-mismatch.
		if negotiated(c) == "" {
			return Outcome{Kind: "tls-version-mismatch"}
		}
		// §3 / §9: validity dates are checked in every mode of the MySQL family.
		if c.Cert == "expired" {
			return Outcome{Kind: "certificate-expired"}
		}
		if mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY" {
			// §3 ca-chain: the leaf must chain to the trust anchors.
			if c.Cert == "untrusted" || c.Cert == "self-signed" {
				return Outcome{Kind: "untrusted-certificate"}
			}
		}
		if mode == "VERIFY_IDENTITY" {
			// §3 MySQL names, the name being the host as the DSN names it:
			// SANs decide when present, else the CN.
			if !nameMatches(CertNames[c.Cert], HostName(c.Host)) {
				return Outcome{Kind: "hostname-mismatch"}
			}
		}
	}
	// §5 server side: refusals are server-refused.
	if c.Server == "require-secure" && !encrypted {
		return Outcome{Kind: "server-refused"}
	}
	// The account's REQUIRE clause, against the client certificate sent
	// (every one the fixture makes chains to the servers' client CA).
	cl, cert := ClientCerts[c.Client], c.Client != "none"
	refused := false
	switch c.User {
	case "ssluser":
		refused = !encrypted
	case "x509user":
		refused = !encrypted || !cert
	case "subjuser":
		refused = !encrypted || !cert || cl.Subject != RequiredSubject
	case "issueruser":
		refused = !encrypted || !cert || cl.Issuer != RequiredIssuer
	case "sanuser":
		refused = !encrypted || !cert || !slices.Contains(cl.DNS, RequiredSANDNS)
	}
	if refused {
		return Outcome{Kind: "server-refused"}
	}
	if !encrypted {
		return Outcome{OK: true}
	}
	return Outcome{OK: true, Encrypted: true, Version: negotiated(c)}
}
