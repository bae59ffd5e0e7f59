package verify

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/stretchr/testify/require"
)

// noAddrConn is a net.Conn without addresses, as go-mssqldb's handshake
// wrapper (passthroughConn) is: crypto/tls keys its session cache by
// RemoteAddr when ServerName is empty, and dereferenced nil there.
type noAddrConn struct{ net.Conn }

func (noAddrConn) RemoteAddr() net.Addr { return nil }
func (noAddrConn) LocalAddr() net.Addr  { return nil }

// TestIPLiteralServerName (spec §2.1): for an IPv4 or IPv6 literal host the
// strategy's ServerName is the literal, no SNI reaches the server, and a
// handshake with a session cache over a connection without addresses works
// (it panicked when ServerName was left empty for IP literals).
func TestIPLiteralServerName(t *testing.T) {
	p := newPKI(t)
	var seenSNI []string
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	srvCfg := &tls.Config{Certificates: []tls.Certificate{p.leaf.TLS(true)},
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			seenSNI = append(seenSNI, h.ServerName)
			return nil, nil
		}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tc := tls.Server(c, srvCfg)
			_ = tc.Handshake()
			_, _ = tc.Write([]byte{1})
			tc.Close()
		}
	}()
	for _, host := range []string{"127.0.0.1", "::1", "[::1]"} {
		for _, s := range []string{
			"jdbc:sqlserver://" + bracket(host) + ";encrypt=true;trustServerCertificate=true",
			"jdbc:sqlserver://" + bracket(host) + ";encrypt=false",
			"jdbc:mysql://" + bracket(host) + "/db?sslMode=REQUIRED",
		} {
			cfg, err := dsn.Parse(s)
			require.NoError(t, err, s)
			st, err := Resolve(cfg)
			require.NoError(t, err, s)
			require.Equal(t, net.ParseIP(st.ServerName).String(), net.ParseIP(trimBrackets(host)).String(), s)
			o := Options{SessionCache: tls.NewLRUClientSessionCache(4), Time: func() time.Time { return now }}
			for i := 0; i < 2; i++ {
				raw, err := net.Dial("tcp", ln.Addr().String())
				require.NoError(t, err)
				c := tls.Client(noAddrConn{raw}, TLSConfig(st, o))
				require.NotPanics(t, func() { err = c.Handshake() }, s)
				require.NoError(t, err, s)
				c.Close()
			}
		}
	}
	for _, sni := range seenSNI {
		require.Equal(t, "", sni, "no SNI is sent for an IP literal (RFC 6066)")
	}
	require.NotEmpty(t, seenSNI)
}

func bracket(h string) string {
	if net.ParseIP(h) != nil && net.ParseIP(h).To4() == nil {
		return "[" + h + "]"
	}
	return h
}

func trimBrackets(h string) string {
	if len(h) > 1 && h[0] == '[' {
		return h[1 : len(h)-1]
	}
	return h
}
