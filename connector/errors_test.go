package connector

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/require"
)

// TestMapError: the drivers' errors, as they arrive, get the kinds of spec
// §8, and the original stays reachable with errors.Is / errors.As.
func TestMapError(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	unknownCA := fmt.Errorf("remote error: %w", x509.UnknownAuthorityError{})
	cases := []struct {
		name    string
		err     error
		want    kind.Kind
		wrapped bool // the original is reachable with errors.Is (mssql.Error is not comparable: errors.As below)
	}{
		{"go-sql-driver: no TLS on the server", mysql.ErrNoTLS, kind.EncryptionNotSupported, true},
		{"MySQL 3159 insecure transport", &mysql.MySQLError{Number: 3159, Message: "Connections using insecure transport are prohibited"}, kind.ServerRefused, true},
		{"MySQL 1045 (a REQUIRE clause)", &mysql.MySQLError{Number: 1045, Message: "Access denied for user 'x509user'"}, kind.ServerRefused, true},
		{"go-mssqldb login error", mssql.Error{Number: 18456, Message: "Login failed for user 'sa'."}, kind.ServerRefused, false},
		{"go-mssqldb: no encryption", errors.New("TLS Handshake failed: server does not support encryption"), kind.EncryptionNotSupported, true},
		{"x509 error from crypto/tls", unknownCA, kind.UntrustedCertificate, true},
		{"TLS version", errors.New("tls: protocol version not supported"), kind.TLSVersionMismatch, true},
		{"dial refused", dialErr, kind.Network, true},
		{"EOF", io.EOF, kind.Network, true},
		{"unexpected EOF wrapped", fmt.Errorf("reading handshake: %w", io.ErrUnexpectedEOF), kind.Network, true},
		{"anything else", errors.New("something odd"), kind.HandshakeFailed, true},
		{"already a kind", &kind.Error{Kind: kind.PinMismatch, What: "pin"}, kind.PinMismatch, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mapError(context.Background(), tc.err, &record{strategy: &verify.Strategy{Row: "REQUIRED"}})
			var ke *kind.Error
			require.ErrorAs(t, got, &ke, "every failure is a *kind.Error")
			require.ErrorIs(t, got, tc.want)
			if tc.wrapped {
				require.ErrorIs(t, got, tc.err, "the original is kept with %%w")
			}
			var ms mssql.Error
			if errors.As(tc.err, &ms) {
				var again mssql.Error
				require.ErrorAs(t, got, &again)
				require.Equal(t, ms.Number, again.Number)
			}
		})
	}
}

// TestMapErrorPrefersTheRecord: what the connection itself saw (the
// downgrade guard's refusal, the certificate verdict) wins over the driver's
// flattened message.
func TestMapErrorPrefersTheRecord(t *testing.T) {
	refusal := &kind.Error{Kind: kind.EncryptionNotSupported, What: "guard"}
	verdict := &kind.Error{Kind: kind.HostnameMismatch, What: "name"}
	driverErr := errors.New("TLS Handshake failed: tls: failed to verify certificate")

	rec := &record{strategy: &verify.Strategy{}, verdict: verdict}
	require.ErrorIs(t, mapError(context.Background(), driverErr, rec), kind.HostnameMismatch)

	rec = &record{strategy: &verify.Strategy{}, verdict: verdict, refused: refusal}
	require.ErrorIs(t, mapError(context.Background(), io.EOF, rec), kind.EncryptionNotSupported)
}
