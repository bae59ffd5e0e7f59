package sqlserver

import "testing"

// The examples of spec §3, as pattern/host/ok triples.
func TestMatchName(t *testing.T) {
	cases := []struct {
		pattern, host string
		ok            bool
	}{
		{"db.example.com", "DB.Example.COM", true},
		{"*.example.com", "db.example.com", true},
		{"*.example.com", "a.db.example.com", false}, // never matches a dot
		{"*.example.com", "example.com", false},
		{"db*.example.com", "db1.example.com", true}, // partial
		{"db*.example.com", "db.example.com", true},
		{"*db.example.com", "prod-db.example.com", true},
		{"*db.example.com", "db2.example.com", false},
		{"*.com", "example.com", false}, // two labels needed after the wildcard
		{"*.local", "db.local", false},
		{"f*.com", "f.com", false}, // mssql-jdbc's double-counting, not copied
		{"xn--*.example.com", "xn--abc.example.com", false},
		{"*.example.com", "*.example.com", true}, // letter for letter
		{"a.*.example.com", "a.b.example.com", false},
		{"", "example.com", false},
	}
	for _, c := range cases {
		if got := matchName(c.pattern, c.host); got != c.ok {
			t.Errorf("matchName(%q, %q) = %v, want %v", c.pattern, c.host, got, c.ok)
		}
	}
}
