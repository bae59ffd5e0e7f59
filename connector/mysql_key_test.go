package connector

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
)

func TestNewPinsServerRSAKey(t *testing.T) {
	_, err := New("jdbc:mysql://127.0.0.1/?serverRSAPublicKeyFile=" + filepath.Join(t.TempDir(), "absent.pem"))
	require.ErrorIs(t, err, kind.TruststoreUnreadable)

	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	p := pemKeyFile(t, &rk.PublicKey)
	a, err := New("jdbc:mysql://127.0.0.1/?serverRSAPublicKeyFile=" + p)
	require.NoError(t, err)
	b, err := New("jdbc:mysql://127.0.0.1/?serverRSAPublicKeyFile=" + p)
	require.NoError(t, err)
	ga, gb := a.be.(*mySQL).gen.Load(), b.be.(*mySQL).gen.Load()
	require.True(t, ga.key.Equal(&rk.PublicKey))
	require.True(t, ga.policy.Pinned, "the guard knows the key is pinned")
	require.True(t, strings.HasPrefix(ga.name, "dbtls-pinned-"))
	require.NotEqual(t, ga.name, gb.name, "one registered name per connector")
	_, err = mysql.NewConnector(&mysql.Config{ServerPubKey: ga.name})
	require.ErrorContains(t, err, "unknown server pub key", "deregistered once the driver's connector held the key")
	require.NotContains(t, a.String(), ga.name)

	// Reload re-reads the key with the rest of the trust material.
	rk2, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	require.NoError(t, os.Rename(pemKeyFile(t, &rk2.PublicKey), p))
	require.NoError(t, a.Reload(t.Context()))
	require.True(t, a.be.(*mySQL).gen.Load().key.Equal(&rk2.PublicKey), "the new key is pinned after Reload")
	require.NoError(t, os.Remove(p))
	require.Error(t, a.Reload(t.Context()), "a key that cannot be read fails the reload")
	require.True(t, a.be.(*mySQL).gen.Load().key.Equal(&rk2.PublicKey), "and the previous key stays")
}

func pemKeyFile(t *testing.T, k *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "k.pem")
	require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600))
	return p
}

// TestPinnedKeyReachesTheDriver: against a server holding the pinned key,
// every connection's driver encrypts the password to that key without
// asking for one; without a pin, the authentication guard refuses the key
// request (internal/mysqlauth), and the refusal is the connection's error.
func TestPinnedKeyReachesTheDriver(t *testing.T) {
	const pw = "Pinned-Pw-9f3"
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	p := pemKeyFile(t, &rk.PublicKey)
	for _, plugin := range []string{mysqlfake.CachingSHA2, mysqlfake.SHA256} {
		srv, err := mysqlfake.Start(mysqlfake.Config{Plugin: plugin, Known: []*rsa.PrivateKey{rk}})
		require.NoError(t, err)
		url := "jdbc:mysql://" + srv.Addr() + "/app?user=app&password=" + pw
		pinned, err := New(url + "&serverRSAPublicKeyFile=" + p)
		require.NoError(t, err)
		for range 2 {
			conn, err := pinned.Connect(t.Context())
			require.NoError(t, err, plugin)
			conn.Close()
		}
		unpinned, err := New(url)
		require.NoError(t, err)
		_, err = unpinned.Connect(t.Context())
		require.ErrorIs(t, err, kind.EncryptionNotSupported, plugin)
		require.Contains(t, err.Error(), "public key retrieval refused")
		srv.Close()
		s := srv.Sessions()
		require.Len(t, s, 3)
		for i, sess := range s[:2] {
			require.Zero(t, sess.KeyRequests, "%s %d", plugin, i)
			require.Equal(t, []string{pw}, sess.Recovered, "%s %d", plugin, i)
		}
		require.Empty(t, s[2].Recovered, plugin)
		require.False(t, bytes.Contains(s[2].Received, []byte(pw)), plugin)
	}
}
