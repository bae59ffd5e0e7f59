package sqlserver

import (
	"sort"
	"strconv"
	"strings"
)

// The names the matrix uses. The DSN's host is Host (a DNS name), IPv4 or
// IPv6 (literals), as Case.Host says; hostNameInCertificate is blank,
// Matching or NotMatching.
const (
	Host        = "localhost"
	IPv4        = "127.0.0.1"
	IPv6        = "::1"
	Matching    = "db.dbtls.test"
	NotMatching = "other.example.org"
)

// Hosts are the ways the server is named in the DSN (spec §2.1): a DNS name
// (Host, which resolves to 127.0.0.1), an IPv4 literal and an IPv6 literal.
var Hosts = []string{"dns", "ipv4", "ipv6"}

// HostName is the host the DSN names for a value of Hosts: the name the
// certificate is checked against when hostNameInCertificate is blank.
func HostName(h string) string {
	switch h {
	case "ipv4":
		return IPv4
	case "ipv6":
		return IPv6
	}
	return Host
}

// IPCerts are the server certificates whose names are about IP literals
// (spec §2.1): SAN iPAddresses, a CN equal to the literal, a dNSName equal to
// it, and a wildcard that would cover 127.0.0.1 if an address were a DNS
// name (it is not: a literal matches only letter for letter). The
// certificates "without an IP" are cn-only and another-host (and, for ::1,
// good, which carries 127.0.0.1 only).
var IPCerts = map[string]bool{"ip-san": true, "cn-ipv4": true, "cn-ipv6": true, "dns-ip": true, "wildcard-ip": true}

// The values of each dimension, in the order of the issue.
var (
	Encrypts    = []string{"", "false", "true", "strict"}
	TSCs        = []string{"", "false", "true"}
	HostNames   = []string{"", "matching", "not-matching"}
	Stores      = []string{"", "jks", "pkcs12", "pem"}
	Passwords   = []string{"", "right", "wrong"}
	ServerCerts = []string{"", "same", "another"}
	Settings    = []string{"off", "on", "req", "notsup", "strict-only"}
	Certs       = []string{"good", "cn-only", "wildcard", "partial-wildcard", "another-host", "expired", "untrusted", "clientauth-only",
		"ip-san", "cn-ipv4", "cn-ipv6", "dns-ip", "wildcard-ip"}
)

// CertNames are the names each server certificate carries (the test makes
// them so). expired, untrusted and clientauth-only carry good's names, so
// that only their one defect shows.
var CertNames = map[string]certNames{
	"good":             {CN: Matching, DNS: []string{Host, Matching}, IPs: []string{"127.0.0.1"}},
	"cn-only":          {CN: Matching},
	"wildcard":         {CN: "*.dbtls.test", DNS: []string{"*.dbtls.test"}},
	"partial-wildcard": {CN: "d*.dbtls.test", DNS: []string{"d*.dbtls.test"}},
	"another-host":     {CN: "elsewhere.example.net", DNS: []string{"elsewhere.example.net"}},
	"expired":          {CN: Matching, DNS: []string{Host, Matching}, IPs: []string{"127.0.0.1"}},
	"untrusted":        {CN: Matching, DNS: []string{Host, Matching}, IPs: []string{"127.0.0.1"}},
	"clientauth-only":  {CN: Matching, DNS: []string{Host, Matching}, IPs: []string{"127.0.0.1"}},
	"ip-san":           {CN: "ip-san", IPs: []string{IPv4, IPv6}},
	"cn-ipv4":          {CN: IPv4},
	"cn-ipv6":          {CN: IPv6},
	"dns-ip":           {CN: "dns-ip", DNS: []string{IPv4, IPv6}},
	"wildcard-ip":      {CN: "*.0.0.1", DNS: []string{"*.0.0.1"}},
}

