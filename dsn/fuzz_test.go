package dsn

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParse: nothing panics; parse → format → parse is stable; the redacted
// form never holds the password.
func FuzzParse(f *testing.F) {
	for _, tt := range parseCases {
		f.Add(tt.dsn)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if c != nil {
				t.Fatal("a Config with an error")
			}
			return
		}
		formatted := c.Format()
		again, err := Parse(formatted)
		if err != nil {
			t.Fatalf("Format gave %q which does not parse: %v", formatted, err)
		}
		if !reflect.DeepEqual(c, again) {
			t.Fatalf("not stable:\n%#v\n%#v\nvia %q", c, again, formatted)
		}
		pw := c.Password
		// (A password made of DSN syntax can appear by coincidence across
		// other fields; the check needs one that cannot.)
		if len(pw) >= 6 && !strings.ContainsAny(pw, "&=?;:@/(){}%+,") && strings.Count(formatted, pw) == 1 && strings.Count(s, pw) == 1 {
			if strings.Contains(c.String(), pw) || strings.Contains(c.RedactedDriverDSN(), pw) {
				t.Fatalf("password %q shown in %q", pw, c.String())
			}
		}
	})
}
