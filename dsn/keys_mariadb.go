package dsn

import (
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// The third vocabulary (spec §1): a jdbc:mariadb: URL is read in MariaDB
// Connector/J's own words, as MariaDB Connector/J 3.5 and 4.0 read them. Its
// fields fill the same settings of TLS as the MySQL vocabulary's where the
// meaning is one (serverSslCert is a PEM of trust anchors like ssl-ca,
// keyStore a client key store like clientCertificateKeyStoreUrl); what they
// mean together — the mode of sslMode, useSsl, trustServerCertificate and
// disableSslHostnameVerification, and the defaults — is package verify's,
// chosen by the shape.

// vocabMariaDB is MariaDB Connector/J's set of TLS property names.
const vocabMariaDB vocabulary = "MariaDB Connector/J"

// familyMariaDB selects the key table of a jdbc:mariadb: URL in lookupKey:
// the MySQL family's, with MariaDB Connector/J's TLS keys in place of MySQL
// Connector/J's. It is never a Config's Family.
const familyMariaDB Family = "mysql/mariadb"

var (
	// mariadbFields are the fields a jdbc:mariadb: URL holds, in the order
	// FormatDSN writes those not placed by the DSN: its TLS fields, then
	// MySQLAuth's (the same as the MySQL family's).
	mariadbFields []*field
	// mariadbKeys maps every lower-cased key of a jdbc:mariadb: URL to what
	// it is.
	mariadbKeys = map[string]keyInfo{}
)

// mariadbOnly says why a TLS key of the other vocabularies is refused in a
// jdbc:mariadb: URL: MariaDB Connector/J would ignore it, so the URL would
// not mean what it seems to.
const mariadbOnly = "it is not a MariaDB Connector/J property, which would ignore it; a jdbc:mariadb: URL is read in MariaDB Connector/J's words: " +
	"sslMode, serverSslCert, trustStore, keyStore, enabledSslProtocolSuites, enabledSslCipherSuites (docs/properties.md)"

// An empty store type: MariaDB Connector/J reads it as not given (the JDK's
// default type); dbtls reads the format from the content, and refuses the
// empty value as it does for Connector/J's …KeyStoreType.
const emptyType, typeFix = "it names no store type", "set it to JKS or PKCS12, or remove it (dbtls reads the format from the content)"

// addMariaDBField adds a field of the MariaDB vocabulary; it is not in
// fields (the other shapes' list) and its spellings are suggested for typos.
func addMariaDBField(name string, ops fieldOps, aliases ...string) *field {
	f := &field{name: name, vocab: vocabMariaDB, concept: conceptMode, slot: name, spellings: append([]string{name}, aliases...), ops: ops}
	mariadbFields = append(mariadbFields, f)
	tlsKeySpellings = append(tlsKeySpellings, f.spellings...)
	return f
}

func init() {
	// MariaDB Connector/J's own names (Configuration.Builder), with the
	// aliases it reads for MySQL Connector/J's (OptionAliases). Its keys
	// are read in any case, as every key here.
	addMariaDBField("sslMode", sslModeFieldOf(parseMariaDBSSLMode, mariadbModeWord, func(c *Config) *Setting[SSLMode] { return &c.TLS.SSLMode }))
	addMariaDBField("useSsl", boolField(func(c *Config) *Setting[bool] { return &c.TLS.UseSSL }))
	addMariaDBField("trustServerCertificate", boolField(func(c *Config) *Setting[bool] { return &c.TLS.TrustServerCertificate }))
	addMariaDBField("disableSslHostnameVerification", boolField(func(c *Config) *Setting[bool] { return &c.TLS.DisableSSLHostnameVerification }))
	addMariaDBField("serverSslCert", textField(func(c *Config) *Setting[string] { return &c.TLS.SSLCA }, false, mariadbMaterial(true))).concept = conceptAnchors
	addMariaDBField("trustStore", textField(func(c *Config) *Setting[string] { return &c.TLS.TrustStore }, false, mariadbMaterial(false)), "trustCertificateKeyStoreUrl").concept = conceptAnchors
	addMariaDBField("trustStorePassword", textField(func(c *Config) *Setting[string] { return &c.TLS.TrustStorePassword }, true, nil), "trustCertificateKeyStorePassword").concept = conceptAnchors
	addMariaDBField("trustStoreType", textField(func(c *Config) *Setting[string] { return &c.TLS.TrustStoreType }, false, notEmpty(emptyType, typeFix)), "trustCertificateKeyStoreType").concept = conceptAnchors
	addMariaDBField("fallbackToSystemTrustStore", boolField(func(c *Config) *Setting[bool] { return &c.TLS.FallbackToSystemTrustStore })).concept = conceptAnchors
	addMariaDBField("keyStore", textField(func(c *Config) *Setting[string] { return &c.TLS.ClientKeyStoreURL }, false, mariadbMaterial(false)), "clientCertificateKeyStoreUrl").concept = conceptClient
	addMariaDBField("keyStorePassword", textField(func(c *Config) *Setting[string] { return &c.TLS.ClientKeyStorePassword }, true, nil), "clientCertificateKeyStorePassword").concept = conceptClient
	addMariaDBField("keyStoreType", textField(func(c *Config) *Setting[string] { return &c.TLS.ClientKeyStoreType }, false, notEmpty(emptyType, typeFix)), "clientCertificateKeyStoreType").concept = conceptClient
	addMariaDBField("enabledSslProtocolSuites", listField(",", func(c *Config) *Setting[[]string] { return &c.TLS.TLSVersions })).concept = conceptVersions
	addMariaDBField("enabledSslCipherSuites", listField(",", func(c *Config) *Setting[[]string] { return &c.TLS.Ciphers })).concept = conceptCiphers
	for _, f := range fields {
		if f.vocab == "" { // MySQLAuth: MariaDB Connector/J reads both keys with the same meaning
			mariadbFields = append(mariadbFields, f)
		}
	}

	// The table: the MySQL family's, whose TLS fields (of the two other
	// vocabularies) are refused here; then the MariaDB fields.
	for key, k := range mysqlKeys {
		switch {
		case k.class == keyField && k.field.vocab != "":
			k = keyInfo{class: keyRefused, text: mariadbOnly, secret: k.secret}
		case key == "keypassword":
			k.text = "a separate password for the key inside keyStore is not supported; protect the key with the store's password (keyStorePassword)"
		}
		mariadbKeys[key] = k
	}
	for _, f := range mariadbFields {
		for _, s := range f.spellings {
			mariadbKeys[strings.ToLower(s)] = keyInfo{class: keyField, field: f, secret: kind.IsSecretKey(s)}
		}
	}
}

// sslModeFieldOf is a mode field with its own words.
func sslModeFieldOf(parse func(key, raw string) (SSLMode, error), text func(string, SSLMode) (string, bool), get func(c *Config) *Setting[SSLMode]) fieldOps {
	return typed[SSLMode]{get: get, parse: parse, equal: eq[SSLMode], text: text}
}

// keyFamily is the key table c's properties are read by: the family's, or
// MariaDB Connector/J's for a jdbc:mariadb: URL.
func (c *Config) keyFamily() Family {
	if c.Shape == ShapeJDBCMariaDB {
		return familyMariaDB
	}
	return c.Family
}

// fieldList is the fields c's shape holds, in the order FormatDSN writes them.
func (c *Config) fieldList() []*field {
	if c.Shape == ShapeJDBCMariaDB {
		return mariadbFields
	}
	return fields
}

// vocabularyFields checks that every TLS setting of c is one its shape can
// write: disableSslHostnameVerification only in a jdbc:mariadb: URL, and in
// one only the settings MariaDB Connector/J has a word for.
func (c *Config) vocabularyFields() error {
	if c.Shape != ShapeJDBCMariaDB {
		if s := c.TLS.DisableSSLHostnameVerification; s.Set {
			return invalid("disableSslHostnameVerification", s.Raw, "MariaDB Connector/J property in another shape", "only a jdbc:mariadb: URL is read in MariaDB Connector/J's words",
				"set Shape to dsn.ShapeJDBCMariaDB, or use this shape's sslMode")
		}
		return nil
	}
	for _, f := range fields {
		if f.vocab == "" || !f.ops.isSet(c) {
			continue
		}
		held := false
		for _, m := range mariadbFields {
			held = held || m.vocab != "" && m.ops.isSet(c) && sameSetting(c, f, m)
		}
		if !held {
			return invalid(f.name, "", "property a jdbc:mariadb: URL cannot hold", mariadbOnly, "clear "+f.name+", or use another shape")
		}
	}
	return nil
}

// sameSetting reports whether fields f and m fill the same setting of c.
func sameSetting(c *Config, f, m *field) bool { return f.ops.setting(c) == m.ops.setting(c) }

// mariadbModes maps MariaDB Connector/J's spellings of sslMode (SslMode.from,
// any case: its values, its names and its aliases) to modes. Its "allow"
// (TLS with a verified certificate when the server offers TLS, else
// plaintext) has no dbtls mode and is refused by parseMariaDBSSLMode.
var mariadbModes = map[string]SSLMode{
	"disable": SSLDisabled, "disabled": SSLDisabled, "0": SSLDisabled, "false": SSLDisabled,
	"trust": SSLRequired, "required": SSLRequired,
	"verify-ca": SSLVerifyCA, "verify_ca": SSLVerifyCA,
	"verify-full": SSLVerifyIdentity, "verify_full": SSLVerifyIdentity, "verify_identity": SSLVerifyIdentity, "1": SSLVerifyIdentity, "true": SSLVerifyIdentity,
}

// mariadbModeWord is the word FormatDSN writes for a mode in a jdbc:mariadb:
// URL; PREFERRED has none.
func mariadbModeWord(_ string, m SSLMode) (string, bool) {
	w, ok := map[SSLMode]string{SSLDisabled: "disable", SSLRequired: "trust", SSLVerifyCA: "verify-ca", SSLVerifyIdentity: "verify-full"}[m]
	return w, ok
}

// MariaDBModeValue returns MariaDB Connector/J's word for mode v, as FormatDSN
// writes sslMode in a jdbc:mariadb: URL: disable, trust, verify-ca,
// verify-full; it has none for PREFERRED (ok is false).
func MariaDBModeValue(v SSLMode) (string, bool) { return mariadbModeWord("sslMode", v) }

func parseMariaDBSSLMode(key, raw string) (SSLMode, error) {
	v := strings.TrimSpace(raw)
	var buf [32]byte
	low := string(appendLower(buf[:0], v))
	if m, ok := mariadbModes[low]; ok {
		return m, nil
	}
	if low == "allow" {
		return 0, invalid(key, raw, "sslMode dbtls does not offer", "MariaDB Connector/J's allow verifies the certificate when the server offers TLS and falls back to plaintext when it does not, "+
			"so that whoever can answer for the server chooses plaintext", "set "+key+" to verify-full (TLS required), or to disable")
	}
	return 0, invalid(key, raw, "invalid sslMode value", "MariaDB Connector/J's sslMode is disable, trust, verify-ca or verify-full (or DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY, true, false, 1, 0)",
		"set "+key+" to one of those")
}

// mariadbMaterial checks serverSslCert (pem: a PEM may be given inline),
// trustStore and keyStore: a path, a file: URL, or for serverSslCert the
// PEM text itself. MariaDB Connector/J opens any java.net.URL and, in 4.0,
// classpath: resources; dbtls reads files only, and says so now.
func mariadbMaterial(pem bool) func(key, raw, v string) error {
	return func(key, raw, v string) error {
		switch {
		case v == "":
			return invalid(key, raw, "empty "+key, "it names nothing to read (MariaDB Connector/J reads an empty value as not given)", "give the path, or remove "+key)
		case pem && strings.HasPrefix(v, "-----"):
			return nil
		case hasPrefixFold(v, "classpath:"):
			return &kind.Error{Kind: kind.InvalidDSN, What: "classpath resource dbtls cannot read", Key: key, Value: "classpath:…",
				Why: "a Go program has no Java class path", Fix: "copy the resource to a file and set " + key + " to its path"}
		}
		return storeURL(key, raw, v)
	}
}
