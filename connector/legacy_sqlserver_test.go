package connector

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestOldSQLServerExplained: the TDS server as an old SQL Server (each of
// tds.LegacyProfiles, with an RSA certificate, and a SHA-1-signed and a
// 1024-bit certificate). The handshake Go refuses is explained: the error
// names the version or suite the server insists on, the server's setting to
// change, and sslProtocol where it allows the version here; its kind is
// tls-version-mismatch for a version, handshake-failed for a suite (spec
// §8), and untrusted-certificate for a SHA-1 signature, which fails the
// chain check (§3). The diagnostic handshake runs over a second connection
// that carries no LOGIN7. No GODEBUG setting is needed on either side: the
// server's configuration names the old versions and suites explicitly.
func TestOldSQLServerExplained(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "old CA", IsCA: true, RSA: true, NotBefore: nb, NotAfter: na})
	leaf := func(s certgen.Spec) *certgen.Cert {
		s.CN, s.DNSNames, s.IPs, s.Parent, s.NotBefore, s.NotAfter = "localhost", []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")}, ca, nb, na
		return certgen.Must(s)
	}
	rsaLeaf := leaf(certgen.Spec{RSA: true})
	trust := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(trust, ca.CertPEM(), 0o644))
	profiles := map[string]tds.Legacy{}
	for _, p := range tds.LegacyProfiles {
		profiles[p.Name] = p
	}
	cases := []struct {
		name    string
		profile string        // a tds.LegacyProfiles name; "" for a modern server
		cert    *certgen.Cert // nil: rsaLeaf
		props   string
		kind    kind.Kind // "": connects
		says    []string
	}{
		{name: "RSA key exchange only", profile: "rsa-kx-only", props: "encrypt=true;trustStore=" + trust, kind: kind.HandshakeFailed,
			says: []string{"insists on cipher suite TLS_RSA_WITH_", "RSA key exchange", "since Go 1.22", "SSL Cipher Suite Order", "no cipher-suite setting for SQL Server"}},
		{name: "RSA key exchange only, trustServerCertificate", profile: "rsa-kx-only", props: "encrypt=true;trustServerCertificate=true", kind: kind.HandshakeFailed,
			says: []string{"TLS_RSA_WITH_", "RSA key exchange"}},
		{name: "RSA key exchange only, strict", profile: "rsa-kx-only", props: "encrypt=strict;trustStore=" + trust, kind: kind.HandshakeFailed,
			says: []string{"TLS_RSA_WITH_", "RSA key exchange"}},
		{name: "3DES only", profile: "3des-only", props: "encrypt=true;trustStore=" + trust, kind: kind.HandshakeFailed,
			says: []string{"3DES_EDE_CBC_SHA", "3DES, which Go has not offered by default since Go 1.23", "no cipher-suite setting for SQL Server"}},
		{name: "TLS 1.0 only", profile: "tls10-only", props: "encrypt=true;trustStore=" + trust, kind: kind.TLSVersionMismatch,
			says: []string{"offers TLS only up to TLSv1:", `SCHANNEL\Protocols\TLS 1.2\Server`, "sslProtocol=TLSv1 "}},
		{name: "TLS 1.1 at most", profile: "tls11-only", props: "encrypt=true;trustStore=" + trust, kind: kind.TLSVersionMismatch,
			says: []string{"offers TLS only up to TLSv1.1", "TLSv1.2 to TLSv1.3", "sslProtocol=TLSv1.1"}},
		{name: "TLS 1.1 at most, allowed with sslProtocol", profile: "tls11-only", props: "encrypt=true;sslProtocol=TLSv1.1;trustStore=" + trust},
		{name: "TLS 1.3 only against sslProtocol=TLSv1.2", props: "encrypt=strict;sslProtocol=TLSv1.2;trustStore=" + trust, kind: kind.TLSVersionMismatch,
			says: []string{"offers TLSv1.3, newer than this connection allows", "sslProtocol=TLS"}},
		{name: "SHA-1-signed certificate", cert: leaf(certgen.Spec{RSA: true, SignatureAlgorithm: x509.SHA1WithRSA}), props: "encrypt=true;trustStore=" + trust,
			kind: kind.UntrustedCertificate, says: []string{"signed with SHA1-RSA", "re-issue the server's certificate signed with SHA-256", "no client setting"}},
		{name: "SHA-1-signed 1024-bit certificate", cert: leaf(certgen.Spec{RSABits: 1024, SignatureAlgorithm: x509.SHA1WithRSA}), props: "encrypt=true;trustStore=" + trust,
			kind: kind.UntrustedCertificate, says: []string{"signed with SHA1-RSA", "2048-bit (or larger) RSA key (this one has 1024 bits)"}},
		{name: "SHA-1-signed certificate, trustServerCertificate", cert: leaf(certgen.Spec{RSA: true, SignatureAlgorithm: x509.SHA1WithRSA}),
			props: "encrypt=true;trustServerCertificate=true"},
		// Go 1.26 accepts a 1024-bit RSA key (it refuses keys below 1024
		// bits): such a server connects, nothing to explain.
		{name: "1024-bit RSA certificate", cert: leaf(certgen.Spec{RSABits: 1024}), props: "encrypt=true;trustStore=" + trust},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cert := tc.cert
			if cert == nil {
				cert = rsaLeaf
			}
			cfg := tds.Config{Encryption: tds.On, Strict: tds.StrictAlso}
			if tc.profile != "" {
				p, ok := profiles[tc.profile]
				require.True(t, ok, tc.profile)
				p.Apply(&cfg)
			}
			tc13 := strings.Contains(tc.name, "TLS 1.3 only")
			if tc13 {
				cfg.MinVersion = tls.VersionTLS13
			}
			tlsCert := cert.TLS(true)
			cfg.Certificate = &tlsCert
			srv, err := tds.Listen("127.0.0.1:0", cfg)
			require.NoError(t, err)
			defer srv.Close()
			port := srv.Port()
			var px *tds.Proxy
			if !strings.Contains(tc.props, "strict") {
				px, err = tds.NewProxy(srv.Addr(), nil)
				require.NoError(t, err)
				defer px.Close()
				port = px.Port()
			}
			c, err := New(sqlServerURL(port, tc.props))
			require.NoError(t, err)
			info, err := connectOnce(t, c)
			if tc.kind == "" {
				require.NoError(t, err)
				require.True(t, info.Encrypted)
				return
			}
			require.ErrorIs(t, err, tc.kind, "%v", err)
			t.Log(err)
			for _, s := range tc.says {
				require.Contains(t, err.Error(), s)
			}
			require.NotContains(t, err.Error(), "compare the TLS versions")
			require.NotContains(t, err.Error(), "Tds-s3cret")
			if px == nil {
				return
			}
			px.Close()
			if tc.kind != kind.UntrustedCertificate {
				require.Equal(t, 2, px.Conns(), "the connect and the diagnostic handshake")
			}
			for n := 1; n <= px.Conns(); n++ {
				frames, err := tds.Frames(px.Stream(n, tds.ClientToServer))
				require.NoError(t, err)
				for _, fr := range frames {
					require.False(t, !fr.TLS && fr.Type == tds.PacketLogin7, "conn %d: a LOGIN7 packet crossed in plaintext", n)
				}
			}
			for _, r := range srv.Records() {
				require.False(t, r.LoggedIn, "no login was completed")
			}
		})
	}
}

