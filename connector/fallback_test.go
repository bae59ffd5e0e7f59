package connector

import (
	"context"
	"crypto/tls"
	"database/sql"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

// switchProxy forwards each new TCP connection to the address in target at
// the moment it is accepted: one address for clients, a server that changes
// between connections.
type switchProxy struct {
	ln     net.Listener
	target atomic.Value // string
	wg     sync.WaitGroup
}

func newSwitchProxy(t *testing.T, target string) *switchProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &switchProxy{ln: ln}
	p.target.Store(target)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				defer c.Close()
				s, err := net.Dial("tcp", p.target.Load().(string))
				if err != nil {
					return
				}
				defer s.Close()
				done := make(chan struct{}, 2)
				go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
				go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
				<-done
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return p
}

func (p *switchProxy) addr() string { return p.ln.Addr().String() }

// serverSaysEncrypted asks the server whether this session is encrypted
// (Ssl_cipher is empty for a plaintext session).
func serverSaysEncrypted(t *testing.T, conn *sql.Conn) bool {
	v, err := mariadb.Status(context.Background(), conn, "Ssl_cipher")
	require.NoError(t, err)
	return v != ""
}

// TestNoStickyPlaintextFallback (spec §5): behind one address, the server is
// first one without TLS, then one with TLS. A PREFERRED connector falls back
// to plaintext for the first connection only; the next one is encrypted, as
// its record and the server both say. The bare go-sql-driver connector,
// given the same two connections, stays in plaintext: it keeps the fallback
// in its shared configuration — which is what this test guards against.
func TestNoStickyPlaintextFallback(t *testing.T) {
	off := mariadb.Need(t, mariadb.Options{})
	on := tlsServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	t.Run("dbtls", func(t *testing.T) {
		px := newSwitchProxy(t, off.Addr)
		c, err := New("jdbc:mysql://" + px.addr() + "/?user=plain&password=" + mariadb.PlainPassword + "&sslMode=PREFERRED")
		require.NoError(t, err)
		db := sql.OpenDB(c)
		defer db.Close()

		first, err := db.Conn(ctx)
		require.NoError(t, err)
		info, err := Info(first)
		require.NoError(t, err)
		require.False(t, info.Encrypted, "no TLS on the first server: PREFERRED falls back")
		require.Empty(t, info.Version)
		require.False(t, serverSaysEncrypted(t, first))

		px.target.Store(on.Addr)
		second, err := db.Conn(ctx) // first is still held: a new connection
		require.NoError(t, err)
		info, err = Info(second)
		require.NoError(t, err)
		require.True(t, info.Encrypted, "the fallback did not outlive its connection")
		require.NotEmpty(t, info.Version)
		require.True(t, serverSaysEncrypted(t, second))
		first.Close()
		second.Close()
	})

	t.Run("bare go-sql-driver (control)", func(t *testing.T) {
		px := newSwitchProxy(t, off.Addr)
		cfg := mysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = mariadb.PlainUser, mariadb.PlainPassword, "tcp", px.addr()
		cfg.TLS = &tls.Config{InsecureSkipVerify: true}
		cfg.AllowFallbackToPlaintext = true
		mc, err := mysql.NewConnector(cfg)
		require.NoError(t, err)
		db := sql.OpenDB(mc)
		defer db.Close()
		first, err := db.Conn(ctx)
		require.NoError(t, err)
		require.False(t, serverSaysEncrypted(t, first))
		px.target.Store(on.Addr)
		second, err := db.Conn(ctx)
		require.NoError(t, err)
		require.False(t, serverSaysEncrypted(t, second),
			"go-sql-driver v1.10.1 keeps the plaintext fallback for the whole pool; if this changed upstream, the premise of the dbtls case changed")
		first.Close()
		second.Close()
	})
}
