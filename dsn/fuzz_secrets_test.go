package dsn

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/secretsweep"
)

// rawPasswordShapes put a password into each shape as users write it, NOT
// quoted or encoded: whatever it holds (; & ? @ / { } = % quotes spaces),
// Parse reads it or refuses the DSN, and neither the error nor the Config's
// printed forms show it.
var rawPasswordShapes = []string{
	"jdbc:sqlserver://h;user=sa;password=%s;encrypt=true",
	"jdbc:sqlserver://h;password=%s",
	"jdbc:sqlserver://h;user=sa;password=%s;user=x",
	"jdbc:sqlserver://sa:%s@h;encrypt=true",
	"jdbc:sqlserver:/h;password=%s",
	"jdbc:sqlserver://h;trustStorePassword=%s;encrypt=true",
	"server=h;user id=sa;password=%s;encrypt=true",
	"server=h;password={%s};encrypt=true",
	"Data Source=h;UID=sa;PWD=%s;Encrypt=false",
	"sqlserver://sa:%s@h:1433?encrypt=true",
	"sqlserver://h?user=sa&password=%s&encrypt=true",
	"u:%s@tcp(h:3306)/d?x=1",
	"u:%s@/d",
	"u@tcp(h)/d?password=%s&x=1",
	"u@tcp(h)/d?@@password=%s",
	"mysql://u:%s@h:3306/d?sslMode=REQUIRED",
	"tidb://u:%s@h:4000/d",
	"jdbc:mysql://u:%s@h/d",
	"jdbc:mysql://h/d?user=u&password=%s&sslMode=REQUIRED",
	"jdbc:mysql://h/d?trustCertificateKeyStorePassword=%s&sslMode=REQUIRED",
	"jdbc:mysql://h/d?sessionVariables=password=%s",
	"jdbc:mysql://h/d?sessionVariables=sql_mode='x',password=%s",
	"jdbc:mariadb://h/d?password=%s&user=u",
	"jdbc:mariadb://h/d?sslMode=verify-full&trustStore=/t.jks&trustStorePassword=%s",
	"jdbc:mariadb://h/d?keyStore=/c.p12&keyStorePassword=%s&sslMode=trust",
	"jdbc:oracle:thin:u/%s@//h:1521/x",
}

// FuzzRawPasswordNeverShown: a password written raw into a shape never shows
// in the error or in String, the warnings and %#v — in any
// case or encoding — unless the same text shows with another password of the
// same characters (then it is the DSN's own text, e.g. a password "encrypt").
func FuzzRawPasswordNeverShown(f *testing.F) {
	for i := range rawPasswordShapes {
		for _, pw := range []string{"Tr0ub;4dor", "Tr0ub&4dor=x", "Tr0ub/4dor?x#y", "p@ss{w}rd=%zz", `it's "q" ok`, "Tr0ub;encrypt=4dor"} {
			f.Add(uint8(i), pw)
		}
	}
	f.Fuzz(func(t *testing.T, shape uint8, pw string) {
		// A password that starts with a separator is an empty value followed
		// by the DSN's own text (password=;user=x is user x): what Parse then
		// shows is that text, not a secret. Passwords start with a letter or
		// digit here.
		if len(pw) < 6 || strings.ContainsAny(pw, "\x00\r\n\t") || !isAlnum(pw[0]) {
			return
		}
		tpl := rawPasswordShapes[int(shape)%len(rawPasswordShapes)]
		shown := func(pw string) string {
			c, err := Parse(fmt.Sprintf(tpl, pw))
			if err != nil {
				return err.Error() + "\n" + fmt.Sprintf("%#v", err)
			}
			return strings.Join([]string{c.String(), strings.Join(c.Warnings, "\n"), fmt.Sprintf("%#v", c)}, "\n")
		}
		other := strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'y', r >= 'A' && r <= 'Y', r >= '0' && r <= '8':
				return r + 1
			case r == 'z', r == 'Z', r == '9':
				return r - 25 + map[rune]rune{'z': 0, 'Z': 0, '9': 16}[r]
			}
			return r
		}, pw)
		with, without := shown(pw), shown(other)
		if v := secretsweep.Leak(with, []string{pw}); v != "" && !strings.Contains(without, v) {
			t.Fatalf("password %q shown as %q in %q", pw, v, with)
		}
	})
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
