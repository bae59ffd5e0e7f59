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
func (f *Fixture) connectorJURL(c Case, s *mariadb.Server) (string, map[string]string) {
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
	return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/?%s", s.Port, q.Encode()), props
}

// ModeAgreement counts one sslMode.
type ModeAgreement struct {
	Mode                   string
	Cases, Agree, Disagree int
}

// Agreement is the MySQL matrix run through Connector/J and through dbtls.
type Agreement struct {
	Modes         []ModeAgreement
	Disagreements []string
}

// Differential runs the MySQL matrix through Connector/J 9.7.0 (via
// conformance/jdbc) and through dbtls against the same MariaDB servers, and
// compares case by case: both connect, or both refuse with the same kind.
// The JDBC-vocabulary modes are left out: Connector/J has no encrypt
// property, the mapping is dbtls's own (spec §5).
func Differential(ctx context.Context, f *Fixture) (*Agreement, error) {
	type pair struct {
		c    Case
		ok   bool
		kind string
	}
	var pairs []*pair
	var jcases []jdbc.Case
	for i, c := range Cases() {
		if strings.HasPrefix(c.Mode, "jdbc:") {
			continue
		}
		s, err := f.Server(c.Server, c.Cert)
		if err != nil {
			return nil, err
		}
		u, props := f.connectorJURL(c, s)
		if u == "" {
			continue
		}
		_, _, err = Attempt(ctx, f.DSNFor(c, s))
		pairs = append(pairs, &pair{c: c, ok: err == nil, kind: string(kind.Of(err))})
		jcases = append(jcases, jdbc.Case{ID: fmt.Sprint(i), Driver: "mysql", URL: u, Properties: props, TimeoutSeconds: 20})
	}
	outs, err := jdbc.Run(ctx, jcases)
	if err != nil {
		return nil, err
	}
	out := &Agreement{}
	byMode := map[string]*ModeAgreement{}
	for i, p := range pairs {
		o := outs[i]
		ma := byMode[p.c.Mode]
		if ma == nil {
			ma = &ModeAgreement{Mode: p.c.Mode}
			byMode[p.c.Mode] = ma
		}
		ma.Cases++
		if (p.ok && o.Connected) || (!p.ok && !o.Connected && p.kind == o.Class) {
			ma.Agree++
			continue
		}
		ma.Disagree++
		out.Disagreements = append(out.Disagreements, fmt.Sprintf("%s: dbtls ok=%v kind=%q; Connector/J connected=%v class=%q (%s)", p.c.Name(), p.ok, p.kind, o.Connected, o.Class, o.Message))
	}
	for _, m := range byMode {
		out.Modes = append(out.Modes, *m)
	}
	sort.Slice(out.Modes, func(i, j int) bool { return out.Modes[i].Mode < out.Modes[j].Mode })
	return out, nil
}

// Markdown renders the agreement as the table of docs/agreement.md.
func (ag *Agreement) Markdown() string {
	var b strings.Builder
	b.WriteString("| sslMode | cases | agree | disagree |\n|---|---|---|---|\n")
	for _, m := range ag.Modes {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", m.Mode, m.Cases, m.Agree, m.Disagree)
	}
	return b.String()
}
