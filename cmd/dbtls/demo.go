package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/dbtls/dbtls/conformance/sqlserver"
)

func init() {
	commands["demo"] = command{
		summary: "connect once per SQL Server scenario-table row to an in-process TDS server",
		run:     runDemo,
	}
}

// runDemo is `dbtls demo`: it starts the conformance TDS servers in-process
// on 127.0.0.1 with certificates made at start, and connects once per row
// of the scenario table through the connector, printing
// row → strategy → outcome. Exit status 1 when a row did not do what the
// table says.
func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dbtls demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := sqlserver.Demo(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "dbtls demo:", err)
		return 1
	}
	return 0
}
