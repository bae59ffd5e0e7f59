package dsn

// MySQLAuth holds the two Connector/J properties that decide how a password
// may cross a MySQL connection that has no TLS. The connector enforces them;
// here they are only read, as fields of the table in keys.go. serverRSAPublicKeyFile and go-sql-driver's serverPubKey (the
// name of a key registered with mysql.RegisterServerPubKey) both pin the
// key, so they are one property for the duplicate check.
//
// caching_sha2_password (on a cache miss) and sha256_password send the
// password encrypted to the server's RSA public key when there is no TLS.
// Asked for over plaintext, that key can come from a machine in the middle,
// which then decrypts the password. Connector/J and MariaDB Connector/J
// refuse to ask unless allowPublicKeyRetrieval=true, and never ask when
// serverRSAPublicKeyFile pins the key; dbtls does the same.
type MySQLAuth struct {
	// AllowPublicKeyRetrieval (Connector/J, MariaDB Connector/J; default
	// false): the client may ask the server for its RSA public key, or use
	// one the server hands out, without TLS.
	AllowPublicKeyRetrieval Setting[bool]
	// ServerRSAPublicKeyFile (Connector/J serverRSAPublicKeyFile, MariaDB
	// serverRsaPublicKeyFile): the path of the server's RSA public key in
	// PEM, or — as MariaDB Connector/J accepts — the PEM text itself. The
	// password is then encrypted to this key only.
	ServerRSAPublicKeyFile Setting[string]
}
