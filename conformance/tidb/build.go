package tidb

import (
	"bufio"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// versionEnv pins the TiDB commit; scripts/build-tidb.sh sources the same file.
//
//go:embed version.env
var versionEnv string

// Version is the pinned version of github.com/pingcap/tidb (version.env).
var Version = pinned("TIDB_VERSION")

func pinned(key string) string {
	sc := bufio.NewScanner(strings.NewReader(versionEnv))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), key+"="); ok {
			return v
		}
	}
	panic("tidb: version.env has no " + key)
}

// repoRoot is the repository root (this file is conformance/tidb/build.go).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

var (
	binMu   sync.Mutex
	binPath string
)

// Binary returns the path of tidb-server, built once at the pinned commit
// into the cache directory scripts/build-tidb.sh keeps. It runs that script
// with --check: the script waits for a build in progress (scripts/install-deps.sh
// starts one in the background), returns at once when the binary is cached,
// reports the failure of the last build instead of repeating it, and builds
// only when nothing was tried yet (a first `go test` without install-deps).
//
// The wait has no deadline of its own: a build from a cold cache takes about
// 12 CPU-minutes (12 to 25 minutes of wall time beside the test run on these
// 2-core machines), and giving up half-way would only fail every TiDB test;
// the test binary's -timeout bounds it. Callers wait for Binary before they start the clock of
// a server's start (Start, Need, Engine.Start).
func Binary() (string, error) {
	binMu.Lock()
	defer binMu.Unlock()
	if binPath != "" {
		return binPath, nil
	}
	if p := os.Getenv("DBTLS_TIDB_SERVER"); p != "" { // a tidb-server of one's own
		binPath = p
		return p, nil
	}
	cmd := exec.Command("bash", filepath.Join(repoRoot(), "scripts", "build-tidb.sh"), "--check")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("tidb: no tidb-server %s (scripts/build-tidb.sh: %v)\n%s", Version, err, stderr.String())
	}
	p := strings.TrimSpace(string(out))
	if i := strings.LastIndexByte(p, '\n'); i >= 0 {
		p = p[i+1:]
	}
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return "", fmt.Errorf("tidb: scripts/build-tidb.sh named %q, which is not a file", p)
	}
	binPath = p
	return p, nil
}
