package connector

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestFilesFollowThemselves (spec §7): the server moves to a certificate
// from a new CA; the trust store file follows — replaced in place, renamed
// over, or its ..data directory link swapped — and a connection that starts
// one second later trusts the new CA, with no Reload, as a new generation.
func TestFilesFollowThemselves(t *testing.T) {
	for _, ch := range changes {
		t.Run(ch.name, func(t *testing.T) {
			r := newRotation()
			srv := startTDS(t, r.leaf(r.oldCA))
			dir := t.TempDir()
			trust := ch.setup(t, dir, "trust.pem", r.oldCA.CertPEM())
			var logs logBuffer
			c, err := New(srv.url("encrypt=true;trustStore="+trust), WithLogger(logs.logger()))
			require.NoError(t, err)
			info, err := connectOnce(t, c)
			require.NoError(t, err)
			require.Equal(t, "CN=old CA", info.Peer[0].Issuer)
			require.EqualValues(t, 1, info.Generation)

			srv.restart(t, r.leaf(r.newCA))
			ch.write(t, dir, "trust.pem", r.newCA.CertPEM())
			time.Sleep(afterChange)
			info, err = connectOnce(t, c)
			require.NoError(t, err, "a connection one second after the change uses the new trust store")
			require.Equal(t, "CN=new CA", info.Peer[0].Issuer)
			require.EqualValues(t, 2, info.Generation)
			require.Len(t, logs.lines("trust material changed on disk", "trustStore"), 1)

			info, err = connectOnce(t, c)
			require.NoError(t, err)
			require.EqualValues(t, 2, info.Generation, "an unchanged file makes no new generation")
		})
	}
}

// TestMaterialInCodeDoesNotChange (spec §7): anchors given with WithRootCAs
// have no file to follow.
func TestMaterialInCodeDoesNotChange(t *testing.T) {
	r := newRotation()
	srv := startTDS(t, r.leaf(r.oldCA))
	c, err := New(srv.url("encrypt=true"), WithRootCAsPEM(r.oldCA.CertPEM()))
	require.NoError(t, err)
	require.Empty(t, c.gen.Load().files)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.EqualValues(t, 1, info.Generation)
}

// keytoolStore returns a JKS trust store holding ca, protected by pass, as
// keytool writes it.
func keytoolStore(t *testing.T, ca *certgen.Cert, pass string) []byte {
	if _, err := exec.LookPath("keytool"); err != nil && os.Getenv("CI") == "" {
		t.Skip("keytool (JDK) not found")
	}
	dir := t.TempDir()
	pemPath := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(pemPath, ca.CertPEM(), 0o644))
	store := filepath.Join(dir, "store.jks")
	out, err := exec.Command("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", pemPath,
		"-keystore", store, "-storetype", "JKS", "-storepass", pass).CombinedOutput()
	require.NoError(t, err, string(out))
	b, err := os.ReadFile(store)
	require.NoError(t, err)
	return b
}