// Case is one cell of the matrix. "" is "blank" (the property is absent).
type Case struct {
	Encrypt    string // "", false, true, strict
	TSC        string // trustServerCertificate: "", false, true
	HostName   string // hostNameInCertificate: "", matching, not-matching
	Store      string // trustStore: "", jks, pkcs12, pem (all hold the test CA)
	Password   string // trustStorePassword: "", right, wrong
	ServerCert string // serverCertificate: "", same (the served leaf), another
	Server     string // the server's setting: off, on, req, notsup, strict-only
	Cert       string // the server's certificate
	Host       string // how the DSN names the server: "" or dns (Host), ipv4, ipv6
}

func blank(s string) string {
	if s == "" {
		return "blank"
	}
	return s
}

// HostKind is c.Host with "" read as dns.
func (c Case) HostKind() string {
	if c.Host == "" {
		return "dns"
	}
	return c.Host
}

// Name is a stable, readable name for the case (a subtest name). A case
// whose server is named by its DNS name has no host= part, so the names of
// the matrix before the naming dimension are unchanged.
func (c Case) Name() string {
	parts := []string{
		"encrypt=" + blank(c.Encrypt), "tsc=" + blank(c.TSC), "hnic=" + blank(c.HostName),
		"store=" + blank(c.Store), "pw=" + blank(c.Password), "pin=" + blank(c.ServerCert),
		"server=" + c.Server, "cert=" + c.Cert,
	}
	if c.HostKind() != "dns" {
		parts = append(parts, "host="+c.Host)
	}
	return strings.Join(parts, ",")
}

