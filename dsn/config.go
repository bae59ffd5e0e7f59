package dsn

import (
	"maps"
	"slices"
	"strconv"
)

// Family is the driver family a DSN names.
type Family string

// The two families.
const (
	SQLServer Family = "sqlserver" // Microsoft SQL Server, through go-mssqldb
	MySQL     Family = "mysql"     // MySQL, MariaDB, TiDB, through go-sql-driver/mysql
)

// Shape is the textual form a DSN was written in.
type Shape string

// The accepted shapes (spec §1).
const (
	ShapeSQLServerURL  Shape = "sqlserver-url"  // sqlserver://user:pw@host:port/instance?k=v
	ShapeADO           Shape = "ado"            // server=host,port;user id=…;k=v
	ShapeJDBCSQLServer Shape = "jdbc-sqlserver" // jdbc:sqlserver://host:port;k=v;k={v}
	ShapeMySQLGo       Shape = "mysql-go"       // user:pw@tcp(host:port)/db?k=v
	ShapeMySQLURL      Shape = "mysql-url"      // mysql://user:pw@host:port/db?k=v
	ShapeJDBCMySQL     Shape = "jdbc-mysql"     // jdbc:mysql://host:port/db?k=v&…
	ShapeJDBCMariaDB   Shape = "jdbc-mariadb"   // jdbc:mariadb://host:port/db?k=v&…
)

// Setting is one TLS property: the key exactly as the user wrote it (so
// errors can name it), the raw text, the typed value, and whether it was
// present at all ("blank" in the scenario table is Set=false).
//
// Value and Set are the truth. Key and Raw say how it was written, for
// messages and for FormatDSN: in a Config built as a struct they may be left
// empty (NewSetting), and then messages name the property by its canonical
// key and FormatDSN writes the value in its canonical form; Raw that no longer
// reads as Value (the value was changed) is not used.
type Setting[T any] struct {
	Key   string // as written, e.g. "trustServerCertificate" or "ssl-mode"; "" for the canonical key
	Raw   string // the text after '='; "" when not written
	Value T      // the parsed value; the zero value when !Set
	Set   bool   // the key was present
}

// NewSetting returns the setting of a property set to v, with no key or raw
// text: what a Config built as a struct holds.
func NewSetting[T any](v T) Setting[T] { return Setting[T]{Value: v, Set: true} }

// Encrypt is the SQL Server vocabulary's `encrypt` value.
type Encrypt int

// The three values of `encrypt`. Aliases: no/optional → false, yes/mandatory → true.
const (
	EncryptFalse Encrypt = iota
	EncryptTrue
	EncryptStrict
)

func (e Encrypt) String() string {
	if names := [...]string{"false", "true", "strict"}; e >= 0 && int(e) < len(names) {
		return names[e]
	}
	return "Encrypt(" + strconv.Itoa(int(e)) + ")"
}

// SSLMode is the MySQL vocabulary's mode (Connector/J sslMode, MySQL ssl-mode).
type SSLMode int

// The five modes, weakest first. The default (no key) is Preferred.
const (
	SSLDisabled SSLMode = iota
	SSLPreferred
	SSLRequired
	SSLVerifyCA
	SSLVerifyIdentity
)

func (m SSLMode) String() string {
	if names := [...]string{"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"}; m >= 0 && int(m) < len(names) {
		return names[m]
	}
	return "UNKNOWN"
}

// TLS holds every TLS property of both vocabularies, as read. Nothing here is
// resolved yet: package verify turns it into a Strategy. A property written in
// the other family's vocabulary is kept here too (e.g. encrypt on a MySQL DSN),
// and verify maps or refuses it per spec §5.
type TLS struct {
	// SQL Server / Microsoft JDBC vocabulary.
	Encrypt                Setting[Encrypt]
	TrustServerCertificate Setting[bool]
	HostNameInCertificate  Setting[string]
	TrustStore             Setting[string] // path
	TrustStorePassword     Setting[string] // secret
	TrustStoreType         Setting[string] // JKS, PKCS12, PEM, … (a hint: content decides)
	ServerCertificate      Setting[string] // path of a PEM or DER certificate (strict only)
	SSLProtocol            Setting[string] // e.g. TLSv1.2
	CRL                    Setting[string] // certificateRevocationList (dbtls's own): a CRL file or a directory of them

	// MySQL / Connector/J / TiDB vocabulary.
	SSLMode Setting[SSLMode] // sslMode or ssl-mode
	// Legacy Connector/J booleans; when sslMode is absent they decide the mode
	// (useSSL=false → DISABLED, requireSSL=true → REQUIRED,
	// verifyServerCertificate=true → VERIFY_CA; see verify).
	UseSSL                     Setting[bool]
	RequireSSL                 Setting[bool]
	VerifyServerCertificate    Setting[bool]
	SSLCA                      Setting[string] // ssl-ca / sslCa / serverSslCert: PEM path
	TrustCertKeyStoreURL       Setting[string] // trustCertificateKeyStoreUrl (file: URL or path)
	TrustCertKeyStorePassword  Setting[string] // secret
	TrustCertKeyStoreType      Setting[string]
	FallbackToSystemTrustStore Setting[bool]
	SSLCert                    Setting[string] // ssl-cert: client certificate PEM path
	SSLKey                     Setting[string] // ssl-key: client key PEM path
	ClientKeyStoreURL          Setting[string] // clientCertificateKeyStoreUrl
	ClientKeyStorePassword     Setting[string] // secret
	ClientKeyStoreType         Setting[string]
	TLSVersions                Setting[[]string] // tls-version / tlsVersions / enabledTLSProtocols, split on ','
	Ciphers                    Setting[[]string] // ssl-cipher (':' or ','), tlsCiphersuites / enabledSSLCipherSuites
	TLS13Suites                Setting[[]string] // tls-ciphersuites
	SSLCRL                     Setting[string]   // ssl-crl: a CRL file (PEM or DER)
	SSLCRLPath                 Setting[string]   // ssl-crlpath: a directory of CRL files

	// MariaDB Connector/J vocabulary (a jdbc:mariadb: URL): its sslMode,
	// useSsl, trustServerCertificate, serverSslCert (inline PEM too),
	// trustStore…, keyStore…, enabledSslProtocolSuites and
	// enabledSslCipherSuites fill the settings above; this one is its own.
	// With useSsl=true it makes the mode verify-ca (see verify).
	DisableSSLHostnameVerification Setting[bool]
}

