package tidb

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/internal/testutil/opensslca"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestFilesFollowRotation (spec §7) against TiDB: 32 goroutines connect
// through one sql.DB opened with sql.Open("dbtls") while the server's
// certificate moves to a new CA (ALTER INSTANCE RELOAD TLS) and the ssl-ca
// file then follows, renamed over, with no Reload. Connections fail only
// between the server's switch and one second after the file's change, and
// only as untrusted; every one that starts later trusts the new CA, and
// TiDB's Ssl_server_not_after names the certificate the client recorded.
func TestFilesFollowRotation(t *testing.T) {
	waitBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ip := []net.IP{net.ParseIP("127.0.0.1")}
	oldCA := certgen.Must(certgen.Spec{CN: "old CA", IsCA: true, NotBefore: nb, NotAfter: na})
	newCA := certgen.Must(certgen.Spec{CN: "new CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv := Need(t, Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: oldCA, NotBefore: nb, NotAfter: na})})
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, oldCA.CertPEM(), 0o644))
	db, err := sql.Open(connector.DriverName, "jdbc:mysql://127.0.0.1:"+strconv.Itoa(srv.Port)+"/?user="+PlainUser+"&password="+PlainPassword+
		"&sslMode=VERIFY_IDENTITY&ssl-ca="+caFile)
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxIdleConns(0)

	const afterChange = time.Second
	var switched, changed, withNew atomic.Int64
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
				start := time.Now().UnixNano()
				var sw int64
				conn, err := db.Conn(ctx)
				var info connector.ConnInfo
				if err == nil {
					info, err = connector.Info(conn)
					conn.Close()
				}
				end := time.Now().UnixNano()
				sw = switched.Load()
				ch := changed.Load()
				late := ch != 0 && start >= ch+int64(afterChange)
				switch {
				case err == nil && info.Peer[0].Issuer == "CN=new CA":
					withNew.Add(1)
				case err == nil && !late:
				case err != nil && errors.Is(err, kind.UntrustedCertificate) && sw != 0 && end >= sw && !late: // overlapped the server's switch
				default:
					mu.Lock()
					bad = append(bad, "at "+time.Unix(0, start).Format(time.StampMicro)+": "+errString(err, info))
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(time.Second)
	newLeaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: newCA, NotBefore: nb, NotAfter: na.Add(time.Hour)})
	switched.Store(time.Now().UnixNano())
	require.NoError(t, srv.ReplaceCert(ctx, newLeaf))
	time.Sleep(300 * time.Millisecond)
	tmp := filepath.Join(dir, ".ca.tmp")
	require.NoError(t, os.WriteFile(tmp, newCA.CertPEM(), 0o644))
	require.NoError(t, os.Rename(tmp, caFile))
	changed.Store(time.Now().UnixNano())
	time.Sleep(afterChange + time.Second)
	close(stop)
	wg.Wait()
	require.Empty(t, bad, strings.Join(bad, "\n"))
	require.Positive(t, withNew.Load())

	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	info, err := connector.Info(conn)
	require.NoError(t, err)
	require.EqualValues(t, 2, info.Generation)
	notAfter, err := Status(ctx, conn, "Ssl_server_not_after")
	require.NoError(t, err)
	require.Equal(t, info.Peer[0].NotAfter.UTC().Format("Jan _2 15:04:05 2006 MST"), notAfter)
}

func errString(err error, info connector.ConnInfo) string {
	if err != nil {
		return err.Error()
	}
	return "one second after the change, a connection with the old CA (" + info.Peer[0].Issuer + ")"
}

// TestRevokedServerCertificate (spec §7) against TiDB: OpenSSL's CRL
// (openssl ca -gencrl) revoking the server's certificate makes a connection
// fail with kind certificate-revoked; one revoking another certificate
// lets it through; one past its nextUpdate is refused at New, naming
// ssl-crl.
func TestRevokedServerCertificate(t *testing.T) {
	waitBinary(t)
	opensslca.Need(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	now := time.Now()
	nb, na := certgen.Window(now, time.Hour, 24*time.Hour)
	ip := []net.IP{net.ParseIP("127.0.0.1")}
	ca := certgen.Must(certgen.Spec{CN: "TiDB CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: ca, NotBefore: nb, NotAfter: na})
	other := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: ca, NotBefore: nb, NotAfter: na})
	srv := Need(t, Options{TLS: true, Cert: leaf})
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CertPEM(), 0o644))
	for _, tc := range []struct {
		name       string
		last, next time.Time
		revoked    *certgen.Cert
		want       kind.Kind // "": connects
		atNew      bool
	}{
		{"another certificate revoked", now.Add(-time.Minute), now.Add(time.Hour), other, "", false},
		{"the server's certificate revoked", now.Add(-time.Minute), now.Add(time.Hour), leaf, kind.CertificateRevoked, false},
		{"an expired CRL", now.Add(-2 * time.Hour), now.Add(-time.Hour), other, kind.TruststoreUnreadable, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := opensslca.GenCRL(t.TempDir(), ca, tc.last, tc.next, tc.revoked)
			require.NoError(t, err)
			crl := filepath.Join(t.TempDir(), "crl.pem")
			require.NoError(t, os.WriteFile(crl, b, 0o644))
			c, err := connector.New("jdbc:mysql://127.0.0.1:" + strconv.Itoa(srv.Port) + "/?user=" + PlainUser + "&password=" + PlainPassword +
				"&sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile + "&ssl-crl=" + crl)
			if tc.atNew {
				require.ErrorIs(t, err, tc.want)
				require.Contains(t, err.Error(), "(ssl-crl="+crl+")")
				return
			}
			require.NoError(t, err)
			db := sqlDB(c)
			defer db.Close()
			conn, err := db.Conn(ctx)
			if tc.want == "" {
				require.NoError(t, err)
				conn.Close()
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.Contains(t, err.Error(), leaf.Cert.SerialNumber.String())
		})
	}
}
