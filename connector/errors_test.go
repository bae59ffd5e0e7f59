package connector

import (
	"context"
	"crypto/x509"
	"database/sql/driver"
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
	my, ms := &mySQL{}, &sqlServer{}
	both := []backend{my, ms}
	cases := []struct {
		name    string
		be      []backend // the backends whose driver gives it
		err     error
		want    kind.Kind
		wrapped bool // the original is reachable with errors.Is (mssql.Error is not comparable: errors.As below)
	}{
		{"go-sql-driver: no TLS on the server", []backend{my}, mysql.ErrNoTLS, kind.EncryptionNotSupported, true},
		{"MySQL 3159 insecure transport", []backend{my}, &mysql.MySQLError{Number: 3159, Message: "Connections using insecure transport are prohibited"}, kind.ServerRefused, true},
		{"MySQL 1045 (a REQUIRE clause)", []backend{my}, &mysql.MySQLError{Number: 1045, Message: "Access denied for user 'x509user'"}, kind.ServerRefused, true},
		{"go-sql-driver: invalid connection", []backend{my}, mysql.ErrInvalidConn, kind.Network, true},
		{"go-mssqldb login error", []backend{ms}, mssql.Error{Number: 18456, Message: "Login failed for user 'sa'."}, kind.ServerRefused, false},
		{"go-mssqldb: no encryption", []backend{ms}, errors.New("TLS Handshake failed: server does not support encryption"), kind.EncryptionNotSupported, true},
		{"x509 error from crypto/tls", both, unknownCA, kind.UntrustedCertificate, true},
		{"TLS version", both, errors.New("tls: protocol version not supported"), kind.TLSVersionMismatch, true},
		{"dial refused", both, dialErr, kind.Network, true},
		{"EOF", both, io.EOF, kind.Network, true},
		{"unexpected EOF wrapped", both, fmt.Errorf("reading handshake: %w", io.ErrUnexpectedEOF), kind.Network, true},
		{"bad connection", both, driver.ErrBadConn, kind.Network, true},
		{"anything else", both, errors.New("something odd"), kind.HandshakeFailed, true},
		{"already a kind", both, &kind.Error{Kind: kind.PinMismatch, What: "pin"}, kind.PinMismatch, true},
	}
	for _, tc := range cases {
		for _, be := range tc.be {
			t.Run(fmt.Sprintf("%s/%T", tc.name, be), func(t *testing.T) {
				// a record after a handshake, as the TDS-specific cases need none
				rec := &record{strategy: &verify.Strategy{Row: "REQUIRED"}, handshake: true}
				got := be.mapError(context.Background(), tc.err, rec)
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
}

// TestMapErrorPrefersTheRecord: what the connection itself saw (the
// downgrade guard's refusal, the certificate verdict) wins over the driver's
// flattened message.
func TestMapErrorPrefersTheRecord(t *testing.T) {
	refusal := &kind.Error{Kind: kind.EncryptionNotSupported, What: "guard"}
	verdict := &kind.Error{Kind: kind.HostnameMismatch, What: "name"}
	driverErr := errors.New("TLS Handshake failed: tls: failed to verify certificate")

	for _, be := range []backend{&mySQL{}, &sqlServer{}} {
		rec := &record{strategy: &verify.Strategy{}, verdict: verdict}
		require.ErrorIs(t, be.mapError(context.Background(), driverErr, rec), kind.HostnameMismatch)

		rec = &record{strategy: &verify.Strategy{}, verdict: verdict, refused: refusal}
		require.ErrorIs(t, be.mapError(context.Background(), io.EOF, rec), kind.EncryptionNotSupported)
	}
}
