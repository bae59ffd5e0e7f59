package connector

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
)

// The cost of trust material that lives (docs/performance.md, "Files that
// follow themselves"): the same anchors, the same checks, given two ways —
// static (WithRootCAs: no file, nothing to look at) and live (the CA file
// in the DSN: a Connect looks at it when a look is due) — connected from 64
// goroutines at once, each goroutine connecting through both in turn, in an
// order that alternates, so that whatever else the machine does falls on
// both alike. It reports each one's median connect and live/static.
//
//	go test -run '^$' -bench ConnectLiveMaterial -benchtime 3000x ./connector/
//	go test -run '^$' -bench LookAtFiles ./connector/
func BenchmarkConnectLiveMaterial(b *testing.B) {
	f := newBenchFixture(b)
	b.Run("db=mysql", func(b *testing.B) {
		srv := f.mariaDB(b)
		base := "jdbc:mysql://127.0.0.1:" + strconv.Itoa(srv.Port) + "/?user=" + mariadb.PlainUser + "&password=" + mariadb.PlainPassword + "&sslMode=VERIFY_IDENTITY"
		benchLive(b, mustNew(b, base, WithRootCAs(f.roots)), mustNew(b, base+"&ssl-ca="+f.caFile))
	})
	b.Run("db=sqlserver", func(b *testing.B) {
		srv := f.tdsServer(b)
		base := "jdbc:sqlserver://localhost:" + strconv.Itoa(srv.Port) + ";user=sa;password=pw;encrypt=true"
		benchLive(b, mustNew(b, base, WithRootCAs(f.roots)), mustNew(b, base+";trustStore="+f.caFile))
	})
}

func mustNew(b *testing.B, s string, opts ...Option) *Connector {
	c, err := New(s, append(opts, quiet)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func benchLive(b *testing.B, static, live *Connector) {
	if len(static.gen.Load().files) != 0 || len(live.gen.Load().files) != 1 {
		b.Fatal("static must have no file to look at, live one")
	}
	ctx := context.Background()
	dbs := [2]*sql.DB{sql.OpenDB(static), sql.OpenDB(live)}
	for _, db := range dbs {
		defer db.Close()
		db.SetMaxIdleConns(0)
		connectOnceBench(ctx, b, db)
	}
	var mu sync.Mutex
	var times [2][]time.Duration
	var ratios []float64 // live/static of each pair
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine [2][]time.Duration
		var pairs []float64
		n := 0
		for pb.Next() {
			for k := range 2 {
				i := (n + k) % 2
				start := time.Now()
				connectOnceBench(ctx, b, dbs[i])
				mine[i] = append(mine[i], time.Since(start))
			}
			pairs = append(pairs, float64(mine[1][n])/float64(mine[0][n]))
			n++
		}
		mu.Lock()
		times[0], times[1] = append(times[0], mine[0]...), append(times[1], mine[1]...)
		ratios = append(ratios, pairs...)
		mu.Unlock()
	})
	b.StopTimer()
	s, l := float64(median(times[0])), float64(median(times[1]))
	b.ReportMetric(s, "static-ns/conn")
	b.ReportMetric(l, "live-ns/conn")
	b.ReportMetric(l/s, "live/static")
	slices.Sort(ratios)
	if len(ratios) > 0 {
		b.ReportMetric(ratios[len(ratios)/2], "pair-live/static")
	}
}

// BenchmarkLookAtFiles is what live material adds to a Connect, alone:
// Connector.current from 64 goroutines (a clock reading and two atomic
// loads between looks; a stat of the file every lookEvery, by one
// goroutine).
func BenchmarkLookAtFiles(b *testing.B) {
	f := newBenchFixture(b)
	c := mustNew(b, "jdbc:sqlserver://localhost:1;user=sa;password=pw;encrypt=true;trustStore="+f.caFile)
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if c.current() == nil {
				b.Error("no generation")
			}
		}
	})
}
