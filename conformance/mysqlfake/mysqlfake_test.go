package mysqlfake_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"database/sql/driver"
	"encoding/pem"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

// The password every client sends; a string that occurs nowhere by chance.
const password = "Tr0ub4dor.3-mitm_Qx"

// Two RSA keys shared by the tests: the one the fake hands out (the man in
// the middle's), and the real server's, which a client may pin.
var (
	keysOnce         sync.Once
	fakeKey, realKey *rsa.PrivateKey
)

func keys(t *testing.T) (fake, real *rsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if fakeKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if realKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return fakeKey, realKey
}

// start runs a fake with cfg (its own key the shared fake key) and returns it;
// the caller reads Sessions after srv.Close, which waits for every session.
func start(t *testing.T, cfg mysqlfake.Config) *mysqlfake.Server {
	t.Helper()
	fk, _ := keys(t)
	if cfg.Key == nil {
		cfg.Key = fk
	}
	srv, err := mysqlfake.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// connect makes one connection through dbtls with dsn(addr).
func connect(t *testing.T, dsn string) (driver.Conn, error) {
	t.Helper()
	c, err := connector.New(dsn)
	require.NoError(t, err, "the DSN is valid: %s", dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.Connect(ctx)
}

func pemFile(t *testing.T, k *rsa.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "server-public-key.pem")
	require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
	return p
}

// requireNothingRecovered: the fake holds neither the password in clear nor
// any encrypted password, and no key request reached it.
func requireNothingRecovered(t *testing.T, srv *mysqlfake.Server) {
	t.Helper()
	sessions := srv.Sessions()
	require.NotEmpty(t, sessions, "the client reached the fake")
	for _, s := range sessions {
		require.Empty(t, s.Recovered, "the fake recovered a password")
		require.Empty(t, s.Encrypted, "the fake received an encrypted password")
		require.Zero(t, s.KeyRequests, "a public-key request crossed the wire")
		require.False(t, bytes.Contains(s.Received, []byte(password)), "the password crossed the wire in clear")
	}
}

// The shapes of the plaintext-authentication attack, each with the sslMode it resolves to.
var shapes = []struct {
	name     string
	dsn      func(port int) string
	row      string
	verified string // the way out, in the DSN's own words for its mode
}{
	{"jdbc default (PREFERRED)", func(p int) string {
		return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s", p, password)
	}, "PREFERRED", "sslMode=VERIFY_IDENTITY"},
	{"jdbc sslMode=PREFERRED", func(p int) string {
		return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&sslMode=PREFERRED", p, password)
	}, "PREFERRED", "sslMode=VERIFY_IDENTITY"},
	{"jdbc useSSL=true", func(p int) string {
		return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&useSSL=true", p, password)
	}, "PREFERRED", "sslMode=VERIFY_IDENTITY"},
	{"jdbc sslMode=DISABLED", func(p int) string {
		return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&sslMode=DISABLED", p, password)
	}, "DISABLED", "sslMode=VERIFY_IDENTITY"},
	{"jdbc allowPublicKeyRetrieval=false", func(p int) string {
		return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&allowPublicKeyRetrieval=false", p, password)
	}, "PREFERRED", "sslMode=VERIFY_IDENTITY"},
	{"jdbc:mariadb sslMode=disable", func(p int) string {
		return fmt.Sprintf("jdbc:mariadb://127.0.0.1:%d/app?user=app&password=%s&sslMode=disable", p, password)
	}, "DISABLED", "sslMode=verify-full"},
	{"go-sql-driver default", func(p int) string {
		return fmt.Sprintf("app:%s@tcp(127.0.0.1:%d)/app", password, p)
	}, "PREFERRED", "sslMode=VERIFY_IDENTITY"},
	{"go-sql-driver tls=preferred", func(p int) string {
		return fmt.Sprintf("app:%s@tcp(127.0.0.1:%d)/app?tls=preferred", password, p)
	}, "PREFERRED", "tls=true"},
	{"go-sql-driver tls=false allowPublicKeyRetrieval=0", func(p int) string {
		return fmt.Sprintf("app:%s@tcp(127.0.0.1:%d)/app?tls=false&allowPublicKeyRetrieval=0", password, p)
	}, "DISABLED", "tls=true"},
	{"mysql:// URL", func(p int) string {
		return fmt.Sprintf("mysql://app:%s@127.0.0.1:%d/app", password, p)
	}, "PREFERRED", "sslMode=VERIFY_IDENTITY"},
}

// How the fake asks for a key: each plugin directly, and through an auth
// switch from the greeting's plugin.
var exchanges = []struct {
	name string
	cfg  mysqlfake.Config
}{
	{"caching_sha2_password", mysqlfake.Config{Plugin: mysqlfake.CachingSHA2}},
	{"sha256_password", mysqlfake.Config{Plugin: mysqlfake.SHA256}},
	{"native→caching_sha2_password", mysqlfake.Config{Plugin: mysqlfake.CachingSHA2, SwitchFrom: mysqlfake.Native}},
	{"caching_sha2→sha256_password", mysqlfake.Config{Plugin: mysqlfake.SHA256, SwitchFrom: mysqlfake.CachingSHA2}},
}

// TestNoPasswordToAServerSuppliedKey: a server (or a
// machine in the middle) that offers no TLS and hands out its own RSA key
// recovered the password through dbtls. Now the connection fails with
// encryption-not-supported before the key request is written, and the fake
// holds nothing.
func TestNoPasswordToAServerSuppliedKey(t *testing.T) {
	for _, ex := range exchanges {
		for _, sh := range shapes {
			t.Run(ex.name+"/"+sh.name, func(t *testing.T) {
				srv := start(t, ex.cfg)
				conn, err := connect(t, sh.dsn(srv.Port()))
				if conn != nil {
					conn.Close()
				}
				srv.Close()
				require.Error(t, err)
				require.ErrorIs(t, err, kind.EncryptionNotSupported)
				var ke *kind.Error
				require.ErrorAs(t, err, &ke)
				require.Equal(t, "public key retrieval refused", ke.What)
				require.Equal(t, "allowpublickeyretrieval", strings.ToLower(ke.Key))
				msg := err.Error()
				require.True(t, strings.HasPrefix(msg, "dbtls: public key retrieval refused (allowPublicKeyRetrieval=false): ") ||
					strings.HasPrefix(msg, "dbtls: public key retrieval refused (allowPublicKeyRetrieval=0): "), msg)
				for _, want := range []string{"sslMode " + sh.row, ex.cfg.Plugin, "; use TLS with a verified server: " + sh.verified + " (or ",
					"serverRSAPublicKeyFile=", "allowPublicKeyRetrieval=true"} {
					require.Contains(t, msg, want)
				}
				require.NotContains(t, msg, password)
				requireNothingRecovered(t, srv)
			})
		}
	}
}

// TestBareDriverGivesThePasswordAway pins the upstream behaviour the guard
// exists for: go-sql-driver alone, against the same fake, hands it the
// password — also through a pinned key under sha256_password, when the fake
// pushes its own key after the pinned-key ciphertext. If this fails,
// go-sql-driver changed: revisit connector/internal/mysqlauth and docs/security.md.
func TestBareDriverGivesThePasswordAway(t *testing.T) {
	_, rk := keys(t)
	mysql.RegisterServerPubKey("mysqlfake-real", &rk.PublicKey)
	defer mysql.DeregisterServerPubKey("mysqlfake-real")
	for _, tt := range []struct {
		name, params string
		cfg          mysqlfake.Config
	}{
		{"caching_sha2_password tls=preferred", "tls=preferred", mysqlfake.Config{Plugin: mysqlfake.CachingSHA2}},
		{"sha256_password", "", mysqlfake.Config{Plugin: mysqlfake.SHA256}},
		{"sha256_password pinned, key pushed", "serverPubKey=mysqlfake-real", mysqlfake.Config{Plugin: mysqlfake.SHA256, PushKey: true}},
		{"mysql_clear_password", "allowCleartextPasswords=true&tls=preferred", mysqlfake.Config{Plugin: mysqlfake.Clear}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, tt.cfg)
			cfg, err := mysql.ParseDSN(fmt.Sprintf("app:%s@tcp(%s)/app?%s", password, srv.Addr(), tt.params))
			require.NoError(t, err)
			mc, err := mysql.NewConnector(cfg)
			require.NoError(t, err)
			conn, err := mc.Connect(context.Background())
			require.NoError(t, err)
			conn.Close()
			srv.Close()
			require.Contains(t, srv.Sessions()[0].Recovered, password)
		})
	}
}

