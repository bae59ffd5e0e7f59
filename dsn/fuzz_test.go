package dsn

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
)

// FuzzParse: nothing panics; an error comes without a Config; parse → format
// → parse is stable; and what is printed never depends on the secrets: the
// redacted forms are the same whatever the password and the secret
// properties hold, and do not contain a password of 4 or more characters that
// is not part of another field.
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
		formatted := c.FormatDSN()
		again, err := Parse(formatted)
		if err != nil {
			t.Fatalf("Format gave %q which does not parse: %v", formatted, err)
		}
		if !reflect.DeepEqual(withoutSource(c), withoutSource(again)) || again.FormatDSN() != formatted {
			t.Fatalf("not stable:\n%#v\n%#v\nvia %q", c, again, formatted)
		}

		// The printed forms do not change when the secrets do.
		other := withOtherSecrets(c)
		for _, pair := range [][2]string{
			{c.String(), other.String()},
			{fmt.Sprintf("%+v", c), fmt.Sprintf("%+v", other)},
			{fmt.Sprintf("%#v", *c), fmt.Sprintf("%#v", *other)},
			{strings.Join(c.Warnings, "\n"), strings.Join(other.Warnings, "\n")},
		} {
			if pair[0] != pair[1] {
				t.Fatalf("a secret shows: %q != %q", pair[0], pair[1])
			}
		}
		pw := c.Password
		if len(pw) >= 4 && !strings.Contains(pw, "\x00") && !strings.Contains(withoutPassword(c), pw) {
			if strings.Contains(c.String(), pw) {
				t.Fatalf("password %q shown in %q", pw, c.String())
			}
		}
	})
}

// withOtherSecrets returns a copy of c whose password and secret values are
// different non-empty strings, written where c's were.
func withOtherSecrets(c *Config) *Config {
	o := c.Clone()
	change := func(v string) string {
		if v == "" {
			return ""
		}
		return v + "-other"
	}
	o.Password = change(c.Password)
	for _, s := range []*Setting[string]{&o.TLS.TrustStorePassword, &o.TLS.TrustCertKeyStorePassword, &o.TLS.ClientKeyStorePassword} {
		s.Raw, s.Value = change(s.Raw), change(s.Value)
	}
	for i, p := range o.Ignored {
		if kind.IsSecretKey(p.Key) {
			o.Ignored[i].Value = change(p.Value)
		}
	}
	for k, v := range c.Params {
		if kind.IsSecretKey(k) {
			o.Params[k] = change(v)
		}
	}
	return o
}

// withoutPassword is every field of c but the password, as text, in every
// printed form (a password may also be part of their syntax by chance).
func withoutPassword(c *Config) string {
	o := *c
	o.Password = "\x00" // keeps the password's key in the text, not its value
	p := o
	p.Password = ""
	return strings.Join([]string{o.FormatDSN(), o.String(), p.FormatDSN(), kind.Redacted, fmt.Sprint(o.Params)}, "\n")
}

