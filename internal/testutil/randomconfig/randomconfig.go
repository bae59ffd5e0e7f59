// Package randomconfig is test support: dsn.Config values built as structs
// from a seed, the way a program fills one in, valid or with one defect.
// dsn's property test checks that Parse(Format(c)) equals
// Normalize(c) for the valid ones and that both refuse the others;
// connector's checks that NewFromConfig(c) and New(c.FormatDSN()) agree.
package randomconfig

import (
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/dsn"
)

// Defect says what is wrong with a configuration Make made, if anything.
type Defect struct {
	Name        string // "" for a valid configuration
	StructOnly  bool   // a defect Format cannot write (Parse(Format(c)) may accept another config)
	SameMessage bool   // Normalize and Parse(Format(c)) give the same message
	Resolve     bool   // refused by verify.Resolve only (dsn accepts it)
}

// The trust material the configurations name: the stores of
// truststore/testdata (JKS and PKCS12 with the password changeit, a PEM CA
// bundle), so that connector's property test can resolve the strategies;
// dsn's never reads them.
var (
	randomJKS, randomP12, randomPEM = testdata("trust.jks"), testdata("trust.p12"), testdata("ca.pem")
	randomPass                      = "changeit"
)

func testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "truststore", "testdata", name)
}

// Make makes a dsn.Config as a struct from seed: valid one time in three,
// else with one defect (named in the Defect).
func Make(seed uint64) (*dsn.Config, Defect) {
	r := rand.New(rand.NewPCG(seed, 0x10))
	c := randomValid(r)
	if r.IntN(3) == 0 {
		return c, Defect{}
	}
	var applicable []defect
	for _, d := range defects {
		if (d.family == "" || d.family == family(c)) && !(d.vocabulary && c.Shape == dsn.ShapeJDBCMariaDB) {
			applicable = append(applicable, d)
		}
	}
	d := applicable[r.IntN(len(applicable))]
	d.apply(r, c)
	return c, Defect{Name: d.name, StructOnly: d.structOnly, SameMessage: d.sameMessage, Resolve: d.resolve}
}

