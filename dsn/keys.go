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

// field is one typed property of TLS or MySQLAuth: its canonical key, the
// vocabulary and concept it belongs to ("" for MySQLAuth's), the slot two
// keys may not both fill (its name, or another property's: go-sql-driver's
// serverPubKey and serverRSAPublicKeyFile both pin the server's key), its
// spellings, and how its value reads and writes (values.go).
type field struct {
	name      string
	vocab     vocabulary
	concept   concept
	slot      string
	spellings []string
	ops       fieldOps
}

var (
	// fields lists every field in the order Format writes those not
	// placed by the DSN they were read from: TLS's fields as declared, then
	// MySQLAuth's.
	fields      []*field
	fieldByName = map[string]*field{}
	// tlsProps maps every lower-cased spelling of a TLS key to its field.
	tlsProps = map[string]*field{}
	// authProps maps every lower-cased spelling of a MySQLAuth key to its field.
	authProps = map[string]*field{}
	// tlsKeySpellings lists every TLS key as documented, for suggestions.
	tlsKeySpellings []string
)

// spelt reports whether key (any case) is a spelling of f.
func (f *field) spelt(key string) bool {
	for _, s := range f.spellings {
		if strings.EqualFold(s, key) {
			return true
		}
	}
	return false
}

func addField(into map[string]*field, f *field) {
	if f.slot == "" {
		f.slot = f.name
	}
	f.spellings = append([]string{f.name}, f.spellings...)
	fields = append(fields, f)
	fieldByName[f.name] = f
	for _, a := range f.spellings {
		if into[strings.ToLower(a)] != nil {
			panic("dsn: " + a + " spells two fields")
		}
		into[strings.ToLower(a)] = f
	}
}

func addTLS(name string, vocab vocabulary, c concept, ops fieldOps, aliases ...string) {
	addField(tlsProps, &field{name: name, vocab: vocab, concept: c, spellings: aliases, ops: ops})
	tlsKeySpellings = append(tlsKeySpellings, append([]string{name}, aliases...)...)
}

