package main

func init() {
	commands["demo"] = command{
		summary: "moved to its own command, dbtls-demo (go run ./cmd/dbtls-demo in a checkout)",
		run:     runDemo,
	}
}

// runDemo is `dbtls demo`: the demo is the command dbtls-demo, so that this
// binary (explain, probe) does not link the TDS test servers and the
// conformance matrix (TestNoTestServersInTheCLI). It says where the demo is
// and exits with the usage status.
func runDemo(c *cli, args []string) int {
	f := newFlags("demo", "dbtls-demo [--timeout d]", false)
	return f.usageError(c, "the demo is its own command, dbtls-demo, so that dbtls does not link the test servers: "+
		"run it with `go run ./cmd/dbtls-demo` in a checkout of dbtls, or install it with `go install github.com/dbtls/dbtls/cmd/dbtls-demo@latest`")
}