// TestBrokenChangeKeepsMaterial (spec §7): a change that cannot be read —
// half-written, garbage, removed, a store written with another password —
// keeps the previous material for new connections and is warned of once,
// naming the property and the reason; when the file is valid again it is
// used.
func TestBrokenChangeKeepsMaterial(t *testing.T) {
	r := newRotation()
	full := r.oldCA.CertPEM()
	for _, tc := range []struct {
		name       string
		store      func(t *testing.T) (good, fixed []byte, props string) // props: beyond trustStore
		broken     func(t *testing.T, good []byte) []byte                // nil: the file is removed
		kind       kind.Kind
		wantInWarn string
	}{
		{"half-written PEM", pemStore(full), func(_ *testing.T, good []byte) []byte { return good[:len(good)/2] }, kind.TruststoreUnreadable, "trustStore"},
		{"garbage", pemStore(full), func(*testing.T, []byte) []byte { return []byte("\x00\x01 not a store") }, kind.TruststoreUnreadable, "trustStore"},
		{"removed", pemStore(full), nil, kind.TruststoreUnreadable, "trustStore"},
		{"JKS with another password", func(t *testing.T) ([]byte, []byte, string) {
			good := keytoolStore(t, r.oldCA, "changeit")
			return good, keytoolStore(t, r.oldCA, "changeit"), "trustStorePassword=changeit;"
		}, func(t *testing.T, _ []byte) []byte {
			return keytoolStore(t, r.oldCA, "otherpass")
		}, kind.TruststoreIntegrity, "trustStore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startTDS(t, r.leaf(r.oldCA))
			good, fixed, props := tc.store(t)
			path := filepath.Join(t.TempDir(), "trust")
			require.NoError(t, os.WriteFile(path, good, 0o644))
			var logs logBuffer
			c, err := New(srv.url("encrypt=true;"+props+"trustStore="+path), WithLogger(logs.logger()))
			require.NoError(t, err)

			if tc.broken == nil {
				require.NoError(t, os.Remove(path))
			} else {
				require.NoError(t, os.WriteFile(path, tc.broken(t, good), 0o644))
			}
			time.Sleep(afterChange)
			for i := 0; i < 3; i++ {
				info, err := connectOnce(t, c)
				require.NoError(t, err, "the previous material stays in force")
				require.EqualValues(t, 1, info.Generation)
				time.Sleep(lookEvery)
			}
			warned := logs.lines("level=WARN", "cannot be used", "property="+tc.wantInWarn)
			require.Len(t, warned, 1, "one warning per change, not one per connection:\n%s", logs.String())
			require.Contains(t, warned[0], "kind="+string(tc.kind))
			require.NotContains(t, logs.String(), "changeit")

			require.NoError(t, os.WriteFile(path, fixed, 0o644))
			time.Sleep(afterChange)
			info, err := connectOnce(t, c)
			require.NoError(t, err)
			require.EqualValues(t, 2, info.Generation, "the file, valid again, is used:\n%s", logs.String())
			require.Len(t, logs.lines("level=WARN", "cannot be used"), 1)
		})
	}
}

func pemStore(b []byte) func(*testing.T) ([]byte, []byte, string) {
	return func(*testing.T) ([]byte, []byte, string) {
		return b, append(append([]byte(nil), b...), b...), "" // fixed: the bundle written anew
	}
}

// TestClientPairChangedTogether (spec §7): ssl-cert and ssl-key change
// together; a certificate written before its key does not match it and
// keeps the old pair, which the new pair replaces once both are written.
func TestClientPairChangedTogether(t *testing.T) {
	r := newRotation()
	first := certgen.Must(certgen.Spec{CN: "client one", Parent: r.oldCA, NotBefore: r.nb, NotAfter: r.na})
	second := certgen.Must(certgen.Spec{CN: "client two", Parent: r.oldCA, NotBefore: r.nb, NotAfter: r.na})
	dir := t.TempDir()
	certPath, keyPath, err := first.WriteFiles(dir, "client")
	require.NoError(t, err)
	var logs logBuffer
	c, err := New("jdbc:mysql://127.0.0.1:1/?user=u&sslMode=REQUIRED&ssl-cert="+certPath+"&ssl-key="+keyPath, WithLogger(logs.logger()))
	require.NoError(t, err)
	leafCN := func() string {
		st := c.Strategy()
		require.NotNil(t, st.ClientCertificate)
		return st.ClientCertificate.Leaf.Subject.CommonName
	}
	require.Equal(t, "client one", leafCN())

	require.NoError(t, os.WriteFile(certPath, second.CertPEM(), 0o644)) // the key is still the first's
	time.Sleep(afterChange)
	require.Equal(t, "client one", leafCN(), "half a pair keeps the old pair")
	require.Len(t, logs.lines("level=WARN", "property=ssl-cert"), 1, logs.String())

	require.NoError(t, os.WriteFile(keyPath, second.KeyPEM(), 0o600))
	time.Sleep(afterChange)
	require.Equal(t, "client two", leafCN())
}

