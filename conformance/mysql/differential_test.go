package mysql

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDifferentialConnectorJ: the MySQL matrix through Connector/J 9.7.0 and
// through dbtls against the same MariaDB servers. Every disagreement must be
// a divergence listed in Divergences (and docs/divergences.md), every listed
// divergence must be seen, and docs/agreement.md must show the figures.
func TestDifferentialConnectorJ(t *testing.T) {
	f := getFixture(t)
	server(t, f, "tls", "good") // fail under CI, skip elsewhere, without MariaDB
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ag, err := Differential(ctx, f)
	if err != nil {
		t.Fatalf("differential run: %v", err)
	}
	for _, d := range ag.Disagreements {
		t.Error(d)
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
