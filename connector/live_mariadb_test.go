package connector

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
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

	// MariaDB's FLUSH SSL takes for writing a lock that every TLS accept
	// holds for reading, and the lock prefers readers: under a stream of
	// handshakes that never pauses, FLUSH SSL waits (seen: a minute, under
	// -race). New connections hold off while it runs; those in flight go on,
	// and the file change below happens under the full load.
	l := startRotationLoad(ctx, db, kind.UntrustedCertificate)
	time.Sleep(time.Second)
	l.switched.Store(time.Now().UnixNano())
	l.hold.Store(true)
	err = srv.ReplaceCert(ctx, r.leaf(r.newCA))
	l.hold.Store(false)
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond)
	tmp := filepath.Join(dir, ".ca.tmp")
	require.NoError(t, os.WriteFile(tmp, r.newCA.CertPEM(), 0o644))
	require.NoError(t, os.Rename(tmp, caFile))
	l.changed.Store(time.Now().UnixNano())
	time.Sleep(afterChange + time.Second)
	l.finish(t)
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
