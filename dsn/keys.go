package dsn

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dbtls/dbtls/kind"
)

// This file is THE table of keys: the TLS properties of both vocabularies
// (spec §1) with their aliases and concepts, and lookupKey, which says what
// any key is — Parse reads a key=value by it, Normalize checks Params and
// Ignored by it, FormatDSN's order memory is read by it.

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
	conceptCRL      concept = "certificate revocation lists"
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
	// fields lists every field in the order FormatDSN writes those not
	// placed by the DSN they were read from: TLS's fields as declared, then
	// MySQLAuth's.
	fields []*field
	// tlsKeySpellings lists every TLS key as documented, for suggestions.
	tlsKeySpellings []string
)

// spelt reports whether key (any case) is a spelling of f.
func (f *field) spelt(key string) bool {
	return slices.ContainsFunc(f.spellings, func(s string) bool { return strings.EqualFold(s, key) })
}

// addField adds the field name, its slot its own; a TLS field's spellings
// are also suggested for typos.
func addField(name string, vocab vocabulary, c concept, ops fieldOps, aliases ...string) *field {
	f := &field{name: name, vocab: vocab, concept: c, slot: name, spellings: append([]string{name}, aliases...), ops: ops}
	fields = append(fields, f)
	if vocab != "" {
		tlsKeySpellings = append(tlsKeySpellings, f.spellings...)
	}
	return f
}

