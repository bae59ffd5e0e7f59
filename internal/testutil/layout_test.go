package testutil

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibraryLinksNoTestSupport: what a program linking dbtls's library
// packages (and the dbtls CLI) links holds no test support
// (internal/testutil/...) and no conformance package (test servers,
// proxies, the JDBC oracle). Production code and test support stay apart.
func TestLibraryLinksNoTestSupport(t *testing.T) {
	libs := []string{"kind", "dsn", "truststore", "verify", "connector", "cmd/dbtls"}
	args := []string{"list", "-deps"}
	for _, p := range libs {
		args = append(args, "github.com/dbtls/dbtls/"+p)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, p := range libs {
		found := false
		for _, d := range deps {
			found = found || d == "github.com/dbtls/dbtls/"+p
		}
		if !found {
			t.Fatalf("go list -deps does not list %s: the check would see nothing", p)
		}
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/dbtls/dbtls/internal/testutil") || strings.HasPrefix(d, "github.com/dbtls/dbtls/conformance") {
			t.Errorf("a library package links %s (test support): move what it needs into the library, or the import into a _test.go file", d)
		}
	}
}
