package connector

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Load with reloads: 32 goroutines connect through one connector
// and run SELECT 1, each on a new connection, for a bounded time, while
// another goroutine rewrites the trust file every few milliseconds —
// atomically, by rename — alternating valid material (the CA that issued
// the server's certificate, alone or in a bundle) and invalid material
// (garbage), calling Reload after each write. Spec §7: a reload that fails
// keeps the old material and returns the error; one that succeeds is used
// by new connections. Every material that Reload accepts trusts the server
// and a failed Reload changes nothing, so the situation allows no failed
// query at all. Run with -race; goleak checks that nothing is left running.

const (
	loadWorkers  = 32
	loadDuration = 5 * time.Second
	loadReloadEv = 3 * time.Millisecond
)

// loadResult counts what happened.
type loadResult struct {
	queries, failures  int64
	failuresByKind     map[kind.Kind]int
	samples            []string // a few failure messages
	connects           int64    // connections made (the observer)
	reloadsGood        int      // Reload calls after valid material
	reloadsBad         int      // Reload calls after invalid material
	reloadErrors       int      // Reload calls that returned an error
	badReloadKinds     map[kind.Kind]int
	wrongReloads       []string // a Reload whose result did not match its material
	materialLeftInSync bool
}

// writeAtomic replaces path's content in one step: write beside it, rename
// over it (a reader sees the old file or the new one, never half of one).
func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// runLoad runs the load against c (made over path with good[0] in it) and
// returns the counts.
func runLoad(t *testing.T, c *Connector, connects *atomic.Int64, path string, good, bad [][]byte) loadResult {
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0) // every db.Conn is a new connection, closed after its query

	res := loadResult{failuresByKind: map[kind.Kind]int{}, badReloadKinds: map[kind.Kind]int{}}
	var mu sync.Mutex
	var queries, failures atomic.Int64
	stop := time.Now().Add(loadDuration)
	var workers sync.WaitGroup
	for w := 0; w < loadWorkers; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for time.Now().Before(stop) {
				err := func() error {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					conn, err := db.Conn(ctx)
					if err != nil {
						return err
					}
					defer conn.Close()
					var one int
					if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
						return err
					}
					if one != 1 {
						return fmt.Errorf("SELECT 1 returned %d", one)
					}
					return nil
				}()
				queries.Add(1)
				if err != nil {
					failures.Add(1)
					mu.Lock()
					res.failuresByKind[kind.Of(err)]++
					if len(res.samples) < 5 {
						res.samples = append(res.samples, err.Error())
					}
					mu.Unlock()
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}

	done := make(chan struct{})
	reloaderDone := make(chan struct{})
	go func() {
		defer close(reloaderDone)
		ctx := context.Background()
		for i := 0; ; i++ {
			select {
			case <-done:
				// leave the valid material in place and in force
				if writeAtomic(path, good[0]) == nil && c.Reload(ctx) == nil {
					res.materialLeftInSync = true
				}
				return
			default:
			}
			before := c.Strategy().Roots
			valid := i%2 == 0
			m := good[(i/2)%len(good)]
			if !valid {
				m = bad[(i/2)%len(bad)]
			}
			if err := writeAtomic(path, m); err != nil {
				res.wrongReloads = append(res.wrongReloads, "write: "+err.Error())
				return
			}
			err := c.Reload(ctx)
			after := c.Strategy().Roots
			if valid {
				res.reloadsGood++
				if err != nil {
					res.reloadErrors++
					res.wrongReloads = append(res.wrongReloads, fmt.Sprintf("reload %d (valid material %d) failed: %v", i, (i/2)%len(good), err))
				} else if after == before {
					res.wrongReloads = append(res.wrongReloads, fmt.Sprintf("reload %d (valid material) kept the old trust anchors", i))
				}
			} else {
				res.reloadsBad++
				if err == nil {
					res.wrongReloads = append(res.wrongReloads, fmt.Sprintf("reload %d (invalid material %d) succeeded", i, (i/2)%len(bad)))
				} else {
					res.reloadErrors++
					res.badReloadKinds[kind.Of(err)]++
					if after != before {
						res.wrongReloads = append(res.wrongReloads, fmt.Sprintf("reload %d failed but changed the trust anchors", i))
					}
				}
			}
			time.Sleep(loadReloadEv)
		}
	}()
	workers.Wait()
	close(done)
	<-reloaderDone
	res.queries, res.failures, res.connects = queries.Load(), failures.Load(), connects.Load()
	return res
}

// checkLoad asserts the outcome and logs the counts.
func checkLoad(t *testing.T, name string, r loadResult) {
	kinds := func(m map[kind.Kind]int) string {
		var s []string
		for k, n := range m {
			s = append(s, string(k)+"="+strconv.Itoa(n))
		}
		sort.Strings(s)
		return strings.Join(s, " ")
	}
	t.Logf("%s: %d workers for %v: %d queries, %d failed (%s), %d connections made; %d reloads: %d with valid material, %d with invalid material (%s), %d returned an error",
		name, loadWorkers, loadDuration, r.queries, r.failures, kinds(r.failuresByKind), r.connects,
		r.reloadsGood+r.reloadsBad, r.reloadsGood, r.reloadsBad, kinds(r.badReloadKinds), r.reloadErrors)
	require.Zero(t, r.failures, "no query may fail: every material in force trusts the server; samples: %v", r.samples)
	require.Empty(t, r.wrongReloads, "Reload returns an error exactly for the invalid material, and only a successful one changes the anchors")
	require.Equal(t, r.reloadsBad, r.reloadErrors)
	require.Zero(t, r.badReloadKinds[""], "every Reload error has a kind")
	require.Positive(t, r.reloadsBad, "the invalid material was tried")
	require.GreaterOrEqual(t, r.reloadsGood, r.reloadsBad)
	require.Positive(t, r.queries)
	require.Equal(t, r.queries, r.connects, "each query had a connection of its own")
	require.True(t, r.materialLeftInSync)
}

// loadMaterial is the valid and invalid contents of a PEM trust file for a
// server whose certificate ca issued.
func loadMaterial(ca *certgen.Cert) (good, bad [][]byte) {
	other := certgen.Must(certgen.Spec{CN: "unrelated CA", IsCA: true})
	good = [][]byte{ca.CertPEM(), append(other.CertPEM(), ca.CertPEM()...)}
	bad = [][]byte{
		[]byte("this is not a certificate\n"),
		[]byte("-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n"),
	}
	return good, bad
}

func TestLoadReloadMariaDB(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "load CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv := mariadb.Need(t, mariadb.Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")},
		Parent: ca, NotBefore: nb, NotAfter: na})})
	good, bad := loadMaterial(ca)
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, good[0], 0o644))
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	var connects atomic.Int64
	c, err := New(mysqlDSN(srv, "sslMode=VERIFY_CA&ssl-ca="+path), WithObserver(func(ConnInfo) { connects.Add(1) }))
	require.NoError(t, err)
	checkLoad(t, "MariaDB VERIFY_CA", runLoad(t, c, &connects, path, good, bad))
}

func TestLoadReloadSQLServer(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	good, bad := loadMaterial(f.ca)
	path := filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(path, good[0], 0o644))
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	var connects atomic.Int64
	c, err := New(sqlServerURL(srv.Port(), "encrypt=true;trustStore="+path), WithObserver(func(ConnInfo) { connects.Add(1) }))
	require.NoError(t, err)
	require.Equal(t, "7", c.Strategy().Row)
	checkLoad(t, "SQL Server row 7", runLoad(t, c, &connects, path, good, bad))
}
