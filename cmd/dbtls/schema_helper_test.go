package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// A JSON Schema (draft 2020-12) validator for the subset the schemas of
// docs/cli/ use: type, enum, const, pattern, format date-time, properties,
// required, additionalProperties false, items, $ref to #/$defs/…,
// dependentRequired, if/then/else and not; the annotations $schema, $id,
// title, description and $comment. A schema that uses any other keyword is
// refused (checkSchema), so a schema can never say more than is tested.

var schemaKeywords = map[string]bool{
	"$schema": true, "$id": true, "title": true, "description": true, "$comment": true, "$defs": true,
	"type": true, "enum": true, "const": true, "pattern": true, "format": true,
	"properties": true, "required": true, "additionalProperties": true, "items": true, "$ref": true,
	"dependentRequired": true, "if": true, "then": true, "else": true, "not": true,
}

type jsonSchema struct {
	root map[string]any
}

// checkSchema refuses keywords outside the subset, and values of a shape
// this validator does not handle.
func checkSchema(node any, path string) error {
	m, ok := node.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: a schema must be an object", path)
	}
	for k, v := range m {
		if !schemaKeywords[k] {
			return fmt.Errorf("%s: keyword %q is not in the subset the validator supports", path, k)
		}
		var err error
		switch k {
		case "properties", "$defs":
			for name, sub := range v.(map[string]any) {
				if err = checkSchema(sub, path+"/"+k+"/"+name); err != nil {
					return err
				}
			}
		case "items", "if", "then", "else", "not":
			err = checkSchema(v, path+"/"+k)
		case "additionalProperties":
			if v != false {
				err = fmt.Errorf("%s: only additionalProperties: false is supported", path)
			}
		case "format":
			if v != "date-time" {
				err = fmt.Errorf("%s: only format date-time is supported", path)
			}
		case "$ref":
			if s, _ := v.(string); !strings.HasPrefix(s, "#/$defs/") {
				err = fmt.Errorf("%s: only $ref #/$defs/… is supported", path)
			}
		case "pattern":
			_, err = regexp.Compile(v.(string))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseSchema(data []byte) (*jsonSchema, error) {
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		return nil, fmt.Errorf("$schema is %v, want draft 2020-12", root["$schema"])
	}
	if err := checkSchema(root, "#"); err != nil {
		return nil, err
	}
	return &jsonSchema{root: root}, nil
}

// validate returns every way doc breaks the schema, one line each.
func (s *jsonSchema) validate(doc []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	if dec.More() {
		return []string{"more than one JSON value"}
	}
	var errs []string
	s.check(s.root, v, "$", &errs)
	return errs
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func typeMatches(want string, v any) bool {
	got := jsonType(v)
	return want == got || want == "number" && got == "integer"
}

func (s *jsonSchema) check(node map[string]any, v any, at string, errs *[]string) {
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	if ref, ok := node["$ref"].(string); ok {
		def, ok := s.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if !ok {
			fail("$ref %s names no definition", ref)
		} else {
			s.check(def, v, at, errs)
		}
	}
	if t, ok := node["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		matched := false
		for _, want := range types {
			matched = matched || typeMatches(want, v)
		}
		if !matched {
			fail("type %s, want %s", jsonType(v), strings.Join(types, " or "))
			return
		}
	}
	if enum, ok := node["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || reflect.DeepEqual(e, v)
		}
		if !found {
			fail("%v is not one of %v", v, enum)
		}
	}
	if c, ok := node["const"]; ok && !reflect.DeepEqual(c, v) {
		fail("%v is not %v", v, c)
	}
	if str, ok := v.(string); ok {
		if p, ok := node["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
		if node["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				fail("%q is not a date-time: %v", str, err)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := node["properties"].(map[string]any)
		for k, pv := range obj {
			if sub, ok := props[k].(map[string]any); ok {
				s.check(sub, pv, at+"."+k, errs)
			} else if node["additionalProperties"] == false {
				fail("property %q is not in the schema", k)
			}
		}
		if req, ok := node["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					fail("required property %q is missing", r)
				}
			}
		}
		if dep, ok := node["dependentRequired"].(map[string]any); ok {
			for k, list := range dep {
				if _, ok := obj[k]; !ok {
					continue
				}
				for _, r := range list.([]any) {
					if _, ok := obj[r.(string)]; !ok {
						fail("%q is present, so %q must be", k, r)
					}
				}
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := node["items"].(map[string]any); ok {
			for i, x := range arr {
				s.check(items, x, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		}
	}
	if cond, ok := node["if"].(map[string]any); ok {
		var condErrs []string
		s.check(cond, v, at, &condErrs)
		branch := "then"
		if len(condErrs) > 0 {
			branch = "else"
		}
		if sub, ok := node[branch].(map[string]any); ok {
			s.check(sub, v, at, errs)
		}
	}
	if not, ok := node["not"].(map[string]any); ok {
		var notErrs []string
		s.check(not, v, at, &notErrs)
		if len(notErrs) == 0 {
			fail("matches a schema it must not (%v)", not)
		}
	}
}

// The schemas of the commands with JSON output, read once.
var (
	schemasOnce sync.Once
	schemas     map[string]*jsonSchema
	schemasErr  error
)

func commandSchema(t testing.TB, command string) *jsonSchema {
	t.Helper()
	schemasOnce.Do(func() {
		schemas = map[string]*jsonSchema{}
		for _, c := range []string{"explain", "probe"} {
			data, err := os.ReadFile("../../docs/cli/" + c + ".schema.json")
			if err == nil {
				schemas[c], err = parseSchema(data)
			}
			if err != nil {
				schemasErr = fmt.Errorf("docs/cli/%s.schema.json: %w", c, err)
				return
			}
		}
	})
	if schemasErr != nil {
		t.Fatal(schemasErr)
	}
	return schemas[command]
}

// requireSchema fails t unless out, the --json output of command, holds to
// its schema.
func requireSchema(t testing.TB, command, out string) {
	t.Helper()
	if errs := commandSchema(t, command).validate([]byte(out)); len(errs) > 0 {
		sort.Strings(errs)
		t.Fatalf("dbtls %s --json breaks docs/cli/%s.schema.json:\n  %s\noutput:\n%s", command, command, strings.Join(errs, "\n  "), out)
	}
}

// exitByKind is docs/cli.md's exit status for an error kind.
var exitByKind = map[string]int{
	"invalid-dsn": 3, "truststore-unreadable": 4, "truststore-integrity": 4,
	"encryption-not-supported": 1, "untrusted-certificate": 1, "hostname-mismatch": 1, "certificate-expired": 1,
	"certificate-usage": 1, "certificate-revoked": 1, "pin-mismatch": 1, "tls-version-mismatch": 1, "handshake-failed": 1, "server-refused": 1, "protocol-violation": 1, "network": 1,
}

// requireContract checks a run of explain or probe with --json against
// docs/cli.md: the output holds to the schema, and the exit status is 0
// without an error and the error kind's status with one.
func requireContract(t testing.TB, args []string, code int, out string) {
	t.Helper()
	if len(args) == 0 || (args[0] != "explain" && args[0] != "probe") || code == 2 || code == 0 && out == "" {
		return
	}
	asJSON := false
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		asJSON = asJSON || a == "--json" || a == "-json"
	}
	if !asJSON {
		return
	}
	requireSchema(t, args[0], out)
	var got struct {
		Error *struct{ Kind string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want := 0
	if got.Error != nil {
		want = exitByKind[got.Error.Kind]
	}
	if code != want {
		t.Fatalf("dbtls %s: exit status %d, want %d (docs/cli.md) for:\n%s", args[0], code, want, out)
	}
}
