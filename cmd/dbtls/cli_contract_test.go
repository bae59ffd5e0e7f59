package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// runCLIIO is runCLI with standard input.
func runCLIIO(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runIO(args, strings.NewReader(stdin), &out, &errb)
	requireContract(t, args, code, out.String())
	require.NotContains(t, out.String()+errb.String(), secret, "a password was printed")
	require.NotContains(t, out.String()+errb.String(), "changeit", "a trust store password was printed")
	return code, out.String(), errb.String()
}

// TestExplainWithoutTheTrustStore: a string that names a
// trust store this machine does not have still says what it means — the
// row, the mode and that TLS is required (spec §2 row 5, §5 VERIFY_CA) —
// and the unreadable file is the error beside it (kind
// truststore-unreadable, exit status 4).
func TestExplainWithoutTheTrustStore(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	for _, tc := range []struct {
		name, dsn, row, mode, trustPath, expectedName string
	}{
		{"README's MySQL example", "app:" + secret + "@tcp(127.0.0.1:3306)/orders?ssl-mode=VERIFY_CA&ssl-ca=" + missing + ".pem", "VERIFY_CA", "ca-chain", missing + ".pem", ""},
		{"row 5", "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + missing + ".jks;trustStorePassword=changeit", "5", "ca-chain", missing + ".jks", "db.example.com"},
		{"row 9", "jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=sql.internal;trustStore=" + missing + ".p12", "9", "hostname-override", missing + ".p12", "sql.internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errText := runCLI(t, "explain", "--json", tc.dsn)
			require.Equal(t, 4, code, out)
			require.Empty(t, errText)
			var got map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			require.Equal(t, tc.row, got["row"])
			require.Equal(t, tc.mode, got["mode"])
			require.Equal(t, true, got["tlsRequired"])
			require.Equal(t, "store", got["trust"])
			require.Equal(t, tc.trustPath, got["trustPath"])
			if tc.expectedName != "" {
				require.Equal(t, tc.expectedName, got["expectedName"])
			}
			require.Equal(t, "truststore-unreadable", got["error"].(map[string]any)["kind"])

			code, out, _ = runCLI(t, "explain", tc.dsn)
			require.Equal(t, 4, code)
			require.Contains(t, out, "row:                "+tc.row+"\n")
			require.Contains(t, out, "mode:               "+tc.mode+"\n")
			require.Contains(t, out, "tls:                required\n")
			require.Contains(t, out, "error:              truststore-unreadable\nmessage:            dbtls: ")

			// probe says the same before it fails, without connecting.
			code, out, _ = runCLI(t, "probe", "--json", tc.dsn)
			require.Equal(t, 4, code, out)
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			require.Equal(t, false, got["ok"])
			require.Equal(t, tc.row, got["row"])
			require.Equal(t, tc.mode, got["mode"])
		})
	}
}

