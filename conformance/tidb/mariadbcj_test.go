package tidb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mysql"
)

// TestDifferentialMariaDBConnectorJ: the jdbc:mariadb: cases TiDB can serve,
// through MariaDB Connector/J 4.0.0 and 3.5.11 and through dbtls against
// the same TiDB servers. Every disagreement must be a divergence listed in
// mysql.MariaDBDivergences, and docs/agreement.md must show the figures.
func TestDifferentialMariaDBConnectorJ(t *testing.T) {
	waitBinary(t)
	f := getFixture(t)
	port(t, f, "tls", "good") // fail under CI, skip elsewhere, without TiDB
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := mysql.RunMariaDB(ctx, f, MariaDBCases())
	if err != nil {
		t.Fatalf("differential run: %v", err)
	}
	s := mysql.SummarizeMariaDB(res)
	for _, d := range s.Disagreements {
		t.Error(d)
	}
	md := s.Markdown()
	t.Log("\n" + md)
	if !strings.Contains(agreementDoc(t), md) {
		t.Errorf("docs/agreement.md is stale: regenerate it with go run ./conformance/cmd/agreement")
	}
}
