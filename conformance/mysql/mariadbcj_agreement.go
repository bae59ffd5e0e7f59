package mysql

import (
	"context"
	"fmt"
	"net"
	"strings"
)

// MariaDBDivergence is a known, documented difference from one MariaDB
// Connector/J version (docs/divergences.md, section MariaDB Connector/J) and
// the results it explains.
type MariaDBDivergence struct {
	Name    string
	Version string // the driver version it is a difference from ("" for both)
	Match   func(c MariaDBCase, dbtls, driver MariaDBOutcome) bool
}

// MariaDBDivergences lists them; TestDifferentialMariaDBConnectorJ fails on
// one that no result shows, so the list cannot rot.
var MariaDBDivergences = []MariaDBDivergence{
	{"M1 a URL without sslMode or useSsl=true: 3.5 connects in plaintext, dbtls (as 4.0) requires verify-full", "3.5.11", func(c MariaDBCase, d, j MariaDBOutcome) bool {
		return !strings.Contains(c.Props, "sslMode=") && !strings.Contains(c.Props, "useSsl=true") && !strings.Contains(c.Props, "useSSL=true") &&
			!strings.Contains(c.Props, "useSsl=1") && j.OK && j.Version == "" && (!d.OK || d.Version != "")
	}},
	{"M2 3.5 checks an IP host against the CN when SANs are present and none matches", "3.5.11", func(c MariaDBCase, d, j MariaDBOutcome) bool {
		n := CertNames[c.Cert]
		return net.ParseIP(HostName(c.Host)) != nil && len(n.DNS)+len(n.IPs) > 0 && n.CN == HostName(c.Host) && j.OK && !d.OK && d.Kind == "hostname-mismatch"
	}},
	{"M3 an IP host and a certificate whose only name is that address as CN: 4.0 (the JDK's check) wants an iPAddress SAN, dbtls takes the CN letter for letter (spec §3)", "4.0.0", func(c MariaDBCase, d, j MariaDBOutcome) bool {
		n := CertNames[c.Cert]
		return net.ParseIP(HostName(c.Host)) != nil && len(n.DNS)+len(n.IPs) == 0 && n.CN == HostName(c.Host) && d.OK && !j.OK && j.Kind == "hostname-mismatch"
	}},
	{"M4 a host name and a certificate with iPAddress SANs only and that name as CN: the drivers read the CN, dbtls lets the SANs decide (spec §3)", "", func(c MariaDBCase, d, j MariaDBOutcome) bool {
		n := CertNames[c.Cert]
		return net.ParseIP(HostName(c.Host)) == nil && len(n.DNS) == 0 && len(n.IPs) > 0 && n.CN == HostName(c.Host) && j.OK && !d.OK && d.Kind == "hostname-mismatch"
	}},
	{"M5 sslMode=allow (verify when the server offers TLS, else plaintext) is refused", "", func(c MariaDBCase, d, j MariaDBOutcome) bool {
		return strings.Contains(c.Props, "sslMode=allow") && !d.OK && d.Kind == "invalid-dsn"
	}},
}

// MariaDBAgreement counts one group of cases against each driver version.
type MariaDBAgreement struct {
	Group string
	Cases int
	// Per version, in the order of MariaDBVersions.
	Agree, Known, Disagree []int
}

// MariaDBSummary is the differential's result.
type MariaDBSummary struct {
	Groups        []*MariaDBAgreement
	Divergences   map[string][]int // name → results it explains, per version
	Disagreements []string
	Results       []MariaDBResult
}

// DifferentialMariaDB runs MariaDBCases through dbtls and MariaDB
// Connector/J 4.0.0 and 3.5.11 against the fixture's MariaDB servers.
func DifferentialMariaDB(ctx context.Context, f *Fixture) (*MariaDBSummary, error) {
	res, err := RunMariaDB(ctx, f, MariaDBCases())
	if err != nil {
		return nil, err
	}
	return SummarizeMariaDB(res), nil
}

// SummarizeMariaDB compares each result's outcomes.
func SummarizeMariaDB(res []MariaDBResult) *MariaDBSummary {
	n := len(MariaDBVersions)
	s := &MariaDBSummary{Divergences: map[string][]int{}, Results: res}
	for _, d := range MariaDBDivergences {
		s.Divergences[d.Name] = make([]int, n)
	}
	groups := map[string]*MariaDBAgreement{}
	for _, r := range res {
		g := groups[r.Case.Group]
		if g == nil {
			g = &MariaDBAgreement{Group: r.Case.Group, Agree: make([]int, n), Known: make([]int, n), Disagree: make([]int, n)}
			groups[r.Case.Group] = g
			s.Groups = append(s.Groups, g)
		}
		g.Cases++
		for i, v := range MariaDBVersions {
			j := r.Drivers[i]
			if r.DBTLS.same(j) {
				g.Agree[i]++
				continue
			}
			if name := knownMariaDBDivergence(v.Version, r.Case, r.DBTLS, j); name != "" {
				g.Known[i]++
				s.Divergences[name][i]++
				continue
			}
			g.Disagree[i]++
			s.Disagreements = append(s.Disagreements, fmt.Sprintf("%s: dbtls %v; MariaDB Connector/J %s %v (%.300s)", r.Case.Name(), r.DBTLS, v.Version, j, r.Message[i]))
		}
	}
	return s
}

func knownMariaDBDivergence(version string, c MariaDBCase, d, j MariaDBOutcome) string {
	for _, x := range MariaDBDivergences {
		if (x.Version == "" || x.Version == version) && x.Match(c, d, j) {
			return x.Name
		}
	}
	return ""
}

// Markdown renders the summary as its table of docs/agreement.md.
func (s *MariaDBSummary) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("| group | cases |")
	for _, v := range MariaDBVersions {
		p(" %s: agree | known divergence | disagree |", v.Version)
	}
	p("\n|---|---|")
	for range MariaDBVersions {
		p("---|---|---|")
	}
	p("\n")
	total := &MariaDBAgreement{Group: "**all**", Agree: make([]int, len(MariaDBVersions)), Known: make([]int, len(MariaDBVersions)), Disagree: make([]int, len(MariaDBVersions))}
	for _, g := range s.Groups {
		total.Cases += g.Cases
		for i := range MariaDBVersions {
			total.Agree[i] += g.Agree[i]
			total.Known[i] += g.Known[i]
			total.Disagree[i] += g.Disagree[i]
		}
	}
	for _, g := range append(s.Groups, total) {
		p("| %s | %d |", g.Group, g.Cases)
		for i := range MariaDBVersions {
			p(" %d | %d | %d |", g.Agree[i], g.Known[i], g.Disagree[i])
		}
		p("\n")
	}
	p("\n| divergence (docs/divergences.md) |")
	for _, v := range MariaDBVersions {
		p(" %s |", v.Version)
	}
	p("\n|---|")
	for range MariaDBVersions {
		p("---|")
	}
	p("\n")
	for _, d := range MariaDBDivergences {
		p("| %s |", d.Name)
		for i := range MariaDBVersions {
			p(" %d |", s.Divergences[d.Name][i])
		}
		p("\n")
	}
	return b.String()
}
