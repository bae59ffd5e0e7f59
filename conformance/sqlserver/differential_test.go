package sqlserver

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDifferentialMssqlJdbc runs every kept case of the matrix through
// mssql-jdbc 13.4.0.jre11 and through dbtls against the same TDS servers:
// every disagreement must be a listed divergence, every listed divergence
// must be seen, and docs/agreement.md must show these figures.
func TestDifferentialMssqlJdbc(t *testing.T) {
	m := sharedMatrix(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	ag, err := Differential(ctx, m)
	if err != nil {
		t.Fatalf("running mssql-jdbc through conformance/jdbc: %v", err)
	}
	for _, u := range ag.Unexplained {
		t.Error(u)
	}
	for name, n := range ag.Divergences {
		if n == 0 {
			t.Errorf("divergence %q is listed but no case shows it: remove it here and in docs/divergences.md", name)
		}
	}
	md := ag.Markdown()
	t.Log("\n" + md)
	doc, err := os.ReadFile("../../docs/agreement.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), md) {
		t.Errorf("docs/agreement.md is stale: regenerate it with go run ./conformance/cmd/agreement")
	}
}
