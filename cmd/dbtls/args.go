package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// maxStdinDSN bounds what "-" reads from standard input.
const maxStdinDSN = 1 << 20

// flags is one command's flag set, with the synopsis its usage lines show.
type flags struct {
	*flag.FlagSet
	synopsis string // e.g. "dbtls explain [--json] <connection string> | - | --dsn-env NAME"
	dsnEnv   *string
}

func newFlags(name, synopsis string, takesDSN bool) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis}
	f.SetOutput(io.Discard) // parse errors are printed by parse, with connection strings left out
	if takesDSN {
		f.dsnEnv = f.String("dsn-env", "", "read the connection string from the environment variable `NAME`")
	}
	return f
}

// parse parses args with flags before and after the positional arguments
// ("--" ends the flags) and returns the positional ones. ok is false when the
// command is over: help was asked for (exit 0) or the arguments are wrong
// (exit 2), and status says which.
func (f *flags) parse(c *cli, args []string) (pos []string, status int, ok bool) {
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			f.help(c.stdout)
			return nil, exitOK, false
		}
		if err != nil {
			return nil, f.usageError(c, redactArgs(err.Error(), args)), false
		}
		rest := f.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), 0, true
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// usageError prints problem and the synopsis on stderr and returns the
// usage exit status. problem never holds a connection string.
func (f *flags) usageError(c *cli, problem string) int {
	fmt.Fprintf(c.stderr, "dbtls %s: %s\nusage: %s\nRun 'dbtls help %s' for the flags.\n", f.Name(), problem, f.synopsis, f.Name())
	return exitUsage
}

func (f *flags) help(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\nFlags (before or after the connection string):\n", f.synopsis)
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
	fmt.Fprint(w, "\nExit status: 0 ok, 1 connection or verification failure, 2 usage, 3 invalid-dsn,\n4 truststore-unreadable or truststore-integrity ('dbtls help', docs/cli.md).\n")
}

// connectionString returns the one connection string of explain and probe:
// the positional argument, standard input ("-": one line, a final newline
// dropped) or the environment variable --dsn-env names. ok is false after a
// usage error, printed without the string.
func (f *flags) connectionString(c *cli, pos []string) (s string, status int, ok bool) {
	switch {
	case len(pos) > 1:
		return "", f.usageError(c, fmt.Sprintf("%d arguments; want one connection string (quote it for the shell)", len(pos))), false
	case len(pos) == 1 && *f.dsnEnv != "":
		return "", f.usageError(c, "both a connection string argument and --dsn-env; give one"), false
	case *f.dsnEnv != "" && !envName.MatchString(*f.dsnEnv):
		return "", f.usageError(c, "--dsn-env wants the name of an environment variable (letters, digits, _), not its value"), false
	case *f.dsnEnv != "":
		v, set := c.lookupEnv(*f.dsnEnv)
		if !set || v == "" {
			return "", f.usageError(c, fmt.Sprintf("the environment variable %s (--dsn-env) is not set or is empty", *f.dsnEnv)), false
		}
		return v, 0, true
	case len(pos) == 0:
		return "", f.usageError(c, "no connection string"), false
	case pos[0] == "-":
		data, err := io.ReadAll(io.LimitReader(c.stdin, maxStdinDSN+1))
		if err != nil {
			return "", f.usageError(c, "cannot read standard input: "+err.Error()), false
		}
		if len(data) > maxStdinDSN {
			return "", f.usageError(c, "standard input holds more than 1 MiB; want one connection string"), false
		}
		v := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
		if strings.ContainsAny(v, "\r\n") {
			return "", f.usageError(c, "standard input holds more than one line; want one connection string"), false
		}
		if v == "" {
			return "", f.usageError(c, "standard input is empty; want one connection string"), false
		}
		return v, 0, true
	}
	return pos[0], 0, true
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// redactArgs removes from a flag-parsing message every argument (or value
// after "=") that may be a connection string: the flag package quotes a
// bad flag's value in its message (invalid value "…" for flag -timeout).
func redactArgs(msg string, args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			_, v, found := strings.Cut(a, "=")
			if !found {
				continue
			}
			a = v
		}
		if !strings.ContainsAny(a, ";=@:/?&{}\\") {
			continue
		}
		q := strconv.Quote(a)
		for _, form := range []string{q[1 : len(q)-1], a} { // as %q shows it, and as written
			msg = strings.ReplaceAll(msg, form, "(left out: it may be a connection string)")
		}
	}
	return msg
}