// TestAllowPublicKeyRetrieval: with allowPublicKeyRetrieval=true the user
// chose Connector/J's documented behaviour: the connection proceeds, and this
// fake, being the man in the middle, does recover the password.
func TestAllowPublicKeyRetrieval(t *testing.T) {
	for _, ex := range exchanges {
		t.Run(ex.name, func(t *testing.T) {
			srv := start(t, ex.cfg)
			conn, err := connect(t, fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&allowPublicKeyRetrieval=true", srv.Port(), password))
			require.NoError(t, err)
			require.NoError(t, conn.(driver.Pinger).Ping(context.Background()), "the connection works")
			conn.Close()
			srv.Close()
			s := srv.Sessions()[0]
			require.Equal(t, 1, s.KeyRequests)
			require.Equal(t, []string{password}, s.Recovered)
		})
	}
}

// TestPinnedKey: with serverRSAPublicKeyFile the client encrypts to the pinned
// key only. Against the real server (the fake holding the real key) it
// connects without asking for a key; against a man in the middle that pushes
// its own key it never encrypts to that key — even with
// allowPublicKeyRetrieval=true, as Connector/J.
func TestPinnedKey(t *testing.T) {
	fk, rk := keys(t)
	path := pemFile(t, &rk.PublicKey)
	dsn := func(port int, extra string) string {
		return fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&serverRSAPublicKeyFile=%s%s", port, password, path, extra)
	}
	for _, plugin := range []string{mysqlfake.CachingSHA2, mysqlfake.SHA256} {
		t.Run(plugin+"/real server", func(t *testing.T) {
			srv := start(t, mysqlfake.Config{Plugin: plugin, Known: []*rsa.PrivateKey{rk}})
			conn, err := connect(t, dsn(srv.Port(), ""))
			require.NoError(t, err)
			conn.Close()
			srv.Close()
			s := srv.Sessions()[0]
			require.Zero(t, s.KeyRequests)
			require.Zero(t, s.KeysHandedOut)
			require.Equal(t, []string{password}, s.Recovered, "the real server reads it")
			require.Len(t, s.Encrypted, 1)
			_, err = rsa.DecryptOAEP(sha1.New(), nil, fk, s.Encrypted[0], nil)
			require.Error(t, err, "encrypted to the pinned key, not to the fake's")
		})
	}
	for _, extra := range []string{"", "&allowPublicKeyRetrieval=true"} {
		t.Run("sha256_password/man in the middle pushes its key"+extra, func(t *testing.T) {
			srv := start(t, mysqlfake.Config{Plugin: mysqlfake.SHA256, PushKey: true})
			conn, err := connect(t, dsn(srv.Port(), extra))
			if conn != nil {
				conn.Close()
			}
			srv.Close()
			require.ErrorIs(t, err, kind.EncryptionNotSupported)
			require.Contains(t, err.Error(), "dbtls: server-supplied public key refused (serverRSAPublicKeyFile="+path+"): ")
			require.Contains(t, err.Error(), "sslMode=VERIFY_IDENTITY")
			s := srv.Sessions()[0]
			require.Equal(t, 1, s.KeysHandedOut, "the fake pushed its key")
			require.Len(t, s.Encrypted, 1, "only the ciphertext for the pinned key crossed")
			require.Empty(t, s.Recovered)
			require.False(t, bytes.Contains(s.Received, []byte(password)))
		})
	}
	t.Run("caching_sha2_password/man in the middle pushes its key", func(t *testing.T) {
		srv := start(t, mysqlfake.Config{Plugin: mysqlfake.CachingSHA2, PushKey: true})
		conn, err := connect(t, dsn(srv.Port(), ""))
		if conn != nil {
			conn.Close()
		}
		srv.Close()
		require.Error(t, err) // go-sql-driver expects an OK here; it writes nothing more
		s := srv.Sessions()[0]
		require.Len(t, s.Encrypted, 1)
		require.Empty(t, s.Recovered)
	})
	t.Run("inline PEM (MariaDB Connector/J)", func(t *testing.T) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		srv := start(t, mysqlfake.Config{Plugin: mysqlfake.SHA256, Known: []*rsa.PrivateKey{rk}})
		conn, err := connect(t, fmt.Sprintf("jdbc:mariadb://127.0.0.1:%d/app?user=app&password=%s&sslMode=disable&serverRsaPublicKeyFile=%s",
			srv.Port(), password, url.QueryEscape(string(b))))
		require.NoError(t, err)
		conn.Close()
		srv.Close()
		s := srv.Sessions()[0]
		require.Zero(t, s.KeyRequests)
		require.Equal(t, []string{password}, s.Recovered)
	})
}

