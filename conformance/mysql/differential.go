package mysql

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/kind"
)

// connectorJURL writes the case with Connector/J's own property names: PEM
// trust and PEM client pairs have no Connector/J property, so the JDBC side
// gets the keytool-made JKS store holding the same CA / key.
//
// An IPv6 case names the server in Connector/J's key-value host form,
// address=(host=::1)(port=N): Connector/J keeps the brackets of
// jdbc:mysql://[::1]:N/ in the name VERIFY_IDENTITY checks ("[::1]", which
// no certificate for ::1 carries; docs/divergences.md #29, pinned by
// TestConnectorJBracketedIPv6), so only this form asks it about ::1 itself.
func (f *Fixture) connectorJURL(c Case, s *mariadb.Server) (string, map[string]string) {
	return f.ConnectorJURL(c, s.Port)
}

// ConnectorJURL is connectorJURL for the server on port: the URL and
// properties Connector/J is given for c, or "" when c is not comparable.
func (f *Fixture) ConnectorJURL(c Case, port int) (string, map[string]string) {
	q := url.Values{}
	q.Set("sslMode", c.Mode)
	q.Set("connectTimeout", "5000")
	switch c.Trust {
	case "pem", "jks":
		q.Set("trustCertificateKeyStoreUrl", "file:"+f.trust["jks"])
		q.Set("trustCertificateKeyStoreType", "JKS")
		q.Set("trustCertificateKeyStorePassword", storePass)
	case "pkcs12":
		q.Set("trustCertificateKeyStoreUrl", "file:"+f.trust["pkcs12"])
		q.Set("trustCertificateKeyStoreType", "PKCS12")
		q.Set("trustCertificateKeyStorePassword", storePass)
	}
	switch c.Client {
	case "pem", "keystore":
		q.Set("clientCertificateKeyStoreUrl", "file:"+f.clientJKS)
		q.Set("clientCertificateKeyStoreType", "JKS")
		q.Set("clientCertificateKeyStorePassword", storePass)
	case "pem-other-subject":
		return "", nil // no key store holds the other subject's key: not comparable
	}
	if c.Versions != "" {
		q.Set("tlsVersions", c.Versions)
	}
	props := map[string]string{"user": c.User, "password": passwords[c.User]}
	host := fmt.Sprintf("%s:%d", hostPart(c.Host), port)
	if c.Host == "ipv6" {
		host = fmt.Sprintf("address=(host=%s)(port=%d)", HostName(c.Host), port)
	}
	return fmt.Sprintf("jdbc:mysql://%s/?%s", host, q.Encode()), props
}

// ModeAgreement counts one sslMode (or one host).
type ModeAgreement struct {
	Mode                          string
	Cases, Agree, Known, Disagree int
}

// Agreement is the MySQL matrix run through Connector/J and through dbtls.
type Agreement struct {
	Modes         []ModeAgreement
	Hosts         []ModeAgreement // the naming dimension: Mode is a value of Hosts
	Divergences   map[string]int  // known divergence → cases it explains
	Disagreements []string        // disagreements no listed divergence explains
}

// Divergence is a known, documented difference from Connector/J
// (docs/divergences.md) and the cases it explains.
type Divergence struct {
	Name  string
	Match func(c Case, ok bool, k string, o jdbc.Outcome) bool
}

// Divergences lists them; TestDifferentialConnectorJ fails on one that no
// case shows, so the list cannot rot.
var Divergences = []Divergence{
	// #27: spec §3 matches a SAN iPAddress as an address; Connector/J
	// compares the JDK's text of it (0:0:0:0:0:0:0:1) with the host as
	// written (::1), so a certificate for ::1 never matches.
	{"#27 IPv6 SAN iPAddress: Connector/J compares the JDK's long text with the literal", func(c Case, ok bool, k string, o jdbc.Outcome) bool {
		return c.Host == "ipv6" && effectiveMode(c.Mode) == "VERIFY_IDENTITY" && carriesIP(c.Cert, "::1") && ok && !o.Connected && o.Class == "hostname-mismatch"
	}},
	// #28: spec §3 matches an IP literal host only letter for letter in a
	// dNSName or the CN, never through a wildcard; Connector/J's wildcard
	// loop lets *.0.0.1 stand for 127.0.0.1.
	{"#28 wildcard over an IP literal: Connector/J lets *.0.0.1 stand for 127.0.0.1", func(c Case, ok bool, k string, o jdbc.Outcome) bool {
		return c.Cert == "wildcard-ip" && c.Host == "ipv4" && effectiveMode(c.Mode) == "VERIFY_IDENTITY" && !ok && k == "hostname-mismatch" && o.Connected
	}},
	// #31: spec §5 accepts TLSv1 and TLSv1.1 when listed explicitly (with a
	// warning); Connector/J 8.0.28 and later refuse a tlsVersions list that
	// names nothing newer ("TLS protocols TLSv1 and TLSv1.1 are not
	// supported"), before connecting.
	{"#31 tlsVersions of TLSv1 / TLSv1.1 only: Connector/J refuses the list, dbtls offers them", func(c Case, ok bool, k string, o jdbc.Outcome) bool {
		return c.Versions != "" && !containsFold(strings.Split(c.Versions, ","), "TLSv1.2") && !containsFold(strings.Split(c.Versions, ","), "TLSv1.3") &&
			!o.Connected && strings.Contains(o.Message, "TLSv1 and TLSv1.1 are not supported")
	}},
}

