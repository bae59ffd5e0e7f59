package dsn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// secretCase: Parse(dsn) fails with invalid-dsn; the message holds every
// want and none of hide (the secret and fragments of it).
type secretCase struct {
	name string
	dsn  string
	want []string
	hide []string
}

func checkSecretCases(t *testing.T, cases []secretCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.dsn)
			require.Error(t, err, "parsed as %v", c)
			require.ErrorIs(t, err, kind.InvalidDSN)
			var ke *kind.Error
			require.ErrorAs(t, err, &ke)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			for _, h := range tc.hide {
				for _, shown := range []string{err.Error(), fmt.Sprintf("%#v", err), ke.Key, ke.Value} {
					require.NotContains(t, shown, h)
				}
			}
		})
	}
}

// TestErrorsNeverEchoUnparsedInput: text dbtls could not
// read may hold a password; the error shows the scheme and a position, never
// the text.
func TestErrorsNeverEchoUnparsedInput(t *testing.T) {
	checkSecretCases(t, []secretCase{
		{"oracle thin URL", "jdbc:oracle:thin:scott/Tig3r-pw@//h:1521/s",
			[]string{"unsupported JDBC URL (scheme=jdbc:oracle)", "jdbc:sqlserver://"}, []string{"Tig3r", "scott", "thin"}},
		{"postgresql URL", "jdbc:postgresql://h/d?user=u&password=Tig3r-pw",
			[]string{"unsupported JDBC URL (scheme=jdbc:postgresql)"}, []string{"Tig3r", "user=u"}},
		{"unknown sub-protocol", "jdbc:Tig3r-pw@h", []string{"unsupported JDBC URL (scheme=jdbc:) at character 6"}, []string{"Tig3r"}},
		{"jtds", "jdbc:jtds:sqlserver://h;password=Tig3r-pw", []string{"(scheme=jdbc:jtds)", "jdbc:sqlserver://host:port"}, []string{"Tig3r"}},
		{"one-slash typo", "jdbc:sqlserver:/host;user=sa;password=Tig3r-pw",
			[]string{"malformed JDBC URL (scheme=jdbc:sqlserver) at character 17", "must be followed by ://"}, []string{"Tig3r", "host;"}},
		{"no colon", "jdbc:sqlserver//host;password=Tig3r-pw", []string{"(scheme=jdbc:sqlserver) at character 15"}, []string{"Tig3r"}},
		{"position counts leading spaces", "  jdbc:mysql:/h/d?password=Tig3r-pw", []string{"(scheme=jdbc:mysql) at character 15"}, []string{"Tig3r"}},
		{"mariadb one slash", "jdbc:mariadb:/h/d?password=Tig3r-pw", []string{"(scheme=jdbc:mariadb) at character 15"}, []string{"Tig3r"}},
		{"multi-host", "jdbc:mysql:replication://u:Tig3r-pw@a,b/d", []string{"unsupported JDBC URL (scheme=jdbc:mysql:replication)", "one host"}, []string{"Tig3r"}},
		{"sqlserver: one slash", "sqlserver:/host;password=Tig3r-pw", []string{"malformed URL (scheme=sqlserver) at character 12"}, []string{"Tig3r"}},
		{"user:password@ in a jdbc:sqlserver URL", "jdbc:sqlserver://sa:Tig3r-pw@localhost:1433;encrypt=true",
			[]string{"user or password before the host (serverName=xxxxx)", "user=…;password={…}"}, []string{"Tig3r", "sa:"}},
		{"jdbc:sqlserver password with ; before @", "jdbc:sqlserver://sa:Tig3r;pw@h;encrypt=true",
			[]string{"invalid port (serverName=xxxxx)"}, []string{"Tig3r"}},
		{"bad host character is named, host is not", "jdbc:sqlserver://db#x;encrypt=true",
			[]string{"invalid host (serverName=xxxxx) at character 20", `cannot hold '#'`}, []string{"db#x"}},
		{"mysql URL password with /", "jdbc:mysql://u:Tig3r/pw@h/d", []string{"user or password not percent-encoded (scheme=jdbc:mysql)", "%2F"}, []string{"Tig3r"}},
		{"mysql URL password with ?", "jdbc:mysql://u:Tig3r?pw@h/d", []string{"user or password not percent-encoded"}, []string{"Tig3r", "pw@"}},
		{"mysql URL digit password with /", "mysql://u:12345/678@h/d", []string{"user or password not percent-encoded"}, []string{"12345", "678"}},
		{"sqlserver URL password with #", "sqlserver://sa:Tig3r#pw@h", []string{"user or password not percent-encoded (scheme=sqlserver)", "%23"}, []string{"Tig3r", "pw@"}},
		{"sqlserver URL password with ?", "sqlserver://sa:Tig3r?pw@h?encrypt=true", []string{"user or password not percent-encoded"}, []string{"Tig3r", "pw@"}},
		{"sqlserver URL bad escape in password", "sqlserver://sa:Tig3r%zz@h", []string{"malformed sqlserver:// URL"}, []string{"Tig3r", "%zz"}},
		{"sqlserver URL port from a password", "sqlserver://sa:Tig3r@h:Tig4r", []string{"malformed sqlserver:// URL"}, []string{"Tig3r", "Tig4r"}},
		{"mysql URL bad escape in password", "mysql://u:Tig3r%zz@h/d", []string{"bad percent-encoding in the password"}, []string{"Tig3r", "%zz"}},
		{"mysql URL bad escape in user", "mysql://Tig3r%zz@h/d", []string{"bad percent-encoding in the user"}, []string{"Tig3r", "%zz"}},
		{"mysql URL port from a password", "mysql://u:Tig3r@h:Tig4r/d", []string{"invalid port (port=xxxxx)"}, []string{"Tig4r"}},
		{"go-sql-driver host without a network", "u:Tig3r/pw@localhost:3306/d", []string{"unsupported network (net=xxxxx)"}, []string{"Tig3r"}},
		{"key that is not a word", "jdbc:sqlserver://h;sa:Tig3r@x=1", []string{"unknown property at property 1"}, []string{"Tig3r"}},
		{"bad escape in a parameter name", "jdbc:mysql://h/d?Tig3r%zz=1", []string{"bad percent-encoding in a parameter name at parameter 1"}, []string{"Tig3r"}},
		{"database with a bad escape", "jdbc:mysql://h/Tig3r%zz", []string{"bad percent-encoding in the database"}, []string{"Tig3r"}},
	})
}