// Config is a parsed DSN: where to connect, who as, the TLS properties, and
// the parameters passed on to the Go driver.
//
// Its exported fields are its only truth. Parse fills them, checking the
// text as it reads it; a Config may also be built as a struct or changed
// after Parse, and Normalize then checks it from its fields with the same
// rules (vocabularies, conflicts, values, secrets, driver parameters), on a
// copy. FormatDSN and String write it from its fields. What Parse refuses in a
// DSN, Normalize refuses in the Config FormatDSN would write for it, with the
// same kind and message.
type Config struct {
	Family   Family
	Shape    Shape  // "" means the family's default: ShapeJDBCSQLServer or ShapeMySQLGo
	Host     string // "" means the driver's default (localhost)
	Port     int    // 0 means the family's default (1433, 3306)
	Instance string // SQL Server named instance
	Database string
	User     string
	Password string // secret: never printed by String()
	Net      string // MySQL: "tcp", "tcp4", "tcp6" or "unix" (Host is then the socket path); "" in go-sql-driver's user@/db

	TLS TLS

	// Auth: MySQL family, how a password may cross a connection without TLS
	// (allowPublicKeyRetrieval, serverRSAPublicKeyFile; auth_mysql.go).
	Auth MySQLAuth

	// Params are the non-TLS parameters passed on to the Go driver, keyed by
	// the driver's own names (go-mssqldb's in lower case, "app name";
	// go-sql-driver's as it spells them, "parseTime"). For MySQL, other keys
	// are session variables, as go-sql-driver does (SET key=value).
	Params map[string]string

	// Ignored are the properties the JDBC driver defines but the Go driver
	// cannot honour (sendStringParametersAsUnicode, autoReconnect, …), as
	// written: accepted, never sent, each with a warning.
	Ignored []Property

	// Warnings name each property of Ignored. Parse and Normalize write them
	// from Ignored; what a caller puts here is replaced.
	Warnings []string

	// source is the DSN Parse read. FormatDSN and String re-split it, when
	// called, to recover the order and spelling its properties were written
	// in (layout.go); nothing reads it for meaning. It may hold a password
	// that a field no longer holds, like any copy of the DSN.
	source string
	// normalized: the Config was returned by Parse or Normalize, or is a
	// Clone of one (Normalized).
	normalized bool
}

// Property is one key=value pair as written.
type Property struct{ Key, Value string }

// Normalized reports whether c was returned by Parse or Normalize, or is a
// Clone of such a Config: every check has passed on what its fields held
// then. The report is about where c came from, not about what it holds now:
// a Config changed since (a field set, a parameter added) is still reported
// as normalized and should go through Normalize again. Packages that accept
// a Config (verify, connector) may use it to skip a second normalization of
// a Config they did not let anyone change.
func (c *Config) Normalized() bool { return c != nil && c.normalized }

// Clone returns a deep copy of c: changing one changes nothing in the
// other. The copy is Normalized when c is.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	o := *c
	o.TLS.TLSVersions.Value = slices.Clone(c.TLS.TLSVersions.Value)
	o.TLS.Ciphers.Value = slices.Clone(c.TLS.Ciphers.Value)
	o.TLS.TLS13Suites.Value = slices.Clone(c.TLS.TLS13Suites.Value)
	o.Params = maps.Clone(c.Params)
	o.Ignored = slices.Clone(c.Ignored)
	o.Warnings = slices.Clone(c.Warnings)
	return &o
}
