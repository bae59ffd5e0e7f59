package dsn

import (
	"strings"
)

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

// tlsProp is one TLS property: its canonical name, vocabulary, concept and the
// function that stores a value into TLS.
type tlsProp struct {
	name    string
	vocab   vocabulary
	concept concept
	set     func(t *TLS, key, raw string) error
}

// tlsProps is THE table of TLS properties. Aliases map to the same entry;
// keys are matched case-insensitively.
var tlsProps = map[string]*tlsProp{}

// tlsKeySpellings lists every TLS key as documented, for suggestions.
var tlsKeySpellings []string

func addProp(p *tlsProp, aliases ...string) {
	for _, a := range append([]string{p.name}, aliases...) {
		tlsProps[strings.ToLower(a)] = p
		tlsKeySpellings = append(tlsKeySpellings, a)
	}
}

func init() {
	// SQL Server / Microsoft JDBC vocabulary.
	addProp(&tlsProp{"encrypt", vocabJDBC, conceptMode, func(t *TLS, k, v string) error { return setEncrypt(&t.Encrypt, k, v) }})
	addProp(&tlsProp{"trustServerCertificate", vocabJDBC, conceptMode, func(t *TLS, k, v string) error { return setBool(&t.TrustServerCertificate, k, v) }})
	addProp(&tlsProp{"hostNameInCertificate", vocabJDBC, conceptName, func(t *TLS, k, v string) error { return setString(&t.HostNameInCertificate, k, v) }})
	// go-mssqldb's "certificate" is a CA file: the same concept as a PEM trust store.
	addProp(&tlsProp{"trustStore", vocabJDBC, conceptAnchors, func(t *TLS, k, v string) error { return setString(&t.TrustStore, k, v) }}, "certificate")
	addProp(&tlsProp{"trustStorePassword", vocabJDBC, conceptAnchors, func(t *TLS, k, v string) error { return setSecret(&t.TrustStorePassword, k, v) }})
	addProp(&tlsProp{"trustStoreType", vocabJDBC, conceptAnchors, func(t *TLS, k, v string) error { return setString(&t.TrustStoreType, k, v) }})
	addProp(&tlsProp{"serverCertificate", vocabJDBC, conceptPin, func(t *TLS, k, v string) error { return setString(&t.ServerCertificate, k, v) }})
	addProp(&tlsProp{"sslProtocol", vocabJDBC, conceptVersions, func(t *TLS, k, v string) error { return setString(&t.SSLProtocol, k, v) }})

	// MySQL / Connector/J / TiDB vocabulary.
	addProp(&tlsProp{"sslMode", vocabMySQL, conceptMode, func(t *TLS, k, v string) error { return setSSLMode(&t.SSLMode, k, v) }}, "ssl-mode", "ssl_mode")
	addProp(&tlsProp{"tls", vocabMySQL, conceptMode, setGoSQLDriverTLS})
	addProp(&tlsProp{"useSSL", vocabMySQL, conceptMode, func(t *TLS, k, v string) error { return setBool(&t.UseSSL, k, v) }}, "ssl")
	addProp(&tlsProp{"requireSSL", vocabMySQL, conceptMode, func(t *TLS, k, v string) error { return setBool(&t.RequireSSL, k, v) }})
	addProp(&tlsProp{"verifyServerCertificate", vocabMySQL, conceptMode, func(t *TLS, k, v string) error { return setBool(&t.VerifyServerCertificate, k, v) }})
	addProp(&tlsProp{"ssl-ca", vocabMySQL, conceptAnchors, func(t *TLS, k, v string) error { return setString(&t.SSLCA, k, v) }}, "sslCa", "ssl_ca", "serverSslCert")
	addProp(&tlsProp{"trustCertificateKeyStoreUrl", vocabMySQL, conceptAnchors, func(t *TLS, k, v string) error { return setString(&t.TrustCertKeyStoreURL, k, v) }})
	addProp(&tlsProp{"trustCertificateKeyStorePassword", vocabMySQL, conceptAnchors, func(t *TLS, k, v string) error { return setSecret(&t.TrustCertKeyStorePassword, k, v) }})
	addProp(&tlsProp{"trustCertificateKeyStoreType", vocabMySQL, conceptAnchors, func(t *TLS, k, v string) error { return setString(&t.TrustCertKeyStoreType, k, v) }})
	addProp(&tlsProp{"fallbackToSystemTrustStore", vocabMySQL, conceptAnchors, func(t *TLS, k, v string) error { return setBool(&t.FallbackToSystemTrustStore, k, v) }})
	addProp(&tlsProp{"ssl-cert", vocabMySQL, conceptClient, func(t *TLS, k, v string) error { return setString(&t.SSLCert, k, v) }}, "sslCert", "ssl_cert")
	addProp(&tlsProp{"ssl-key", vocabMySQL, conceptClient, func(t *TLS, k, v string) error { return setString(&t.SSLKey, k, v) }}, "sslKey", "ssl_key")
	addProp(&tlsProp{"clientCertificateKeyStoreUrl", vocabMySQL, conceptClient, func(t *TLS, k, v string) error { return setString(&t.ClientKeyStoreURL, k, v) }})
	addProp(&tlsProp{"clientCertificateKeyStorePassword", vocabMySQL, conceptClient, func(t *TLS, k, v string) error { return setSecret(&t.ClientKeyStorePassword, k, v) }})
	addProp(&tlsProp{"clientCertificateKeyStoreType", vocabMySQL, conceptClient, func(t *TLS, k, v string) error { return setString(&t.ClientKeyStoreType, k, v) }})
	addProp(&tlsProp{"tls-version", vocabMySQL, conceptVersions, func(t *TLS, k, v string) error { return setList(&t.TLSVersions, k, v, ",") }}, "tlsVersions", "enabledTLSProtocols", "tls_version")
	addProp(&tlsProp{"ssl-cipher", vocabMySQL, conceptCiphers, func(t *TLS, k, v string) error { return setList(&t.Ciphers, k, v, ":,") }}, "tlsCiphersuites", "enabledSSLCipherSuites", "ssl_cipher")
	addProp(&tlsProp{"tls-ciphersuites", vocabMySQL, conceptTLS13, func(t *TLS, k, v string) error { return setList(&t.TLS13Suites, k, v, ":,") }}, "tls_ciphersuites")
}

