package kind

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSecretKeys: every key below names a secret, written from the drivers'
// documentation (mssql-jdbc, Connector/J, MariaDB Connector/J, go-mssqldb)
// and from MySQL's SET syntax for session variables. Before IsSecretKey was
// the one rule, Error used a shorter table than package dsn, and an error
// about AADSecurePrincipalSecret or msiClientSecret showed the value.
func TestSecretKeys(t *testing.T) {
	for _, key := range []string{
		"password", "Password", " PWD ", "passwd", "pwd",
		"trustStorePassword", "keyStorePassword", "keyStoreSecret", "clientCertificateKeyStorePassword",
		"trustCertificateKeyStorePassword", "clientKeyPassword", "keyPassword", "ssl-key-password",
		"AADSecurePrincipalSecret", "msiClientSecret", "keyVaultProviderClientKey", "accessToken", "accessTokenCallback",
		"passphrase",
		// MySQL session variable spellings (go-sql-driver sends SET <key> = <value>).
		"@@password", "@@session.password", "@@SESSION.Password", "session.password", "SESSION password",
		"`password`", "'password'", `"PASSWORD"`, "@pwd", "authentication_string", "@@global.authentication_string",
		"validate_password.length",
	} {
		require.True(t, IsSecretKey(key), "%q is a secret", key)
		e := &Error{Kind: InvalidDSN, What: "x", Key: key, Value: "Qv7-hunter"}
		require.NotContains(t, e.Error(), "Qv7-hunter", key)
		require.NotContains(t, fmt.Sprintf("%#v", e), "Qv7-hunter", key)
		require.NotContains(t, fmt.Sprintf("%+v", e), "Qv7-hunter", key)
		require.Equal(t, Redacted, Redact(key, "Qv7-hunter"), key)
	}
	for _, key := range []string{"user", "clientKey", "ssl-key", "ssl-cert", "trustStore", "sslMode", "sql_mode", "encrypt",
		"@@session.sql_mode", "time_zone", "keyStore", "serverRSAPublicKeyFile"} {
		require.False(t, IsSecretKey(key), "%q is not a secret", key)
		require.Equal(t, "v", Redact(key, "v"))
	}
}

// TestGoStringRedacts: %#v of an *Error prints its fields, the value
// redacted as in Error() and the cause by its message only. Before GoString,
// %#v printed the struct as it is, and truststore's integrity error holds the
// store password in Value.
func TestGoStringRedacts(t *testing.T) {
	e := &Error{Kind: TruststoreIntegrity, What: "trust store integrity check failed", Key: "trustStorePassword",
		Value: "Wr0ng-St0re-pw", Err: errors.New("keystore: bad MAC")}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		require.NotContains(t, fmt.Sprintf(verb, e), "Wr0ng-St0re-pw", verb)
	}
	require.Equal(t, `&kind.Error{Kind:"truststore-integrity", What:"trust store integrity check failed", Key:"trustStorePassword", Value:"xxxxx", At:"", Why:"", Fix:"", Err:error("keystore: bad MAC")}`,
		fmt.Sprintf("%#v", e))
	require.Contains(t, fmt.Sprintf("%#v", &Error{Kind: InvalidDSN, Key: "encrypt", Value: "maybe"}), `Value:"maybe"`, "other values are shown")
}

// TestEveryPrinterRedacts: a caller that put a secret in Value under a
// secret key sees it through no printer: fmt's verbs on the pointer and on
// the dereferenced value, encoding/json (alone and in a []error), log/slog's
// TextHandler and JSONHandler (slog.Any("errs", []error{err})), MarshalText
// and LogValue. The JSON keeps the kind and the message.
func TestEveryPrinterRedacts(t *testing.T) {
	e := &Error{Kind: TruststoreIntegrity, What: "trust store integrity check failed", Key: "trustStorePassword",
		Value: "Wr0ng-St0re-pw", Err: errors.New("keystore: bad MAC")}
	var shown []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%t"} {
		shown = append(shown, fmt.Sprintf(verb, e), fmt.Sprintf(verb, *e))
	}
	for _, v := range []any{e, *e, []error{e}} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		shown = append(shown, string(b))
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Error("x", "err", e, "value", *e, slog.Any("errs", []error{e}))
	}
	text, err := e.MarshalText()
	require.NoError(t, err)
	shown = append(shown, logs.String(), string(text), e.LogValue().String())
	for _, s := range shown {
		require.NotContains(t, s, "Wr0ng-St0re-pw")
	}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	require.JSONEq(t, `{"Kind":"truststore-integrity","What":"trust store integrity check failed","Key":"trustStorePassword","Value":"xxxxx",
		"Err":"keystore: bad MAC","Message":"dbtls: trust store integrity check failed (trustStorePassword=xxxxx)"}`, string(b))
	require.Equal(t, e.Error(), fmt.Sprint(*e), "the value prints the message as the pointer does")
}

func TestErrorPosition(t *testing.T) {
	e := &Error{Kind: InvalidDSN, What: "malformed JDBC URL", Key: "scheme", Value: "jdbc:sqlserver", At: "character 16", Why: "want ://", Fix: "write jdbc:sqlserver://host"}
	require.Equal(t, "dbtls: malformed JDBC URL (scheme=jdbc:sqlserver) at character 16: want ://; write jdbc:sqlserver://host", e.Error())
}
