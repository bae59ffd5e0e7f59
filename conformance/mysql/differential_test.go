package mysql

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDifferentialConnectorJ: the MySQL matrix through Connector/J 9.7.0 and
// through dbtls against the same MariaDB servers. No divergence from
// Connector/J is known on this matrix: every disagreement is a defect (or a
// new entry in docs/divergences.md); docs/agreement.md must show the figures.
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
