// Package jdbc runs the real JDBC drivers — Microsoft's mssql-jdbc
// 13.4.0.jre11, MySQL Connector/J 9.7.0, and MariaDB Connector/J 3.5.11 and
// 4.0.0 (each in a class loader of its own) — on conformance cases, through
// the small Maven program in oracle/. It is the judge of what "JDBC's
// behaviour" means: the conformance suites run the same cases through
// dbtls and compare.
package jdbc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// Case is one connection attempt for a JDBC driver.
type Case struct {
	ID             string            `json:"id"`
	Driver         string            `json:"driver"` // "mssql", "mysql", "mariadb-3.5" or "mariadb-4.0"
	URL            string            `json:"url"`
	Properties     map[string]string `json:"properties,omitempty"`
	Query          string            `json:"query,omitempty"` // default SELECT 1
	TimeoutSeconds int               `json:"timeoutSeconds,omitempty"`
}

// Outcome is what the driver did. Class is one of dbtls's error kinds
// (docs/semantics.md §8), "ok" or "other"; see README.md for how it is read
// from the driver's exception.
type Outcome struct {
	ID         string `json:"id"`
	Connected  bool   `json:"connected"`
	Class      string `json:"class"`
	Message    string `json:"message"`
	Exception  string `json:"exception"`
	TLSVersion string `json:"tlsVersion,omitempty"` // MySQL, MariaDB: the server's Ssl_version on that connection
	Cipher     string `json:"cipher,omitempty"`     // MySQL, MariaDB: the server's Ssl_cipher
	// DriverVersion is the major.minor version of the MariaDB Connector/J
	// that ran the case, read from its Driver.
	DriverVersion string `json:"driverVersion,omitempty"`
}

// dir is the directory of this package's sources.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// JarPath is the oracle's runnable jar (built by Maven into oracle/target).
func JarPath() string { return filepath.Join(dir(), "oracle", "target", "jdbc-oracle.jar") }

var buildMu sync.Mutex

// Build makes the jar when it is missing or older than the sources
// (mvn -q -B package -DskipTests; Maven fetches the drivers).
func Build(ctx context.Context) error {
	buildMu.Lock()
	defer buildMu.Unlock()
	jar := JarPath()
	if st, err := os.Stat(jar); err == nil && !sourcesNewerThan(st.ModTime()) {
		return nil
	}
	cmd := exec.CommandContext(ctx, "mvn", "-q", "-B", "package", "-DskipTests")
	cmd.Dir = filepath.Join(dir(), "oracle")
	cmd.Env = append(os.Environ(), "JAVA_HOME="+realJavaHome())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("jdbc: building the oracle with Maven: %v\n%s", err, out)
	}
	return nil
}

// realJavaHome is the JDK that runs `java`: tests may point JAVA_HOME at a
// fake JDK holding only a default trust store, which Maven cannot use.
func realJavaHome() string {
	if h := os.Getenv("JAVA_HOME"); h != "" {
		if _, err := os.Stat(filepath.Join(h, "bin", "java")); err == nil {
			return h
		}
	}
	if java, err := exec.LookPath("java"); err == nil {
		if real, err := filepath.EvalSymlinks(java); err == nil {
			return filepath.Dir(filepath.Dir(real))
		}
	}
	return os.Getenv("JAVA_HOME")
}

func sourcesNewerThan(t time.Time) bool {
	newer := false
	root := filepath.Join(dir(), "oracle")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || newer {
			return nil
		}
		if d.IsDir() && d.Name() == "target" {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil && !d.IsDir() && info.ModTime().After(t) {
			newer = true
		}
		return nil
	})
	return newer
}

// Run builds the oracle if needed and runs cases through the JDBC drivers,
// returning one outcome per case, in order.
func Run(ctx context.Context, cases []Case) ([]Outcome, error) { return RunJVM(ctx, nil, cases) }

// RunJVM is Run with extra JVM arguments, e.g.
// -Djavax.net.ssl.trustStore=… to give the JVM a default trust store.
func RunJVM(ctx context.Context, jvmArgs []string, cases []Case) ([]Outcome, error) {
	if err := Build(ctx); err != nil {
		return nil, err
	}
	in, err := json.Marshal(cases)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "dbtls-jdbc-cases-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(in); err != nil {
		return nil, err
	}
	f.Close()
	var stdout, stderr bytes.Buffer
	args := append(append([]string{}, jvmArgs...), "-jar", JarPath(), f.Name())
	cmd := exec.CommandContext(ctx, "java", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("jdbc: the oracle failed: %v\n%s", err, tail(stderr.Bytes()))
	}
	var outs []Outcome
	if err := json.Unmarshal(stdout.Bytes(), &outs); err != nil {
		return nil, fmt.Errorf("jdbc: reading the oracle's answer: %v\n%s", err, tail(stdout.Bytes()))
	}
	if len(outs) != len(cases) {
		return nil, fmt.Errorf("jdbc: %d outcomes for %d cases", len(outs), len(cases))
	}
	return outs, nil
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
