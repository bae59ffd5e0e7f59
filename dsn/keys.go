package dsn

import "strings"

// This file is THE table of TLS properties (spec §1): every key of both
// vocabularies, its aliases, the concept it belongs to, and the TLS field it
// fills. Keys are matched case-insensitively. Two keys filling one field (two
// aliases, or go-sql-driver's tls= and sslMode) are a duplicate; two keys of
// different vocabularies for one concept are a conflict. Both are invalid-dsn
// errors naming both keys.

// vocabulary names the two sets of TLS property names.
type vocabulary string

const (
	vocabJDBC  vocabulary = "SQL Server/JDBC" // encrypt, trustServerCertificate, trustStore, …
	vocabMySQL vocabulary = "MySQL"           // sslMode, ssl-ca, trustCertificateKeyStoreUrl, …
)

// concept groups properties that say the same thing in the two vocabularies;
// mixing vocabularies within one concept is an error naming both keys.
type concept string

const (
	conceptMode     concept = "TLS mode"
	conceptAnchors  concept = "trust anchors"
	conceptName     concept = "expected certificate name"
	conceptPin      concept = "certificate pin"
	conceptClient   concept = "client certificate"
	conceptVersions concept = "TLS protocol versions"
	conceptCiphers  concept = "TLS 1.2 cipher suites"
	conceptTLS13    concept = "TLS 1.3 cipher suites"
)

// tlsProp is one TLS property: its canonical name, vocabulary, concept, the
// field it fills (slot; several properties may share one) and the function
// that stores a value there.
type tlsProp struct {
	name    string
	vocab   vocabulary
	concept concept
	slot    string
	set     func(t *TLS, key, raw string) error
}

// tlsProps maps every lower-cased spelling to its property.
var tlsProps = map[string]*tlsProp{}

// tlsKeySpellings lists every TLS key as documented, for suggestions.
var tlsKeySpellings []string

// addProp adds a property under its name and aliases; the slot is the name.
func addProp(name string, vocab vocabulary, c concept, set func(t *TLS, key, raw string) error, aliases ...string) {
	addSlot(&tlsProp{name, vocab, c, name, set}, aliases...)
}

func addSlot(p *tlsProp, aliases ...string) {
	for _, a := range append([]string{p.name}, aliases...) {
		tlsProps[strings.ToLower(a)] = p
		tlsKeySpellings = append(tlsKeySpellings, a)
	}
}

func str(f func(t *TLS) *Setting[string]) func(*TLS, string, string) error {
	return func(t *TLS, k, v string) error { return setString(f(t), k, v) }
}

func secret(f func(t *TLS) *Setting[string]) func(*TLS, string, string) error {
	return func(t *TLS, k, v string) error { return setSecret(f(t), k, v) }
}

func boolean(f func(t *TLS) *Setting[bool]) func(*TLS, string, string) error {
	return func(t *TLS, k, v string) error { return setBool(f(t), k, v) }
}

func list(seps string, f func(t *TLS) *Setting[[]string]) func(*TLS, string, string) error {
	return func(t *TLS, k, v string) error { return setList(f(t), k, v, seps) }
}