func init() {
	// SQL Server / Microsoft JDBC vocabulary (also go-mssqldb's names, which
	// are the same words in lower case). MariaDB Connector/J uses trustStore,
	// trustStorePassword and trustStoreType with the same meaning.
	addTLS("encrypt", vocabJDBC, conceptMode, encryptField(func(t *TLS) *Setting[Encrypt] { return &t.Encrypt }))
	addTLS("trustServerCertificate", vocabJDBC, conceptMode, boolField(func(t *TLS) *Setting[bool] { return &t.TrustServerCertificate }))
	addTLS("hostNameInCertificate", vocabJDBC, conceptName, nonEmptyStringField(func(t *TLS) *Setting[string] { return &t.HostNameInCertificate },
		"it names no certificate name, so no certificate could match (spec §8)", "set hostNameInCertificate to the name in the server's certificate, or remove it to check the server's host name"))
	// go-mssqldb's "certificate" is a PEM file of trusted certificates: the
	// same thing as a PEM trust store, so it is an alias of trustStore.
	addTLS("trustStore", vocabJDBC, conceptAnchors, stringField(func(t *TLS) *Setting[string] { return &t.TrustStore }), "certificate")
	addTLS("trustStorePassword", vocabJDBC, conceptAnchors, secretField(func(t *TLS) *Setting[string] { return &t.TrustStorePassword }))
	addTLS("trustStoreType", vocabJDBC, conceptAnchors, stringField(func(t *TLS) *Setting[string] { return &t.TrustStoreType }))
	addTLS("serverCertificate", vocabJDBC, conceptPin, stringField(func(t *TLS) *Setting[string] { return &t.ServerCertificate }))
	addTLS("sslProtocol", vocabJDBC, conceptVersions, stringField(func(t *TLS) *Setting[string] { return &t.SSLProtocol }))

	// MySQL / Connector/J / MariaDB Connector/J / TiDB vocabulary. go-sql-driver's
	// tls= fills the same field as sslMode, in its own words (values.go).
	addTLS("sslMode", vocabMySQL, conceptMode, sslModeField(func(t *TLS) *Setting[SSLMode] { return &t.SSLMode }), "ssl-mode", "ssl_mode", "tls")
	addTLS("useSSL", vocabMySQL, conceptMode, boolField(func(t *TLS) *Setting[bool] { return &t.UseSSL }), "ssl")
	addTLS("requireSSL", vocabMySQL, conceptMode, boolField(func(t *TLS) *Setting[bool] { return &t.RequireSSL }))
	addTLS("verifyServerCertificate", vocabMySQL, conceptMode, boolField(func(t *TLS) *Setting[bool] { return &t.VerifyServerCertificate }))
	addTLS("ssl-ca", vocabMySQL, conceptAnchors, stringField(func(t *TLS) *Setting[string] { return &t.SSLCA }), "sslCa", "ssl_ca", "serverSslCert")
	addTLS("trustCertificateKeyStoreUrl", vocabMySQL, conceptAnchors, storeURLField(func(t *TLS) *Setting[string] { return &t.TrustCertKeyStoreURL }))
	addTLS("trustCertificateKeyStorePassword", vocabMySQL, conceptAnchors, secretField(func(t *TLS) *Setting[string] { return &t.TrustCertKeyStorePassword }))
	// An empty …KeyStoreType makes Connector/J 9.7 skip the store it names
	// (the system's trust anchors are used, no client certificate is sent):
	// refused rather than followed (docs/divergences.md).
	addTLS("trustCertificateKeyStoreType", vocabMySQL, conceptAnchors, nonEmptyStringField(func(t *TLS) *Setting[string] { return &t.TrustCertKeyStoreType },
		"Connector/J would then skip the trust store and use the system's trust anchors", "set it to JKS or PKCS12, or remove it (dbtls reads the format from the content)"))
	addTLS("fallbackToSystemTrustStore", vocabMySQL, conceptAnchors, boolField(func(t *TLS) *Setting[bool] { return &t.FallbackToSystemTrustStore }))
	addTLS("ssl-cert", vocabMySQL, conceptClient, stringField(func(t *TLS) *Setting[string] { return &t.SSLCert }), "sslCert", "ssl_cert")
	addTLS("ssl-key", vocabMySQL, conceptClient, stringField(func(t *TLS) *Setting[string] { return &t.SSLKey }), "sslKey", "ssl_key")
	// MariaDB Connector/J calls the client key store keyStore, keyStorePassword, keyStoreType.
	addTLS("clientCertificateKeyStoreUrl", vocabMySQL, conceptClient, storeURLField(func(t *TLS) *Setting[string] { return &t.ClientKeyStoreURL }), "keyStore")
	addTLS("clientCertificateKeyStorePassword", vocabMySQL, conceptClient, secretField(func(t *TLS) *Setting[string] { return &t.ClientKeyStorePassword }), "keyStorePassword")
	addTLS("clientCertificateKeyStoreType", vocabMySQL, conceptClient, nonEmptyStringField(func(t *TLS) *Setting[string] { return &t.ClientKeyStoreType },
		"Connector/J would then skip the key store and send no client certificate", "set it to JKS or PKCS12, or remove it (dbtls reads the format from the content)"), "keyStoreType")
	addTLS("tls-version", vocabMySQL, conceptVersions, listField(",", func(t *TLS) *Setting[[]string] { return &t.TLSVersions }),
		"tlsVersions", "enabledTLSProtocols", "tls_version", "enabledSslProtocolSuites")
	addTLS("ssl-cipher", vocabMySQL, conceptCiphers, listField(":,", func(t *TLS) *Setting[[]string] { return &t.Ciphers }),
		"tlsCiphersuites", "enabledSSLCipherSuites", "ssl_cipher")
	addTLS("tls-ciphersuites", vocabMySQL, conceptTLS13, listField(":,", func(t *TLS) *Setting[[]string] { return &t.TLS13Suites }), "tls_ciphersuites")

	// MySQLAuth (auth_mysql.go): MySQL family only.
	addField(authProps, &field{name: "allowPublicKeyRetrieval", ops: authBool(func(a *MySQLAuth) *Setting[bool] { return &a.AllowPublicKeyRetrieval })})
	addField(authProps, &field{name: "serverRSAPublicKeyFile", slot: "serverPubKey", ops: rsaKeyFileField(func(a *MySQLAuth) *Setting[string] { return &a.ServerRSAPublicKeyFile })})
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