// FuzzPasswordNeverShown writes a password, correctly quoted, into each shape
// (as the password, and as a secret TLS property), followed by arbitrary
// properties. Whatever the outcome — a Config or an error — the password
// value does not change what is printed: the error text, String() and the
// warnings are the same as with another password.
// When Parse succeeds, the password reads back exactly.
func FuzzPasswordNeverShown(f *testing.F) {
	for i := range passwordShapes {
		f.Add(uint8(i), "hunter22", "encrypt=true")
		f.Add(uint8(i), "s3cr;et}}{x", "sslMode=REQUIRED")
		f.Add(uint8(i), `a"b'c d `, "trustServerCertifcate=true")
		f.Add(uint8(i), "p@ss:w/rd?#&=%", "passwrd=x")
		f.Add(uint8(i), "-----BEGIN x", "useSsl=true&trustServerCertificate=true")
	}
	f.Fuzz(func(t *testing.T, shape uint8, pw, rest string) {
		sh := passwordShapes[int(shape)%len(passwordShapes)]
		if pw == "" || (sh.raw != "" && strings.ContainsAny(pw, sh.raw)) {
			return
		}
		const other = "Zq9-other-secret"
		c1, err1 := Parse(sh.build(pw, rest))
		c2, err2 := Parse(sh.build(other, rest))
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("the password changed the outcome: %v / %v", err1, err2)
		}
		if err1 != nil {
			if err1.Error() != err2.Error() {
				t.Fatalf("the password shows in the error: %q vs %q", err1.Error(), err2.Error())
			}
			return
		}
		if got := sh.get(c1); got != pw {
			t.Fatalf("password read back as %q, want %q (dsn %q)", got, pw, sh.build(pw, rest))
		}
		for _, pair := range [][2]string{
			{c1.String(), c2.String()},
			{strings.Join(c1.Warnings, "\n"), strings.Join(c2.Warnings, "\n")},
		} {
			if pair[0] != pair[1] {
				t.Fatalf("the password shows: %q vs %q", pair[0], pair[1])
			}
		}
	})
}

// passwordShape writes a secret into one DSN shape, quoted as that shape
// quotes; raw lists characters the shape cannot carry at all.
type passwordShape struct {
	build func(pw, rest string) string
	get   func(c *Config) string
	raw   string
}

var passwordShapes = []passwordShape{
	{build: func(pw, rest string) string {
		return "jdbc:sqlserver://h;user=u;password=" + jdbcQuote(pw) + ";" + rest
	},
		get: func(c *Config) string { return c.Password }},
	{build: func(pw, rest string) string { return "server=h;user id=u;password=" + adoQuote(pw) + ";" + rest },
		get: func(c *Config) string { return c.Password }},
	{build: func(pw, rest string) string {
		return "sqlserver://" + url.UserPassword("u", pw).String() + "@h?" + rest
	},
		get: func(c *Config) string { return c.Password }},
	{build: func(pw, rest string) string { return "u:" + pw + "@tcp(h)/d?" + rest },
		get: func(c *Config) string { return c.Password }, raw: "@/?("},
	{build: func(pw, rest string) string { return "mysql://u:" + userinfoEscape(pw) + "@h/d?" + rest },
		get: func(c *Config) string { return c.Password }},
	{build: func(pw, rest string) string {
		return "jdbc:mysql://h/d?user=u&password=" + url.QueryEscape(pw) + "&" + rest
	},
		get: func(c *Config) string { return c.Password }},
	{build: func(pw, rest string) string {
		return "jdbc:sqlserver://h;encrypt=true;trustStore=/t.jks;trustStorePassword=" + jdbcQuote(pw) + ";" + rest
	}, get: func(c *Config) string { return c.TLS.TrustStorePassword.Value }},
	{build: func(pw, rest string) string {
		return "jdbc:mysql://h/d?trustCertificateKeyStoreUrl=file:/t.jks&trustCertificateKeyStorePassword=" + url.QueryEscape(pw) + "&" + rest
	}, get: func(c *Config) string { return c.TLS.TrustCertKeyStorePassword.Value }},
	// MariaDB Connector/J's vocabulary: the login, trustStorePassword and keyStorePassword.
	{build: func(pw, rest string) string {
		return "jdbc:mariadb://h/d?user=u&password=" + url.QueryEscape(pw) + "&" + rest
	},
		get: func(c *Config) string { return c.Password }},
	{build: func(pw, rest string) string {
		return "jdbc:mariadb://h/d?sslMode=verify-ca&trustStore=/t.jks&trustStorePassword=" + url.QueryEscape(pw) + "&" + rest
	}, get: func(c *Config) string { return c.TLS.TrustStorePassword.Value }},
	{build: func(pw, rest string) string {
		return "jdbc:mariadb://h/d?keyStore=/c.p12&keyStorePassword=" + url.QueryEscape(pw) + "&" + rest
	}, get: func(c *Config) string { return c.TLS.ClientKeyStorePassword.Value }},
}
