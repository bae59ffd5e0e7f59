package kind

import "strings"

// Redacted is what a secret value is replaced with in every message,
// String() and log line.
const Redacted = "xxxxx"

// secretKeys lists, lower-cased, every property whose value is a secret, in
// both vocabularies and the Go drivers' own. Redaction goes by this table,
// never by pattern matching on values.
var secretKeys = map[string]bool{
	"password":                          true,
	"pwd":                               true,
	"passwd":                            true,
	"trustStorePassword":                true,
	"keyStorePassword":                  true,
	"keyStoreSecret":                    true,
	"trustCertificateKeyStorePassword":  true,
	"clientCertificateKeyStorePassword": true,
	"ssl-key-password":                  true,
	"clientKeyPassword":                 true,
	"accessToken":                       true,
	"passphrase":                        true,
}

func init() {
	for k := range secretKeys {
		secretKeys[strings.ToLower(k)] = true
	}
}

// IsSecretKey reports whether key (any case) names a secret.
func IsSecretKey(key string) bool { return secretKeys[strings.ToLower(key)] }

// Redact returns value, or Redacted when key names a secret and value is
// not empty.
func Redact(key, value string) string {
	if value != "" && IsSecretKey(key) {
		return Redacted
	}
	return value
}
