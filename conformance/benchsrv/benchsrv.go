// Package benchsrv runs the conformance TDS server (conformance/tds) in a
// child process for the benchmarks: the child is the running executable
// itself (a test binary or a command), started with an environment variable
// that MaybeServe, called first thing in that executable, recognises.
//
// A server in its own process neither shares the client's garbage collector
// nor counts in its allocation figures: b.ReportAllocs counts every
// allocation of the process, and an in-process server's would dilute the
// client's (they are about as many). It is also how a real server runs.
package benchsrv

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/conformance/tds"
)

const envVar = "DBTLS_BENCHSRV_TDS"

// Config is the child server's configuration.
type Config struct {
	CertPEM    []byte // the leaf followed by its chain
	KeyPEM     []byte
	Encryption string // tds.ParseSetting: "on", "req", "off", "notsup"
	Strict     string // tds.ParseStrict: "no", "also", "only"
}

// MaybeServe turns this process into the TDS server when it was started by
// Start, and never returns then: the server runs until its standard input
// closes (its parent ended). Otherwise it returns at once.
func MaybeServe() {
	v := os.Getenv(envVar)
	if v == "" {
		return
	}
	if err := serve(v); err != nil {
		fmt.Fprintln(os.Stderr, "benchsrv:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

func serve(v string) error {
	var cfg Config
	if err := json.Unmarshal([]byte(v), &cfg); err != nil {
		return err
	}
	enc, err := tds.ParseSetting(cfg.Encryption)
	if err != nil {
		return err
	}
	st, err := tds.ParseStrict(cfg.Strict)
	if err != nil {
		return err
	}
	cert, err := tls.X509KeyPair(cfg.CertPEM, cfg.KeyPEM)
	if err != nil {
		return err
	}
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: enc, Strict: st, Certificate: &cert})
	if err != nil {
		return err
	}
	fmt.Println(srv.Port())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent goes
	return srv.Close()
}

// Server is a running child server.
type Server struct {
	Port  int
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// Addr is "127.0.0.1:port".
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// Start runs this executable again as a TDS server with cfg. The executable
// must call MaybeServe before anything else (a test binary: from an init
// function of a _test file).
func Start(cfg Config) (*Server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envVar+"="+string(b))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stdin.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("benchsrv: the child server did not start: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		stdin.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("benchsrv: the child server said %q", line)
	}
	return &Server{Port: port, cmd: cmd, stdin: stdin}, nil
}

// Close stops the child server and waits for it.
func (s *Server) Close() error {
	s.stdin.Close()
	return s.cmd.Wait()
}