// TestClearPassword: mysql_clear_password over a connection without TLS is
// refused even with go-sql-driver's allowCleartextPasswords=true, as
// Connector/J refuses it; and without it the answer is the same the first
// time (go-sql-driver's own advice, "add allowCleartextPasswords=1", would
// only lead to this refusal): encryption-not-supported, naming the sslMode
// that keeps the password from a machine in the middle, never advising
// allowCleartextPasswords.
func TestClearPassword(t *testing.T) {
	var messages []string
	for _, param := range []string{"?allowCleartextPasswords=true", ""} {
		for _, cfg := range []mysqlfake.Config{{Plugin: mysqlfake.Clear}, {Plugin: mysqlfake.Clear, SwitchFrom: mysqlfake.CachingSHA2}} {
			t.Run(cfg.SwitchFrom+"→"+cfg.Plugin+param, func(t *testing.T) {
				srv := start(t, cfg)
				conn, err := connect(t, fmt.Sprintf("app:%s@tcp(127.0.0.1:%d)/app%s", password, srv.Port(), param))
				if conn != nil {
					conn.Close()
				}
				srv.Close()
				require.ErrorIs(t, err, kind.EncryptionNotSupported)
				require.True(t, strings.HasPrefix(err.Error(), "dbtls: cleartext password refused (sslMode=PREFERRED): "), err.Error())
				require.Contains(t, err.Error(), "mysql_clear_password")
				require.Contains(t, err.Error(), "sslMode=VERIFY_IDENTITY")
				require.NotContains(t, err.Error(), "allowCleartextPasswords")
				requireNothingRecovered(t, srv)
				messages = append(messages, err.Error())
			})
		}
	}
	require.Len(t, messages, 4)
	require.Equal(t, messages[0], messages[2], "with and without allowCleartextPasswords, one answer")
}