// TestRotationUnderLoad (spec §7): 32 goroutines connect through one sql.DB
// opened with sql.Open("dbtls") while the server restarts with a
// certificate from a new CA and the trust store file then follows. A
// connection fails only between the server's switch and one second after
// the file's change (and only as untrusted, or refused while the server
// restarts); every connection that starts later trusts the new CA.
func TestRotationUnderLoad(t *testing.T) {
	r := newRotation()
	srv := startTDS(t, r.leaf(r.oldCA))
	trust := filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(trust, r.oldCA.CertPEM(), 0o644))
	db, err := sql.Open(DriverName, srv.url("encrypt=true;trustStore="+trust))
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxIdleConns(0) // every Conn is a new connection

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The restart closes what the server had accepted: in the window a
	// connection may also fail as network or server-refused.
	l := startRotationLoad(ctx, db, kind.UntrustedCertificate, kind.Network, kind.ServerRefused)
	time.Sleep(time.Second)
	l.switched.Store(time.Now().UnixNano())
	srv.restart(t, r.leaf(r.newCA))
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, os.WriteFile(trust, r.newCA.CertPEM(), 0o644))
	l.changed.Store(time.Now().UnixNano())
	time.Sleep(afterChange + time.Second)
	l.finish(t)
}

// TestOneLookAtATime: 64 goroutines use the connector while its trust file
// changes; the change is read once (one new generation, one log line), and
// every goroutine gets it.
func TestOneLookAtATime(t *testing.T) {
	r := newRotation()
	dir := t.TempDir()
	trust := writePlain(t, dir, "trust.pem", r.oldCA.CertPEM())
	var logs logBuffer
	c, err := New("jdbc:sqlserver://localhost:1;user=sa;password=pw;encrypt=true;trustStore="+trust, WithLogger(logs.logger()))
	require.NoError(t, err)
	var wg sync.WaitGroup
	deadline := time.Now().Add(10 * time.Second)
	var last [64]uint64
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for last[g] < 2 && time.Now().Before(deadline) {
				last[g] = c.current().n
				runtime.Gosched()
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, os.WriteFile(trust, append(r.oldCA.CertPEM(), r.newCA.CertPEM()...), 0o644))
	wg.Wait()
	for g, n := range last {
		require.EqualValues(t, 2, n, "goroutine %d: %s", g, logs.String())
	}
	require.Len(t, logs.lines("trust material changed on disk"), 1, logs.String())
}

// TestPinAndRSAKeyFollow (spec §7): the serverCertificate pin and the
// server's RSA public key (serverRSAPublicKeyFile) follow their files too; a
// key file that no longer parses keeps the key in force.
func TestPinAndRSAKeyFollow(t *testing.T) {
	t.Run("serverCertificate", func(t *testing.T) {
		r := newRotation()
		first, second := r.leaf(r.oldCA), r.leaf(r.oldCA)
		srv := startTDSStrict(t, first, tds.StrictAlso)
		pin := writePlain(t, t.TempDir(), "server.pem", first.CertPEM())
		c, err := New(srv.url("encrypt=strict;serverCertificate=" + pin))
		require.NoError(t, err)
		info, err := connectOnce(t, c)
		require.NoError(t, err)
		require.Equal(t, first.SHA256(), info.Peer[0].SHA256)

		srv.restart(t, second)
		_, err = connectOnce(t, c)
		require.ErrorIs(t, err, kind.PinMismatch)
		require.NoError(t, os.WriteFile(pin, second.CertPEM(), 0o644))
		time.Sleep(afterChange)
		info, err = connectOnce(t, c)
		require.NoError(t, err)
		require.Equal(t, second.SHA256(), info.Peer[0].SHA256)
		require.EqualValues(t, 2, info.Generation)
	})
	t.Run("serverRSAPublicKeyFile", func(t *testing.T) {
		rk, err := rsa.GenerateKey(rand.Reader, 1024)
		require.NoError(t, err)
		rk2, err := rsa.GenerateKey(rand.Reader, 1024)
		require.NoError(t, err)
		p := pemKeyFile(t, &rk.PublicKey)
		var logs logBuffer
		c, err := New("jdbc:mysql://127.0.0.1/?serverRSAPublicKeyFile="+p, WithLogger(logs.logger()))
		require.NoError(t, err)
		require.NoError(t, os.Rename(pemKeyFile(t, &rk2.PublicKey), p))
		time.Sleep(afterChange)
		require.True(t, c.Strategy().ServerRSAKey.Equal(&rk2.PublicKey))
		require.True(t, c.be.(*mySQL).gen.Load().key.Equal(&rk2.PublicKey), "the driver is handed the new key")

		require.NoError(t, os.WriteFile(p, []byte("-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n"), 0o600))
		time.Sleep(afterChange)
		require.True(t, c.Strategy().ServerRSAKey.Equal(&rk2.PublicKey), "the key in force stays")
		require.True(t, c.be.(*mySQL).gen.Load().key.Equal(&rk2.PublicKey))
		require.Len(t, logs.lines("level=WARN", "property=serverRSAPublicKeyFile"), 1, logs.String())
	})
}

