package connector

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/benchsrv"
	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// The connect benchmarks (docs/performance.md). Every one runs
// against real servers: MariaDB (conformance/mariadb) and our TDS server
// (conformance/tds), the latter in a child process (conformance/benchsrv) so
// that its allocations and its garbage collector are not the client's.
//
// Each mode of each family is connected in four ways:
//
//   - bare: the bare driver as its users configure it for the same checks,
//     with no session cache (neither driver has one by default);
//   - bare-cache: the same, with a client session cache, so that
//     connections after the first resume;
//   - bare-samecfg: the bare driver given the very *tls.Config that dbtls
//     builds for the mode (verify.TLSConfig, with a session cache): the
//     difference from dbtls is the connector's own work, the difference
//     from bare-cache is dbtls's checks;
//   - dbtls: a Connector from New, as it comes (it has a session cache).
//
//	go test -run '^$' -bench 'Connect$' -benchtime 1000x ./connector/      # ns, B and allocs per connect
//	go test -run '^$' -bench ConnectPaired -benchtime 2000x ./connector/  # medians, interleaved, and ratios
//	go test -run '^$' -bench ConnectParallel -mutexprofile mutex.out ./connector/
//
// The names are key=value (db, mode, via), so that benchstat can put the
// variants side by side: benchstat -col /via -row /db,/mode (scripts/perf.sh).
//
// Every iteration opens a connection through database/sql (which dials,
// handshakes and logs in: SetMaxIdleConns(0)), pings it and closes it.

func init() { benchsrv.MaybeServe() } // the child TDS server is this test binary

// benchFixture holds the certificates and the files every variant reads: one
// RSA-2048 CA and, signed by it, an RSA-2048 leaf per server.
type benchFixture struct {
	ca                 *certgen.Cert
	roots              *x509.CertPool
	caFile             string
	mysqlLeaf, sqlLeaf *certgen.Cert
	pinFile            string // the SQL Server leaf, for serverCertificate
}

// hostInCert is the second name of the SQL Server certificate, checked in
// the hostname mode (hostNameInCertificate).
const hostInCert = "db.bench.test"

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "dbtls bench CA", IsCA: true, RSA: true, NotBefore: nb, NotAfter: na})
	f := &benchFixture{
		ca:        ca,
		roots:     ca.Pool(),
		mysqlLeaf: certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, RSA: true, NotBefore: nb, NotAfter: na}),
		sqlLeaf:   certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost", hostInCert}, Parent: ca, RSA: true, NotBefore: nb, NotAfter: na}),
	}
	dir := b.TempDir()
	f.caFile, f.pinFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "pin.pem")
	if err := os.WriteFile(f.caFile, ca.CertPEM(), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(f.pinFile, f.sqlLeaf.CertPEM(), 0o644); err != nil {
		b.Fatal(err)
	}
	return f
}

func (f *benchFixture) mariaDB(b *testing.B) *mariadb.Server {
	return mariadb.Need(b, mariadb.Options{TLS: true, Cert: f.mysqlLeaf})
}

// tdsServer serves TDS 7.x (encryption on) and TDS 8.0 on one port.
func (f *benchFixture) tdsServer(b *testing.B) *benchsrv.Server {
	b.Helper()
	srv, err := benchsrv.Start(benchsrv.Config{CertPEM: f.sqlLeaf.CertPEM(), KeyPEM: f.sqlLeaf.KeyPEM(), Encryption: "on", Strict: "also"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv
}

// quiet keeps the connectors' warnings (sslMode=PREFERRED, trustServerCertificate)
// out of the benchmark output; as with no logger, nothing is formatted for it.
var quiet = WithLogger(slog.New(slog.DiscardHandler))

// variant is one way of connecting.
type variant struct {
	name string
	c    driver.Connector
}

var variantNames = []string{"bare", "bare-cache", "bare-samecfg", "dbtls"}

func newCache() tls.ClientSessionCache { return tls.NewLRUClientSessionCache(64) }

// verifyChainOnly is VERIFY_CA for a bare go-sql-driver: the chain to the
// roots, no name. Through VerifyPeerCertificate, which crypto/tls does not
// call on a resumed session, as for its own verification.
func verifyChainOnly(roots *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("no certificate")
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return err
			}
			certs[i] = c
		}
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		return err
	}
}

