// Package secretsweep is test support: a table of hostile DSNs, each with
// the secrets it holds, and the check that a text shows none of them. The
// DSNs are what users write when moving a service from Java to Go:
// every shape, passwords holding the
// characters each shape treats specially, quoted and not, in every position,
// next to unknown keys, in session variables. Every host is 127.0.0.1:1, a
// closed port, so that connecting fails at once and its errors can be swept
// too. package dsn's and cmd/dbtls's sweep tests run it.
package secretsweep

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Want is what Parse must do with a case.
type Want int

const (
	// Parses: Parse succeeds and Secrets[0] reads back exactly, as the
	// password or as a secret TLS property.
	Parses Want = iota
	// Refused: Parse fails with invalid-dsn.
	Refused
)

// Case is one hostile DSN.
type Case struct {
	Name    string
	DSN     string
	Want    Want
	Secrets []string // never shown, in any encoding; Secrets[0] is the password as the user meant it
}

// JKS is the path of a JKS trust store whose password is not any secret
// here (truststore/testdata/trust.jks), for cases with a wrong store password.
var JKS = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "truststore", "testdata", "trust.jks")
}()

func c(name string, want Want, dsn string, secrets ...string) Case {
	return Case{Name: name, DSN: strings.ReplaceAll(dsn, "{jks}", JKS), Want: want, Secrets: secrets}
}