// TestExitStatusByKind: the exit statuses of docs/cli.md and `dbtls help`,
// one case or more per status, for explain and probe.
func TestExitStatusByKind(t *testing.T) {
	fakeJavaHome(t)
	noJDK := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want int
	}{
		{"ok", []string{"explain", "jdbc:sqlserver://db.example.com;encrypt=true"}, nil, 0},
		{"help", []string{"help"}, nil, 0},
		{"help explain", []string{"help", "explain"}, nil, 0},
		{"explain -h", []string{"explain", "-h"}, nil, 0},
		{"network", []string{"probe", "--timeout", "5s", "jdbc:sqlserver://127.0.0.1:1;encrypt=true;trustServerCertificate=true;loginTimeout=3"}, nil, 1},
		{"network, mysql", []string{"probe", "--timeout", "5s", "jdbc:mysql://127.0.0.1:1/?sslMode=REQUIRED"}, nil, 1},
		{"no arguments", nil, nil, 2},
		{"unknown command", []string{"nosuch"}, nil, 2},
		{"unknown flag", []string{"explain", "--nosuch", "jdbc:sqlserver://h"}, nil, 2},
		{"bad timeout", []string{"probe", "--timeout", "soon", "jdbc:sqlserver://h"}, nil, 2},
		{"no connection string", []string{"explain", "--json"}, nil, 2},
		{"two connection strings", []string{"explain", "jdbc:sqlserver://a", "jdbc:sqlserver://b"}, nil, 2},
		{"argument and --dsn-env", []string{"explain", "--dsn-env", "DBTLS_TEST_DSN", "jdbc:sqlserver://a"}, map[string]string{"DBTLS_TEST_DSN": "jdbc:sqlserver://b"}, 2},
		{"unset --dsn-env", []string{"probe", "--dsn-env", "DBTLS_TEST_UNSET"}, nil, 2},
		{"empty --dsn-env", []string{"explain", "--dsn-env", "DBTLS_TEST_DSN"}, map[string]string{"DBTLS_TEST_DSN": ""}, 2},
		{"empty standard input", []string{"explain", "-"}, nil, 2},
		{"demo with an argument", []string{"demo", "extra"}, nil, 2},
		{"invalid-dsn, explain", []string{"explain", "jdbc:sqlserver://h;encrypt=maybe"}, nil, 3},
		{"invalid-dsn, probe", []string{"probe", "--json", "jdbc:mysql://h/?sslMode=SOMETIMES"}, nil, 3},
		{"invalid-dsn, a pin that is no certificate", []string{"explain", "jdbc:sqlserver://h;encrypt=strict;serverCertificate=" + jks}, nil, 3},
		{"truststore-unreadable, explain", []string{"explain", "--json", "jdbc:sqlserver://h;encrypt=true;trustStore=/nonexistent.jks"}, nil, 4},
		{"truststore-unreadable, probe", []string{"probe", "jdbc:sqlserver://h;encrypt=true;trustStore=/nonexistent.jks"}, nil, 4},
		{"truststore-unreadable, no default store file", []string{"explain", "jdbc:sqlserver://h;encrypt=true;trustStorePassword=changeit"}, map[string]string{"JAVA_HOME": noJDK}, 4},
		{"truststore-integrity, explain", []string{"explain", "jdbc:sqlserver://h;encrypt=true;trustStore=" + jks + ";trustStorePassword=" + secret}, nil, 4},
		{"truststore-integrity, probe", []string{"probe", "--json", "jdbc:sqlserver://h;encrypt=true;trustStore=" + jks + ";trustStorePassword=" + secret}, nil, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errText := runCLI(t, tc.args...)
			require.Equal(t, tc.want, code, "stdout:\n%s\nstderr:\n%s", out, errText)
			if tc.want == 2 && len(tc.args) > 0 && tc.args[0] != "help" {
				require.Empty(t, out, "a usage error prints nothing on standard output")
				require.Contains(t, errText, "usage: dbtls")
			}
			if tc.want != 2 {
				require.Empty(t, errText, "standard error carries only usage errors")
			}
		})
	}
}

// TestHelpDocumentsTheContract: `dbtls help` names every exit status, the
// connection-string sources and probe's --timeout, as docs/cli.md does.
func TestHelpDocumentsTheContract(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	require.Equal(t, 0, code)
	for _, want := range []string{
		"  0  ok", "  1  a connection or verification failure", "  2  usage", "  3  invalid-dsn", "  4  truststore-unreadable or truststore-integrity",
		"--dsn-env NAME", "  -  ", "--timeout d", "default 15s", "explain", "probe", "demo",
	} {
		require.Contains(t, out, want)
	}
	doc, err := os.ReadFile("../../docs/cli.md")
	require.NoError(t, err)
	for _, want := range []string{"| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "--dsn-env", "--timeout", "cli/explain.schema.json", "cli/probe.schema.json"} {
		require.Contains(t, string(doc), want, "docs/cli.md")
	}
	code, out, _ = runCLI(t, "help", "probe")
	require.Equal(t, 0, code)
	require.Contains(t, out, "-timeout d")
	require.Contains(t, out, "-dsn-env NAME")
}

