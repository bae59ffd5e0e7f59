// Command dbtls shows what a connection string means for TLS and tries it.
//
//	dbtls explain [--json] <dsn-or-jdbc-url>   the strategy a DSN resolves to, without connecting
//	dbtls probe [--json] [--timeout d] <dsn>   connect, run SELECT 1, print what was negotiated
//	dbtls demo                                 every scenario-table row against an in-process TDS server
//
// No password is ever printed.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand; each file registers its own in init().
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dbtls: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: dbtls <command> [arguments]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

// report prints a command's result as one JSON object or as text, prints the
// error on stderr in text mode, and returns the exit status.
func report(stdout, stderr io.Writer, asJSON bool, v any, printText func(io.Writer), err error) int {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(v)
	} else {
		printText(stdout)
	}
	if err != nil {
		if !asJSON {
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	return 0
}
