package sqlserver

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/kind"
)

// TestDifferentialMssqlJdbc runs every kept case of the matrix through
// Microsoft's mssql-jdbc 13.4.0.jre11 and through dbtls, against the same
// TDS servers, and compares them case by case. The JVM's default trust
// store is the fixture's (as the host's pool is for dbtls), so rows 3 and 4
// mean the same on both sides.
func TestDifferentialMssqlJdbc(t *testing.T) {
	m := sharedMatrix(t)
	kept, _ := Cases()
	type result struct {
		c      Case
		dbtls  Attempt
		jdbc   jdbc.Outcome
		reason string
	}
	results := make([]*result, len(kept))
	var jcases []jdbc.Case
	for i, c := range kept {
		srv := m.Servers.For(c.Server, c.Cert)
		u := m.JDBCURL(c, srv.Port(), fmt.Sprintf("diff-%d", i))
		base, props, _ := strings.Cut(u, ";")
		jc := jdbc.Case{ID: fmt.Sprint(i), Driver: "mssql", URL: base, Properties: map[string]string{}, TimeoutSeconds: 15}
		for _, kv := range strings.Split(props, ";") {
			k, v, _ := strings.Cut(kv, "=")
			jc.Properties[k] = v
		}
		jcases = append(jcases, jc)
		results[i] = &result{c: c}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, c := range kept {
		srv := m.Servers.For(c.Server, c.Cert)
		u := m.JDBCURL(c, srv.Port(), fmt.Sprintf("diff-dbtls-%d", i))
		wg.Add(1)
		sem <- struct{}{}
		go func(r *result, u string) {
			defer wg.Done()
			defer func() { <-sem }()
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			r.dbtls = ViaConnector(cctx, u)
		}(results[i], u)
	}
	wg.Wait()

	store := filepath.Join(m.Fixture.JavaHome, "lib", "security", "jssecacerts")
	outs, err := jdbc.RunJVM(ctx, []string{"-Djavax.net.ssl.trustStore=" + store, "-Djavax.net.ssl.trustStorePassword=" + StorePassword}, jcases)
	if err != nil {
		t.Fatalf("running mssql-jdbc through conformance/jdbc: %v", err)
	}

	type tally struct{ cases, agree, known int }
	byRow := map[string]*tally{}
	hits := map[string]int{}
	for i, r := range results {
		r.jdbc = outs[i]
		row := Oracle(r.c).Row
		tl := byRow[row]
		if tl == nil {
			tl = &tally{}
			byRow[row] = tl
		}
		tl.cases++
		if agrees(r.c, r.dbtls, r.jdbc) {
			tl.agree++
			continue
		}
		if reason := knownDivergence(r.c, r.dbtls, r.jdbc); reason != "" {
			tl.known++
			hits[reason]++
			continue
		}
		t.Errorf("%s: dbtls %s; mssql-jdbc %s", r.c.Name(), describeAttempt(r.dbtls), describeOutcome(r.jdbc))
	}
	rows := make([]string, 0, len(byRow))
	for r := range byRow {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		return len(rows[i]) < len(rows[j]) || len(rows[i]) == len(rows[j]) && rows[i] < rows[j]
	})
	t.Logf("%-4s %6s %6s %16s", "row", "cases", "agree", "known divergence")
	for _, r := range rows {
		tl := byRow[r]
		t.Logf("%-4s %6d %6d %16d", r, tl.cases, tl.agree, tl.known)
	}
	for _, d := range divergences {
		t.Logf("divergence %q: %d cases", d.name, hits[d.name])
		if hits[d.name] == 0 {
			t.Errorf("divergence %q was listed but never seen: remove it from the list and docs/divergences.md", d.name)
		}
	}
}

// agrees: both connected, or both refused with the same class (or two
// classes the spec allows for the case).
func agrees(c Case, a Attempt, o jdbc.Outcome) bool {
	if a.Err == nil || o.Connected {
		return a.Err == nil && o.Connected
	}
	k := kind.Of(a.Err)
	if string(k) == o.Class {
		return true
	}
	want := Oracle(c)
	return !want.Connects && want.Allows(k) && want.Allows(kind.Kind(o.Class))
}

func describeAttempt(a Attempt) string {
	if a.Err != nil {
		return fmt.Sprintf("refused (%s: %v)", kind.Of(a.Err), a.Err)
	}
	return fmt.Sprintf("connected (encrypted=%v login-only=%v)", a.Encrypted, a.LoginOnly)
}

func describeOutcome(o jdbc.Outcome) string {
	if o.Connected {
		return "connected"
	}
	return fmt.Sprintf("refused (%s: %s)", o.Class, o.Message)
}

// divergences are the known, documented differences (docs/divergences.md);
// each matches the cases it explains. A divergence never seen fails the
// test, so the list cannot rot.
var divergences = []struct {
	name  string
	match func(c Case, a Attempt, o jdbc.Outcome) bool
}{
	// docs/divergences.md #1: encrypt=false against a server that turns TLS
	// on (ENCRYPT_ON or ENCRYPT_REQ) gives full TLS; the documented table says
	// it is not validated, mssql-jdbc 13.x validates it.
	{"row 1 full TLS: mssql-jdbc validates, the table does not", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Encrypt == "false" && (c.Server == "on" || c.Server == "req") && a.Err == nil && !o.Connected && certClass(o.Class)
	}},
	// #2: encrypt blank is false in the documented table, true in mssql-jdbc ≥ 10.
	{"encrypt blank: mssql-jdbc defaults to true", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Encrypt == "" && a.Err == nil && !o.Connected && (certClass(o.Class) || o.Class == "encryption-not-supported")
	}},
	// #17: PEM trust stores are beyond JDBC (spec §4); the JDK cannot load one.
	{"PEM trust store: mssql-jdbc cannot read it", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Store == "pem" && !o.Connected && o.Class == "truststore-unreadable"
	}},
	// #5: a PKCS12 store with encrypted certificates and no password.
	{"PKCS12 without password: mssql-jdbc loads an empty store and fails later", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Store == "pkcs12" && c.Password == "" && kind.Of(a.Err) == kind.TruststoreUnreadable && !o.Connected &&
			(o.Class == "handshake-failed" || o.Class == "untrusted-certificate")
	}},
	// #18: trust material is read when the connector is made, mssql-jdbc
	// reads it at the handshake: against a server that refuses before TLS,
	// dbtls reports the store, mssql-jdbc the server.
	{"trust store read up front: the store's error comes first", func(c Case, a Attempt, o jdbc.Outcome) bool {
		k := kind.Of(a.Err)
		return (k == kind.TruststoreUnreadable || k == kind.TruststoreIntegrity) && !o.Connected &&
			(o.Class == "encryption-not-supported" || o.Class == "network" || o.Class == "handshake-failed")
	}},
}

func certClass(c string) bool {
	switch c {
	case "hostname-mismatch", "untrusted-certificate", "certificate-expired", "certificate-usage":
		return true
	}
	return false
}

func knownDivergence(c Case, a Attempt, o jdbc.Outcome) string {
	for _, d := range divergences {
		if d.match(c, a, o) {
			return d.name
		}
	}
	return ""
}