// Cases are the hostile DSNs.
var Cases = []Case{
	// ---- jdbc:sqlserver:// ----
	c("jdbc braces with ; and }}", Parses, "jdbc:sqlserver://127.0.0.1:1;databaseName=orders;user=app;password={Qa1;br}}ce};encrypt=true;trustServerCertificate=true", "Qa1;br}ce"),
	c("jdbc braces with spaces", Parses, "jdbc:sqlserver://127.0.0.1:1;user=app;password={ Qa2 sp ace };encrypt=false", " Qa2 sp ace "),
	c("jdbc = and & unquoted", Parses, "jdbc:sqlserver://127.0.0.1:1;password=Qa3=eq&amp;user=sa", "Qa3=eq&amp"),
	c("jdbc @ and / unquoted", Parses, "jdbc:sqlserver://127.0.0.1:1;user=sa;password=Qa4@at/slash;encrypt=true;trustServerCertificate=true", "Qa4@at/slash"),
	c("jdbc quotes", Parses, `jdbc:sqlserver://127.0.0.1:1;password=Qa5'"quotes`, `Qa5'"quotes`),
	c("jdbc percent and ?", Parses, "jdbc:sqlserver://127.0.0.1:1;password=Qa6%25pct?", "Qa6%25pct?"),
	c("jdbc { inside braces, password first", Parses, "jdbc:sqlserver://127.0.0.1:1;password={Qa7{open};user=sa", "Qa7{open"),
	c("jdbc unquoted ;", Refused, "jdbc:sqlserver://127.0.0.1:1;user=sa;password=Qa8;semi;encrypt=true", "Qa8;semi"),
	c("jdbc unquoted ; then k=v", Refused, "jdbc:sqlserver://127.0.0.1:1;password=Qa9;k=v;encrypt=true", "Qa9;k=v"),
	c("jdbc unquoted ; then a known key", Refused, "jdbc:sqlserver://127.0.0.1:1;password=Qa10;encrypt=bogus", "Qa10;encrypt=bogus"),
	c("jdbc unterminated brace", Refused, "jdbc:sqlserver://127.0.0.1:1;password={Qa11;never-closed", "Qa11;never-closed"),
	c("jdbc text after braces", Refused, "jdbc:sqlserver://127.0.0.1:1;password={Qa12}tail;encrypt=true", "Qa12}tail"),
	c("jdbc user:password@", Refused, "jdbc:sqlserver://sa:Qa13-pw@127.0.0.1:1;encrypt=true", "Qa13-pw"),
	c("jdbc one slash", Refused, "jdbc:sqlserver:/127.0.0.1:1;user=sa;password=Qa14-pw", "Qa14-pw"),
	c("jdbc no colon", Refused, "jdbc:sqlserver//127.0.0.1:1;password=Qa15-pw", "Qa15-pw"),
	c("jdbc misspelt password key", Refused, "jdbc:sqlserver://127.0.0.1:1;passwrd=Qa16-pw", "Qa16-pw"),
	c("jdbc unknown key after password", Refused, "jdbc:sqlserver://127.0.0.1:1;password=Qa17-pw;frobnicate=1", "Qa17-pw"),
	c("jdbc ignored key after password", Parses, "jdbc:sqlserver://127.0.0.1:1;password=Qa18-pw;sendStringParametersAsUnicode=false", "Qa18-pw"),
	c("jdbc bad value elsewhere", Refused, "jdbc:sqlserver://127.0.0.1:1;password=Qa19-pw;user=sa;encrypt=maybe", "Qa19-pw"),
	c("jdbc wrong trust store password", Parses, "jdbc:sqlserver://127.0.0.1:1;encrypt=true;trustStore={jks};trustStorePassword=Qa20-wrong", "Qa20-wrong"),
	c("jdbc userName and password", Parses, "jdbc:sqlserver://127.0.0.1:1;userName=app;password=Qa21-pw;encrypt=strict;trustServerCertificate=true", "Qa21-pw"),
	c("jdbc password with ; before @", Refused, "jdbc:sqlserver://sa:Qa22;pw@127.0.0.1;encrypt=true", "Qa22;pw"),
	c("jdbc :password@ without a user", Refused, "jdbc:sqlserver://:Qa23-pw@127.0.0.1:1", "Qa23-pw"),
	c("jdbc accessToken", Refused, "jdbc:sqlserver://127.0.0.1:1;password=Qa24-pw;accessToken=Qa24-token", "Qa24-pw", "Qa24-token"),
	c("jdbc AADSecurePrincipalSecret with ;", Refused, "jdbc:sqlserver://127.0.0.1:1;AADSecurePrincipalSecret=Qa25;x;encrypt=true", "Qa25;x"),
	c("jdbc keyStoreSecret", Parses, "jdbc:sqlserver://127.0.0.1:1;password=Qa26-pw;keyStoreSecret=Qa26-secret", "Qa26-pw", "Qa26-secret"),
	c("jdbc password twice", Refused, "jdbc:sqlserver://127.0.0.1:1;password=Qa27-pw;PWD=Qa27-pw", "Qa27-pw"),
	c("jdbc trust store password with ;", Refused, "jdbc:sqlserver://127.0.0.1:1;encrypt=true;trustStore={jks};trustStorePassword=Qa28;tail", "Qa28;tail"),

	// ---- ADO ----
	c("ado double quotes", Parses, `server=127.0.0.1,1;user id=sa;password="Qb1;semi""dq";encrypt=true;trustServerCertificate=true`, `Qb1;semi"dq`),
	c("ado single quotes", Parses, `Data Source=127.0.0.1,1;UID=sa;PWD='Qb2;it''s';Encrypt=false`, "Qb2;it's"),
	c("ado braces are not quotes", Refused, "server=127.0.0.1,1;user id=sa;Password={Qb3;brace};encrypt=true", "Qb3;brace"),
	c("ado unquoted ;", Refused, "server=127.0.0.1,1;pwd=Qb4;semi", "Qb4;semi"),
	c("ado unterminated quote", Refused, `server=127.0.0.1,1;password="Qb5;open`, "Qb5;open"),
	c("ado password first", Parses, "password=Qb6=eq&amp;server=127.0.0.1,1", "Qb6=eq&amp"),
	c("ado user and password only", Refused, "user=sa;password=Qb7;semi", "Qb7;semi"),
	c("ado unknown key after password", Refused, "server=127.0.0.1,1;Password=Qb8-pw;Trusted=yes", "Qb8-pw"),
	c("ado user:password@ in server", Refused, "server=sa:Qb9-pw@127.0.0.1,1;encrypt=true", "Qb9-pw"),

	// ---- sqlserver:// ----
	c("url encoded specials", Parses, "sqlserver://sa:Qc1%3Bsemi%26amp%40at@127.0.0.1:1?database=orders&encrypt=false", "Qc1;semi&amp@at"),
	c("url raw ; and &", Parses, "sqlserver://sa:Qc2;semi&amp@127.0.0.1:1?encrypt=false", "Qc2;semi&amp"),
	c("url raw /", Refused, "sqlserver://sa:Qc3/sl@127.0.0.1:1", "Qc3/sl"),
	c("url raw #", Refused, "sqlserver://sa:Qc4#h@127.0.0.1:1", "Qc4#h"),
	c("url raw ?", Refused, "sqlserver://sa:Qc5?q@127.0.0.1:1", "Qc5?q"),
	c("url bad escape", Refused, "sqlserver://sa:Qc6%zz@127.0.0.1:1", "Qc6%zz"),
	c("url raw space", Refused, "sqlserver://sa:Qc7 sp@127.0.0.1:1", "Qc7 sp"),
	c("url password parameter with &", Refused, "sqlserver://127.0.0.1:1?user%20id=sa&password=Qc8&9x", "Qc8&9x"),
	c("url password parameter encoded", Parses, "sqlserver://127.0.0.1:1?user+id=sa&password=Qc9%26amp", "Qc9&amp"),
	c("url password twice", Refused, "sqlserver://sa:Qc10-pw@127.0.0.1:1?password=Qc10-pw", "Qc10-pw"),
	c("url one slash", Refused, "sqlserver:/127.0.0.1:1;password=Qc11-pw", "Qc11-pw"),
	c("url wrong trust store password", Parses, "sqlserver://sa:Qc12-pw@127.0.0.1:1?encrypt=true&trustStore={jks}&trustStorePassword=Qc12-wrong", "Qc12-pw", "Qc12-wrong"),
	c("url raw : in the password", Parses, "sqlserver://sa:Qc13:pw@127.0.0.1:1?encrypt=false", "Qc13:pw"),

	// ---- go-sql-driver ----
	c("go ; and &", Parses, "app:Qd1;semi&amp@tcp(127.0.0.1:1)/orders?parseTime=true", "Qd1;semi&amp"),
	c("go @ and :", Parses, "app:Qd2@at:colon@tcp(127.0.0.1:1)/orders", "Qd2@at:colon"),
	c("go / and ?", Parses, "app:Qd3/sl?q@tcp(127.0.0.1:1)/orders", "Qd3/sl?q"),
	c("go quotes and space", Parses, `app:Qd4 sp"dq'sq@tcp(127.0.0.1:1)/orders`, `Qd4 sp"dq'sq`),
	c("go percent kept", Parses, "app:Qd5%41pct@tcp(127.0.0.1:1)/d", "Qd5%41pct"),
	c("go braces and =", Parses, "app:Qd6{br}=eq@tcp(127.0.0.1:1)/d?ssl-mode=DISABLED", "Qd6{br}=eq"),
	c("go password parameter encoded", Parses, "app@tcp(127.0.0.1:1)/d?password=Qd7%26amp%3Deq", "Qd7&amp=eq"),
	c("go password parameter with &", Refused, "app@tcp(127.0.0.1:1)/d?password=Qd8&8tail", "Qd8&8tail"),
	c("go password twice", Refused, "app:Qd9-pw@tcp(127.0.0.1:1)/d?password=Qd9-pw", "Qd9-pw"),
	c("go sessionVariables password", Refused, "app:Qd10-pw@tcp(127.0.0.1:1)/d?sessionVariables=password%3DPASSWORD('Qd10-new')", "Qd10-pw", "Qd10-new"),
	c("go @@session.password", Refused, "app:Qd11-pw@tcp(127.0.0.1:1)/d?@@session.password=PASSWORD('Qd11-new')", "Qd11-pw", "Qd11-new"),
	c("go misspelt password", Refused, "app@tcp(127.0.0.1:1)/d?pasword=Qd12-pw", "Qd12-pw"),
	c("go no network", Refused, "app:Qd13/pw@localhost:3306/d", "Qd13/pw"),
	c("go ) and / and ?", Parses, "app:Qd14)/pw?x@tcp(127.0.0.1:1)/d", "Qd14)/pw?x"),
	c("go unix socket", Parses, "app:Qd15-pw@unix(/nonexistent/mysqld.sock)/d", "Qd15-pw"),
	c("go wrong key store password", Parses, "app@tcp(127.0.0.1:1)/d?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:{jks}&trustCertificateKeyStorePassword=Qd16-wrong", "Qd16-wrong"),
	c("go sql_mode injection", Refused, "app:Qd17-pw@tcp(127.0.0.1:1)/d?sql_mode=ANSI%2Cpassword%3D'Qd17-new'", "Qd17-pw", "Qd17-new"),
	c("go authentication_string", Refused, "app:Qd18-pw@tcp(127.0.0.1:1)/d?authentication_string=Qd18-hash", "Qd18-pw", "Qd18-hash"),
	c("go backquoted PASSWORD", Refused, "app@tcp(127.0.0.1:1)/d?%60PASSWORD%60=Qd19-new", "Qd19-new"),
	c("go session variable right after password", Refused, "app@tcp(127.0.0.1:1)/d?password=Qd20&amp=9x", "Qd20&amp=9x"),

	// ---- mysql://, mariadb://, tidb:// ----
	c("mysql url encoded specials", Parses, "mysql://app:Qe1%3Bsemi%26amp%40at@127.0.0.1:1/orders?sslMode=DISABLED", "Qe1;semi&amp@at"),
	c("mariadb url encoded / ? #", Parses, "mariadb://app:Qe2%2Fsl%3Fq%23h@127.0.0.1:1/d", "Qe2/sl?q#h"),
	c("tidb url raw #", Parses, "tidb://root:Qe3#hash@127.0.0.1:1/test", "Qe3#hash"),
	c("mysql url raw /", Refused, "mysql://app:Qe4/sl@127.0.0.1:1/d", "Qe4/sl"),
	c("mysql url raw ?", Refused, "mysql://app:Qe5?q@127.0.0.1:1/d", "Qe5?q"),
	c("mysql url bad escape", Refused, "mysql://app:Qe6%zz@127.0.0.1:1/d", "Qe6%zz"),
	c("mysql url space and percent", Parses, "mysql://app:Qe7%20sp%25pct@127.0.0.1:1/d", "Qe7 sp%pct"),
	c("mysql url password parameter with +", Parses, "mysql://app@127.0.0.1:1/d?password=Qe8%2Bplus", "Qe8+plus"),
	c("mysql url password parameter with + and &", Refused, "mysql://app@127.0.0.1:1/d?password=Qe9+plus&x", "Qe9+plus&x", "Qe9 plus"),
	c("mysql url digits and /", Refused, "mysql://app:12345/6789Qe@127.0.0.1:1/d", "12345/6789Qe"),

	// ---- jdbc:mysql:// ----
	c("cj encoded & ; =", Parses, "jdbc:mysql://127.0.0.1:1/orders?user=app&password=Qf1%26amp%3Bsemi%3D&sslMode=DISABLED", "Qf1&amp;semi="),
	c("cj unencoded &", Refused, "jdbc:mysql://127.0.0.1:1/orders?user=app&password=Qf2&4tail&sslMode=REQUIRED", "Qf2&4tail"),
	c("cj & then name=value", Refused, "jdbc:mysql://127.0.0.1:1/orders?password=Qf3&amp=4x", "Qf3&amp=4x"),
	c("cj userinfo %40", Parses, "jdbc:mysql://app:Qf4%40at@127.0.0.1:1/orders", "Qf4@at"),
	c("cj host form password", Parses, "jdbc:mysql://(host=127.0.0.1,port=1,user=app,password=Qf90-pw,sslMode=DISABLED)/orders", "Qf90-pw"),
	c("cj address form password", Parses, "jdbc:mysql://address=(host=127.0.0.1)(port=1)(password=Qf91-pw)(sslMode=DISABLED)/orders?user=app", "Qf91-pw"),
	c("cj host forms, two hosts", Refused, "jdbc:mysql://(host=127.0.0.1,password=Qf92-pw),(host=127.0.0.2)/orders", "Qf92-pw"),
	c("cj host form, no host", Refused, "jdbc:mysql://address=(port=1)(password=Qf93-pw)/orders", "Qf93-pw"),
	c("cj host form, & in a value", Refused, "jdbc:mysql://(host=127.0.0.1,password=Qf94&pw)/orders", "Qf94&pw"),
	c("cj https trust store with userinfo", Refused, "jdbc:mysql://127.0.0.1:1/?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=https://u:Qf95-pw@x/ts.jks", "Qf95-pw"),
	c("cj userinfo raw @", Parses, "jdbc:mysql://app:Qf5@at@127.0.0.1:1/orders", "Qf5@at"),
	c("cj userinfo raw /", Refused, "jdbc:mysql://app:Qf6/sl@127.0.0.1:1/orders", "Qf6/sl"),
	c("cj userinfo raw ?", Refused, "jdbc:mysql://app:Qf7?q@127.0.0.1:1/orders", "Qf7?q"),
	c("cj one slash", Refused, "jdbc:mysql:/127.0.0.1:1/orders?user=app&password=Qf8-pw", "Qf8-pw"),
	c("cj loadbalance", Refused, "jdbc:mysql:loadbalance://app:Qf9-pw@127.0.0.1:1,127.0.0.1:2/orders", "Qf9-pw"),
	c("cj sessionVariables password", Refused, "jdbc:mysql://127.0.0.1:1/d?user=app&password=Qf10-pw&sessionVariables=sql_mode%3D'ANSI'%2Cpassword%3DPASSWORD('Qf10-new')", "Qf10-pw", "Qf10-new"),
	c("cj sessionVariables @@session.password", Refused, "jdbc:mysql://127.0.0.1:1/d?user=app&password=Qf11-pw&sessionVariables=%40%40session.password%3D'Qf11-new'", "Qf11-pw", "Qf11-new"),
	c("cj sessionVariables open quote", Refused, "jdbc:mysql://127.0.0.1:1/d?user=app&password=Qf12-pw&sessionVariables=sql_mode%3D'Qf12-x", "Qf12-pw", "Qf12-x"),
	c("cj wrong trust key store password", Parses, "jdbc:mysql://127.0.0.1:1/d?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:{jks}&trustCertificateKeyStorePassword=Qf13-wrong", "Qf13-wrong"),
	c("cj key store password with &", Refused, "jdbc:mysql://127.0.0.1:1/d?trustCertificateKeyStoreUrl=file:{jks}&trustCertificateKeyStorePassword=Qf14&5x", "Qf14&5x"),
	c("cj wrong client key store password", Parses, "jdbc:mysql://127.0.0.1:1/d?sslMode=REQUIRED&clientCertificateKeyStoreUrl=file:{jks}&clientCertificateKeyStorePassword=Qf15-wrong", "Qf15-wrong"),
	c("cj bad escape in the password", Refused, "jdbc:mysql://127.0.0.1:1/d?password=Qf16%zz", "Qf16%zz"),
	c("cj user and password parameters, not ASCII", Parses, "jdbc:mysql://127.0.0.1:1/d?user=%C3%A9mile&password=Qf17-%C3%A9t%C3%A9", "Qf17-été"),
	c("cj password first, user last", Parses, "jdbc:mysql://127.0.0.1:1/d?password=Qf18%3F%23%2F&sslMode=DISABLED&user=app", "Qf18?#/"),

	// ---- jdbc:mariadb:// ----
	c("mariadb encoded ;", Parses, "jdbc:mariadb://127.0.0.1:1/d?user=app&password=Qg1%3Bsemi&sslMode=disable", "Qg1;semi"),
	c("mariadb unencoded &", Refused, "jdbc:mariadb://127.0.0.1:1/d?user=app&password=Qg2&6x", "Qg2&6x"),
	c("mariadb wrong keyStorePassword", Parses, "jdbc:mariadb://127.0.0.1:1/d?sslMode=trust&keyStore={jks}&keyStorePassword=Qg3-wrong", "Qg3-wrong"),
	c("mariadb sequential", Refused, "jdbc:mariadb:sequential://app:Qg4-pw@127.0.0.1:1/d", "Qg4-pw"),
	c("mariadb one slash", Refused, "jdbc:mariadb:/127.0.0.1:1/d?password=Qg5-pw", "Qg5-pw"),

	// ---- other JDBC drivers and text that is no DSN ----
	c("oracle thin", Refused, "jdbc:oracle:thin:scott/Qh1-pw@//127.0.0.1:1/orcl", "Qh1-pw"),
	c("postgresql", Refused, "jdbc:postgresql://127.0.0.1:1/d?user=u&password=Qh2-pw", "Qh2-pw"),
	c("db2", Refused, "jdbc:db2://127.0.0.1:1/d:user=u;password=Qh3-pw;", "Qh3-pw"),
	c("jtds", Refused, "jdbc:jtds:sqlserver://127.0.0.1:1;user=sa;password=Qh4-pw", "Qh4-pw"),
	c("password as sub-protocol", Refused, "jdbc:Qh5-pw@127.0.0.1", "Qh5-pw"),
	c("microsoft 2000 driver", Refused, "jdbc:microsoft:sqlserver://127.0.0.1:1;User=sa;Password=Qh6-pw", "Qh6-pw"),
	c("a bare password", Refused, "Qh7-pw", "Qh7-pw"),
	c("password@host", Refused, "Qh8-pw@127.0.0.1", "Qh8-pw"),
	c("ado password with server after", Parses, "password=Qh9-pw;server=127.0.0.1,1", "Qh9-pw"),
}

