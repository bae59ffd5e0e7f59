package connector

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// Trust material that lives (spec §7) against MariaDB, whose FLUSH SSL
// reloads the server's certificate as ALTER INSTANCE RELOAD TLS does.

// TestRotationUnderLoadMariaDB: 32 goroutines connect through one sql.DB
// opened with sql.Open("dbtls") while the server's certificate moves to a
// new CA (FLUSH SSL) and the ssl-ca file then follows. Connections fail
// only between the server's switch and one second after the file's change,
// and only as untrusted; every one that starts later trusts the new CA.
func TestRotationUnderLoadMariaDB(t *testing.T) {
	r := newRotation()
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: r.leaf(r.oldCA)})
	dir := t.TempDir()
	caFile := writePlain(t, dir, "ca.pem", r.oldCA.CertPEM())
	db, err := sql.Open(DriverName, mysqlDSN(srv, "sslMode=VERIFY_IDENTITY&ssl-ca="+caFile))
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxIdleConns(0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var switched, changed atomic.Int64
	var newCA atomic.Int64
	// MariaDB's FLUSH SSL takes for writing a lock that every TLS accept
	// holds for reading, and the lock prefers readers: under a stream of
	// handshakes that never pauses, FLUSH SSL waits (seen: a minute, under
	// -race). New connections hold off while it runs; those in flight go on,
	// and the file change below happens under the full load.
	var flushing atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for flushing.Load() {
					time.Sleep(time.Millisecond)
				}
				start := time.Now().UnixNano()
				conn, err := db.Conn(ctx)
				var info ConnInfo
				if err == nil {
					info, err = Info(conn)
					conn.Close()
				}
				end := time.Now().UnixNano()
				sw, ch := switched.Load(), changed.Load()
				switch {
				case err == nil && info.Peer[0].Issuer == "CN=new CA":
					newCA.Add(1)
				case err == nil:
					if ch != 0 && start >= ch+int64(afterChange) {
						mu.Lock()
						bad = append(bad, "a connection one second after the change used the old CA")
						mu.Unlock()
					}
				case errors.Is(err, kind.UntrustedCertificate) && sw != 0 && end >= sw && (ch == 0 || start < ch+int64(afterChange)):
					// overlapped the server's switch, began before one second after the file's change
				default:
					mu.Lock()
					bad = append(bad, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(time.Second)
	switched.Store(time.Now().UnixNano())
	flushing.Store(true)
	err = srv.ReplaceCert(ctx, r.leaf(r.newCA))
	flushing.Store(false)
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond)
	tmp := filepath.Join(dir, ".ca.tmp")
	require.NoError(t, os.WriteFile(tmp, r.newCA.CertPEM(), 0o644))
	require.NoError(t, os.Rename(tmp, caFile))
	changed.Store(time.Now().UnixNano())
	time.Sleep(afterChange + time.Second)
	close(stop)
	wg.Wait()
	require.Empty(t, bad, strings.Join(bad, "\n"))
	require.Positive(t, newCA.Load())
}

// TestClientCertRotatedMariaDB: the server demands REQUIRE SUBJECT (and
// REQUIRE X509) of its users; the client's ssl-cert and ssl-key live in a
// Kubernetes-style projected secret, swapped together to a certificate with
// the subject the server asks for, and a connection one second later is let
// in with it.
func TestClientCertRotatedMariaDB(t *testing.T) {
	r := newRotation()
	clientCA := certgen.Must(certgen.Spec{CN: "client CA", IsCA: true, NotBefore: r.nb, NotAfter: r.na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: r.leaf(r.oldCA), ClientCA: clientCA})
	other := certgen.Must(certgen.Spec{CN: "someone else", Org: "dbtls", Parent: clientCA, NotBefore: r.nb, NotAfter: r.na, RSA: true})
	right := certgen.Must(certgen.Spec{CN: "dbtls client", Org: "dbtls", Parent: clientCA, NotBefore: r.nb, NotAfter: time.Now().Add(24 * time.Hour), RSA: true})
	dir := t.TempDir()
	paths := projectFiles(t, dir, map[string][]byte{"tls.crt": other.CertPEM(), "tls.key": other.KeyPEM()})
	ca := writePlain(t, t.TempDir(), "ca.pem", r.oldCA.CertPEM())
	params := "sslMode=VERIFY_CA&ssl-ca=" + ca + "&ssl-cert=" + paths["tls.crt"] + "&ssl-key=" + paths["tls.key"]
	subj, err := New(strings.Replace(mysqlDSN(srv, params), "user=plain&password="+mariadb.PlainPassword, "user="+mariadb.SubjUser+"&password="+mariadb.SubjPassword, 1))
	require.NoError(t, err)
	x509, err := New(strings.Replace(mysqlDSN(srv, params), "user=plain&password="+mariadb.PlainPassword, "user="+mariadb.X509User+"&password="+mariadb.X509Password, 1))
	require.NoError(t, err)

	_, err = connectOnce(t, subj)
	require.ErrorIs(t, err, kind.ServerRefused, "the subject the server asks for is not this certificate's")
	info, err := connectOnce(t, x509)
	require.NoError(t, err)
	require.EqualValues(t, 1, info.Generation)

	swapFiles(t, dir, map[string][]byte{"tls.crt": right.CertPEM(), "tls.key": right.KeyPEM()})
	time.Sleep(afterChange)
	info, err = connectOnce(t, subj)
	require.NoError(t, err, "the rotated client certificate is the one sent")
	require.EqualValues(t, 2, info.Generation)
	require.Contains(t, info.Expiring, Expiring{Role: "client", Subject: right.Cert.Subject.String(), NotAfter: right.Cert.NotAfter, DaysLeft: 0},
		"the client certificate in use expires within 30 days (in 24 hours)")
	_, err = connectOnce(t, x509)
	require.NoError(t, err)
}