// TestTokenAfterASecret: a value that is not quoted or
// percent-encoded ends at the first separator, so a token after a secret
// that does not read may be the rest of it. The error names the secret's
// key, redacts both, and says how to quote in that shape; the token never
// becomes a session variable.
func TestTokenAfterASecret(t *testing.T) {
	jdbcQuoting := "quote it as {…} (write }} for a } inside)"
	adoQuoting := `quote it as "…" (write "" for a " inside; ADO does not quote with {…})`
	urlQuoting := "percent-encode it (& as %26"
	hide := []string{"Tr0ub", "4dor"}
	checkSecretCases(t, []secretCase{
		{"jdbc valueless", "jdbc:sqlserver://db;user=sa;password=Tr0ub;4dor;encrypt=true",
			[]string{"text after password that is not a property (password=xxxxx) at property 3", "if password's value holds ;, " + jdbcQuoting}, hide},
		{"jdbc unknown key", "jdbc:sqlserver://db;password=Tr0ub;4dor=x;encrypt=true",
			[]string{"text after password that is not a property (password=xxxxx) at property 2", jdbcQuoting}, hide},
		{"jdbc known key with a bad value", "jdbc:sqlserver://db;password=Tr0ub;encrypt=4dor",
			[]string{"invalid encrypt value (encrypt=xxxxx) at property 2", "it follows password", jdbcQuoting}, hide},
		{"jdbc trust store password", "jdbc:sqlserver://db;encrypt=true;trustStore=/t.jks;trustStorePassword=Tr0ub;4dor",
			[]string{"(trustStorePassword=xxxxx) at property 4", jdbcQuoting}, hide},
		{"jdbc unterminated brace after a password", "jdbc:sqlserver://db;password=Tr0ub;x={4dor",
			[]string{"text after password that is not a property (password=xxxxx)"}, hide},
		{"jdbc pwd at the end", "jdbc:sqlserver://db;PWD=Tr0ub;4dor", []string{"(PWD=xxxxx) at property 2"}, hide},
		{"ado braces", "server=db;user id=sa;Password={Tr0ub;4dor};encrypt=true",
			[]string{"text after Password that is not a property (Password=xxxxx) at property 4", adoQuoting}, hide},
		{"ado plain", "server=db;pwd=Tr0ub;4dor", []string{"(pwd=xxxxx) at property 3", adoQuoting}, hide},
		{"sqlserver URL parameter", "sqlserver://sa@db?password=Tr0ub&4dor&encrypt=true", []string{"text after password that is not a parameter (password=xxxxx) at parameter 2", urlQuoting}, hide},
		{"jdbc mysql valueless", "jdbc:mysql://h/d?user=u&password=Tr0ub&4dor&sslMode=REQUIRED",
			[]string{"text after password that is not a parameter (password=xxxxx) at parameter 3", "if password's value holds &, " + urlQuoting}, hide},
		{"jdbc mysql name=value", "jdbc:mysql://h/d?password=Tr0ub&4dor=x", []string{"(password=xxxxx) at parameter 2"}, hide},
		{"jdbc mariadb", "jdbc:mariadb://h/d?password=Tr0ub&4dor", []string{"(password=xxxxx)"}, hide},
		{"mysql URL", "mysql://u@h/d?password=Tr0ub&4dor", []string{"(password=xxxxx)"}, hide},
		{"go-sql-driver", "u@tcp(h)/d?password=Tr0ub&4dor", []string{"(password=xxxxx)"}, hide},
		{"bad escape after a password", "jdbc:mysql://h/d?password=Tr0ub&4dor%zz=1", []string{"(password=xxxxx)"}, hide},
		{"key store password", "jdbc:mysql://h/d?trustCertificateKeyStorePassword=Tr0ub&4dor", []string{"(trustCertificateKeyStorePassword=xxxxx)"}, hide},
		{"a typo after a password is not shown either", "jdbc:mysql://h/d?password=Tr0ub&sslmdoe=4dor", []string{"(password=xxxxx) at parameter 2"}, append(hide, "sslmdoe")},
		{"bad driver value after a password", "u@tcp(h)/d?password=Tr0ub&parseTime=4dor", []string{"(parseTime=xxxxx)", "driver refused the value"}, hide},
	})

	// Not after a secret: the token is a key someone forgot to finish, and is named.
	_, err := Parse("jdbc:mysql://h/d?sslMode=REQUIRED&4dor")
	require.EqualError(t, err, "dbtls: parameter without a value (4dor=): a parameter is written key=value; add =value or remove it")
	_, err = Parse("jdbc:sqlserver://h;encrypt")
	require.EqualError(t, err, "dbtls: property without a value (encrypt=): a property is written key=value; add =value or remove it")

	// A session variable right after a password cannot be told from the
	// rest of a password holding &: refused, never sent as SET dor = x.
	// Before the password, or after another parameter, it is one.
	for _, dsn := range []string{"jdbc:mysql://h/d?user=u&password=Tr0ub&dor=x", "u@tcp(h)/d?password=Tr0ub&sql_mode=ANSI",
		"mysql://u@h/d?trustCertificateKeyStorePassword=Tr0ub&dor=x"} {
		c, err := Parse(dsn)
		require.Error(t, err, "parsed as %v", c)
		require.Contains(t, err.Error(), "that is not a parameter (")
		require.Contains(t, err.Error(), "a session variable cannot come right after it")
		require.NotContains(t, err.Error(), "dor")
		require.NotContains(t, err.Error(), "sql_mode")
	}
	c, err := Parse("jdbc:mysql://h/d?user=u&sql_mode=ANSI&password=Tr0ub&sslMode=REQUIRED&dor=x")
	require.NoError(t, err)
	require.Equal(t, "Tr0ub", c.Password)
	require.Equal(t, map[string]string{"sql_mode": "ANSI", "dor": "x"}, c.Params)

	// Quoted as the error says, the same secrets read back.
	for dsn, want := range map[string]string{
		"jdbc:sqlserver://db;user=sa;password={Tr0ub;4dor};encrypt=true":           "Tr0ub;4dor",
		`server=db;user id=sa;Password="Tr0ub;4dor";encrypt=true`:                  "Tr0ub;4dor",
		"jdbc:mysql://h/d?user=u&password=Tr0ub%264dor&sslMode=REQUIRED":           "Tr0ub&4dor",
		"sqlserver://sa:Tr0ub%2F4dor%23x%3Fy@db?encrypt=true":                      "Tr0ub/4dor#x?y",
		"mysql://u:Tr0ub#4dor@h/d":                                                 "Tr0ub#4dor",
		"jdbc:mysql://u:Tr0ub%2F4dor%3Fx@h/d":                                      "Tr0ub/4dor?x",
		"u:Tr0ub&4dor;x@tcp(h)/d":                                                  "Tr0ub&4dor;x",
		"jdbc:sqlserver://db;password={Tr0ub}};4dor{};trustServerCertificate=true": "Tr0ub};4dor{",
		"u:Tr0ub/4dor@/d":          "Tr0ub/4dor",
		"u:Tr0ub)/4dor?x@tcp(h)/d": "Tr0ub)/4dor?x",
		"u:Tr0ub/4dor?x@tcp(h)/d?ssl-ca=/home/me@corp/ca.pem": "Tr0ub/4dor?x",
	} {
		c, err := Parse(dsn)
		require.NoError(t, err, dsn)
		require.Equal(t, want, c.Password, dsn)
	}
}

