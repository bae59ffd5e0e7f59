package sqlserver

import (
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// TestResolveAgainstOracle checks, without connecting, that the library
// resolves every kept case's JDBC URL to the row and strategy the oracle
// reads off the table, and that trust material the oracle says is broken
// makes Resolve fail with the oracle's kind (and nothing else does).
func TestResolveAgainstOracle(t *testing.T) {
	m := sharedMatrix(t)
	kept, _ := Cases()
	for _, c := range kept {
		want := Oracle(c)
		u := m.JDBCURL(c, 1433, "resolve")
		cfg, err := dsn.Parse(u)
		if err != nil {
			t.Errorf("%s: dsn.Parse: %v", c.Name(), err)
			continue
		}
		st, err := verify.Resolve(cfg)
		_, storeBroken := storeError(c)
		if storeBroken != "" && (want.Strategy == "ca-chain" || want.Strategy == "hostname-override") {
			if err == nil || !want.Allows(kind.Of(err)) {
				t.Errorf("%s: Resolve error %v; want %s (%s)", c.Name(), err, want.Short(), want.Why)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Resolve: %v", c.Name(), err)
			continue
		}
		if st.Row != want.Row || st.Mode.String() != want.Strategy {
			t.Errorf("%s: resolved to row %s %s; the table says row %s %s", c.Name(), st.Row, st.Mode, want.Row, want.Strategy)
		}
	}
}