// Cases returns the kept cases and, for every pruning rule, how many
// combinations it removed. Each kept case is the representative of the
// pruned ones that cannot differ from it.
func Cases() (kept []Case, pruned map[string]int) {
	pruned = map[string]int{}
	for _, h := range Hosts {
		for _, e := range Encrypts {
			for _, tsc := range TSCs {
				for _, hn := range HostNames {
					for _, st := range Stores {
						for _, pw := range Passwords {
							for _, sc := range ServerCerts {
								for _, srv := range Settings {
									for _, cert := range Certs {
										c := Case{e, tsc, hn, st, pw, sc, srv, cert, h}
										if why := Prune(c); why != "" {
											pruned[why]++
											continue
										}
										kept = append(kept, c)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return kept, pruned
}

// The pruning rules: each says why the combinations it removes cannot
// differ from one that is kept.
const (
	PruneRow1      = "row 1 (encrypt blank or false) validates nothing: trustServerCertificate, hostNameInCertificate, trustStore and trustStorePassword are \"any\" in the table; only the server setting and certificate are varied"
	PruneRow2      = "row 2 (encrypt=true, trustServerCertificate=true) validates nothing: hostNameInCertificate, trustStore and trustStorePassword are \"any\""
	PrunePinStore  = "a pin (strict + serverCertificate) checks neither chain nor name (spec §3): trustStore, trustStorePassword and hostNameInCertificate are not consulted, so only their blank value is kept"
	PruneNoStrict  = "serverCertificate outside strict mode is ignored (spec §2): only its blank value is kept there"
	PrunePEMPass   = "a PEM bundle has no integrity password: a trustStorePassword next to a PEM trustStore cannot be checked, so it is not varied"
	PruneNoTLSCert = "the connection is refused before any TLS handshake (client and server cannot agree), so the server certificate cannot matter: only \"good\" is kept"

	// The naming dimension (spec §2.1): a server named by an IP literal, or
	// a certificate whose names are about IP literals, is crossed with every
	// scenario row and the certificates where the name matters, not with
	// every trust-store variation (those are covered with the DNS name).
	PruneNameTSC     = "naming dimension (IP host or IP certificate): trustServerCertificate is varied only where it makes row 2; false is blank, and strict ignores it (covered with the DNS name)"
	PruneNameTrust   = "naming dimension: one trust-store variation per row — none (rows 3, 4), JKS with its password (5, 10), the default store file (6, 8), JKS without password (7, 9); the name is checked after the chain, whatever loaded the anchors"
	PruneNameHNIC    = "naming dimension: hostNameInCertificate is blank (the name is the host) or matching (the name is not the host); not-matching names nothing any certificate carries, whatever the host"
	PruneNameSetting = "naming dimension: rows 2–11 against a server answering OFF or REQ negotiate the same full TLS and certificate check as against ON (row 11 refuses all three alike): only ON is kept"
	PruneNameCert    = "naming dimension: wildcards are DNS-name rules, and expired, untrusted and clientauth-only certificates fail before the name is checked: only good, cn-only, another-host and the IP certificates are kept"
	PruneNameNoCheck = "naming dimension: rows 1 and 2 and a pin check no name, so the certificate cannot matter: only \"good\" is kept"
)

// ipTrusts are the (trustStore, trustStorePassword) pairs the naming
// dimension keeps: with hostNameInCertificate blank they make rows 3, 5, 6,
// 7, with it set rows 4, 10, 8, 9.
var ipTrusts = map[[2]string]bool{{"", ""}: true, {"jks", "right"}: true, {"", "right"}: true, {"jks", ""}: true}

// Prune returns the rule that removes c, or "".
func Prune(c Case) string {
	row1 := c.Encrypt == "" || c.Encrypt == "false"
	switch {
	case c.ServerCert != "" && c.Encrypt != "strict":
		return PruneNoStrict
	case row1 && (c.TSC != "" || c.HostName != "" || c.Store != "" || c.Password != ""):
		return PruneRow1
	case c.Encrypt == "true" && c.TSC == "true" && (c.HostName != "" || c.Store != "" || c.Password != ""):
		return PruneRow2
	case c.ServerCert != "" && (c.Store != "" || c.Password != "" || c.HostName != ""):
		return PrunePinStore
	case c.Store == "pem" && c.Password != "":
		return PrunePEMPass
	case c.Cert != "good" && noTLS(c):
		return PruneNoTLSCert
	}
	if c.HostKind() == "dns" && !IPCerts[c.Cert] {
		return ""
	}
	row2 := c.Encrypt == "true" && c.TSC == "true"
	switch {
	case c.TSC != "" && !row1 && !row2:
		return PruneNameTSC
	case !ipTrusts[[2]string{c.Store, c.Password}]:
		return PruneNameTrust
	case c.HostName == "not-matching":
		return PruneNameHNIC
	case !row1 && (c.Server == "off" || c.Server == "req"):
		return PruneNameSetting
	case c.Cert != "good" && (row1 || row2 || c.ServerCert != ""):
		return PruneNameNoCheck
	case c.Cert != "good" && c.Cert != "cn-only" && c.Cert != "another-host" && !IPCerts[c.Cert]:
		return PruneNameCert
	}
	return ""
}

// noTLS: client and server settings that end the connection before a TLS
// handshake could show the certificate.
func noTLS(c Case) bool {
	if c.Encrypt == "strict" {
		return c.Server != "strict-only"
	}
	if c.Server == "strict-only" {
		return true
	}
	if c.Encrypt == "true" {
		return c.Server == "notsup"
	}
	return c.Server == "notsup" // row 1: no TLS at all
}

// Summary counts, per scenario row, the kept cases and their expected
// outcomes, for docs/conformance.md.
func Summary(cases []Case) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, c := range cases {
		o := Oracle(c)
		if out[o.Row] == nil {
			out[o.Row] = map[string]int{}
		}
		out[o.Row][o.Short()]++
	}
	return out
}

// SortedRows returns the rows of a Summary in table order (1 … 11).
func SortedRows(s map[string]map[string]int) []string {
	var rows []string
	for r := range s {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, _ := strconv.Atoi(rows[i])
		b, _ := strconv.Atoi(rows[j])
		return a < b
	})
	return rows
}