// TestServerOutOfTurn: a fake that sends an ERR right behind its greeting,
// in the same write, asking for mysql_clear_password. A guard that took the
// ERR for the end of the authentication would step aside before the driver
// writes the password. go-sql-driver 1.10.1 stops by itself here (its read
// buffer still holds the ERR: "busy buffer"), and the guard would refuse
// anyway (connector TestMySQLAuthGuardOutOfTurn); either way nothing leaves.
func TestServerOutOfTurn(t *testing.T) {
	srv := start(t, mysqlfake.Config{Plugin: mysqlfake.Clear, ErrAfterGreeting: true})
	conn, err := connect(t, fmt.Sprintf("app:%s@tcp(127.0.0.1:%d)/app?allowCleartextPasswords=true", password, srv.Port()))
	if conn != nil {
		conn.Close()
	}
	srv.Close()
	require.Error(t, err)
	require.NotContains(t, err.Error(), password)
	requireNothingRecovered(t, srv)
	require.Empty(t, srv.Sessions()[0].Received, "not one byte of the handshake response left")
}

// TestRequiredAgainstTheFake: sslMode=REQUIRED (and stronger) refuses the
// greeting without CLIENT_SSL before writing anything.
func TestRequiredAgainstTheFake(t *testing.T) {
	for _, mode := range []struct{ name, dsn string }{
		{"sslMode=REQUIRED", "jdbc:mysql://127.0.0.1:%d/app?user=app&password=" + password + "&sslMode=REQUIRED"},
		{"sslMode=VERIFY_IDENTITY", "jdbc:mysql://127.0.0.1:%d/app?user=app&password=" + password + "&sslMode=VERIFY_IDENTITY"},
		{"tls=skip-verify", "app:" + password + "@tcp(127.0.0.1:%d)/app?tls=skip-verify"},
	} {
		for _, ex := range exchanges[:2] {
			t.Run(ex.name+"/"+mode.name, func(t *testing.T) {
				srv := start(t, ex.cfg)
				conn, err := connect(t, fmt.Sprintf(mode.dsn, srv.Port()))
				if conn != nil {
					conn.Close()
				}
				srv.Close()
				require.ErrorIs(t, err, kind.EncryptionNotSupported)
				require.Contains(t, err.Error(), "server does not support encryption")
				require.NotContains(t, err.Error(), password)
				s := srv.Sessions()[0]
				require.Empty(t, s.Received, "zero bytes from the client")
				require.Empty(t, s.Recovered)
			})
		}
	}
}
