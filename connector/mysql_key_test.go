package connector

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
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

func TestLoadServerRSAKey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	pkix, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	require.NoError(t, err)
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	require.NoError(t, err)
	pkixPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	for _, tt := range []struct {
		name, value string
		kind        kind.Kind
		text        string
	}{
		{"pkix file", write("pkix.pem", pkixPEM), "", ""},
		{"pkcs1 file", write("pkcs1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)})), "", ""},
		{"inline PEM", string(pkixPEM), "", ""},
		{"missing file", filepath.Join(dir, "none.pem"), kind.TruststoreUnreadable, "cannot read the server's RSA public key"},
		{"not PEM", write("der.bin", pkix), kind.InvalidDSN, "no PEM block found"},
		{"a certificate block", write("cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pkix})), kind.InvalidDSN, "its first PEM block is CERTIFICATE"},
		{"garbage in the block", write("bad.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("nope")})), kind.InvalidDSN, "does not parse"},
		{"EC key", write("ec.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})), kind.InvalidDSN, "not an RSA key"},
		{"too large", write("big.pem", append(bytes.Repeat([]byte("#"), maxRSAKeyFile), pkixPEM...)), kind.InvalidDSN, "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := loadServerRSAKey("serverRSAPublicKeyFile", tt.value)
			if tt.kind == "" {
				require.NoError(t, err)
				require.True(t, k.Equal(&rk.PublicKey))
				return
			}
			require.ErrorIs(t, err, tt.kind)
			require.Contains(t, err.Error(), "(serverRSAPublicKeyFile=")
			require.Contains(t, err.Error(), tt.text)
			require.NotContains(t, err.Error(), "BEGIN", "an inline key is not echoed")
		})
	}
}

// New reads the key once and refuses a DSN whose key does not load. The
// driver's connector holds the key itself: the name it was registered
// under is gone once New returns.
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
	require.NoError(t, os.Remove(p))
	require.NotContains(t, a.String(), ga.name)
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