// Variants are the forms in which secret could show: as is, in another
// case, percent-encoded as a query value, path or userinfo, escaped for JSON
// and Go strings, and quoted as JDBC and ADO quote.
func Variants(secret string) []string {
	js, _ := json.Marshal(secret)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	userinfo := strings.TrimPrefix(url.UserPassword("x", secret).String(), "x:")
	out := []string{secret, strings.ToLower(secret), strings.ToUpper(secret),
		url.QueryEscape(secret), strings.ToLower(url.QueryEscape(secret)), url.PathEscape(secret), userinfo,
		strings.Trim(string(js), `"`), strings.Trim(strings.TrimSpace(b.String()), `"`),
		strings.Trim(strconv.Quote(secret), `"`), strings.ReplaceAll(secret, "}", "}}"), strings.ReplaceAll(secret, `"`, `""`)}
	seen := map[string]bool{}
	var uniq []string
	for _, v := range out {
		if !seen[v] {
			seen[v] = true
			uniq = append(uniq, v)
		}
	}
	return uniq
}

// Leak returns the first form of a secret found in text, or "".
func Leak(text string, secrets []string) string {
	for _, s := range secrets {
		for _, v := range Variants(s) {
			if strings.Contains(text, v) {
				return v
			}
		}
	}
	return ""
}
