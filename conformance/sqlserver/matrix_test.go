package sqlserver

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestMatrix runs every kept case through dbtls's connector and go-mssqldb
// against the TDS servers and compares with the oracle.
func TestMatrix(t *testing.T) {
	m := sharedMatrix(t)
	kept, pruned := Cases()
	for rule, n := range pruned {
		t.Logf("pruned %d: %s", n, rule)
	}
	for _, c := range kept {
		c := c
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := m.Check(ctx, c, ViaConnector); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestDemoViaConnector runs the demo's rows through the connector.
func TestDemoViaConnector(t *testing.T) {
	m := sharedMatrix(t)
	var out strings.Builder
	if err := RunDemo(context.Background(), &out, m, ViaConnector); err != nil {
		t.Errorf("%v\n%s", err, out.String())
	}
}