func carriesIP(cert, ip string) bool {
	for _, x := range CertNames[cert].IPs {
		if x == ip {
			return true
		}
	}
	return false
}

// Differential runs the MySQL matrix through Connector/J 9.7.0 (via
// conformance/jdbc) and through dbtls against the same MariaDB servers, and
// compares case by case: both connect, or both refuse with the same kind.
// The JDBC-vocabulary modes are left out: Connector/J has no encrypt
// property, the mapping is dbtls's own (spec §5).
func Differential(ctx context.Context, f *Fixture) (*Agreement, error) {
	return DifferentialCases(ctx, f, Cases())
}

// DifferentialCases is Differential over the given cases, against the
// fixture's servers (MariaDB's, or its Engine's).
func DifferentialCases(ctx context.Context, f *Fixture, cases []Case) (*Agreement, error) {
	type pair struct {
		c    Case
		ok   bool
		kind string
	}
	var pairs []*pair
	var jcases []jdbc.Case
	for i, c := range cases {
		if strings.HasPrefix(c.Mode, "jdbc:") {
			continue
		}
		port, err := f.Port(c.Server, c.Cert)
		if err != nil {
			return nil, err
		}
		u, props := f.ConnectorJURL(c, port)
		if u == "" {
			continue
		}
		_, _, err = Attempt(ctx, f.DSN(c, port))
		pairs = append(pairs, &pair{c: c, ok: err == nil, kind: string(kind.Of(err))})
		jcases = append(jcases, jdbc.Case{ID: fmt.Sprint(i), Driver: "mysql", URL: u, Properties: props, TimeoutSeconds: 20})
	}
	outs, err := jdbc.Run(ctx, jcases)
	if err != nil {
		return nil, err
	}
	out := &Agreement{Divergences: map[string]int{}}
	for _, d := range Divergences {
		out.Divergences[d.Name] = 0
	}
	byMode := map[string]*ModeAgreement{}
	byHost := map[string]*ModeAgreement{}
	for _, h := range Hosts {
		byHost[h] = &ModeAgreement{Mode: h}
	}
	for i, p := range pairs {
		o := outs[i]
		ma := byMode[p.c.Mode]
		if ma == nil {
			ma = &ModeAgreement{Mode: p.c.Mode}
			byMode[p.c.Mode] = ma
		}
		ha := byHost[p.c.Host]
		ma.Cases++
		ha.Cases++
		if (p.ok && o.Connected) || (!p.ok && !o.Connected && p.kind == o.Class) {
			ma.Agree++
			ha.Agree++
			continue
		}
		if name := knownDivergence(p.c, p.ok, p.kind, o); name != "" {
			ma.Known++
			ha.Known++
			out.Divergences[name]++
			continue
		}
		ma.Disagree++
		ha.Disagree++
		out.Disagreements = append(out.Disagreements, fmt.Sprintf("%s: dbtls ok=%v kind=%q; Connector/J connected=%v class=%q (%s)", p.c.Name(), p.ok, p.kind, o.Connected, o.Class, o.Message))
	}
	for _, m := range byMode {
		out.Modes = append(out.Modes, *m)
	}
	sort.Slice(out.Modes, func(i, j int) bool { return out.Modes[i].Mode < out.Modes[j].Mode })
	for _, h := range Hosts {
		out.Hosts = append(out.Hosts, *byHost[h])
	}
	return out, nil
}

func knownDivergence(c Case, ok bool, k string, o jdbc.Outcome) string {
	for _, d := range Divergences {
		if d.Match(c, ok, k, o) {
			return d.Name
		}
	}
	return ""
}

// Markdown renders the agreement as the tables of docs/agreement.md.
func (ag *Agreement) Markdown() string {
	var b strings.Builder
	b.WriteString("| sslMode | cases | agree | known divergence | disagree |\n|---|---|---|---|---|\n")
	for _, m := range ag.Modes {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", m.Mode, m.Cases, m.Agree, m.Known, m.Disagree)
	}
	b.WriteString("\nThe same cases by how the server is named (the naming dimension of [conformance.md](conformance.md): every\n")
	b.WriteString("mode against `localhost` and `::1`, and VERIFY_IDENTITY against every certificate whose names differ;\n")
	b.WriteString("Connector/J is given `::1` as `address=(host=::1)(port=…)`, see divergence #29):\n\n")
	b.WriteString("| host | cases | agree | known divergence | disagree |\n|---|---|---|---|---|\n")
	for _, h := range ag.Hosts {
		fmt.Fprintf(&b, "| %s (`%s`) | %d | %d | %d | %d |\n", h.Mode, HostName(h.Mode), h.Cases, h.Agree, h.Known, h.Disagree)
	}
	b.WriteString("\n| divergence (docs/divergences.md) | cases |\n|---|---|\n")
	for _, d := range Divergences {
		fmt.Fprintf(&b, "| %s | %d |\n", d.Name, ag.Divergences[d.Name])
	}
	return b.String()
}
