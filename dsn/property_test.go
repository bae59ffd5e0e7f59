package dsn_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/randomconfig"
	"github.com/dbtls/dbtls/kind"
)

// Property tests: a Config built as a struct, with random
// fields, goes through Format and Parse and through Normalize alike.
//
//   - valid: dsn.Parse(Format(c)) equals dsn.Normalize(c) exactly; dsn.Normalize(c)
//     keeps every field c set (a key c gave stays), is idempotent and leaves
//     c alone; String shows no password;
//   - invalid (one defect that a DSN can carry: two vocabularies for one
//     concept, a value out of range, a driver parameter the driver refuses, a
//     secret session variable, …): dsn.Normalize(c) and dsn.Parse(Format(c)) refuse
//     with the same kind and, for a property's defect, the same message;
//   - a defect only a struct can have (Set false with a value, a key that is
//     not the field's, a parameter under an alias): Normalize refuses.
//
// The configurations are made by internal/testutil/randomconfig from a seed, as
// connector's property test makes them; FuzzStructConfig runs the same
// checks on seeds the fuzzer picks.

// Seeds each property test runs (TestStructConfigs) and the fuzzer starts from.
const structSeeds = 3000

func TestStructConfigs(t *testing.T) {
	for seed := range uint64(structSeeds) {
		checkStructConfig(t, seed)
		if t.Failed() {
			return
		}
	}
}

func FuzzStructConfig(f *testing.F) {
	for seed := range uint64(64) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { checkStructConfig(t, seed) })
}

func checkStructConfig(t *testing.T, seed uint64) {
	t.Helper()
	c, defect := randomconfig.Make(seed)
	before := c.Clone()
	n, nerr := dsn.Normalize(c)
	if !reflect.DeepEqual(before, c) {
		t.Fatalf("seed %d: Normalize changed its argument", seed)
	}
	text := c.FormatDSN()
	p, perr := dsn.Parse(text)
	switch {
	case defect.Name == "" || defect.Resolve: // verify.Resolve refuses the latter, not dsn
		if nerr != nil {
			t.Fatalf("seed %d: Normalize refused a valid config: %v\n%s", seed, nerr, text)
		}
		if perr != nil {
			t.Fatalf("seed %d: Parse refused what Format wrote: %v\n%s", seed, perr, text)
		}
		if !reflect.DeepEqual(dsn.WithoutSource(n), dsn.WithoutSource(p)) || n.FormatDSN() != p.FormatDSN() {
			t.Fatalf("seed %d: dsn.Parse(Format(c)) != dsn.Normalize(c)\nformat:  %s\nparsed:  %s\nnormal:  %s", seed, text, p.FormatDSN(), n.FormatDSN())
		}
		if why := keeps(c, n); why != "" {
			t.Fatalf("seed %d: Normalize lost what the struct said: %s\n%s", seed, why, text)
		}
		if again, err := dsn.Normalize(n); err != nil || !reflect.DeepEqual(again, n) {
			t.Fatalf("seed %d: Normalize is not idempotent: %v", seed, err)
		}
		if pw := c.Password; len(pw) >= 6 && strings.Contains(c.String(), pw) {
			t.Fatalf("seed %d: String shows the password: %s", seed, c.String())
		}
	case defect.StructOnly:
		if !errorsIs(nerr, kind.InvalidDSN) {
			t.Fatalf("seed %d (%s): Normalize accepted it: %v", seed, defect.Name, nerr)
		}
	default:
		if !errorsIs(nerr, kind.InvalidDSN) || !errorsIs(perr, kind.InvalidDSN) {
			t.Fatalf("seed %d (%s): want invalid-dsn from both, got Normalize %v, Parse %v\n%s", seed, defect.Name, nerr, perr, text)
		}
		if defect.SameMessage && nerr.Error() != perr.Error() {
			t.Fatalf("seed %d (%s): different messages\nNormalize: %v\nParse:     %v\n%s", seed, defect.Name, nerr, perr, text)
		}
	}
}

func errorsIs(err error, k kind.Kind) bool { return err != nil && kind.Of(err) == k }

// keeps says what of c's fields n does not hold as c gave it, or "".
func keeps(c, n *dsn.Config) string {
	for _, f := range []struct {
		name string
		a, b any
	}{{"Host", c.Host, n.Host}, {"Port", c.Port, n.Port}, {"Instance", c.Instance, n.Instance}, {"Database", c.Database, n.Database},
		{"User", c.User, n.User}, {"Password", c.Password, n.Password}, {"Ignored", c.Ignored, n.Ignored}} {
		if !reflect.DeepEqual(f.a, f.b) {
			return fmt.Sprintf("%s %v became %v", f.name, f.a, f.b)
		}
	}
	if c.Family != "" && c.Family != n.Family || c.Shape != "" && c.Shape != n.Shape || c.Net != "" && c.Net != n.Net {
		return "family, shape or net changed"
	}
	if !sameParams(c.Params, n.Params) {
		return fmt.Sprintf("Params %v became %v", c.Params, n.Params)
	}
	ns := settings(n)
	for name, a := range settings(c) {
		b := ns[name]
		if a.set != b.set || a.set && (!reflect.DeepEqual(a.value, b.value) || a.key != "" && a.key != b.key) {
			return fmt.Sprintf("%s %+v became %+v", name, a, b)
		}
	}
	return ""
}

func sameParams(a, b map[string]string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

type anySetting struct {
	key   string
	value any
	set   bool
}

// settings reads every setting of c's TLS and Auth by field name, lists as
// non-nil slices.
func settings(c *dsn.Config) map[string]anySetting {
	out := map[string]anySetting{}
	for _, group := range []reflect.Value{reflect.ValueOf(c.TLS), reflect.ValueOf(c.Auth)} {
		for i := range group.NumField() {
			v := group.Field(i)
			s := anySetting{key: v.FieldByName("Key").String(), value: v.FieldByName("Value").Interface(), set: v.FieldByName("Set").Bool()}
			if l, ok := s.value.([]string); ok && l == nil {
				s.value = []string{}
			}
			out[group.Type().Field(i).Name] = s
		}
	}
	return out
}