// mysqlModes are the TLS modes of the MySQL family: the dbtls parameters and
// the bare go-sql-driver's *tls.Config for the same checks.
var mysqlModes = []struct {
	name   string
	params string
	native func(f *benchFixture) *tls.Config
}{
	{"PREFERRED", "sslMode=PREFERRED", func(*benchFixture) *tls.Config { return &tls.Config{InsecureSkipVerify: true} }}, // go-sql-driver's tls=preferred
	{"REQUIRED", "sslMode=REQUIRED", func(*benchFixture) *tls.Config { return &tls.Config{InsecureSkipVerify: true} }},   // tls=skip-verify
	{"VERIFY_CA", "sslMode=VERIFY_CA&ssl-ca=$CA", func(f *benchFixture) *tls.Config {
		return &tls.Config{InsecureSkipVerify: true, VerifyPeerCertificate: verifyChainOnly(f.roots)}
	}},
	{"VERIFY_IDENTITY", "sslMode=VERIFY_IDENTITY&ssl-ca=$CA", func(f *benchFixture) *tls.Config {
		return &tls.Config{RootCAs: f.roots, ServerName: "127.0.0.1"}
	}},
}

// files puts the fixture's files in place of $CA and $PIN.
func (f *benchFixture) files(s string) string {
	return strings.NewReplacer("$CA", f.caFile, "$PIN", f.pinFile).Replace(s)
}

// mysqlVariants builds the four connectors of one MySQL mode.
func mysqlVariants(b *testing.B, f *benchFixture, srv *mariadb.Server, mode int) []variant {
	b.Helper()
	m := mysqlModes[mode]
	dc, err := New("jdbc:mysql://127.0.0.1:"+strconv.Itoa(srv.Port)+"/?user="+mariadb.PlainUser+"&password="+mariadb.PlainPassword+"&"+f.files(m.params), quiet)
	if err != nil {
		b.Fatal(err)
	}
	bare := func(tc *tls.Config) driver.Connector {
		cfg := mysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = mariadb.PlainUser, mariadb.PlainPassword, "tcp", srv.Addr
		cfg.TLS = tc
		cfg.AllowFallbackToPlaintext = m.name == "PREFERRED"
		c, err := mysql.NewConnector(cfg)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	cached := m.native(f)
	cached.ClientSessionCache = newCache()
	st := dc.Strategy()
	return []variant{
		{"bare", bare(m.native(f))},
		{"bare-cache", bare(cached)},
		{"bare-samecfg", bare(verify.TLSConfig(&st, verify.Options{SessionCache: newCache()}))},
		{"dbtls", dc},
	}
}

// sqlServerModes: the dbtls properties and the bare go-mssqldb URL query for
// the same checks (go-mssqldb's certificate, hostNameInCertificate and
// serverCertificate parameters).
var sqlServerModes = []struct {
	name       string
	props      string // JDBC
	query      string // go-mssqldb
	encryption msdsn.Encryption
}{
	{"trust", "encrypt=true;trustServerCertificate=true", "encrypt=true&trustServerCertificate=true", msdsn.EncryptionRequired},
	{"ca", "encrypt=true;trustStore=$CA", "encrypt=true&certificate=$CA", msdsn.EncryptionRequired},
	{"hostname", "encrypt=true;trustStore=$CA;hostNameInCertificate=" + hostInCert, "encrypt=true&certificate=$CA&hostNameInCertificate=" + hostInCert, msdsn.EncryptionRequired},
	{"strict", "encrypt=strict;trustStore=$CA", "encrypt=strict&certificate=$CA", msdsn.EncryptionStrict},
	{"pin", "encrypt=strict;serverCertificate=$PIN", "encrypt=strict&serverCertificate=$PIN", msdsn.EncryptionStrict},
}

// sqlServerVariants builds the four connectors of one SQL Server mode.
func sqlServerVariants(b *testing.B, f *benchFixture, srv *benchsrv.Server, mode int) []variant {
	b.Helper()
	m := sqlServerModes[mode]
	port := strconv.Itoa(srv.Port)
	dc, err := New("jdbc:sqlserver://localhost:"+port+";user=sa;password=pw;"+f.files(m.props), quiet)
	if err != nil {
		b.Fatal(err)
	}
	bare := func(tc func(*msdsn.Config)) driver.Connector {
		p, err := msdsn.Parse("sqlserver://sa:pw@localhost:" + port + "?" + f.files(m.query))
		if err != nil {
			b.Fatal(err)
		}
		if tc != nil {
			tc(&p)
		}
		return mssql.NewConnectorConfig(p)
	}
	st := dc.Strategy()
	return []variant{
		{"bare", bare(nil)},
		{"bare-cache", bare(func(p *msdsn.Config) { p.TLSConfig.ClientSessionCache = newCache() })},
		{"bare-samecfg", bare(func(p *msdsn.Config) {
			p.TLSConfig = verify.TLSConfig(&st, verify.Options{SessionCache: newCache()})
			p.TrustServerCertificate, p.Encryption = false, m.encryption
		})},
		{"dbtls", dc},
	}
}

// BenchmarkConnect: ns, B and allocs per connect of every variant of every
// mode, one sub-benchmark each.
func BenchmarkConnect(b *testing.B) {
	f := newBenchFixture(b)
	b.Run("db=mysql", func(b *testing.B) {
		srv := f.mariaDB(b)
		for i, m := range mysqlModes {
			b.Run("mode="+m.name, func(b *testing.B) {
				for _, v := range mysqlVariants(b, f, srv, i) {
					b.Run("via="+v.name, func(b *testing.B) { benchConnect(b, v.c) })
				}
			})
		}
	})
	b.Run("db=sqlserver", func(b *testing.B) {
		srv := f.tdsServer(b)
		for i, m := range sqlServerModes {
			b.Run("mode="+m.name, func(b *testing.B) {
				for _, v := range sqlServerVariants(b, f, srv, i) {
					b.Run("via="+v.name, func(b *testing.B) { benchConnect(b, v.c) })
				}
			})
		}
	})
}

func benchConnect(b *testing.B, c driver.Connector) {
	ctx := context.Background()
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0)        // every iteration dials, handshakes and logs in
	connectOnceBench(ctx, b, db) // warm: the session cache holds a session
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		connectOnceBench(ctx, b, db)
	}
}

