package verify

import (
	"strings"

	"github.com/dbtls/dbtls/dsn"
)

// ModeFix returns what to write in the DSN for the MySQL-family mode m, in
// the spelling the DSN used for its mode (spec §1): ssl-mode=REQUIRED when
// it wrote ssl-mode, tls=skip-verify when it wrote go-sql-driver's tls,
// encrypt=true when it wrote the JDBC vocabulary, sslMode=… otherwise (in a
// jdbc:mariadb: URL, MariaDB Connector/J's words: sslMode=trust, …). A
// message that asks for another mode names it so that writing it is not
// refused as a property given twice or as two vocabularies.
func (s *Strategy) ModeFix(m dsn.SSLMode) string {
	if s.mariadb {
		return s.mariadbModeFix(m)
	}
	key := s.modeKey
	switch strings.ToLower(key) {
	case "tls":
		if v, ok := dsn.ModeValue(key, m); ok {
			return key + "=" + v
		}
		return "sslMode=" + m.String() + " in place of " + key
	case "encrypt", "trustservercertificate":
		switch m {
		case dsn.SSLVerifyIdentity:
			return "encrypt=true"
		case dsn.SSLRequired:
			return "encrypt=true with trustServerCertificate=true"
		case dsn.SSLPreferred:
			return "encrypt=false"
		}
		return "sslMode=" + m.String() + " in place of " + key
	case "", "usessl", "requiressl", "verifyservercertificate":
		// sslMode decides over Connector/J's legacy keys (they are then
		// ignored, with a warning), so it can be added beside them.
		key = "sslMode"
	}
	v, _ := dsn.ModeValue(key, m)
	return key + "=" + v
}