// sqlServerDriverParams are go-mssqldb's own non-TLS parameters, passed on.
var sqlServerDriverParams = map[string]string{
	"app name": "app name", "applicationintent": "applicationintent", "connection timeout": "connection timeout",
	"dial timeout": "dial timeout", "keepalive": "keepalive", "packet size": "packet size", "log": "log",
	"failoverpartner": "failoverpartner", "failoverport": "failoverport", "workstation id": "workstation id",
	"serverspn": "serverspn", "disableretry": "disableretry", "multisubnetfailover": "multisubnetfailover",
	"protocol": "protocol", "guid conversion": "guid conversion",
	// Microsoft JDBC names with a go-mssqldb equivalent.
	"applicationname": "app name", "workstationid": "workstation id", "packetsize": "packet size",
	"failoverpartnerspn": "failoverpartnerspn",
}

// jdbcSQLServerIgnored are Microsoft JDBC properties go-mssqldb cannot honour:
// they are accepted with a warning.
var jdbcSQLServerIgnored = map[string]bool{
	"sendstringparametersasunicode": true, "sockettimeout": true, "locktimeout": true, "querytimeout": true,
	"selectmethod": true, "responsebuffering": true, "logintimeout": true, "cancelquerytimeout": true,
	"sendtimeasdatetime": true, "lastupdatecount": true, "xopenstates": true, "disablestatementpooling": true,
	"statementpoolingcachesize": true, "enableprepareonfirstpreparedstatementcall": true,
	"serverpreparedstatementdiscardthreshold": true, "usebulkcopyforbatchinsert": true, "delayloadingLobs": true,
	"sendtemporalDataTypesAsStringForBulkCopy": true, "maxresultbuffer": true, "connectretrycount": true,
	"connectretryinterval": true, "transparentnetworkipresolution": true, "columnencryptionsetting": true,
	"keystoreauthentication": true, "keystorelocation": true, "keystoresecret": true, "keystoreprincipalid": true,
	"fips": true, "integratedsecurity": true, "authenticationscheme": true, "authentication": true,
	"domain": true, "realm": true, "jaasconfigurationname": true, "preparemethod": true,
}

