package dsn

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
)

// TestHostForms: Connector/J's single-host forms are read, their per-host
// properties included; several hosts stay an error that shows nothing of a
// host's properties; a key store URL that is not a file is refused at parse
// time, saying so. And Microsoft's IPv6 forms (serverName=::1, ADO
// server=[::1],1433).
func TestHostForms(t *testing.T) {
	for s, want := range map[string]struct {
		host     string
		port     int
		db, user string
		sslMode  string
	}{
		"jdbc:mysql://(host=db1,port=3306,sslMode=REQUIRED)/orders":                              {"db1", 3306, "orders", "", "REQUIRED"},
		"jdbc:mysql://address=(host=db1)(port=3306)/orders":                                      {"db1", 3306, "orders", "", ""},
		"jdbc:mysql://address=(host=db1)(port=3307)(sslMode=VERIFY_CA)(user=app)/o?useUnicode=1": {"db1", 3307, "o", "app", "VERIFY_CA"},
		"jdbc:mysql://app:pw@(host=::1,port=3306)/o":                                             {"::1", 3306, "o", "app", ""},
		"jdbc:mariadb://address=(host=db1)(port=3306)(type=primary)/o":                           {"db1", 3306, "o", "", ""},
	} {
		c, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			continue
		}
		mode := ""
		if c.TLS.SSLMode.Set {
			mode = c.TLS.SSLMode.Value.String()
		}
		if c.Host != want.host || c.Port != want.port || c.Database != want.db || c.User != want.user || mode != want.sslMode {
			t.Errorf("Parse(%q) = host %q port %d db %q user %q sslMode %q; want %+v", s, c.Host, c.Port, c.Database, c.User, mode, want)
		}
		back, err := Parse(c.FormatDSN())
		if err != nil || back.Host != c.Host || back.Port != c.Port || back.TLS.SSLMode != c.TLS.SSLMode {
			t.Errorf("Parse(Format()) of %q = %v, %v", s, back, err)
		}
	}
	for s, what := range map[string]string{
		"jdbc:mysql://(host=a,password=s3cr3t),(host=b)/x":                  "several hosts",
		"jdbc:mysql://address=(host=a)(password=s3cr3t),address=(host=b)/x": "several hosts",
		"jdbc:mysql://a,b/d":                                                                       "several hosts",
		"jdbc:mysql://(port=3306,password=s3cr3t)/x":                                               "malformed host",
		"jdbc:mysql://(host=db,sslMode=REQUIRED)/x?sslMode=REQUIRED":                               "given twice",
		"jdbc:mysql://db/?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=https://u:s3cr3t@x/ts.jks": "only file: URLs and paths",
		"jdbc:mysql://db/?sslMode=VERIFY_CA&clientCertificateKeyStoreUrl=http://x/ks.p12":          "only file: URLs and paths",
	} {
		_, err := Parse(s)
		if !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), what) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Parse(%q) = %v; want invalid-dsn with %q, no secret", s, err, what)
		}
	}
	// Outside the host forms a parenthesis is text: a password may hold one.
	for s, pw := range map[string]string{"mysql://u:p(x@db:3306/d": "p(x", "jdbc:mysql://u:p)x@db/d?sslMode=REQUIRED": "p)x", "jdbc:mysql://u:a(b,c@db/d": "a(b,c"} {
		if c, err := Parse(s); err != nil || c.Password != pw || c.Host != "db" {
			t.Errorf("Parse(%q) = %v, %v; want password %q and host db", s, c, err, pw)
		}
	}
	if _, err := Parse("jdbc:mysql://db/?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=C:\\stores\\ts.jks"); err != nil {
		t.Errorf("a Windows path is a path: %v", err)
	}

	for s, want := range map[string][2]any{
		"jdbc:sqlserver://;serverName=::1":                     {"::1", 0},
		"jdbc:sqlserver://;serverName=fe80::1;portNumber=1500": {"fe80::1", 1500},
		"jdbc:sqlserver://;serverName=[::1]:1500":              {"::1", 1500},
		"server=[::1],1433":                                    {"::1", 1433},
		"server=[::1]":                                         {"::1", 0},
		"Data Source=tcp:[::1],1433":                           {"::1", 1433},
	} {
		c, err := Parse(s)
		if err != nil || c.Host != want[0] || c.Port != want[1] {
			t.Errorf("Parse(%q) = %v, %v; want host %v port %v", s, c, err, want[0], want[1])
			continue
		}
		if back, err := Parse(c.FormatDSN()); err != nil || back.Host != c.Host || back.Port != c.Port {
			t.Errorf("Parse(Format()) of %q = %v, %v", s, back, err)
		}
	}
}
