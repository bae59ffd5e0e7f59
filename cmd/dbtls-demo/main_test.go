package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestDemo runs the demo in a child process of its own (the demo points
// its process's default trust at the CA it makes, and Go reads the host's
// pool once) and checks that all eleven rows did what the table says.
func TestDemo(t *testing.T) {
	if os.Getenv("DBTLS_DEMO_CHILD") == "1" {
		os.Exit(run(nil, os.Stdout, os.Stderr))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDemo$")
	cmd.Env = append(os.Environ(), "DBTLS_DEMO_CHILD=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("dbtls demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	if !regexp.MustCompile(`(?m)^row\s+mode\s+outcome$`).MatchString(out.String()) {
		t.Errorf("no header row, mode, outcome (docs/cli.md):\n%s", out.String())
	}
	rowLine := regexp.MustCompile(`(?m)^(\d+)\s+.*\[ok\]$`)
	rows := rowLine.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 11 {
		t.Fatalf("%d rows ended [ok], want 11:\n%s", len(rows), out.String())
	}
	for i, r := range rows {
		if want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}[i]; r[1] != want {
			t.Errorf("line %d is row %s, want row %s", i, r[1], want)
		}
	}
	if strings.Contains(out.String(), "changeit") || strings.Contains(out.String(), "password=pw") {
		t.Errorf("the demo printed a password:\n%s", out.String())
	}
}

func TestDemoRefusesArguments(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"extra"}, &out, &errb); code != 2 {
		t.Errorf("dbtls-demo extra: exit %d, want 2", code)
	}
	if strings.Contains(errb.String(), "extra") {
		t.Errorf("the argument was echoed: %s", errb.String())
	}
}
