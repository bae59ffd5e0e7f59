package main

import (
	"context"
	"fmt"
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
// row → mode → outcome. Exit status 1 when a row did not do what the
// table says.
func runDemo(c *cli, args []string) int {
	f := newFlags("demo", "dbtls demo [--timeout d]", false)
	timeout := f.Duration("timeout", 2*time.Minute, "give up after `d`, for all rows together")
	pos, status, ok := f.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		// never echoed: it may be a connection string given to the wrong command
		return f.usageError(c, fmt.Sprintf("%d unexpected arguments; demo takes none", len(pos)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := sqlserver.Demo(ctx, c.stdout); err != nil {
		fmt.Fprintln(c.stdout, "dbtls demo:", err)
		return exitFailed
	}
	return exitOK
}