func init() {
	// SQL Server / Microsoft JDBC vocabulary (also go-mssqldb's names, which
	// are the same words in lower case). MariaDB Connector/J uses trustStore,
	// trustStorePassword and trustStoreType with the same meaning.
	addProp("encrypt", vocabJDBC, conceptMode, func(t *TLS, k, v string) error { return setEncrypt(&t.Encrypt, k, v) })
	addProp("trustServerCertificate", vocabJDBC, conceptMode, boolean(func(t *TLS) *Setting[bool] { return &t.TrustServerCertificate }))
	addProp("hostNameInCertificate", vocabJDBC, conceptName, str(func(t *TLS) *Setting[string] { return &t.HostNameInCertificate }))
	// go-mssqldb's "certificate" is a PEM file of trusted certificates: the
	// same thing as a PEM trust store, so it is an alias of trustStore.
	addProp("trustStore", vocabJDBC, conceptAnchors, str(func(t *TLS) *Setting[string] { return &t.TrustStore }), "certificate")
	addProp("trustStorePassword", vocabJDBC, conceptAnchors, secret(func(t *TLS) *Setting[string] { return &t.TrustStorePassword }))
	addProp("trustStoreType", vocabJDBC, conceptAnchors, str(func(t *TLS) *Setting[string] { return &t.TrustStoreType }))
	addProp("serverCertificate", vocabJDBC, conceptPin, str(func(t *TLS) *Setting[string] { return &t.ServerCertificate }))
	addProp("sslProtocol", vocabJDBC, conceptVersions, str(func(t *TLS) *Setting[string] { return &t.SSLProtocol }))

	// MySQL / Connector/J / MariaDB Connector/J / TiDB vocabulary.
	addProp("sslMode", vocabMySQL, conceptMode, func(t *TLS, k, v string) error { return setSSLMode(&t.SSLMode, k, v) }, "ssl-mode", "ssl_mode")
	// go-sql-driver's tls= fills the same field as sslMode.
	addSlot(&tlsProp{"tls", vocabMySQL, conceptMode, "sslMode", setGoSQLDriverTLS})
	addProp("useSSL", vocabMySQL, conceptMode, boolean(func(t *TLS) *Setting[bool] { return &t.UseSSL }), "ssl")
	addProp("requireSSL", vocabMySQL, conceptMode, boolean(func(t *TLS) *Setting[bool] { return &t.RequireSSL }))
	addProp("verifyServerCertificate", vocabMySQL, conceptMode, boolean(func(t *TLS) *Setting[bool] { return &t.VerifyServerCertificate }))
	addProp("ssl-ca", vocabMySQL, conceptAnchors, str(func(t *TLS) *Setting[string] { return &t.SSLCA }), "sslCa", "ssl_ca", "serverSslCert")
	addProp("trustCertificateKeyStoreUrl", vocabMySQL, conceptAnchors, str(func(t *TLS) *Setting[string] { return &t.TrustCertKeyStoreURL }))
	addProp("trustCertificateKeyStorePassword", vocabMySQL, conceptAnchors, secret(func(t *TLS) *Setting[string] { return &t.TrustCertKeyStorePassword }))
	addProp("trustCertificateKeyStoreType", vocabMySQL, conceptAnchors, str(func(t *TLS) *Setting[string] { return &t.TrustCertKeyStoreType }))
	addProp("fallbackToSystemTrustStore", vocabMySQL, conceptAnchors, boolean(func(t *TLS) *Setting[bool] { return &t.FallbackToSystemTrustStore }))
	addProp("ssl-cert", vocabMySQL, conceptClient, str(func(t *TLS) *Setting[string] { return &t.SSLCert }), "sslCert", "ssl_cert")
	addProp("ssl-key", vocabMySQL, conceptClient, str(func(t *TLS) *Setting[string] { return &t.SSLKey }), "sslKey", "ssl_key")
	// MariaDB Connector/J calls the client key store keyStore, keyStorePassword, keyStoreType.
	addProp("clientCertificateKeyStoreUrl", vocabMySQL, conceptClient, str(func(t *TLS) *Setting[string] { return &t.ClientKeyStoreURL }), "keyStore")
	addProp("clientCertificateKeyStorePassword", vocabMySQL, conceptClient, secret(func(t *TLS) *Setting[string] { return &t.ClientKeyStorePassword }), "keyStorePassword")
	addProp("clientCertificateKeyStoreType", vocabMySQL, conceptClient, str(func(t *TLS) *Setting[string] { return &t.ClientKeyStoreType }), "keyStoreType")
	addProp("tls-version", vocabMySQL, conceptVersions, list(",", func(t *TLS) *Setting[[]string] { return &t.TLSVersions }),
		"tlsVersions", "enabledTLSProtocols", "tls_version", "enabledSslProtocolSuites")
	addProp("ssl-cipher", vocabMySQL, conceptCiphers, list(":,", func(t *TLS) *Setting[[]string] { return &t.Ciphers }),
		"tlsCiphersuites", "enabledSSLCipherSuites", "ssl_cipher")
	addProp("tls-ciphersuites", vocabMySQL, conceptTLS13, list(":,", func(t *TLS) *Setting[[]string] { return &t.TLS13Suites }), "tls_ciphersuites")
}

// refusedKeys cannot be honoured and must not be ignored: they change whom the
// client trusts or which certificate it presents. Each is an invalid-dsn error.
var refusedKeys = map[string]string{
	"trustmanagerclass":           "a Java TrustManager class cannot run in Go; use trustStore (JKS, PKCS12 or PEM) or serverCertificate instead",
	"trustmanagerconstructorarg":  "a Java TrustManager class cannot run in Go; use trustStore (JKS, PKCS12 or PEM) or serverCertificate instead",
	"trustmanagerfactoryprovider": "a Java security provider cannot run in Go; remove it",
	"keymanagerfactoryprovider":   "a Java security provider cannot run in Go; remove it",
	"keystoreprovider":            "a Java security provider cannot run in Go; remove it",
	"sslcontextprovider":          "a Java SSLContext provider cannot run in Go; remove it",
	"tlssockettype":               "a MariaDB Connector/J TLS socket plugin cannot run in Go; remove it",
	"tlsmin":                      "go-mssqldb's tlsmin is not read by dbtls; use sslProtocol (SQL Server) or tls-version (MySQL)",
	"clientcertificate":           "client certificates for SQL Server are not supported by dbtls; remove it",
	"clientkey":                   "client certificates for SQL Server are not supported by dbtls; remove it",
	"clientkeypassword":           "client certificates for SQL Server are not supported by dbtls; remove it",
	"keypassword":                 "a separate password for the key inside a key store is not supported; protect the key with the store's password (clientCertificateKeyStorePassword)",
	"allowfallbacktoplaintext":    "dbtls decides the plaintext fallback from the mode: only PREFERRED (or tls=preferred) falls back, and never beyond one connection; use sslMode=PREFERRED",
	"certfingerprint":             "a certificate fingerprint pin is not supported on the MySQL family; use ssl-ca with the server's certificate and sslMode=VERIFY_CA",
}
