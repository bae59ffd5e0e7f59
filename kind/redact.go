package kind

import "strings"

// Redacted is what a secret value is replaced with in every message,
// String() and log line.
const Redacted = "xxxxx"

// secretWords: a key whose name holds one of these is a secret whatever its
// spelling or case (password, trustStorePassword, AADSecurePrincipalSecret,
// msiClientSecret, accessToken, accessTokenCallback, keyVaultProviderClientKey,
// @@session.password, authentication_string, MySQL's stored password hash).
// pwd is a secret too (ADO's and go-mssqldb's password key), though no word
// holds it; clientKey alone is not: it is the path of a PEM key file.
var secretWords = []string{"password", "passwd", "secret", "token", "passphrase", "clientkey", "authentication_string"}

// IsSecretKey reports whether key names a secret. It is the one rule of
// dbtls: every package redacts by it (package dsn for String, Format's
// redacted forms and its errors; Error for every message). The key may be
// written in any case, with surrounding spaces, quotes or backticks, and
// with MySQL's variable prefixes (@@, @@session., session , …): a session
// variable named `PASSWORD` or @@session.password is a secret too.
func IsSecretKey(key string) bool {
	k := normalizeKey(key)
	switch k {
	case "pwd":
		return true
	case "clientkey":
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// unquote removes the quotes and backticks a key may be written in.
var unquote = strings.NewReplacer("`", "", `"`, "", "'", "")

// normalizeKey lower-cases key and strips quotes, backticks, spaces and
// MySQL's variable prefixes, so that every spelling of one name is one key.
func normalizeKey(key string) string {
	k := strings.ToLower(strings.TrimSpace(key))
	k = unquote.Replace(k)
	k = strings.TrimLeft(strings.TrimSpace(k), "@")
	for _, scope := range []string{"global", "session", "local", "persist_only", "persist"} {
		if rest, ok := strings.CutPrefix(k, scope); ok && rest != "" && (rest[0] == '.' || rest[0] == ' ') {
			k = rest[1:]
			break
		}
	}
	return strings.TrimSpace(k)
}

// Redact returns value, or Redacted when key names a secret and value is
// not empty.
func Redact(key, value string) string {
	if value != "" && IsSecretKey(key) {
		return Redacted
	}
	return value
}