// TestConnectionStringSources: the connection string may
// come from standard input ("-") or an environment variable (--dsn-env),
// so the password need not be in argv; flags may follow it. Each way gives
// what the argument gives (row 3 of spec §2), and no way prints the
// password.
func TestConnectionStringSources(t *testing.T) {
	const url = "jdbc:sqlserver://db.example.com;user=sa;password=" + secret + ";encrypt=true"
	check := func(t *testing.T, code int, out string) {
		t.Helper()
		require.Equal(t, 0, code, out)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		require.Equal(t, "3", got["row"])
		require.Equal(t, "ca-chain", got["mode"])
		require.Equal(t, true, got["tlsRequired"])
	}
	t.Run("argument, flag after it", func(t *testing.T) {
		code, out, _ := runCLI(t, "explain", url, "--json")
		check(t, code, out)
	})
	t.Run("after --", func(t *testing.T) {
		code, out, _ := runCLI(t, "explain", "--json", "--", url)
		check(t, code, out)
	})
	t.Run("standard input", func(t *testing.T) {
		code, out, _ := runCLIIO(t, url+"\n", "explain", "-", "--json")
		check(t, code, out)
		code, out, _ = runCLIIO(t, url+"\r\n", "explain", "--json", "-")
		check(t, code, out)
		code, out, _ = runCLIIO(t, url, "explain", "--json", "-")
		check(t, code, out)
	})
	t.Run("standard input, two lines", func(t *testing.T) {
		code, out, errText := runCLIIO(t, url+"\n"+url+"\n", "explain", "--json", "-")
		require.Equal(t, 2, code)
		require.Empty(t, out)
		require.Contains(t, errText, "more than one line")
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv("DBTLS_TEST_DSN", url)
		code, out, _ := runCLI(t, "explain", "--dsn-env", "DBTLS_TEST_DSN", "--json")
		check(t, code, out)
		code, out, _ = runCLI(t, "explain", "--json", "--dsn-env=DBTLS_TEST_DSN")
		check(t, code, out)
	})
	t.Run("probe, flags after the string", func(t *testing.T) {
		t.Setenv("DBTLS_TEST_DSN", "jdbc:sqlserver://127.0.0.1:1;user=sa;password="+secret+";encrypt=true;trustServerCertificate=true;loginTimeout=3")
		code, out, _ := runCLI(t, "probe", "--dsn-env", "DBTLS_TEST_DSN", "--timeout", "5s", "--json")
		require.Equal(t, 1, code)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		require.Equal(t, "2", got["row"])
		require.Equal(t, "network", got["error"].(map[string]any)["kind"])
		code, out, _ = runCLIIO(t, "jdbc:mysql://127.0.0.1:1/?user=u&password="+secret+"&sslMode=VERIFY_IDENTITY", "probe", "-", "--json", "--timeout", "5s")
		require.Equal(t, 1, code)
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		require.Equal(t, "VERIFY_IDENTITY", got["row"])
	})
}

// TestUsageNeverEchoesTheConnectionString: a connection string put where a
// command, a flag value or a variable name belongs is left out of the usage
// error (runCLI fails on the password in any output).
func TestUsageNeverEchoesTheConnectionString(t *testing.T) {
	url := "jdbc:sqlserver://h;user=sa;password=" + secret + ";encrypt=true"
	t.Setenv("DBTLS_TEST_DSN", url)
	for _, args := range [][]string{
		{url},
		{"demo", url},
		{"probe", "--timeout", url},
		{"probe", "--timeout=" + url},
		{"probe", "--timeout", `jdbc:sqlserver://h\inst;password=` + secret},
		{"explain", "--dsn-env", url},
		{"explain", "--dsn-env", "DBTLS_TEST_DSN", url},
		{"explain", url, url},
		{"explain", "--dsn-env", "DBTLS_TEST_DSN", "--nosuch"},
		{"explain", "-", "--dsn-env", "DBTLS_TEST_DSN"},
	} {
		code, out, errText := runCLIIO(t, url, args...)
		require.Equal(t, 2, code, "%q\n%s%s", args, out, errText)
		require.NotEmpty(t, errText)
		require.NotContains(t, errText, "sa;password")
	}
}

// jsonFields lists the JSON object keys a Go type can print, by path.
func jsonFields(typ reflect.Type, prefix string, into map[string]bool) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		into[prefix+name] = true
		jsonFields(f.Type, prefix+name+".", into)
	}
}

// schemaFields lists the properties a schema allows, by path.
func schemaFields(s *jsonSchema, node map[string]any, prefix string, into map[string]bool) {
	if ref, ok := node["$ref"].(string); ok {
		node = s.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
	}
	if items, ok := node["items"].(map[string]any); ok {
		schemaFields(s, items, prefix, into)
	}
	props, _ := node["properties"].(map[string]any)
	for name, sub := range props {
		into[prefix+name] = true
		schemaFields(s, sub.(map[string]any), prefix+name+".", into)
	}
}

// TestSchemasDescribeTheOutput: every field the commands can print is in
// their schema, and every property of the schema is a field they print;
// every object is closed (additionalProperties false).
func TestSchemasDescribeTheOutput(t *testing.T) {
	for command, typ := range map[string]reflect.Type{"explain": reflect.TypeOf(explanation{}), "probe": reflect.TypeOf(probeResult{})} {
		s := commandSchema(t, command)
		fromGo, fromSchema := map[string]bool{}, map[string]bool{}
		jsonFields(typ, "", fromGo)
		schemaFields(s, s.root, "", fromSchema)
		require.Equal(t, sortedKeys(fromGo), sortedKeys(fromSchema), command)
	}
}

