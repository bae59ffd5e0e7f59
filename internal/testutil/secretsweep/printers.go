package secretsweep

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

// Marker is a password no DSN of this module holds but the ones built to
// carry it: every printer of every exported type is swept for it.
const Marker = "Mk9-sweep-pw"

// Shown is one printed form of a value: the printer, and what it wrote.
type Shown struct {
	Printer string
	Text    string
}

// Verbs are the fmt verbs Printed uses: the text verbs, and two that
// print a value without methods field by field (%d, %t), which only a
// fmt.Formatter turns back into the redacted form.
var Verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t"}

// Printed returns v as every printer Go has shows it: each fmt verb of
// Verbs; encoding/json; log/slog's TextHandler and JSONHandler with v as an
// attribute, inside a []any and, for an error, inside a []error (as
// slog.Any("errs", []error{err})); and v's own Error, String, GoString,
// MarshalJSON, MarshalText and LogValue when it has them. A value that is
// not a pointer is printed again through a pointer to a copy, and a non-nil
// pointer again as the value it points to (fmt of the dereferenced value).
func Printed(v any) []Shown {
	out := printedOne("", v)
	rv := reflect.ValueOf(v)
	switch {
	case !rv.IsValid():
	case rv.Kind() == reflect.Pointer && !rv.IsNil():
		out = append(out, printedOne("*", rv.Elem().Interface())...)
	case rv.Kind() != reflect.Pointer:
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		out = append(out, printedOne("&", p.Interface())...)
	}
	return out
}

func printedOne(prefix string, v any) []Shown {
	var out []Shown
	add := func(printer, text string) { out = append(out, Shown{prefix + printer, text}) }
	for _, verb := range Verbs {
		add("fmt "+verb, fmt.Sprintf(verb, v))
	}
	if b, err := json.Marshal(v); err == nil {
		add("encoding/json", string(b))
	}
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		attrs := []any{slog.Any("v", v), slog.Any("list", []any{v})}
		if err, ok := v.(error); ok {
			attrs = append(attrs, slog.Any("errs", []error{err}), "err", err)
		}
		slog.New(h(&b)).Log(context.Background(), slog.LevelError, "sweep", attrs...)
		add(name, b.String())
	}
	// The methods, called directly (a nil pointer's may panic: that is not
	// a leak).
	call := func(name string, f func() string) {
		defer func() { _ = recover() }()
		add(name, f())
	}
	if x, ok := v.(error); ok {
		call("Error", x.Error)
	}
	if x, ok := v.(fmt.Stringer); ok {
		call("String", x.String)
	}
	if x, ok := v.(fmt.GoStringer); ok {
		call("GoString", x.GoString)
	}
	if x, ok := v.(json.Marshaler); ok {
		call("MarshalJSON", func() string { b, _ := x.MarshalJSON(); return string(b) })
	}
	if x, ok := v.(encoding.TextMarshaler); ok {
		call("MarshalText", func() string { b, _ := x.MarshalText(); return string(b) })
	}
	if x, ok := v.(slog.LogValuer); ok {
		call("LogValue", func() string { return x.LogValue().Resolve().String() })
	}
	return out
}

// Exempt reports the printed forms a type cannot redact: none now (a
// dsn.Config's DSN writer is FormatDSN, so a Config has an fmt.Formatter
// that redacts every verb). It stays for the next type that needs one, with
// the reason written here.
func Exempt(t reflect.Type, printer string) bool { return false }