// refusedKeys cannot be honoured and must not be ignored: they change whom the
// client trusts.
var refusedKeys = map[string]string{
	"trustmanagerclass":          "a Java TrustManager class cannot run in Go; use trustStore (JKS, PKCS12 or PEM) or serverCertificate instead",
	"trustmanagerconstructorarg": "a Java TrustManager class cannot run in Go; use trustStore (JKS, PKCS12 or PEM) or serverCertificate instead",
	"sslcontextprovider":         "a Java SSLContext provider cannot run in Go; remove it",
	"tlsmin":                     "go-mssqldb's tlsmin is not read by dbtls; use sslProtocol (SQL Server) or tls-version (MySQL)",
	"clientcertificate":          "client certificates for SQL Server are not supported by dbtls; remove it",
	"clientkey":                  "client certificates for SQL Server are not supported by dbtls; remove it",
}

// mysqlDriverParams are go-sql-driver/mysql's own parameters, passed on.
var mysqlDriverParams = map[string]string{}

func init() {
	for _, k := range []string{"allowAllFiles", "allowCleartextPasswords", "allowFallbackToPlaintext",
		"allowNativePasswords", "allowOldPasswords", "charset", "checkConnLiveness", "clientFoundRows",
		"collation", "columnsWithAlias", "compress", "connectionAttributes", "interpolateParams", "loc",
		"timeTruncate", "maxAllowedPacket", "multiStatements", "parseTime", "readTimeout", "rejectReadOnly",
		"serverPubKey", "timeout", "writeTimeout"} {
		mysqlDriverParams[strings.ToLower(k)] = k
	}
	lower := map[string]bool{}
	for k := range jdbcSQLServerIgnored {
		lower[strings.ToLower(k)] = true
	}
	jdbcSQLServerIgnored = lower
}

// connectorJIgnored are Connector/J properties go-sql-driver cannot honour:
// accepted with a warning rather than sent as session variables.
var connectorJIgnored = map[string]bool{
	"useunicode": true, "characterencoding": true, "servertimezone": true, "connectiontimezone": true,
	"autoreconnect": true, "useserverprepstmts": true, "cacheprepstmts": true, "prepstmtcachesize": true,
	"prepstmtcachesqllimit": true, "rewritebatchedstatements": true, "zerodatetimebehavior": true,
	"allowpublickeyretrieval": true, "sockettimeout": true, "uselegacydatetimecode": true,
	"useaffectedrows": true, "maxreconnects": true, "failoverreadonly": true,
	"tcpkeepalive": true, "cacheserverconfiguration": true, "elidesetautocommits": true,
	"uselocalsessionstate": true, "maintaintimestats": true,
}

// connectorJMapped are Connector/J properties with a go-sql-driver equivalent.
var connectorJMapped = map[string]string{
	"connecttimeout": "timeout", // milliseconds in Connector/J; converted
}

// secretProps are the TLS properties whose values are secrets.
func isSecret(key string) bool {
	return isPasswordKey(key) || strings.HasSuffix(strings.ToLower(key), "password")
}

func isPasswordKey(key string) bool {
	switch strings.ToLower(key) {
	case "password", "pwd", "passwd":
		return true
	}
	return false
}
