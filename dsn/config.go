package dsn

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

// Setting is one TLS property as read from the DSN: the key exactly as the
// user wrote it (so errors can name it), the raw text, the typed value, and
// whether it was present at all ("blank" in the scenario table is Set=false).
type Setting[T any] struct {
	Key   string // as written, e.g. "trustServerCertificate" or "ssl-mode"
	Raw   string // the text after '='
	Value T      // the parsed value; the zero value when !Set
	Set   bool   // the key was present
}

// Encrypt is the SQL Server vocabulary's `encrypt` value.
type Encrypt int

// The three values of `encrypt`. Aliases: no/optional → false, yes/mandatory → true.
const (
	EncryptFalse Encrypt = iota
	EncryptTrue
	EncryptStrict
)

func (e Encrypt) String() string {
	switch e {
	case EncryptTrue:
		return "true"
	case EncryptStrict:
		return "strict"
	default:
		return "false"
	}
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
	switch m {
	case SSLDisabled:
		return "DISABLED"
	case SSLPreferred:
		return "PREFERRED"
	case SSLRequired:
		return "REQUIRED"
	case SSLVerifyCA:
		return "VERIFY_CA"
	case SSLVerifyIdentity:
		return "VERIFY_IDENTITY"
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
}

// Config is a parsed DSN: where to connect, who as, the TLS properties, and
// the parameters passed on to the Go driver.
type Config struct {
	Family   Family
	Shape    Shape
	Host     string // "" means the driver's default (localhost)
	Port     int    // 0 means the family's default (1433, 3306)
	Instance string // SQL Server named instance
	Database string
	User     string
	Password string // secret: never printed by String()
	Net      string // MySQL: "tcp" or "unix" (Host is then the socket path)

	TLS TLS

	// Auth: MySQL family, how a password may cross a connection without TLS
	// (allowPublicKeyRetrieval, serverRSAPublicKeyFile; auth_mysql.go).
	Auth MySQLAuth

	// Params are the non-TLS parameters passed on to the Go driver, keyed by
	// the driver's own (canonical) names. For MySQL, unknown keys are session
	// variables, as go-sql-driver does.
	Params map[string]string

	// Warnings are properties the JDBC driver defines but the Go driver cannot
	// honour, and other things a user should know; each names the key.
	Warnings []string

	props  []prop // the properties as written (for Format)
	scheme string // the URL scheme as written, for the URL shapes (e.g. "mariadb://")
}

// prop is one key=value pair of a DSN other than where-to-connect, in the
// order written; Format writes them back.
type prop struct{ Key, Value string }
