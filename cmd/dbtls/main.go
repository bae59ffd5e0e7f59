// Command dbtls shows what a connection string means for TLS and tries it.
//
//	dbtls explain [--json] <dsn> | - | --dsn-env NAME   what a DSN means, without connecting
//	dbtls probe [--json] [--timeout d] <dsn> | - | --dsn-env NAME
//	                                                    connect, run SELECT 1, print what was negotiated
//
// The demo (every scenario-table row against an in-process TDS server) is
// its own command, cmd/dbtls-demo, so that this binary does not link the
// test servers.
//
// Flags may come before or after the connection string. "-" reads the
// connection string from standard input, --dsn-env from an environment
// variable, so that a password need not be in the process's arguments.
// The exit status says what happened (exitStatus; docs/cli.md): 0 ok, 1 a
// connection or verification failure, 2 usage, 3 invalid-dsn, 4 a trust
// store, pin or client certificate file that cannot be read or whose
// password is wrong. The --json output is described by the JSON Schemas in
// docs/cli/. No password is ever printed.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/dbtls/dbtls/kind"
)

// The exit statuses (docs/cli.md, `dbtls help`).
const (
	exitOK         = 0 // the command did what was asked
	exitFailed     = 1 // a connection or verification failure (every kind not below)
	exitUsage      = 2 // unknown command or flag, missing or extra arguments, no connection string
	exitInvalidDSN = 3 // kind invalid-dsn
	exitTrustStore = 4 // kinds truststore-unreadable and truststore-integrity
)

// exitStatus is the exit status for a result: nil (ok), or its error.
func exitStatus(e *errorJSON) int {
	if e == nil {
		return exitOK
	}
	switch kind.Kind(e.Kind) {
	case kind.InvalidDSN:
		return exitInvalidDSN
	case kind.TruststoreUnreadable, kind.TruststoreIntegrity:
		return exitTrustStore
	}
	return exitFailed
}

// cli is where a command reads and writes: the process's own in main, buffers
// in tests.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
}

// command is one subcommand; each file registers its own in init().
type command struct {
	summary string // one line for `dbtls help`
	run     func(c *cli, args []string) int
}

var commands = map[string]command{}

func main() {
	os.Exit(runIO(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is dbtls with args, with no standard input.
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, eofReader{}, stdout, stderr)
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func runIO(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, lookupEnv: os.LookupEnv}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			cmd, ok := commands[args[1]]
			if !ok {
				fmt.Fprintf(stderr, "dbtls help: no command %q\n\n", args[1])
				usage(stderr)
				return exitUsage
			}
			return cmd.run(c, []string{"--help"})
		}
		usage(stdout)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		// The first argument may be a connection string given without a
		// command: never echo it.
		if commandWord.MatchString(args[0]) {
			fmt.Fprintf(stderr, "dbtls: unknown command %q\n\n", args[0])
		} else {
			fmt.Fprintf(stderr, "dbtls: the first argument must be a command\n\n")
		}
		usage(stderr)
		return exitUsage
	}
	return cmd.run(c, args[1:])
}

var commandWord = regexp.MustCompile(`^[a-z][a-z-]{0,15}$`)

const helpText = `
The connection string (explain, probe) is one argument, or comes from:
  -                 standard input (one line)
  --dsn-env NAME    the environment variable NAME
so that a password need not appear in the process's arguments.
Flags may come before or after the connection string.

Flags:
  --json            print one JSON object (explain, probe); its schema is in
                    docs/cli/ (docs/cli.md)
  --timeout d       probe: give up after d (default 15s), for the whole probe:
                    dial, TLS, login, SELECT 1 and the status queries

The result, success or failure, is printed on standard output; standard
error carries only usage errors.

Exit status:
  0  ok
  1  a connection or verification failure: a kind other than those below
     (network, encryption-not-supported, untrusted-certificate,
     hostname-mismatch, certificate-expired, certificate-usage,
     certificate-revoked, pin-mismatch, tls-version-mismatch,
     handshake-failed, server-refused, protocol-violation)
  2  usage: unknown command or flag, missing or extra argument, no
     connection string (an unset --dsn-env variable, empty standard input)
  3  invalid-dsn: the connection string is wrong (a serverCertificate file
     that is not a certificate included)
  4  truststore-unreadable or truststore-integrity: a trust store, the JDK's
     default store file, a pin or a client certificate cannot be read, or
     its password is wrong
`

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: dbtls <command> [flags] [<connection string> | -]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "  %-8s %s\n", "help", "this text; help <command>: the command's flags")
	fmt.Fprint(w, helpText)
}

// errorJSON is a command's error: its kind (spec §8) and message.
type errorJSON struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func newErrorJSON(err error, fallback kind.Kind) *errorJSON {
	k := kind.Of(err)
	if k == "" {
		k = fallback
	}
	return &errorJSON{Kind: string(k), Message: err.Error()}
}

// report prints a command's result, success or failure, on stdout as one
// JSON object or as text.
func report(c *cli, asJSON bool, v any, printText func(io.Writer)) {
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(v)
		return
	}
	printText(c.stdout)
}

// textLine prints one "label: value" line of the text output, labels padded
// to width; an empty value prints nothing. Text from the other side enters
// the output escaped where it is read (kind.Foreign); a value that still
// holds a control character is escaped here, so that no line can forge
// another or drive the terminal.
func textLine(w io.Writer, width int, label, value string) {
	if strings.ContainsFunc(value, unicode.IsControl) {
		value = kind.Foreign(value)
	}
	if value != "" {
		fmt.Fprintf(w, "%-*s %s\n", width, label+":", value)
	}
}

// printError is the text output's error: the kind on one line, the message
// on the next (error.kind and error.message in JSON).
func printError(w io.Writer, width int, e *errorJSON) {
	if e != nil {
		textLine(w, width, "error", e.Kind)
		textLine(w, width, "message", e.Message)
	}
}