func init() {
	// SQL Server / Microsoft JDBC vocabulary (also go-mssqldb's names, which
	// are the same words in lower case). MariaDB Connector/J uses trustStore,
	// trustStorePassword and trustStoreType with the same meaning.
	addField("encrypt", vocabJDBC, conceptMode, encryptField(func(c *Config) *Setting[Encrypt] { return &c.TLS.Encrypt }))
	addField("trustServerCertificate", vocabJDBC, conceptMode, boolField(func(c *Config) *Setting[bool] { return &c.TLS.TrustServerCertificate }))
	addField("hostNameInCertificate", vocabJDBC, conceptName, textField(func(c *Config) *Setting[string] { return &c.TLS.HostNameInCertificate }, false,
		notEmpty("it names no certificate name, so no certificate could match (spec §8)", "set hostNameInCertificate to the name in the server's certificate, or remove it to check the server's host name")))
	// go-mssqldb's "certificate" is a PEM file of trusted certificates: the
	// same thing as a PEM trust store, so it is an alias of trustStore.
	addField("trustStore", vocabJDBC, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.TrustStore }, false, nil), "certificate")
	addField("trustStorePassword", vocabJDBC, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.TrustStorePassword }, true, nil))
	addField("trustStoreType", vocabJDBC, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.TrustStoreType }, false, nil))
	addField("serverCertificate", vocabJDBC, conceptPin, textField(func(c *Config) *Setting[string] { return &c.TLS.ServerCertificate }, false, nil))
	addField("sslProtocol", vocabJDBC, conceptVersions, textField(func(c *Config) *Setting[string] { return &c.TLS.SSLProtocol }, false, nil))
	// Neither JDBC driver reads CRLs: dbtls's own name, in the JDBC style.
	addField("certificateRevocationList", vocabJDBC, conceptCRL, textField(func(c *Config) *Setting[string] { return &c.TLS.CRL }, false, nil))

	// MySQL / Connector/J / MariaDB Connector/J / TiDB vocabulary. go-sql-driver's
	// tls= fills the same field as sslMode, in its own words (values.go).
	addField("sslMode", vocabMySQL, conceptMode, sslModeField(func(c *Config) *Setting[SSLMode] { return &c.TLS.SSLMode }), "ssl-mode", "ssl_mode", "tls")
	addField("useSSL", vocabMySQL, conceptMode, boolField(func(c *Config) *Setting[bool] { return &c.TLS.UseSSL }), "ssl")
	addField("requireSSL", vocabMySQL, conceptMode, boolField(func(c *Config) *Setting[bool] { return &c.TLS.RequireSSL }))
	addField("verifyServerCertificate", vocabMySQL, conceptMode, boolField(func(c *Config) *Setting[bool] { return &c.TLS.VerifyServerCertificate }))
	addField("ssl-ca", vocabMySQL, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.SSLCA }, false, nil), "sslCa", "ssl_ca", "serverSslCert")
	addField("trustCertificateKeyStoreUrl", vocabMySQL, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.TrustCertKeyStoreURL }, false, storeURL))
	addField("trustCertificateKeyStorePassword", vocabMySQL, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.TrustCertKeyStorePassword }, true, nil))
	// An empty …KeyStoreType makes Connector/J 9.7 skip the store it names
	// (the system's trust anchors are used, no client certificate is sent):
	// refused rather than followed (docs/divergences.md).
	addField("trustCertificateKeyStoreType", vocabMySQL, conceptAnchors, textField(func(c *Config) *Setting[string] { return &c.TLS.TrustCertKeyStoreType }, false,
		notEmpty("Connector/J would then skip the trust store and use the system's trust anchors", "set it to JKS or PKCS12, or remove it (dbtls reads the format from the content)")))
	addField("fallbackToSystemTrustStore", vocabMySQL, conceptAnchors, boolField(func(c *Config) *Setting[bool] { return &c.TLS.FallbackToSystemTrustStore }))
	addField("ssl-cert", vocabMySQL, conceptClient, textField(func(c *Config) *Setting[string] { return &c.TLS.SSLCert }, false, nil), "sslCert", "ssl_cert")
	addField("ssl-key", vocabMySQL, conceptClient, textField(func(c *Config) *Setting[string] { return &c.TLS.SSLKey }, false, nil), "sslKey", "ssl_key")
	// MariaDB Connector/J calls the client key store keyStore, keyStorePassword, keyStoreType.
	addField("clientCertificateKeyStoreUrl", vocabMySQL, conceptClient, textField(func(c *Config) *Setting[string] { return &c.TLS.ClientKeyStoreURL }, false, storeURL), "keyStore")
	addField("clientCertificateKeyStorePassword", vocabMySQL, conceptClient, textField(func(c *Config) *Setting[string] { return &c.TLS.ClientKeyStorePassword }, true, nil), "keyStorePassword")
	addField("clientCertificateKeyStoreType", vocabMySQL, conceptClient, textField(func(c *Config) *Setting[string] { return &c.TLS.ClientKeyStoreType }, false,
		notEmpty("Connector/J would then skip the key store and send no client certificate", "set it to JKS or PKCS12, or remove it (dbtls reads the format from the content)")), "keyStoreType")
	addField("tls-version", vocabMySQL, conceptVersions, listField(",", func(c *Config) *Setting[[]string] { return &c.TLS.TLSVersions }),
		"tlsVersions", "enabledTLSProtocols", "tls_version", "enabledSslProtocolSuites")
	addField("ssl-cipher", vocabMySQL, conceptCiphers, listField(":,", func(c *Config) *Setting[[]string] { return &c.TLS.Ciphers }),
		"tlsCiphersuites", "enabledSSLCipherSuites", "ssl_cipher")
	addField("tls-ciphersuites", vocabMySQL, conceptTLS13, listField(":,", func(c *Config) *Setting[[]string] { return &c.TLS.TLS13Suites }), "tls_ciphersuites")
	// The mysql client's --ssl-crl and --ssl-crlpath (Connector/J has none).
	addField("ssl-crl", vocabMySQL, conceptCRL, textField(func(c *Config) *Setting[string] { return &c.TLS.SSLCRL }, false, nil), "ssl_crl")
	addField("ssl-crlpath", vocabMySQL, conceptCRL, textField(func(c *Config) *Setting[string] { return &c.TLS.SSLCRLPath }, false, nil), "ssl_crlpath")

	// MySQLAuth (auth_mysql.go): MySQL family only.
	addField("allowPublicKeyRetrieval", "", "", boolField(func(c *Config) *Setting[bool] { return &c.Auth.AllowPublicKeyRetrieval }))
	addField("serverRSAPublicKeyFile", "", "", textField(func(c *Config) *Setting[string] { return &c.Auth.ServerRSAPublicKeyFile }, false,
		notEmpty("it names no key file", "set $key to the path of the server's RSA public key (PEM), or remove it"))).slot = "serverPubKey"
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

// keyClass is what a key is, by the tables of this package.
type keyClass uint8

const (
	keyOther       keyClass = iota // in no table: an unknown SQL Server key; a go-sql-driver session variable
	keyField                       // a field of TLS, or of MySQLAuth (a MySQL key: unknown on SQL Server)
	keyRefused                     // cannot be honoured whatever its value (why)
	keyConnect                     // where to connect (what it names: server, instance, port, database, user, password)
	keyParam                       // a driver parameter (canon: the driver's name)
	keyMapped                      // a Connector/J property with a go-sql-driver equivalent (canon), its value converted
	keySessionVars                 // Connector/J's sessionVariables
	keyIgnored                     // accepted with a warning, never sent
)

