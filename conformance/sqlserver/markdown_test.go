package sqlserver

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestDocUpToDate fails when docs/conformance.md is not what DocCommand
// writes now.
func TestDocUpToDate(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "docs", "conformance.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run %s", err, DocCommand)
	}
	if string(got) != Markdown() {
		t.Errorf("docs/conformance.md is stale; run %s", DocCommand)
	}
}