func sortedKeys(m map[string]bool) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOneTypePerField: a property name has one JSON type
// wherever it appears, in either command's output (row is a string
// everywhere).
func TestOneTypePerField(t *testing.T) {
	types := map[string]map[string]bool{}
	var walk func(s *jsonSchema, node map[string]any)
	walk = func(s *jsonSchema, node map[string]any) {
		if ref, ok := node["$ref"].(string); ok {
			node = s.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
		if items, ok := node["items"].(map[string]any); ok {
			walk(s, items)
		}
		props, _ := node["properties"].(map[string]any)
		for name, sub := range props {
			sub := sub.(map[string]any)
			if ref, ok := sub["$ref"].(string); ok {
				sub = s.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
			}
			typ, ok := sub["type"].(string)
			require.True(t, ok, "%s: one type, written as a string", name)
			if types[name] == nil {
				types[name] = map[string]bool{}
			}
			types[name][typ] = true
			if typ == "object" || typ == "array" {
				walk(s, sub)
			}
		}
	}
	for _, command := range []string{"explain", "probe"} {
		s := commandSchema(t, command)
		walk(s, s.root)
	}
	for name, ts := range types {
		require.Len(t, ts, 1, "%s has the types %v", name, ts)
	}
	require.Equal(t, map[string]bool{"string": true}, types["row"])
}

// TestSchemaValidator: the test's validator rejects what the subset forbids
// (written from draft 2020-12), so a schema test that passes means something.
func TestSchemaValidator(t *testing.T) {
	s, err := parseSchema([]byte(`{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type": "object", "required": ["row"], "additionalProperties": false,
		"dependentRequired": {"mode": ["row"]},
		"if": {"properties": {"ok": {"const": true}}}, "then": {"not": {"required": ["error"]}}, "else": {"required": ["error"]},
		"properties": {
			"row": {"type": "string", "enum": ["1", "VERIFY_CA"]},
			"mode": {"type": "string"},
			"ok": {"type": "boolean"},
			"error": {"$ref": "#/$defs/e"},
			"sha": {"type": "string", "pattern": "^[0-9a-f]{4}$"},
			"at": {"type": "string", "format": "date-time"},
			"list": {"type": "array", "items": {"type": "integer"}}
		},
		"$defs": {"e": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}, "additionalProperties": false}}
	}`))
	require.NoError(t, err)
	for doc, valid := range map[string]bool{
		`{"row": "1", "ok": true}`:                                  true,
		`{"row": "VERIFY_CA", "ok": false, "error": {"kind": "x"}}`: true,
		`{"row": 1, "ok": true}`:                                    false, // a number
		`{"row": "2", "ok": true}`:                                  false, // not in enum
		`{"ok": true}`:                                              false, // required
		`{"row": "1", "ok": true, "extra": 1}`:                      false, // additionalProperties
		`{"row": "1", "ok": false}`:                                 false, // else: error required
		`{"row": "1", "ok": true, "error": {"kind": "x"}}`:          false, // then: not error
		`{"row": "1", "ok": false, "error": {}}`:                    false, // $ref'd required
		`{"row": "1", "ok": false, "error": {"kind": "x", "y": 1}}`: false, // $ref'd closed
		`{"row": "1", "ok": true, "sha": "abcd"}`:                   true,
		`{"row": "1", "ok": true, "sha": "ABCD"}`:                   false, // pattern
		`{"row": "1", "ok": true, "at": "2026-11-30T10:00:00Z"}`:    true,
		`{"row": "1", "ok": true, "at": "yesterday"}`:               false, // date-time
		`{"row": "1", "ok": true, "list": [1, 2]}`:                  true,
		`{"row": "1", "ok": true, "list": [1, "2"]}`:                false, // items
		`{"row": "1", "ok": true, "list": [1.5]}`:                   false, // integer
		`{"row": "1", "ok": true} {}`:                               false, // two values
		`[]`:                                                        false, // type
	} {
		errs := s.validate([]byte(doc))
		require.Equal(t, valid, len(errs) == 0, "%s: %v", doc, errs)
	}
	_, err = parseSchema([]byte(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "oneOf": []}`))
	require.ErrorContains(t, err, "oneOf", "a keyword outside the subset is refused")
	_, err = parseSchema([]byte(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"a": {"additionalProperties": true}}}`))
	require.Error(t, err)
	_, err = parseSchema([]byte(`{"$schema": "http://json-schema.org/draft-07/schema#"}`))
	require.Error(t, err)
	s, err = parseSchema([]byte(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "dependentRequired": {"mode": ["row"]}}`))
	require.NoError(t, err)
	require.NotEmpty(t, s.validate([]byte(`{"mode": "none"}`)), "dependentRequired")
	require.Empty(t, s.validate([]byte(`{"row": "1"}`)))
}

// TestWarningsShownWithoutALogger (the CLI's side): the
// warnings of spec §2 and §5 are in explain's and probe's output, text and
// JSON, also when the command then fails (a trust store that cannot be
// read, a server that does not answer).
func TestWarningsShownWithoutALogger(t *testing.T) {
	for _, tc := range []struct {
		args []string
		warn string // written from the spec: encrypt blank (§9), REQUIRED validates nothing (§5), serverCertificate outside strict (§2)
	}{
		{[]string{"explain", "jdbc:sqlserver://db.example.com;user=sa"}, "encrypt is not set"},
		{[]string{"explain", "jdbc:sqlserver://db.example.com;encrypt=true;serverCertificate=/nonexistent.pem;trustStore=/nonexistent.jks"}, "ignored outside encrypt=strict"},
		{[]string{"probe", "--timeout", "5s", "jdbc:sqlserver://127.0.0.1:1;loginTimeout=3"}, "encrypt is not set"},
		{[]string{"probe", "--timeout", "5s", "jdbc:mysql://127.0.0.1:1/?sslMode=REQUIRED"}, "sslMode REQUIRED"},
		{[]string{"probe", "jdbc:sqlserver://127.0.0.1:1;encrypt=true;serverCertificate=/nonexistent.pem;trustStore=/nonexistent.jks"}, "ignored outside encrypt=strict"},
	} {
		// Standard error carries only usage errors (docs/cli.md): the
		// warnings are in the output, and the library's own log (to
		// slog.Default(), which writes to standard error) says nothing.
		var logged bytes.Buffer
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
		_, out, stderr := runCLI(t, tc.args...)
		require.Regexp(t, `(?m)^warning: +.*`+regexp.QuoteMeta(tc.warn), out, "%q", tc.args)
		_, out, stderr2 := runCLI(t, append([]string{tc.args[0], "--json"}, tc.args[1:]...)...)
		var got struct{ Warnings []string }
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		require.Contains(t, strings.Join(got.Warnings, "\n"), tc.warn, "%q", tc.args)
		require.Empty(t, stderr+stderr2+logged.String(), "%q: standard error", tc.args)
	}
}

// TestSchemasListEveryKind: the kind enum of every JSON Schema in docs/cli/
// is kind.All(), in its order: a kind added to package kind must be added
// to the schemas (and a schema cannot list a kind that does not exist).
func TestSchemasListEveryKind(t *testing.T) {
	var want []string
	for _, k := range kind.All() {
		want = append(want, string(k))
	}
	for _, c := range []string{"explain", "probe"} {
		data, err := os.ReadFile("../../docs/cli/" + c + ".schema.json")
		if err != nil {
			t.Fatal(err)
		}
		var enums [][]string
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if k != "kind" {
						walk(x)
						continue
					}
					if m, ok := x.(map[string]any); ok {
						if e, ok := m["enum"].([]any); ok {
							var list []string
							for _, s := range e {
								list = append(list, fmt.Sprint(s))
							}
							enums = append(enums, list)
						}
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("docs/cli/%s.schema.json: %v", c, err)
		}
		walk(doc)
		if len(enums) == 0 {
			t.Fatalf("docs/cli/%s.schema.json has no kind enum", c)
		}
		for _, e := range enums {
			if !slices.Equal(e, want) {
				t.Errorf("docs/cli/%s.schema.json lists the kinds %v; kind.All() is %v", c, e, want)
			}
		}
	}
}

// TestCLIHintsLeadSomewhere: what a user types that is nearly right gets an
// answer that says what to type instead.
func TestCLIHintsLeadSomewhere(t *testing.T) {
	code, _, stderr := runCLI(t, "help", "nope")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, `no command "nope"`)

	code, _, stderr = runCLI(t, "demo")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "go install github.com/dbtls/dbtls/cmd/dbtls-demo@latest")

	code, _, stderr = runCLI(t, "probe", "--timeout", "2x", "jdbc:sqlserver://db;encrypt=true")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "want a duration such as 2s")

	// A silent server: --timeout 1 is one second, and the message says
	// which deadline ended the probe.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for _, s := range []string{"jdbc:sqlserver://127.0.0.1:" + port + ";encrypt=true", "jdbc:mysql://127.0.0.1:" + port + "/db?sslMode=REQUIRED"} {
		start := time.Now()
		code, out, _ := runCLI(t, "probe", "--timeout", "1", s)
		require.Less(t, time.Since(start), 5*time.Second, "--timeout 1 is one second")
		require.Equal(t, exitFailed, code)
		require.Regexp(t, `the server did not answer within 1(\.\d+)?s`, out, s)
		require.Contains(t, out, "raise --timeout (it was 1s)", s)
	}
}
