package connector

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// BenchmarkQueryPaired measures what the last line of defence (guarded.go)
// costs a query: a SELECT 1 loop on one open connection through dbtls and
// through the bare driver given the very *tls.Config dbtls builds
// (bare-samecfg), interleaved as BenchmarkConnectPaired interleaves
// connects: every round runs the query once on each connection, in an order
// that alternates. It reports the median query of each (<variant>-ns/query)
// and allocations (<variant>-allocs/query, measured apart), and the ratio
// of the medians (dbtls/bare-samecfg), in the most checked mode of each
// family (docs/performance.md, "Per query"). ns/op is one round.
//
//	go test -run '^$' -bench QueryPaired -benchtime 5000x ./connector/
func BenchmarkQueryPaired(b *testing.B) {
	f := newBenchFixture(b)
	b.Run("db=mysql", func(b *testing.B) {
		srv := f.mariaDB(b)
		benchQueryPaired(b, mysqlVariants(b, f, srv, len(mysqlModes)-1)) // VERIFY_IDENTITY
	})
	b.Run("db=sqlserver", func(b *testing.B) {
		srv := f.tdsServer(b)
		benchQueryPaired(b, sqlServerVariants(b, f, srv, 2)) // hostname: trust store and hostNameInCertificate
	})
}

func benchQueryPaired(b *testing.B, all []variant) {
	ctx := context.Background()
	var vs []variant
	for _, v := range all {
		if v.name == "bare-samecfg" || v.name == "dbtls" {
			vs = append(vs, v)
		}
	}
	conns := make([]*sql.Conn, len(vs))
	for i, v := range vs {
		db := sql.OpenDB(v.c)
		defer db.Close()
		c, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		for range 50 { // warm up: the connection's buffers, the server's plan
			selectOne(ctx, b, c)
		}
	}
	allocs := make([]float64, len(vs))
	for i := range vs {
		allocs[i] = testing.AllocsPerRun(200, func() { selectOne(ctx, b, conns[i]) })
	}
	times := make([][]time.Duration, len(vs))
	for i := range times {
		times[i] = make([]time.Duration, 0, b.N)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for k := range vs {
			i := (n + k) % len(vs)
			start := time.Now()
			selectOne(ctx, b, conns[i])
			times[i] = append(times[i], time.Since(start))
		}
	}
	b.StopTimer()
	med := map[string]float64{}
	for i, v := range vs {
		med[v.name] = float64(median(times[i]))
		b.ReportMetric(med[v.name], v.name+"-ns/query")
		b.ReportMetric(allocs[i], v.name+"-allocs/query")
	}
	b.ReportMetric(med["dbtls"]/med["bare-samecfg"], "dbtls/bare-samecfg")
}

func selectOne(ctx context.Context, b *testing.B, c *sql.Conn) {
	var one int
	if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		b.Fatalf("SELECT 1: %d, %v", one, err)
	}
}
