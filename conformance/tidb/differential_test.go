package tidb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mysql"
)

// agreementDoc is docs/agreement.md.
func agreementDoc(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(repoRoot(), "docs", "agreement.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

// TestDifferentialConnectorJ: the TiDB matrix through Connector/J 9.7.0 and
// through dbtls against the same TiDB servers. Every disagreement must be a
// divergence listed in mysql.Divergences (and docs/divergences.md), and
// docs/agreement.md must show the figures.
func TestDifferentialConnectorJ(t *testing.T) {
	waitBinary(t)
	f := getFixture(t)
	port(t, f, "tls", "good") // fail under CI, skip elsewhere, without TiDB
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ag, err := mysql.DifferentialCases(ctx, f, Cases())
	if err != nil {
		t.Fatalf("differential run: %v", err)
	}
	for _, d := range ag.Disagreements {
		t.Error(d)
	}
	md := AgreementMarkdown(ag)
	t.Log("\n" + md)
	if !strings.Contains(agreementDoc(t), md) {
		t.Errorf("docs/agreement.md is stale: regenerate it with go run ./conformance/cmd/agreement")
	}
}

// TestTiDBAndMariaDBCompared runs the cases both servers can serve against
// both, through dbtls: every outcome's kind must be the spec's for that
// server's case, and docs/agreement.md must show where the servers' answers
// differ.
func TestTiDBAndMariaDBCompared(t *testing.T) {
	waitBinary(t)
	f := getFixture(t)
	port(t, f, "tls", "good")
	maria, err := mysql.NewFixture()
	if err != nil {
		t.Fatal(err)
	}
	defer maria.Close()
	if _, err := maria.Port("tls", "good"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("a MariaDB server is needed and CI is set: %v", err)
		}
		t.Skipf("no MariaDB server: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmp, err := Compare(ctx, maria, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range cmp.Violations {
		t.Error(v)
	}
	md := ComparisonMarkdown(cmp)
	t.Log("\n" + md)
	if !strings.Contains(agreementDoc(t), md) {
		t.Errorf("docs/agreement.md is stale: regenerate it with go run ./conformance/cmd/agreement")
	}
}
