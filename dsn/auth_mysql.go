package dsn

import "strings"

// MySQLAuth holds the two Connector/J properties that decide how a password
// may cross a MySQL connection that has no TLS (issue 9 item 1). The
// connector enforces them; here they are only read.
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

// applyMySQLAuth reads the two properties of MySQLAuth; ok is false for any
// other key. serverRSAPublicKeyFile and go-sql-driver's serverPubKey (the
// name of a key registered with mysql.RegisterServerPubKey) both pin the key,
// so they are one property for the duplicate check.
func (a *applier) applyMySQLAuth(key, lk, value string) (ok bool, err error) {
	switch lk {
	case "allowpublickeyretrieval":
		if err := a.once("allowPublicKeyRetrieval", key, value); err != nil {
			return true, err
		}
		return true, setBool(&a.c.Auth.AllowPublicKeyRetrieval, key, value)
	case "serverrsapublickeyfile":
		if err := a.once("serverPubKey", key, value); err != nil {
			return true, err
		}
		if strings.TrimSpace(value) == "" {
			return true, invalid(key, value, "empty "+key, "it names no key file",
				"set "+key+" to the path of the server's RSA public key (PEM), or remove it")
		}
		return true, setString(&a.c.Auth.ServerRSAPublicKeyFile, key, value)
	}
	return false, nil
}