func connectOnceBench(ctx context.Context, b *testing.B, db *sql.DB) {
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := conn.PingContext(ctx); err != nil {
		b.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkConnectPaired interleaves the variants of one mode: every
// iteration connects once through each, in an order that rotates, so that
// whatever else the machine does falls on all of them alike. It reports the
// median connect of each variant (<variant>-ns/conn) and the ratios
// docs/performance.md sets targets for: dbtls/bare-cache (target 1) and
// dbtls/bare (target 2). ns/op is one round: every variant once.
func BenchmarkConnectPaired(b *testing.B) {
	f := newBenchFixture(b)
	b.Run("db=mysql", func(b *testing.B) {
		srv := f.mariaDB(b)
		for i, m := range mysqlModes {
			b.Run("mode="+m.name, func(b *testing.B) { benchPaired(b, mysqlVariants(b, f, srv, i)) })
		}
	})
	b.Run("db=sqlserver", func(b *testing.B) {
		srv := f.tdsServer(b)
		for i, m := range sqlServerModes {
			b.Run("mode="+m.name, func(b *testing.B) { benchPaired(b, sqlServerVariants(b, f, srv, i)) })
		}
	})
}

func benchPaired(b *testing.B, vs []variant) {
	ctx := context.Background()
	dbs := make([]*sql.DB, len(vs))
	for i, v := range vs {
		dbs[i] = sql.OpenDB(v.c)
		defer dbs[i].Close()
		dbs[i].SetMaxIdleConns(0)
		connectOnceBench(ctx, b, dbs[i])
	}
	times := make([][]time.Duration, len(vs))
	for i := range times {
		times[i] = make([]time.Duration, 0, b.N)
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for k := range vs {
			i := (n + k) % len(vs)
			start := time.Now()
			connectOnceBench(ctx, b, dbs[i])
			times[i] = append(times[i], time.Since(start))
		}
	}
	b.StopTimer()
	med := map[string]float64{}
	for i, v := range vs {
		med[v.name] = float64(median(times[i]))
		b.ReportMetric(med[v.name], v.name+"-ns/conn")
	}
	b.ReportMetric(med["dbtls"]/med["bare-cache"], "dbtls/bare-cache")
	b.ReportMetric(med["dbtls"]/med["bare"], "dbtls/bare")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// BenchmarkConnectParallel connects from 64 goroutines at once (on 2 cores:
// 32 a core), through the bare driver with a session cache and through
// dbtls, in the most checked mode of each family. With -mutexprofile it
// shows where each waits; run one variant at a time to compare them:
//
//	go test -run '^$' -bench 'ConnectParallel/db=mysql/via=dbtls' -benchtime 4000x -mutexprofile dbtls.out ./connector/
//	go tool pprof -top connector.test dbtls.out
func BenchmarkConnectParallel(b *testing.B) {
	f := newBenchFixture(b)
	b.Run("db=mysql", func(b *testing.B) {
		srv := f.mariaDB(b)
		for _, v := range mysqlVariants(b, f, srv, 3) { // VERIFY_IDENTITY
			if v.name == "bare-cache" || v.name == "dbtls" {
				b.Run("via="+v.name, func(b *testing.B) { benchParallel(b, v.c) })
			}
		}
	})
	b.Run("db=sqlserver", func(b *testing.B) {
		srv := f.tdsServer(b)
		for _, v := range sqlServerVariants(b, f, srv, 1) { // ca
			if v.name == "bare-cache" || v.name == "dbtls" {
				b.Run("via="+v.name, func(b *testing.B) { benchParallel(b, v.c) })
			}
		}
	})
}

func benchParallel(b *testing.B, c driver.Connector) {
	ctx := context.Background()
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0)
	connectOnceBench(ctx, b, db)
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			conn, err := db.Conn(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			if err := conn.PingContext(ctx); err != nil {
				b.Error(err)
			}
			conn.Close()
		}
	})
}