// keyInfo is what lookupKey knows of a key.
type keyInfo struct {
	class  keyClass
	field  *field // keyField
	text   string // keyParam, keyMapped: the driver's name; keyConnect: what it names; keyRefused: why
	secret bool   // kind.IsSecretKey
}

// sqlServerKeys and mysqlKeys map every lower-cased key of a family to what
// it is. A key is in one table of a family only (init panics otherwise).
// MySQLAuth's keys are in both: on SQL Server reader.property refuses them
// as unknown keys, and Normalize names them the same way.
var sqlServerKeys, mysqlKeys = map[string]keyInfo{}, map[string]keyInfo{}

func init() {
	add := func(table map[string]keyInfo, key string, k keyInfo) {
		if _, dup := table[key]; dup {
			panic("dsn: " + key + " is in two key tables")
		}
		k.secret = kind.IsSecretKey(key)
		table[key] = k
	}
	for _, f := range fields {
		for _, s := range f.spellings {
			add(sqlServerKeys, strings.ToLower(s), keyInfo{class: keyField, field: f})
			add(mysqlKeys, strings.ToLower(s), keyInfo{class: keyField, field: f})
		}
	}
	for _, t := range []struct {
		into  map[string]keyInfo
		class keyClass
		keys  map[string]string // lower-cased key → keyInfo.text
	}{
		{sqlServerKeys, keyConnect, sqlServerConnectKeys}, {sqlServerKeys, keyRefused, refusedKeys}, {sqlServerKeys, keyParam, sqlServerDriverParams},
		{mysqlKeys, keyConnect, map[string]string{"user": "user", "password": "password"}}, {mysqlKeys, keyRefused, refusedKeys},
		{mysqlKeys, keyRefused, mysqlRefused}, {mysqlKeys, keyParam, mysqlDriverParams}, {mysqlKeys, keyMapped, connectorJMapped},
		{mysqlKeys, keySessionVars, map[string]string{"sessionvariables": ""}},
	} {
		for key, text := range t.keys {
			add(t.into, key, keyInfo{class: t.class, text: text})
		}
	}
	for key := range sqlServerIgnored {
		add(sqlServerKeys, key, keyInfo{class: keyIgnored})
	}
	for key := range connectorJIgnored {
		add(mysqlKeys, key, keyInfo{class: keyIgnored})
	}
}

// lookupKey says what key (any case, spaces at its ends ignored) is in
// family f's tables; on MySQL every key beginning xdevapi. is an ignored X
// DevAPI property. It lower-cases the key into a buffer on the stack: a
// lookup allocates nothing.
func lookupKey(f Family, key string) keyInfo {
	var buf [64]byte
	lk := appendLower(buf[:0], strings.TrimSpace(key))
	table := mysqlKeys
	switch f {
	case SQLServer:
		table = sqlServerKeys
	case familyMariaDB:
		table = mariadbKeys
	}
	if k, ok := table[string(lk)]; ok {
		return k
	}
	if f != SQLServer && len(lk) >= len("xdevapi.") && string(lk[:len("xdevapi.")]) == "xdevapi." {
		return keyInfo{class: keyIgnored, secret: kind.IsSecretKey(key)}
	}
	return keyInfo{}
}

// appendLower appends strings.ToLower(s) to dst (a byte that is not UTF-8
// becomes U+FFFD, as there).
func appendLower(dst []byte, s string) []byte {
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z':
			dst = append(dst, byte(r+'a'-'A'))
		case r < utf8.RuneSelf:
			dst = append(dst, byte(r))
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

// lowerIs reports whether strings.ToLower(s) is one of words.
func lowerIs(s string, words ...string) bool {
	var buf [32]byte
	low := appendLower(buf[:0], s)
	for _, w := range words {
		if string(low) == w {
			return true
		}
	}
	return false
}

// knownKey reports whether key (any case) is a key of one of dbtls's tables,
// of either family: such a key, written after a secret, is shown in an
// error.
func knownKey(key string) bool {
	return lookupKey(SQLServer, key).class != keyOther || lookupKey(MySQL, key).class != keyOther && !hasPrefixFold(strings.TrimSpace(key), "xdevapi.") ||
		lookupKey(familyMariaDB, key).class == keyField
}

// hasPrefixFold reports whether s begins with prefix (ASCII), in any case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// isSecret is kind.IsSecretKey(key), read from the key tables for a key
// dbtls knows.
func isSecret(key string) bool {
	for _, f := range []Family{MySQL, SQLServer, familyMariaDB} {
		if k := lookupKey(f, key); k.class != keyOther {
			return k.secret
		}
	}
	return kind.IsSecretKey(key)
}
