package connector

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// recordingDialer dials as a net.Dialer and keeps what the client wrote on
// each connection.
type recordingDialer struct {
	mu    sync.Mutex
	conns []*recordedConn
}

type recordedConn struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (c *recordedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.out.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (d *recordingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	rc := &recordedConn{Conn: nc}
	d.mu.Lock()
	d.conns = append(d.conns, rc)
	d.mu.Unlock()
	return rc, nil
}

// written returns what the client wrote on each connection, in dial order.
func (d *recordingDialer) written() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out [][]byte
	for _, c := range d.conns {
		c.mu.Lock()
		out = append(out, append([]byte(nil), c.out.Bytes()...))
		c.mu.Unlock()
	}
	return out
}

// TestOldMariaDBExplained: a real MariaDB configured as an old server,
// ssl-cipher=AES128-SHA (RSA key exchange only, which Go has not offered by
// default since 1.22). The refused handshake is explained: the suite the
// server insists on, the server's ssl-cipher to change, and the key of the
// DSN's vocabulary that allows it here — which then connects. The
// diagnostic handshake runs through the connector's dialer (WithDialer),
// over a second connection that carries the SSLRequest and TLS handshake
// records only: no login packet, no user name.
func TestOldMariaDBExplained(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "old CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")},
		Parent: ca, NotBefore: nb, NotAfter: na, RSA: true})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf, SSLCipher: "AES128-SHA", TLSVersion: "TLSv1.2"})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CertPEM(), 0o644))
	creds := "user=" + mariadb.PlainUser + "&password=" + mariadb.PlainPassword
	cases := []struct {
		name string
		dsn  string
		kind kind.Kind // "": connects
		says []string
	}{
		{name: "Connector/J URL", dsn: "jdbc:mysql://" + srv.Addr + "/?" + creds + "&sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile, kind: kind.HandshakeFailed,
			says: []string{"insists on cipher suite TLS_RSA_WITH_AES_128_CBC_SHA (AES128-SHA)", "RSA key exchange", "since Go 1.22",
				"ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256", "enabledSSLCipherSuites=TLS_RSA_WITH_AES_128_CBC_SHA"}},
		{name: "Connector/J URL, allowed", dsn: "jdbc:mysql://" + srv.Addr + "/?" + creds + "&sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile +
			"&enabledSSLCipherSuites=TLS_RSA_WITH_AES_128_CBC_SHA"},
		{name: "MariaDB Connector/J URL", dsn: "jdbc:mariadb://" + srv.Addr + "/?" + creds + "&sslMode=trust", kind: kind.HandshakeFailed,
			says: []string{"TLS_RSA_WITH_AES_128_CBC_SHA", "enabledSslCipherSuites=TLS_RSA_WITH_AES_128_CBC_SHA"}},
		{name: "go-sql-driver DSN with a cipher list", dsn: mariadb.PlainUser + ":" + mariadb.PlainPassword + "@tcp(" + srv.Addr + ")/?tls=skip-verify&ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256",
			kind: kind.HandshakeFailed, says: []string{"ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"}},
		{name: "go-sql-driver DSN, allowed with ssl-cipher", dsn: mariadb.PlainUser + ":" + mariadb.PlainPassword + "@tcp(" + srv.Addr + ")/?tls=skip-verify&ssl-cipher=AES128-SHA"},
	}
	// tls_version=TLSv1.1: MariaDB on OpenSSL 3 cannot serve it (security
	// level 1 keeps TLSv1.1 off), so it refuses every offer, the diagnostic
	// one too.
	old := mariadb.Need(t, mariadb.Options{TLS: true, Cert: leaf, TLSVersion: "TLSv1.1"})
	cases = append(cases, struct {
		name string
		dsn  string
		kind kind.Kind
		says []string
	}{name: "tls_version=TLSv1.1 on OpenSSL 3", dsn: "jdbc:mysql://" + old.Addr + "/?" + creds + "&sslMode=REQUIRED", kind: kind.TLSVersionMismatch,
		says: []string{"no TLS version in common", "was refused too", "tls_version=TLSv1.2,TLSv1.3"}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &recordingDialer{}
			c, err := New(tc.dsn, WithDialer(d))
			require.NoError(t, err)
			info, err := connectOnce(t, c)
			if tc.kind == "" {
				require.NoError(t, err)
				require.Equal(t, "TLS_RSA_WITH_AES_128_CBC_SHA", info.CipherIANA)
				return
			}
			require.ErrorIs(t, err, tc.kind, "%v", err)
			t.Log(err)
			for _, s := range tc.says {
				require.Contains(t, err.Error(), s)
			}
			require.NotContains(t, err.Error(), "compare the TLS versions")
			require.NotContains(t, err.Error(), mariadb.PlainPassword)
			w := d.written()
			require.Len(t, w, 2, "the connect and the diagnostic handshake, both through the dialer")
			diag := w[1]
			require.GreaterOrEqual(t, len(diag), 36)
			require.Equal(t, []byte{32, 0, 0, 1}, diag[:4], "an SSLRequest first")
			for rest := diag[36:]; len(rest) > 0; {
				require.GreaterOrEqual(t, len(rest), 5)
				typ, n := rest[0], int(rest[3])<<8|int(rest[4])
				require.Contains(t, []byte{0x15, 0x16}, typ, "only handshake and alert records: no application data")
				require.GreaterOrEqual(t, len(rest), 5+n)
				rest = rest[5+n:]
			}
			require.NotContains(t, string(diag), mariadb.PlainUser)
			require.NotContains(t, string(diag), mariadb.PlainPassword)
		})
	}
}
