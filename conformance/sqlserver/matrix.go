package sqlserver

import (
	"sort"
	"strconv"
	"strings"
)

// The names the matrix uses. The DSN's host is Host; hostNameInCertificate
// is blank, Matching or NotMatching.
const (
	Host        = "localhost"
	Matching    = "db.dbtls.test"
	NotMatching = "other.example.org"
)

// The values of each dimension, in the order of the issue.
var (
	Encrypts    = []string{"", "false", "true", "strict"}
	TSCs        = []string{"", "false", "true"}
	HostNames   = []string{"", "matching", "not-matching"}
	Stores      = []string{"", "jks", "pkcs12", "pem"}
	Passwords   = []string{"", "right", "wrong"}
	ServerCerts = []string{"", "same", "another"}
	Settings    = []string{"off", "on", "req", "notsup", "strict-only"}
	Certs       = []string{"good", "cn-only", "wildcard", "partial-wildcard", "another-host", "expired", "untrusted", "clientauth-only"}
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
}

func blank(s string) string {
	if s == "" {
		return "blank"
	}
	return s
}

// Name is a stable, readable name for the case (a subtest name).
func (c Case) Name() string {
	return strings.Join([]string{
		"encrypt=" + blank(c.Encrypt), "tsc=" + blank(c.TSC), "hnic=" + blank(c.HostName),
		"store=" + blank(c.Store), "pw=" + blank(c.Password), "pin=" + blank(c.ServerCert),
		"server=" + c.Server, "cert=" + c.Cert,
	}, ",")
}

// Cases returns the kept cases and, for every pruning rule, how many
// combinations it removed. Each kept case is the representative of the
// pruned ones that cannot differ from it.
func Cases() (kept []Case, pruned map[string]int) {
	pruned = map[string]int{}
	for _, e := range Encrypts {
		for _, tsc := range TSCs {
			for _, hn := range HostNames {
				for _, st := range Stores {
					for _, pw := range Passwords {
						for _, sc := range ServerCerts {
							for _, srv := range Settings {
								for _, cert := range Certs {
									c := Case{e, tsc, hn, st, pw, sc, srv, cert}
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
)

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
