package tds

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// tediousDir is the small Node project holding probe.js.
func tediousDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "tedious")
}

var tediousOnce sync.Once
var tediousErr error

// needTedious makes sure node and the tedious package are there, running
// `npm ci` when node_modules is missing (a fresh machine).
func needTedious(t *testing.T) string {
	t.Helper()
	dir := tediousDir(t)
	_, err := exec.LookPath("node")
	needTool(t, "node is needed to run tedious", err)
	tediousOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "tedious")); err == nil {
			return
		}
		if _, err := exec.LookPath("npm"); err != nil {
			tediousErr = err
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			tediousErr = fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
		}
	})
	needTool(t, "installing tedious with npm ci", tediousErr)
	return dir
}

// tediousCase is what probe.js reads.
type tediousCase struct {
	Host                   string `json:"host"`
	Port                   int    `json:"port"`
	Encrypt                any    `json:"encrypt"` // false, true or "strict"
	TrustServerCertificate bool   `json:"trustServerCertificate"`
	User                   string `json:"user"`
	Password               string `json:"password"`
	AppName                string `json:"appName"`
	Query                  string `json:"query"`
	CA                     string `json:"ca,omitempty"`
	ServerName             string `json:"serverName,omitempty"`
	TimeoutMs              int    `json:"timeoutMs"`
}

// tediousOutcome is what probe.js prints.
type tediousOutcome struct {
	Connected bool    `json:"connected"`
	Rows      [][]any `json:"rows"`
	Error     *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func runTedious(ctx context.Context, dir string, c tediousCase) (tediousOutcome, error) {
	in, err := json.Marshal(c)
	if err != nil {
		return tediousOutcome{}, err
	}
	cmd := exec.CommandContext(ctx, "node", "probe.js", string(in))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return tediousOutcome{}, fmt.Errorf("node probe.js: %v (%s)", err, out)
	}
	var o tediousOutcome
	if err := json.Unmarshal(out, &o); err != nil {
		return o, fmt.Errorf("probe.js printed %q: %v", out, err)
	}
	return o, nil
}

// TestTedious proves the server with tedious, a Node TDS client written
// independently of go-mssqldb and of this server. tedious sends NOT_SUP for
// encrypt=false (it has no login-only mode), ON for true, and does TDS 8.0
// for "strict".
func TestTedious(t *testing.T) {
	dir := needTedious(t)
	srvs := servers(t)
	modes := []struct {
		name    string
		encrypt any
		sends   string
	}{
		{"false", false, "NOT_SUP"},
		{"true", true, "ON"},
		{"strict", "strict", "strict"},
	}
	for _, m := range modes {
		for _, st := range serverSettings {
			m, st := m, st
			t.Run(m.name+"/"+st.Name, func(t *testing.T) {
				t.Parallel()
				srv := srvs[st.Name]
				app := fmt.Sprintf("tedious-%s-%s", m.name, st.Name)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				o, err := runTedious(ctx, dir, tediousCase{
					Host: "127.0.0.1", Port: srv.Port(), Encrypt: m.encrypt,
					// Verified, not trusted blindly: the CA and the name in the certificate.
					CA: sharedCA, ServerName: "localhost",
					User: "sa", Password: "pw", AppName: app, Query: "SELECT 1", TimeoutMs: 5000,
				})
				if err != nil {
					t.Fatal(err)
				}
				exp := want[m.sends][st.Name]
				if exp == "" {
					if o.Connected {
						t.Fatalf("connected (%+v); want a refusal", o)
					}
					t.Logf("refused as expected: %+v", *o.Error)
					return
				}
				if !o.Connected || o.Error != nil || len(o.Rows) != 1 || len(o.Rows[0]) != 1 || o.Rows[0][0] != float64(1) {
					t.Fatalf("outcome %+v; want SELECT 1 = 1 over %s encryption", o, exp)
				}
				rec, err := srv.WaitRecord(ctx, func(r Record) bool { return r.AppName == app })
				if err != nil {
					t.Fatal(err)
				}
				checkRecord(t, rec, exp, "SELECT 1")
			})
		}
	}
}
