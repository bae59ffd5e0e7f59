package kind

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestErrorMessageShape(t *testing.T) {
	e := &Error{Kind: InvalidDSN, What: "invalid encrypt value", Key: "encrypt", Value: "maybe", Why: "want false, true or strict", Fix: "set encrypt to one of those"}
	require.Equal(t, "dbtls: invalid encrypt value (encrypt=maybe): want false, true or strict; set encrypt to one of those", e.Error())
	require.Equal(t, "dbtls: empty DSN", (&Error{Kind: InvalidDSN, What: "empty DSN"}).Error())
}

func TestSecretsAreRedactedWhateverTheCaller(t *testing.T) {
	for _, key := range []string{"password", "PWD", "trustStorePassword", "TRUSTSTOREPASSWORD", "clientCertificateKeyStorePassword", "trustCertificateKeyStorePassword"} {
		e := &Error{Kind: TruststoreIntegrity, What: "x", Key: key, Value: "hunter2"}
		require.NotContains(t, e.Error(), "hunter2", key)
		require.Contains(t, e.Error(), Redacted, key)
	}
	require.Equal(t, "", Redact("password", ""), "an empty value is shown as empty")
	require.Equal(t, "/etc/ca.pem", Redact("ssl-ca", "/etc/ca.pem"))
}

func TestIsAndOf(t *testing.T) {
	cause := errors.New("x509: boom")
	e := &Error{Kind: HostnameMismatch, What: "w", Err: cause}
	wrapped := fmt.Errorf("driver: %w", e)
	require.ErrorIs(t, wrapped, HostnameMismatch)
	require.NotErrorIs(t, wrapped, PinMismatch)
	require.ErrorIs(t, wrapped, cause, "the cause is kept")
	require.Equal(t, HostnameMismatch, Of(wrapped))
	require.Equal(t, Kind(""), Of(errors.New("plain")))
	require.Equal(t, Network, Of(fmt.Errorf("x: %w", Network)))
	// Spec §8's list, in its order, written out here rather than taken from All.
	spec := []string{"invalid-dsn", "encryption-not-supported", "untrusted-certificate", "hostname-mismatch",
		"certificate-expired", "certificate-usage", "certificate-revoked", "pin-mismatch", "truststore-integrity",
		"truststore-unreadable", "tls-version-mismatch", "handshake-failed", "server-refused", "protocol-violation", "network"}
	var got []string
	for _, k := range All() {
		got = append(got, string(k))
	}
	require.Equal(t, spec, got)
	a := All()
	a[0] = "changed by a caller"
	require.Equal(t, InvalidDSN, All()[0], "a caller cannot change the list")
}

// TestOptionKeyHasNoValue: an option given in code is named without a
// "=value" it does not have; a property keeps its "=", even empty.
func TestOptionKeyHasNoValue(t *testing.T) {
	require.Equal(t, "dbtls: no trust anchors given (WithRootCAs): the pool is nil",
		(&Error{Kind: TruststoreUnreadable, What: "no trust anchors given", Key: "WithRootCAs", Why: "the pool is nil"}).Error())
	require.Equal(t, "dbtls: empty (hostNameInCertificate=)", (&Error{Kind: InvalidDSN, What: "empty", Key: "hostNameInCertificate"}).Error())
	require.Equal(t, "dbtls: x (Without=)", (&Error{Kind: InvalidDSN, What: "x", Key: "Without"}).Error())
}
