// Command dbtls-demo starts our TDS test servers in-process on 127.0.0.1,
// with certificates from a CA made at start, and connects once per row of
// the SQL Server scenario table through the connector, printing
// row → mode → outcome:
//
//	go run ./cmd/dbtls-demo [--timeout d]
//
// It is a command of its own, not a subcommand of dbtls, so that the dbtls
// binary (explain, probe) does not link the test servers and the
// conformance matrix: `go list -deps ./cmd/dbtls` holds no conformance
// package (TestNoTestServersInTheCLI in cmd/dbtls). Exit status: 0 every
// row did what the table says, 1 one did not, 2 usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dbtls/dbtls/conformance/sqlserver"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	f := flag.NewFlagSet("dbtls-demo", flag.ContinueOnError)
	f.SetOutput(stderr)
	f.Usage = func() {
		fmt.Fprintln(stderr, "usage: dbtls-demo [--timeout d]")
		f.PrintDefaults()
	}
	timeout := f.Duration("timeout", 2*time.Minute, "give up after `d`, for all rows together")
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if f.NArg() > 0 {
		// never echoed: it may be a connection string given to the wrong command
		fmt.Fprintf(stderr, "dbtls-demo: %d unexpected arguments; it takes none\n", f.NArg())
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := sqlserver.Demo(ctx, stdout); err != nil {
		fmt.Fprintln(stdout, "dbtls demo:", err)
		return 1
	}
	return 0
}