// Reach calls visit with v and every value reachable from it the way a
// reader of fields (errors.As, a marshaller, reflection) reaches it:
// exported fields, elements of slices, arrays and maps, pointed-to values,
// and each error's Unwrap chain. It walks into the types of packages whose
// path starts with module only (and into errors of any package through
// Unwrap), and visits each value once.
func Reach(v any, module string, visit func(reflect.Value)) {
	seen := map[any]bool{}
	var walk func(rv reflect.Value, depth int)
	walk = func(rv reflect.Value, depth int) {
		if !rv.IsValid() || depth > 12 {
			return
		}
		if rv.Kind() == reflect.Interface {
			if rv.IsNil() {
				return
			}
			rv = rv.Elem()
		}
		t := rv.Type()
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return
			}
			if seen[rv.Pointer()] {
				return
			}
			seen[rv.Pointer()] = true
		}
		ours := strings.HasPrefix(typePkg(t), module)
		if ours {
			visit(rv)
		}
		if rv.CanInterface() {
			if err, ok := rv.Interface().(error); ok {
				switch u := err.(type) {
				case interface{ Unwrap() error }:
					walk(reflect.ValueOf(u.Unwrap()), depth+1)
				case interface{ Unwrap() []error }:
					for _, e := range u.Unwrap() {
						walk(reflect.ValueOf(e), depth+1)
					}
				}
			}
		}
		switch rv.Kind() {
		case reflect.Pointer:
			if ours || typePkg(t.Elem()) == "" {
				walk(rv.Elem(), depth+1)
			}
		case reflect.Struct:
			if !ours {
				return
			}
			for i := 0; i < t.NumField(); i++ {
				if t.Field(i).IsExported() {
					walk(rv.Field(i), depth+1)
				}
			}
		case reflect.Slice, reflect.Array:
			if typePkg(t) == "" || ours {
				for i := 0; i < rv.Len(); i++ {
					walk(rv.Index(i), depth+1)
				}
			}
		case reflect.Map:
			if typePkg(t) == "" || ours {
				for _, k := range rv.MapKeys() {
					walk(k, depth+1)
					walk(rv.MapIndex(k), depth+1)
				}
			}
		}
	}
	walk(reflect.ValueOf(v), 0)
}

// typePkg is the package path of t, or of the type it points to.
func typePkg(t reflect.Type) string {
	if t.Kind() == reflect.Pointer && t.Name() == "" {
		return t.Elem().PkgPath()
	}
	return t.PkgPath()
}

// TypeName is the name of t (or of the type it points to) without its
// type arguments, as the package declares it: "Setting" for
// dsn.Setting[string].
func TypeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	name, _, _ := strings.Cut(t.Name(), "[")
	return name
}

// Texts returns every string held by v's exported fields, recursively
// (what errors.As readers and marshallers that read fields can reach), in
// the types of module's packages.
func Texts(v reflect.Value, module string) []string {
	var out []string
	var walk func(rv reflect.Value, depth int)
	walk = func(rv reflect.Value, depth int) {
		if !rv.IsValid() || depth > 8 {
			return
		}
		switch rv.Kind() {
		case reflect.Interface, reflect.Pointer:
			if !rv.IsNil() {
				walk(rv.Elem(), depth+1)
			}
		case reflect.String:
			out = append(out, rv.String())
		case reflect.Slice, reflect.Array:
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				out = append(out, string(rv.Bytes()))
				return
			}
			for i := 0; i < rv.Len(); i++ {
				walk(rv.Index(i), depth+1)
			}
		case reflect.Map:
			for _, k := range rv.MapKeys() {
				walk(k, depth+1)
				walk(rv.MapIndex(k), depth+1)
			}
		case reflect.Struct:
			if !strings.HasPrefix(rv.Type().PkgPath(), module) {
				return
			}
			for i := 0; i < rv.NumField(); i++ {
				if rv.Type().Field(i).IsExported() {
					walk(rv.Field(i), depth+1)
				}
			}
		}
	}
	walk(v, 0)
	return out
}

// ExportedTypes returns the exported types declared in the Go files of dir
// (test files left out), sorted: what a sweep must cover, read from the
// source so that a type added later is in the list without anyone adding
// it. Interface types are left out: no value has one as its type (what
// they hold is another type, swept as itself).
func ExportedTypes(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range af.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				if _, iface := ts.Type.(*ast.InterfaceType); ts.Name.IsExported() && !iface {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	if len(names) == 0 {
		return nil, errors.New("secretsweep: no exported type in " + dir)
	}
	sort.Strings(names)
	return names, nil
}
