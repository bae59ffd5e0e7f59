package verify

import (
	"crypto/tls"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// serve starts a TLS server on 127.0.0.1 presenting cert (with its
// intermediate) and answering one byte per connection.
func serve(t *testing.T, cert *certgen.Cert, max uint16) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	cfg := &tls.Config{Certificates: []tls.Certificate{cert.TLS(true)}, MaxVersion: max, Time: func() time.Time { return now }}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := tls.Server(c, cfg)
				if tc.Handshake() == nil {
					_, _ = tc.Write([]byte{1})
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func dial(addr string, cfg *tls.Config) (tls.ConnectionState, error) {
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer c.Close()
	b := make([]byte, 1)
	_, err = c.Read(b)
	return c.ConnectionState(), err
}

func TestTLSConfigHandshakes(t *testing.T) {
	p := newPKI(t)
	clock := func() time.Time { return now }
	good := serve(t, p.leaf, 0)
	expired := serve(t, p.expired, 0)
	for _, tt := range []struct {
		name string
		addr string
		s    *Strategy
		want kind.Kind
	}{
		{"ca-chain accepted", good, &Strategy{Mode: ModeCAChain, NameRules: SQLServerNames, ExpectedName: "db.example.com", Roots: p.root.Pool()}, ""},
		{"ca-chain wrong roots", good, &Strategy{Mode: ModeCAChain, NameRules: SQLServerNames, ExpectedName: "db.example.com", Roots: p.otherRoot.Pool()}, kind.UntrustedCertificate},
		{"hostname override mismatch", good, &Strategy{Mode: ModeHostnameOverride, NameRules: SQLServerNames, ExpectedName: "sql.internal", Roots: p.root.Pool()}, kind.HostnameMismatch},
		{"pin accepted", good, &Strategy{Mode: ModePin, Pin: p.leaf.Cert}, ""},
		{"pin refused", good, &Strategy{Mode: ModePin, Pin: p.noEKU.Cert}, kind.PinMismatch},
		{"none accepts an expired certificate", expired, &Strategy{Mode: ModeNone}, ""},
		{"MySQL none still checks dates", expired, &Strategy{Mode: ModeNone, CheckValidity: true}, kind.CertificateExpired},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var observed atomic.Int32
			cfg := TLSConfig(tt.s, Options{Time: clock, Observe: func(cs tls.ConnectionState, verdict error) { observed.Add(1) }})
			_, err := dial(tt.addr, cfg)
			require.Equal(t, int32(1), observed.Load(), "Observe is called once per handshake")
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestTLSConfigSettings(t *testing.T) {
	s := &Strategy{Mode: ModeNone, ServerName: "db", MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, NextProtos: []string{"tds/8.0"}}
	c := TLSConfig(s, Options{})
	require.True(t, c.DynamicRecordSizingDisabled)
	require.Equal(t, "db", c.ServerName)
	require.Equal(t, []string{"tds/8.0"}, c.NextProtos)
	c.NextProtos[0] = "changed"
	require.Equal(t, "tds/8.0", TLSConfig(s, Options{}).NextProtos[0], "each call returns a fresh configuration")

	p := newPKI(t)
	st, err := dial(serve(t, p.leaf, 0), TLSConfig(&Strategy{Mode: ModeNone, MaxVersion: tls.VersionTLS12}, Options{Time: func() time.Time { return now }}))
	require.NoError(t, err)
	require.Equal(t, uint16(tls.VersionTLS12), st.Version)
	_, err = dial(serve(t, p.leaf, tls.VersionTLS12), TLSConfig(&Strategy{Mode: ModeNone, MinVersion: tls.VersionTLS13}, Options{}))
	require.ErrorIs(t, ClassifyHandshake(err), kind.TLSVersionMismatch)
}

// TestResumptionStillChecks: a resumed session runs VerifyConnection again,
// so a strategy with another pin sharing the cache is refused.
func TestResumptionStillChecks(t *testing.T) {
	p := newPKI(t)
	addr := serve(t, p.leaf, tls.VersionTLS12)
	cache := tls.NewLRUClientSessionCache(8)
	clock := func() time.Time { return now }
	var calls atomic.Int32
	ok := &Strategy{Mode: ModePin, Pin: p.leaf.Cert, ServerName: "db.example.com"}
	o := Options{SessionCache: cache, Time: clock, Observe: func(tls.ConnectionState, error) { calls.Add(1) }}
	_, err := dial(addr, TLSConfig(ok, o))
	require.NoError(t, err)
	st, err := dial(addr, TLSConfig(ok, o))
	require.NoError(t, err)
	require.True(t, st.DidResume, "the second connection resumes")
	require.Equal(t, int32(2), calls.Load(), "checks ran on the resumed session too")

	other := &Strategy{Mode: ModePin, Pin: p.noEKU.Cert, ServerName: "db.example.com"}
	_, err = dial(addr, TLSConfig(other, o))
	require.ErrorIs(t, err, kind.PinMismatch)
}

func TestClassifyHandshake(t *testing.T) {
	require.Nil(t, ClassifyHandshake(nil))
	e := &kind.Error{Kind: kind.PinMismatch}
	require.Same(t, e, ClassifyHandshake(e).(*kind.Error))
	err := ClassifyHandshake(errString("tls: failed to parse certificate from server: x509: negative serial number"))
	require.ErrorIs(t, err, kind.HandshakeFailed)
	require.Contains(t, err.Error(), "install a proper certificate")
	require.ErrorIs(t, ClassifyHandshake(errString("remote error: tls: protocol version not supported")), kind.TLSVersionMismatch)
	require.ErrorIs(t, ClassifyHandshake(errString("remote error: tls: handshake failure")), kind.HandshakeFailed)
	// crypto/tls wraps alerts, received and sent, in *net.OpError: they are
	// TLS failures, not network ones.
	require.ErrorIs(t, ClassifyHandshake(&net.OpError{Op: "remote error", Err: errString("tls: handshake failure")}), kind.HandshakeFailed)
	require.ErrorIs(t, ClassifyHandshake(&net.OpError{Op: "local error", Err: errString("tls: bad record MAC")}), kind.HandshakeFailed)
	require.ErrorIs(t, ClassifyHandshake(&net.OpError{Op: "read", Err: errString("connection reset by peer")}), kind.Network)
}

type errString string

func (e errString) Error() string { return string(e) }
