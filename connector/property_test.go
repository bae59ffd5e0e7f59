package connector

import (
	"reflect"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/randomconfig"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// Property test: for a Config built as a struct
// (internal/testutil/randomconfig; valid, or with one defect), NewFromConfig(c) and
// New(c.FormatDSN()) agree: the same strategy and the same driver
// configuration, or the same refusal — the same kind, and the same message
// for every defect a DSN can carry the same way. A defect only a struct
// can have is refused by NewFromConfig.
func TestNewFromConfigAgreesWithNew(t *testing.T) {
	t.Setenv("MSSQL_USE_EPA", "")
	var accepted, refused int
	defer func() {
		t.Logf("%d configurations accepted by both, %d refused by both", accepted, refused)
		if !t.Failed() && (accepted < 500 || refused < 500) {
			t.Errorf("too few of each: %d accepted, %d refused", accepted, refused)
		}
	}()
	for seed := range uint64(3000) {
		c, defect := randomconfig.Make(seed)
		text := c.FormatDSN()
		a, aerr := NewFromConfig(c)
		if defect.StructOnly {
			if kind.Of(aerr) != kind.InvalidDSN {
				t.Fatalf("seed %d (%s): NewFromConfig accepted it: %v", seed, defect.Name, aerr)
			}
			continue
		}
		b, berr := New(text)
		switch {
		case aerr == nil && berr == nil:
			accepted++
			if defect.Name != "" {
				t.Fatalf("seed %d (%s): both accepted it\n%s", seed, defect.Name, text)
			}
			if sa, sb := strategyView(a.Strategy()), strategyView(b.Strategy()); !reflect.DeepEqual(sa, sb) {
				t.Fatalf("seed %d: strategies differ\nNewFromConfig: %+v\nNew:           %+v\n%s", seed, sa, sb, text)
			}
			switch ab := a.be.(type) {
			case *sqlServer:
				bb := b.be.(*sqlServer)
				if !reflect.DeepEqual(viewOf(ab.cfg), viewOf(bb.cfg)) {
					t.Fatalf("seed %d: go-mssqldb configurations differ\n%+v\n%+v", seed, viewOf(ab.cfg), viewOf(bb.cfg))
				}
			case *mySQL:
				bb := b.be.(*mySQL)
				if !reflect.DeepEqual(ab.base, bb.base) || !reflect.DeepEqual(ab.charsets, bb.charsets) {
					t.Fatalf("seed %d: go-sql-driver configurations differ\n%#v %v\n%#v %v", seed, ab.base, ab.charsets, bb.base, bb.charsets)
				}
			default:
				t.Fatalf("seed %d: backend %T", seed, a.be)
			}
			if !sameConfig(a.Config(), b.Config()) {
				t.Fatalf("seed %d: configurations differ\n%s\n%s", seed, a.Config().FormatDSN(), b.Config().FormatDSN())
			}
		case aerr != nil && berr != nil:
			refused++
			if kind.Of(aerr) != kind.Of(berr) {
				t.Fatalf("seed %d (%s): kinds differ: %v / %v\n%s", seed, defect.Name, aerr, berr, text)
			}
			if (defect.Name == "" || defect.SameMessage || defect.Resolve) && aerr.Error() != berr.Error() {
				t.Fatalf("seed %d (%s): messages differ\nNewFromConfig: %v\nNew:           %v\n%s", seed, defect.Name, aerr, berr, text)
			}
		default:
			t.Fatalf("seed %d (%s): NewFromConfig %v, New %v\n%s", seed, defect.Name, aerr, berr, text)
		}
	}
}

// sameConfig reports whether a and b hold the same: their exported fields,
// whether they are normalized, and what Format writes. (A Config that Parse
// returned also keeps the DSN it read, from which Format takes the order of
// its properties; two Configs that hold the same may differ there.)
func sameConfig(a, b *dsn.Config) bool {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		if va.Type().Field(i).IsExported() && !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return false
		}
	}
	return a.Normalized() == b.Normalized() && a.FormatDSN() == b.FormatDSN()
}

// strategyView is a Strategy without its pools and caches, the roots
// replaced by their subjects: what two resolutions of one configuration
// must agree on.
type strategyViewT struct {
	S     verify.Strategy
	Roots [][]byte
	Pin   []byte
}

func strategyView(s verify.Strategy) strategyViewT {
	v := strategyViewT{}
	if s.Roots != nil {
		v.Roots = s.Roots.Subjects() // a pool made from files, not the system's
	}
	if s.Pin != nil {
		v.Pin = s.Pin.Raw
	}
	s.Roots, s.Pin = nil, nil
	v.S = s
	return v
}