// TestURLUserAndPasswordOnce: go-mssqldb's URL names the user and password
// before @; given again as parameters they are an error, not a silent
// replacement.
func TestURLUserAndPasswordOnce(t *testing.T) {
	_, err := Parse("sqlserver://sa:Tr0ub-1@db?password=Tr0ub-2")
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "property given twice (password=xxxxx)")
	require.Contains(t, err.Error(), "the URL's password and password")
	require.NotContains(t, err.Error(), "Tr0ub")
	_, err = Parse("sqlserver://sa@db?user=other")
	require.Contains(t, err.Error(), "the URL's user and user")
}

// TestSessionVariablesNeverSetASecret: every route by which
// a MySQL DSN makes session variables, in every spelling, refuses a variable
// that sets a password or another secret, or a value that mentions one or is
// more than one expression; the error never shows the value.
func TestSessionVariablesNeverSetASecret(t *testing.T) {
	const newPW = "N3w-Pw-9q"
	var cases []secretCase
	for _, name := range []string{"@@password", "@@session.password", "@@SESSION.PASSWORD",
		"@@global.password", "session.password", "SESSION password", "`password`", `"password"`, "PASSWORD FOR 'root'@'%'",
		"authentication_string", "@@global.authentication_string", "pwd", "@pwd", "passwd", "old_password", "@my_secret"} {
		for _, base := range []string{"jdbc:mysql://h/d?", "jdbc:mariadb://h/d?", "mysql://u@h/d?", "u@tcp(h)/d?"} {
			// go-sql-driver's route: an unknown parameter.
			cases = append(cases, secretCase{base + name, base + urlEncode(name) + "=" + urlEncode("PASSWORD('"+newPW+"')"),
				[]string{"session variable that sets a secret", "ALTER USER"}, []string{newPW}})
			cases = append(cases, secretCase{base + name + " plain", base + urlEncode(name) + "=" + urlEncode("'"+newPW+"'"),
				[]string{"session variable that sets a secret"}, []string{newPW}})
			// Connector/J's route: sessionVariables.
			cases = append(cases, secretCase{base + "sessionVariables " + name,
				base + "sessionVariables=" + urlEncode("sql_mode='ANSI',"+name+"=PASSWORD('"+newPW+"')"),
				[]string{"session variable that sets a secret (sessionVariables=xxxxx)", "item 2 of sessionVariables"}, []string{newPW}})
		}
	}
	// password itself is the password parameter (Connector/J), never a
	// variable; through sessionVariables it is a variable, refused.
	for _, name := range []string{"password", "PASSWORD", "Password"} {
		cases = append(cases, secretCase{"sessionVariables " + name, "jdbc:mysql://h/d?sessionVariables=" + urlEncode(name+"=PASSWORD('"+newPW+"')"),
			[]string{"session variable that sets a secret (sessionVariables=xxxxx)", "item 1 of sessionVariables"}, []string{newPW}})
	}
	for _, v := range []struct{ value, want string }{
		{"PASSWORD('" + newPW + "')", "mentions a secret"},
		{"'ANSI',password='" + newPW + "'", "mentions a secret"},
		{"'ANSI', autocommit=0", "an unquoted , would set another variable"},
		{"'ANSI'; SET @x='" + newPW + "'", "an unquoted ; would run another statement"},
		{"'" + newPW, "a quote is not closed"},
		{"'" + newPW + `\'`, "backslash"},
		{"1 /* " + newPW, "comment"},
		{"1 # " + newPW, "comment"},
		{"(1", "a ( is not closed"},
		{newPW + ")", "a ) closes nothing"},
		{"1\n" + newPW, "control character"},
	} {
		cases = append(cases, secretCase{"value " + v.value, "u@tcp(h)/d?sql_mode=" + urlEncode(v.value), []string{v.want}, []string{newPW}})
		if strings.Contains(v.value, "autocommit") {
			continue // in sessionVariables, a comma separates two variables
		}
		cases = append(cases, secretCase{"sessionVariables value " + v.value, "jdbc:mysql://h/d?sessionVariables=" + urlEncode("sql_mode="+v.value),
			[]string{"(sessionVariables=xxxxx)"}, []string{newPW}})
	}
	cases = append(cases,
		secretCase{"name that is not a name", "u@tcp(h)/d?4dor=1", []string{"invalid session variable name (4dor=xxxxx)"}, nil},
		secretCase{"name with @ inside", "u@tcp(h)/d?a@b=1", []string{"invalid session variable name at parameter 1", "not shown"}, []string{"a@b"}},
		secretCase{"a property inside sessionVariables", "jdbc:mysql://h/d?sessionVariables=" + urlEncode("parseTime=true"), []string{"property inside sessionVariables"}, nil},
		secretCase{"sessionVariables given twice", "jdbc:mysql://h/d?sessionVariables=" + urlEncode("sql_mode='"+newPW+"'") + "&sql_mode=1", []string{"given twice"}, []string{newPW}},
	)
	checkSecretCases(t, cases)

	// What MySQL's SET takes stays accepted.
	c, err := Parse("u@tcp(h)/d?sql_mode=%27ANSI%2CTRADITIONAL%27&@@session.time_zone=%27%2B00:00%27&@myvar=CONCAT(%27a%27,%27b%27)&" +
		"SESSION%20wait_timeout=60&innodb_lock_wait_timeout=5&group_concat_max_len=(1024*4)&sessionVariables=" + urlEncode("autocommit=0;net_read_timeout=30"))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"sql_mode": "'ANSI,TRADITIONAL'", "@@session.time_zone": "'+00:00'", "@myvar": "CONCAT('a','b')",
		"SESSION wait_timeout": "60", "innodb_lock_wait_timeout": "5", "group_concat_max_len": "(1024*4)", "autocommit": "0", "net_read_timeout": "30"}, c.Params)

	// (connector's TestSessionVariablesReachTheDriver: go-sql-driver gets them as written.)

	// A Config made by hand with a secret-named session variable still never
	// shows its value.
	c, err = Parse("u@tcp(h)/d")
	require.NoError(t, err)
	c.Params["@@session.password"] = newPW
	c.Params["`authentication_string`"] = newPW
	for _, shown := range []string{c.String(), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		require.NotContains(t, shown, newPW)
	}
}