// TestEveryEntryPointFollows (spec §7): however the pool was made — New,
// OpenDB, NewFromConfig, sql.Open("dbtls") — its trust file follows itself.
func TestEveryEntryPointFollows(t *testing.T) {
	r := newRotation()
	srv := startTDS(t, r.leaf(r.oldCA))
	trust := writePlain(t, t.TempDir(), "trust.pem", r.oldCA.CertPEM())
	url := srv.url("encrypt=true;trustStore=" + trust)
	open := map[string]func() (*sql.DB, error){
		"New": func() (*sql.DB, error) {
			c, err := New(url)
			if err != nil {
				return nil, err
			}
			return sql.OpenDB(c), nil
		},
		"OpenDB": func() (*sql.DB, error) { return OpenDB(url) },
		"NewFromConfig": func() (*sql.DB, error) {
			cfg, err := dsn.Parse(url)
			if err != nil {
				return nil, err
			}
			c, err := NewFromConfig(cfg)
			if err != nil {
				return nil, err
			}
			return sql.OpenDB(c), nil
		},
		"sql.Open": func() (*sql.DB, error) { return sql.Open(DriverName, url) },
	}
	dbs := map[string]*sql.DB{}
	for name, f := range open {
		db, err := f()
		require.NoError(t, err, name)
		defer db.Close()
		db.SetMaxIdleConns(0)
		require.NoError(t, db.Ping(), name)
		dbs[name] = db
	}
	srv.restart(t, r.leaf(r.newCA))
	require.NoError(t, os.WriteFile(trust, r.newCA.CertPEM(), 0o644))
	time.Sleep(afterChange)
	for name, db := range dbs {
		require.NoError(t, db.Ping(), "%s: a connection one second after the change trusts the new CA", name)
	}
}

// TestJDKDefaultStoreFollows (spec §7): the JDK's default store file (rows 6
// and 8: a password, no trustStore) follows itself like any trust store.
func TestJDKDefaultStoreFollows(t *testing.T) {
	r := newRotation()
	home := t.TempDir()
	t.Setenv("JAVA_HOME", home)
	sec := filepath.Join(home, "lib", "security")
	require.NoError(t, os.MkdirAll(sec, 0o755))
	cacerts := filepath.Join(sec, "cacerts")
	require.NoError(t, os.WriteFile(cacerts, keytoolStore(t, r.oldCA, "changeit"), 0o644))
	srv := startTDS(t, r.leaf(r.oldCA))
	c, err := New(srv.url("encrypt=true;trustStorePassword=changeit"))
	require.NoError(t, err)
	require.Equal(t, "java-default:"+cacerts, c.Strategy().Trust.String())
	_, err = connectOnce(t, c)
	require.NoError(t, err)

	srv.restart(t, r.leaf(r.newCA))
	tmp := filepath.Join(sec, ".cacerts.new")
	require.NoError(t, os.WriteFile(tmp, keytoolStore(t, r.newCA, "changeit"), 0o644))
	require.NoError(t, os.Rename(tmp, cacerts))
	time.Sleep(afterChange)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.Equal(t, "CN=new CA", info.Peer[0].Issuer)
}