// switchingDialer sends the first dial to first and every later one to
// rest, counting them.
type switchingDialer struct {
	mu          sync.Mutex
	n           int
	first, rest string
}

func (d *switchingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.n++
	to := d.rest
	if d.n == 1 {
		to = d.first
	}
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, network, to)
}

// TestDiagnosticWithinTheDeadline: the diagnostic handshake goes through the
// connector's dialer and is bounded by the Connect's deadline. Here the
// second connection reaches a server that never answers: Connect still
// returns by its deadline, with the handshake's own error unexplained.
func TestDiagnosticWithinTheDeadline(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	leaf := certgen.Must(certgen.Spec{CN: "localhost", NotBefore: nb, NotAfter: na, RSA: true})
	cfg := tds.Config{Encryption: tds.On}
	tds.LegacyProfiles[0].Apply(&cfg) // RSA key exchange only
	cert := leaf.TLS(false)
	cfg.Certificate = &cert
	srv, err := tds.Listen("127.0.0.1:0", cfg)
	require.NoError(t, err)
	defer srv.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			go func() { // reads, never answers; the connector's deadline ends it
				defer c.Close()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	d := &switchingDialer{first: srv.Addr(), rest: silent.Addr().String()}
	c, err := New(sqlServerURL(1433, "encrypt=true;trustServerCertificate=true"), WithDialer(d))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.Connect(ctx)
	require.Less(t, time.Since(start), 3500*time.Millisecond, "Connect returns by its deadline")
	require.ErrorIs(t, err, kind.HandshakeFailed)
	require.NotContains(t, err.Error(), "insists on")
	d.mu.Lock()
	require.Equal(t, 2, d.n, "the diagnostic connection went through the dialer")
	d.mu.Unlock()
}