// family is the family c is for: its own, or its shape's.
func family(c *dsn.Config) dsn.Family {
	switch c.Shape {
	case dsn.ShapeJDBCSQLServer, dsn.ShapeADO, dsn.ShapeSQLServerURL:
		return dsn.SQLServer
	case "":
		return c.Family
	}
	return dsn.MySQL
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// spellings are other keys a program may write for a field (docs/properties.md).
var spellings = map[string][]string{
	"encrypt": {"Encrypt", "ENCRYPT"}, "trustServerCertificate": {"TrustServerCertificate"}, "trustStore": {"certificate"},
	"sslMode": {"ssl-mode", "ssl_mode", "sslmode", "tls"}, "useSSL": {"ssl"}, "ssl-ca": {"sslCa", "serverSslCert"},
	"trustCertificateKeyStoreUrl": {"TRUSTCERTIFICATEKEYSTOREURL"}, "tls-version": {"tlsVersions", "enabledTLSProtocols"},
	"ssl-cipher": {"tlsCiphersuites", "enabledSSLCipherSuites"}, "tls-ciphersuites": {"tls_ciphersuites"},
}

// goSQLDriverTLS are go-sql-driver's words for the modes its tls= has.
var goSQLDriverTLS = map[dsn.SSLMode]string{dsn.SSLDisabled: "false", dsn.SSLPreferred: "preferred", dsn.SSLRequired: "skip-verify", dsn.SSLVerifyIdentity: "true"}

// maybe sets s to v one time in two, with a key written one time in three
// (the canonical key or another spelling) and a raw text one time in four.
func maybe[T any](r *rand.Rand, s *dsn.Setting[T], name string, v T) {
	maybeSpelt(r, s, name, spellings[name], v)
}

// mariadbSpellings are MariaDB Connector/J's other keys for its fields.
var mariadbSpellings = map[string][]string{
	"sslMode": {"sslmode", "SSLMODE"}, "useSsl": {"useSSL"}, "trustStore": {"trustCertificateKeyStoreUrl"},
	"trustStorePassword": {"trustCertificateKeyStorePassword"}, "trustStoreType": {"TRUSTSTORETYPE"}, "serverSslCert": {"serversslcert"},
}

// maybeMariaDB is maybe for a key of MariaDB Connector/J's vocabulary.
func maybeMariaDB[T any](r *rand.Rand, s *dsn.Setting[T], name string, v T) {
	maybeSpelt(r, s, name, mariadbSpellings[name], v)
}

// maybeSpelt is maybe with the other spellings of name.
func maybeSpelt[T any](r *rand.Rand, s *dsn.Setting[T], name string, alts []string, v T) {
	if r.IntN(2) == 0 {
		return
	}
	*s = dsn.NewSetting(v)
	if r.IntN(3) == 0 {
		s.Key = pick(r, append([]string{name}, alts...)...)
		if m, ok := any(v).(dsn.SSLMode); ok && s.Key == "tls" && goSQLDriverTLS[m] == "" {
			s.Key = name // tls= has no word for VERIFY_CA
		}
	}
	if r.IntN(4) == 0 {
		s.Raw = text(s.Key, v)
	}
}

// text is v as a DSN writes it after key=.
func text(key string, v any) string {
	switch v := v.(type) {
	case dsn.SSLMode:
		if key == "tls" {
			return goSQLDriverTLS[v]
		}
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case []string:
		return strings.Join(v, ",")
	}
	return v.(interface{ String() string }).String()
}

func randomValid(r *rand.Rand) *dsn.Config {
	c := &dsn.Config{Params: map[string]string{}}
	family := pick(r, dsn.SQLServer, dsn.MySQL)
	shapes := map[dsn.Family][]dsn.Shape{dsn.SQLServer: {dsn.ShapeJDBCSQLServer, dsn.ShapeADO, dsn.ShapeSQLServerURL, ""},
		dsn.MySQL: {dsn.ShapeMySQLGo, dsn.ShapeMySQLURL, dsn.ShapeJDBCMySQL, dsn.ShapeJDBCMariaDB, ""}}
	c.Family, c.Shape = family, pick(r, shapes[family]...)
	if c.Shape != "" && r.IntN(5) == 0 {
		c.Family = "" // the shape says it
	}
	c.Host = pick(r, "", "db.example.com", "127.0.0.1", "::1", "h-1.internal", "DB")
	if r.IntN(2) == 0 {
		c.Port = 1 + r.IntN(65535)
	}
	c.Database = pick(r, "", "orders", "my db", "a;b", "d/x", "ü", "x{y}z", "p@q", "50%", " sp ")
	c.User = pick(r, "", "app", "a@b", "user name", "x;y", "ü", "u:v", "a/b")
	c.Password = pick(r, "", "pw", "p@ss:w/rd", "s3cr;et}}", `a"b'c d `, " lead", "x&y=z", "%41%", "{}", "Tr0ub;4dor", "a@b/c")
	t := &c.TLS
	if family == dsn.SQLServer {
		if r.IntN(4) == 0 {
			c.Instance = pick(r, "INST", "SQLEXPRESS")
		}
		maybe(r, &t.Encrypt, "encrypt", pick(r, dsn.EncryptFalse, dsn.EncryptTrue, dsn.EncryptStrict))
		maybe(r, &t.TrustServerCertificate, "trustServerCertificate", r.IntN(2) == 0)
		maybe(r, &t.HostNameInCertificate, "hostNameInCertificate", pick(r, "*.example.com", "sql.internal"))
		maybe(r, &t.TrustStore, "trustStore", pick(r, randomJKS, randomP12, randomPEM))
		if t.TrustStore.Set && t.TrustStore.Value != randomPEM || !t.TrustStore.Set {
			maybe(r, &t.TrustStorePassword, "trustStorePassword", randomPass)
		}
		maybe(r, &t.TrustStoreType, "trustStoreType", pick(r, "JKS", "PKCS12"))
		maybe(r, &t.ServerCertificate, "serverCertificate", randomPEM)
		maybe(r, &t.SSLProtocol, "sslProtocol", pick(r, "TLSv1.2", "TLSv1.3", "TLS"))
		for _, kv := range [][2]string{{"app name", "billing"}, {"connection timeout", "30"}, {"dial timeout", "5"}, {"keepalive", "0"},
			{"packet size", "8192"}, {"log", "1"}, {"failoverpartner", "fp.example.com"}, {"failoverport", "1500"},
			{"workstation id", "ws"}, {"serverspn", "MSSQLSvc/db"}, {"disableretry", "true"}, {"multisubnetfailover", "false"},
			{"guid conversion", "yes"}, {"notraceid", "0"}, {"timezone", "Europe/Paris"}, {"epa enabled", "false"}} {
			if r.IntN(6) == 0 {
				c.Params[kv[0]] = kv[1]
			}
		}
		if c.Database != "" && r.IntN(6) == 0 {
			c.Params["applicationintent"] = pick(r, "ReadOnly", "ReadWrite", "readonly")
		}
		if r.IntN(6) == 0 {
			c.Ignored = []dsn.Property{{Key: "sendStringParametersAsUnicode", Value: "false"}}
			if r.IntN(2) == 0 {
				c.Ignored = append(c.Ignored, dsn.Property{Key: "keyStoreSecret", Value: "Sec-ret-1"})
			}
		}
		return c
	}
	switch {
	case c.Shape == dsn.ShapeMySQLGo || c.Shape == "":
		c.Net = pick(r, "", "tcp", "tcp4", "tcp6", "unix")
		if c.Net == "unix" {
			c.Host, c.Port = pick(r, "/run/mysqld/mysqld.sock", "", "/tmp/my sql.sock"), 0
		}
	default:
		c.Net = pick(r, "", "tcp")
	}
	if c.Shape == dsn.ShapeJDBCMariaDB {
		randomMariaDB(r, c)
		return c
	}
	// One vocabulary for each concept; Resolve then maps or refuses it.
	if r.IntN(2) == 0 {
		maybe(r, &t.Encrypt, "encrypt", pick(r, dsn.EncryptFalse, dsn.EncryptTrue))
		maybe(r, &t.TrustServerCertificate, "trustServerCertificate", r.IntN(2) == 0)
	} else if r.IntN(3) > 0 {
		maybe(r, &t.SSLMode, "sslMode", pick(r, dsn.SSLDisabled, dsn.SSLPreferred, dsn.SSLRequired, dsn.SSLVerifyCA, dsn.SSLVerifyIdentity))
	} else {
		maybe(r, &t.UseSSL, "useSSL", r.IntN(2) == 0)
		maybe(r, &t.RequireSSL, "requireSSL", r.IntN(2) == 0)
		maybe(r, &t.VerifyServerCertificate, "verifyServerCertificate", r.IntN(2) == 0)
	}
	maybe(r, &t.HostNameInCertificate, "hostNameInCertificate", "mysql.internal")
	switch anchors := r.IntN(4); anchors {
	case 0:
		maybe(r, &t.SSLCA, "ssl-ca", randomPEM)
	case 1:
		maybe(r, &t.TrustCertKeyStoreURL, "trustCertificateKeyStoreUrl", pick(r, "file:"+randomJKS, randomP12))
		maybe(r, &t.TrustCertKeyStorePassword, "trustCertificateKeyStorePassword", randomPass)
		maybe(r, &t.TrustCertKeyStoreType, "trustCertificateKeyStoreType", "JKS")
	case 2:
		maybe(r, &t.TrustStore, "trustStore", randomJKS)
		maybe(r, &t.TrustStorePassword, "trustStorePassword", randomPass)
	default:
		maybe(r, &t.FallbackToSystemTrustStore, "fallbackToSystemTrustStore", true)
	}
	if r.IntN(2) == 0 {
		maybe(r, &t.TLSVersions, "tls-version", pick(r, []string{"TLSv1.2", "TLSv1.3"}, []string{"TLSv1.3"}, []string{"TLSv1.2"}))
	} else {
		maybe(r, &t.SSLProtocol, "sslProtocol", pick(r, "TLSv1.2", "TLSv1.3"))
	}
	maybe(r, &t.Ciphers, "ssl-cipher", pick(r, []string{"ECDHE-RSA-AES128-GCM-SHA256"}, []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"}))
	maybe(r, &t.TLS13Suites, "tls-ciphersuites", []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
	mysqlParams(r, c)
	return c
}

// randomMariaDB fills a jdbc:mariadb: URL's settings in MariaDB Connector/J's
// vocabulary (its own third column of spec §1).
func randomMariaDB(r *rand.Rand, c *dsn.Config) {
	t := &c.TLS
	if r.IntN(2) == 0 {
		maybeMariaDB(r, &t.SSLMode, "sslMode", pick(r, dsn.SSLDisabled, dsn.SSLRequired, dsn.SSLVerifyCA, dsn.SSLVerifyIdentity))
	} else {
		maybeMariaDB(r, &t.UseSSL, "useSsl", r.IntN(3) > 0)
		maybeMariaDB(r, &t.TrustServerCertificate, "trustServerCertificate", r.IntN(2) == 0)
		maybeMariaDB(r, &t.DisableSSLHostnameVerification, "disableSslHostnameVerification", r.IntN(2) == 0)
	}
	switch r.IntN(3) {
	case 0:
		maybeMariaDB(r, &t.SSLCA, "serverSslCert", pick(r, randomPEM, "file:"+randomPEM))
	case 1:
		maybeMariaDB(r, &t.TrustStore, "trustStore", pick(r, randomJKS, "file:"+randomP12))
		maybeMariaDB(r, &t.TrustStorePassword, "trustStorePassword", randomPass)
		maybeMariaDB(r, &t.TrustStoreType, "trustStoreType", pick(r, "JKS", "PKCS12"))
	default:
		maybeMariaDB(r, &t.FallbackToSystemTrustStore, "fallbackToSystemTrustStore", true)
	}
	maybeMariaDB(r, &t.TLSVersions, "enabledSslProtocolSuites", pick(r, []string{"TLSv1.2", "TLSv1.3"}, []string{"TLSv1.3"}, []string{"TLSv1.2"}))
	maybeMariaDB(r, &t.Ciphers, "enabledSslCipherSuites", pick(r, []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"}))
	mysqlParams(r, c)
}

// mysqlParams adds the MySQL family's authentication settings, driver
// parameters, session variables and ignored properties.
func mysqlParams(r *rand.Rand, c *dsn.Config) {
	maybe(r, &c.Auth.AllowPublicKeyRetrieval, "allowPublicKeyRetrieval", r.IntN(2) == 0)
	for _, kv := range [][2]string{{"parseTime", "true"}, {"allowNativePasswords", "false"}, {"checkConnLiveness", "0"}, {"clientFoundRows", "True"},
		{"compress", "true"}, {"interpolateParams", "true"}, {"multiStatements", "TRUE"}, {"charset", "utf8mb4"}, {"collation", "utf8mb4_bin"},
		{"loc", "Europe/Paris"}, {"maxAllowedPacket", "1024"}, {"readTimeout", "5s"}, {"timeout", "500ms"}, {"timeTruncate", "1s"},
		{"sql_mode", "'ANSI'"}, {"@@session.time_zone", "'+00:00'"}, {"SESSION wait_timeout", "60"}, {"@v", "CONCAT('a','b')"}} {
		if r.IntN(8) == 0 {
			c.Params[kv[0]] = kv[1]
		}
	}
	if r.IntN(6) == 0 {
		c.Ignored = []dsn.Property{{Key: "useUnicode", Value: "true"}, {Key: "xdevapi.ssl-mode", Value: "REQUIRED"}}
		if r.IntN(2) == 0 {
			c.Ignored = append(c.Ignored, dsn.Property{Key: "password1", Value: "Sec-ret-1"})
		}
	}
}

// defect is one way to make a valid configuration invalid.
type defect struct {
	name        string
	family      dsn.Family // "" for both
	structOnly  bool
	sameMessage bool
	resolve     bool
	vocabulary  bool // written in the SQL Server or MySQL vocabulary: not for a jdbc:mariadb: URL, which has its own
	apply       func(r *rand.Rand, c *dsn.Config)
}

var defects = []defect{
	{name: "two vocabularies for the TLS mode", vocabulary: true, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.Encrypt, c.TLS.SSLMode = dsn.NewSetting(pick(r, dsn.EncryptFalse, dsn.EncryptTrue)), dsn.NewSetting(pick(r, dsn.SSLVerifyIdentity, dsn.SSLRequired))
		c.TLS.UseSSL, c.TLS.RequireSSL, c.TLS.VerifyServerCertificate = dsn.Setting[bool]{}, dsn.Setting[bool]{}, dsn.Setting[bool]{}
		c.TLS.TrustServerCertificate = dsn.Setting[bool]{}
	}},
	{name: "two vocabularies for the trust anchors", vocabulary: true, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.TrustStore, c.TLS.SSLCA = dsn.NewSetting(randomJKS), dsn.NewSetting(randomPEM)
		c.TLS.TrustCertKeyStoreURL, c.TLS.TrustCertKeyStorePassword, c.TLS.TrustCertKeyStoreType = dsn.Setting[string]{}, dsn.Setting[string]{}, dsn.Setting[string]{}
		c.TLS.FallbackToSystemTrustStore = dsn.Setting[bool]{}
	}},
	{name: "encrypt out of range", vocabulary: true, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) { c.TLS.Encrypt = dsn.NewSetting(dsn.Encrypt(3 + r.IntN(5))) }},
	{name: "sslMode out of range", family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.SSLMode = dsn.NewSetting(dsn.SSLMode(5 + r.IntN(5)))
		c.TLS.Encrypt, c.TLS.TrustServerCertificate = dsn.Setting[dsn.Encrypt]{}, dsn.Setting[bool]{}
	}},
	{name: "port out of range", apply: func(r *rand.Rand, c *dsn.Config) {
		c.Port = pick(r, 65536, 70000, -1)
		if c.Net == "unix" {
			c.Net, c.Host = "tcp", "h"
		}
	}},
	{name: "go-mssqldb value", family: dsn.SQLServer, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		kv := pick(r, [2]string{"connection timeout", "abc"}, [2]string{"packet size", "-1"}, [2]string{"disableretry", "maybe"},
			[2]string{"timezone", "Mars/Olympus"}, [2]string{"protocol", "np"})
		c.Params[kv[0]] = kv[1]
	}},
	{name: "go-sql-driver value", family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		kv := pick(r, [2]string{"parseTime", "maybe"}, [2]string{"timeout", "5"}, [2]string{"maxAllowedPacket", "big"},
			[2]string{"loc", "Mars/Olympus"}, [2]string{"charset", "utf8,"})
		c.Params[kv[0]] = kv[1]
	}},
	{name: "unknown SQL Server parameter", family: dsn.SQLServer, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) { c.Params["frobnicate"] = "1" }},
	{name: "secret session variable", family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Params[pick(r, "@@session.password", "`PASSWORD`", "authentication_string")] = "Sec-ret-2"
	}},
	{name: "unsafe session variable value", family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Params["sql_mode"] = pick(r, "ANSI,autocommit=0", "x;DROP TABLE t", "'unclosed")
	}},
	{name: "misspelt TLS key as a session variable", vocabulary: true, family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Params[pick(r, "sslmod", "trustStor")] = "x"
	}},
	{name: "read-only intent without a database", family: dsn.SQLServer, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Database, c.Params["applicationintent"] = "", "ReadOnly"
	}},
	{name: "empty serverRSAPublicKeyFile", family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Auth.ServerRSAPublicKeyFile = dsn.NewSetting("")
	}},
	{name: "serverPubKey with serverRSAPublicKeyFile", family: dsn.MySQL, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Auth.ServerRSAPublicKeyFile, c.Params["serverPubKey"] = dsn.NewSetting("/k.pem"), "k"
	}},
	{name: "dsn.MySQL authentication on SQL Server", family: dsn.SQLServer, sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Auth.AllowPublicKeyRetrieval = dsn.NewSetting(true)
	}},
	{name: "refused property among the parameters", sameMessage: true, apply: func(r *rand.Rand, c *dsn.Config) { c.Params["trustManagerClass"] = "com.x.Y" }},
	{name: "dsn.MySQL keys on SQL Server", family: dsn.SQLServer, resolve: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.SSLCert = dsn.NewSetting("/etc/dbtls/client.pem") // no JDBC key for client certificates: no conflict in dsn
	}},
	{name: "encrypt=strict on dsn.MySQL", vocabulary: true, family: dsn.MySQL, resolve: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.Encrypt, c.TLS.SSLMode = dsn.NewSetting(dsn.EncryptStrict), dsn.Setting[dsn.SSLMode]{}
		c.TLS.UseSSL, c.TLS.RequireSSL, c.TLS.VerifyServerCertificate = dsn.Setting[bool]{}, dsn.Setting[bool]{}, dsn.Setting[bool]{}
	}},
	{name: "a value with Set false", vocabulary: true, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.Encrypt = dsn.Setting[dsn.Encrypt]{Value: dsn.EncryptTrue}
	}},
	{name: "a secret with Set false", structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.TrustStorePassword = dsn.Setting[string]{Value: "Sec-ret-3"}
	}},
	{name: "a key that is not the field's", vocabulary: true, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.SSLCA = dsn.Setting[string]{Key: "trustStore", Value: randomPEM, Set: true}
	}},
	{name: "a parameter under an alias", family: dsn.SQLServer, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Params["applicationName"] = "billing"
	}},
	{name: "a Connector/J name among the parameters", family: dsn.MySQL, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Params[pick(r, "connectTimeout", "ParseTime", "sessionVariables", "useUnicode", "password")] = "1"
	}},
	{name: "a TLS key among the parameters", vocabulary: true, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) { c.Params[pick(r, "encrypt", "sslMode", "tls")] = "true" }},
	{name: "an ignored key dbtls does not ignore", structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Ignored = append(c.Ignored, dsn.Property{Key: "encrypt", Value: "true"})
	}},
	{name: "a list item with a separator", vocabulary: true, family: dsn.MySQL, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.TLSVersions, c.TLS.SSLProtocol = dsn.NewSetting([]string{"TLSv1.2,TLSv1.3"}), dsn.Setting[string]{}
	}},
	{name: "a path with spaces at its ends", vocabulary: true, structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.TLS.HostNameInCertificate = dsn.NewSetting(" h ")
	}},
	{name: "no family", structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) { c.Family, c.Shape = "", "" }},
	{name: "a shape of the other family", structOnly: true, apply: func(r *rand.Rand, c *dsn.Config) {
		c.Family = map[dsn.Family]dsn.Family{dsn.SQLServer: dsn.MySQL, dsn.MySQL: dsn.SQLServer, "": dsn.MySQL}[c.Family]
		c.Shape = map[dsn.Family]dsn.Shape{dsn.SQLServer: dsn.ShapeMySQLGo, dsn.MySQL: dsn.ShapeADO}[c.Family]
	}},
}