func urlEncode(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "=", "%3D", "+", "%2B", "#", "%23", " ", "%20", "\n", "%0A", "?", "%3F", ";", "%3B", "'", "%27", "@", "%40").Replace(s)
}

// TestLoggingAConfig: a Config given to log/slog (text and JSON) or to
// encoding/json shows its redacted form. Before LogValue, slog's
// JSONHandler marshalled the struct, password and trust store password
// included.
func TestLoggingAConfig(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://db;user=sa;password=Sl0g-pw-1;encrypt=true;trustStore=/t.jks;trustStorePassword=Sl0g-pw-2")
	require.NoError(t, err)
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("connecting", "cfg", c, "value", *c)
	}
	b, err := json.Marshal(map[string]any{"cfg": c, "value": *c})
	require.NoError(t, err)
	out := buf.String() + string(b)
	require.NotContains(t, out, "Sl0g-pw")
	require.Contains(t, out, "jdbc:sqlserver://db;user=sa;password=xxxxx;encrypt=true;trustStore=/t.jks;trustStorePassword=xxxxx")
}

// TestOneSecretRule: for every key of dsn's tables, in the family it
// belongs to, what Config.String shows and what kind.Error shows agree: the
// value is hidden by both or by neither, and a refused secret's value is not
// in the error. Before kind.IsSecretKey was the one rule, dsn redacted by a
// wider rule than kind.Error (AADSecurePrincipalSecret, msiClientSecret,
// keyVaultProviderClientKey, …).
func TestOneSecretRule(t *testing.T) {
	const v = "Zq8vw7Kx"
	var keys []string
	keys = append(keys, tlsKeySpellings...)
	for _, m := range []map[string]string{refusedKeys, sqlServerConnectKeys, sqlServerDriverParams, mysqlDriverParams, mysqlRefused, connectorJMapped} {
		for k := range m {
			keys = append(keys, k)
		}
	}
	for _, m := range []map[string]bool{sqlServerIgnored, connectorJIgnored} {
		for k := range m {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "msiClientSecret", "sessionVariables", "user", "password", "PWD", "passwd")
	secrets := 0
	for _, k := range keys {
		for _, base := range []string{"jdbc:sqlserver://h;", "jdbc:mysql://h/d?"} {
			dsnText := base + k + "=" + v
			secret := kind.IsSecretKey(k)
			kindShows := strings.Contains((&kind.Error{Kind: kind.InvalidDSN, Key: k, Value: v}).Error(), v)
			require.Equal(t, !secret, kindShows, k)
			c, err := Parse(dsnText)
			if err != nil {
				if secret {
					require.NotContains(t, err.Error(), v, dsnText)
				}
				continue
			}
			if secret {
				secrets++
			}
			for _, shown := range []string{c.String(), fmt.Sprintf("%#v", c)} {
				if strings.Contains(shown, v) && secret {
					t.Errorf("%s: kind hides %s, the Config shows it: %s", dsnText, k, shown)
				}
			}
			if !secret && !strings.Contains(c.String(), v) && !strings.Contains(c.FormatDSN(), v) {
				// A value neither shown nor kept (a where-to-connect key written in
				// its canonical form) says nothing about the rule.
				continue
			}
			if !secret {
				require.Contains(t, c.String(), v, "%s: not a secret for kind, hidden by the Config", dsnText)
			}
		}
	}
	require.Greater(t, secrets, 10, "the loop saw secrets")
}

// TestPrintingTLSSettings: fmt prints a TLS value or one Setting with every
// secret redacted (Config.String covers the Config; a caller may print
// cfg.TLS on its own). Before Setting had String and GoString, %v of cfg.TLS
// showed the trust store password.
func TestPrintingTLSSettings(t *testing.T) {
	c, err := Parse("jdbc:mysql://h/d?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:/t.jks&trustCertificateKeyStorePassword=St0re-Pw-7&clientCertificateKeyStoreUrl=file:/c.p12&clientCertificateKeyStorePassword=Cl1ent-Pw-7")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{c.TLS, &c.TLS, c.TLS.TrustCertKeyStorePassword, c.TLS.ClientKeyStorePassword} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "St0re-Pw-7", verb)
			require.NotContains(t, out, "Cl1ent-Pw-7", verb)
		}
	}
	require.Equal(t, "{Key:trustCertificateKeyStorePassword Raw:xxxxx Value:xxxxx Set:true}", fmt.Sprint(c.TLS.TrustCertKeyStorePassword))
	require.Equal(t, "{Key:sslMode Raw:VERIFY_CA Value:VERIFY_CA Set:true}", fmt.Sprint(c.TLS.SSLMode), "other settings are shown")
	require.Contains(t, fmt.Sprintf("%+v", c.TLS), "file:/t.jks")
}

// TestEveryVerbRedactsConfig: fmt's number and boolean verbs, which print a
// struct's fields one by one, show no password either.
func TestEveryVerbRedactsConfig(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://db;user=sa;password=Verb-s3cret;encrypt=true;trustStorePassword=Store-s3cret")
	require.NoError(t, err)
	// %p is left out for the value: fmt answers it, for a non-pointer,
	// with %!p(...) and the fields, before it looks at any method
	// (docs/security.md). On the pointer it prints the address.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%t", "%x", "%X", "%o", "%b", "%e", "%g", "%T", "%10.3v"} {
		for _, x := range []any{c, *c} {
			out := fmt.Sprintf(verb, x)
			require.NotContains(t, out, "Verb-s3cret", verb)
			require.NotContains(t, out, "Store-s3cret", verb)
		}
	}
	require.NotContains(t, fmt.Sprintf("%p", c), "Verb-s3cret")
	require.Contains(t, c.FormatDSN(), "Verb-s3cret", "FormatDSN writes the DSN as it is, asked by name")
}
