package mysql

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDifferentialMariaDBConnectorJ: jdbc:mariadb: URLs through MariaDB
// Connector/J 4.0.0 and 3.5.11 and through dbtls against the same MariaDB
// servers. Every disagreement must be a divergence listed in
// MariaDBDivergences (and docs/divergences.md), every listed divergence must
// be seen, and docs/agreement.md must show the figures.
func TestDifferentialMariaDBConnectorJ(t *testing.T) {
	f := getFixture(t)
	server(t, f, "tls", "good") // fail under CI, skip elsewhere, without MariaDB
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if n := len(MariaDBCases()); n < 60 {
		t.Fatalf("%d jdbc:mariadb: cases; the differential promises at least 60", n)
	}
	s, err := DifferentialMariaDB(ctx, f)
	if err != nil {
		t.Fatalf("differential run: %v", err)
	}
	for _, d := range s.Disagreements {
		t.Error(d)
	}
	for name, n := range s.Divergences {
		seen := 0
		for _, x := range n {
			seen += x
		}
		if seen == 0 {
			t.Errorf("divergence %q is listed but no case shows it: remove it here and in docs/divergences.md", name)
		}
	}
	md := s.Markdown()
	t.Log("\n" + md)
	doc, err := os.ReadFile("../../docs/agreement.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), md) {
		t.Errorf("docs/agreement.md is stale: regenerate it with go run ./conformance/cmd/agreement")
	}
}
