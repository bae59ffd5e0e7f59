package mysql

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/kind"
)

// connectorJURL writes the case with Connector/J's own property names: PEM
// trust and PEM client pairs have no Connector/J property, so the JDBC side
// gets the keytool-made JKS store holding the same CA / key.
func (f *fixture) connectorJURL(c Case, s *mariadb.Server) (string, map[string]string) {
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

// TestDifferentialConnectorJ runs the MySQL matrix through Connector/J
// 9.7.0 against the same servers and compares, case by case, with dbtls.
// The JDBC-vocabulary modes are left out: Connector/J has no encrypt
// property, the mapping is dbtls's own (spec §5).
func TestDifferentialConnectorJ(t *testing.T) {
	f := getFixture(t)
	type pair struct {
		c    Case
		dsn  string
		jc   jdbc.Case
		kind string
		ok   bool
	}
	var pairs []*pair
	var jcases []jdbc.Case
	for i, c := range Cases() {
		if strings.HasPrefix(c.Mode, "jdbc:") {
			continue
		}
		s := f.server(t, c.Server, c.Cert)
		u, props := f.connectorJURL(c, s)
		if u == "" {
			continue
		}
		jc := jdbc.Case{ID: fmt.Sprint(i), Driver: "mysql", URL: u, Properties: props, TimeoutSeconds: 20}
		pairs = append(pairs, &pair{c: c, dsn: f.dsnFor(c, s), jc: jc})
		jcases = append(jcases, jc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, p := range pairs {
		_, _, err := attempt(ctx, p.dsn)
		p.ok, p.kind = err == nil, string(kind.Of(err))
	}
	outs, err := jdbc.Run(ctx, jcases)
	if err != nil {
		needJDBC(t, err)
	}
	type tally struct{ cases, agree int }
	byMode := map[string]*tally{}
	for i, p := range pairs {
		o := outs[i]
		tl := byMode[p.c.Mode]
		if tl == nil {
			tl = &tally{}
			byMode[p.c.Mode] = tl
		}
		tl.cases++
		agree := (p.ok && o.Connected) || (!p.ok && !o.Connected && p.kind == o.Class)
		if agree {
			tl.agree++
		} else {
			// No divergence from Connector/J is known on this matrix: every
			// disagreement is a defect (or a new entry in docs/divergences.md).
			t.Errorf("%s: dbtls ok=%v kind=%q; Connector/J connected=%v class=%q (%s)", p.c.Name(), p.ok, p.kind, o.Connected, o.Class, o.Message)
		}
		if p.ok && o.Connected && o.TLSVersion == "" && Expect(p.c).Encrypted {
			t.Logf("%s: Connector/J reports no TLS where dbtls encrypted", p.c.Name())
		}
	}
	var modes []string
	for m := range byMode {
		modes = append(modes, m)
	}
	sort.Strings(modes)
	t.Logf("%-16s %6s %6s %9s", "sslMode", "cases", "agree", "disagree")
	for _, m := range modes {
		tl := byMode[m]
		t.Logf("%-16s %6d %6d %9d", m, tl.cases, tl.agree, tl.cases-tl.agree)
	}
}

func needJDBC(t *testing.T, err error) {
	t.Helper()
	t.Fatalf("running Connector/J through conformance/jdbc: %v", err)
}
