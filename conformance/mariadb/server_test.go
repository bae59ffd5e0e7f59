package mariadb

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

func variable(t *testing.T, s *Server, name string) string {
	db, err := s.Admin()
	require.NoError(t, err)
	defer db.Close()
	var k, v string
	require.NoError(t, db.QueryRow("SHOW GLOBAL VARIABLES LIKE '"+name+"'").Scan(&k, &v))
	return v
}

func TestServerConfigurations(t *testing.T) {
	ca := certgen.Must(certgen.Spec{CN: "harness CA", IsCA: true})
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca})

	off := Need(t, Options{})
	require.Equal(t, "DISABLED", variable(t, off, "have_ssl"))

	on := Need(t, Options{TLS: true, Cert: leaf, TLSVersion: "TLSv1.2", RequireSecureTransport: true})
	require.Equal(t, "YES", variable(t, on, "have_ssl"))
	require.Equal(t, "TLSv1.2", variable(t, on, "tls_version"))
	require.Equal(t, "ON", variable(t, on, "require_secure_transport"))

	// Restart on the same port with another configuration.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	port := off.Port
	require.NoError(t, off.Restart(ctx, Options{TLS: true, Cert: leaf}))
	require.Equal(t, port, off.Port)
	require.Equal(t, "YES", variable(t, off, "have_ssl"))
}
