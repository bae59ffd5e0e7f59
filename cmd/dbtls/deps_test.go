package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoTestServersInTheCLI: the dbtls binary (explain, probe) links no
// conformance package — no TDS test server, no MariaDB harness, no scenario
// matrix — and no certificate generator; the demo that needs them is
// cmd/dbtls-demo.
func TestNoTestServersInTheCLI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/dbtls/dbtls/conformance/") || dep == "github.com/dbtls/dbtls/internal/testutil/certgen" {
			t.Errorf("cmd/dbtls depends on %s: it belongs in cmd/dbtls-demo", dep)
		}
	}
}
