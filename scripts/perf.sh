#!/usr/bin/env bash
# The measurements of docs/performance.md, all in one go, into one
# directory, then the tables (benchstat) and the plot (docs/performance.png):
#
#   bash scripts/perf.sh [outdir]        # default: ${TMPDIR:-/tmp}/dbtls-perf
#
# About 10 minutes on 2 cores. Knobs (environment): RUNS (runs of each
# benchmark, default 6), CONNECT_N (connects per sub-benchmark and run, 300),
# PAIRED_N (rounds per mode and run, 500), QUERY_N (SELECT 1 rounds per
# family and run, 5000), PARALLEL_N (connects per parallel
# run, 3000), JDBC_N (connects per client, 2000), JDBC_WARMUP (connects that
# warm the JVM first, 500), PLOT (where the PNG goes, docs/performance.png). Needs MariaDB (scripts/install-mariadb.sh), java,
# keytool and mvn (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-${TMPDIR:-/tmp}/dbtls-perf}"
mkdir -p "$out"
RUNS="${RUNS:-6}"
CONNECT_N="${CONNECT_N:-300}"
PAIRED_N="${PAIRED_N:-500}"
PARALLEL_N="${PARALLEL_N:-3000}"
QUERY_N="${QUERY_N:-5000}"
JDBC_N="${JDBC_N:-2000}"
JDBC_WARMUP="${JDBC_WARMUP:-500}"
PLOT="${PLOT:-docs/performance.png}"
# benchstat at a pinned version, run without adding it to go.mod.
benchstat() { go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$@"; }

echo "== machine" | tee "$out/machine.txt"
{
  echo "cpus: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  go version
  mariadbd --version 2>/dev/null || true
  java -version 2>&1 | head -2
} | tee -a "$out/machine.txt"

echo "== test binaries"
go test -c -o "$out/connector.test" ./connector/
go test -c -o "$out/dsn.test" ./dsn/

# Each run is a new process (servers started afresh), so that the runs of the
# variants alternate instead of one variant's runs coming all together.
echo "== BenchmarkConnect: ns, B and allocs per connect ($RUNS runs of $CONNECT_N)"
: >"$out/connect.txt"
for _ in $(seq "$RUNS"); do
  "$out/connector.test" -test.run '^$' -test.bench 'Connect$' -test.benchtime "${CONNECT_N}x" >>"$out/connect.txt"
done

echo "== BenchmarkConnectPaired: interleaved medians and ratios ($RUNS runs of $PAIRED_N rounds)"
: >"$out/paired.txt"
for _ in $(seq "$RUNS"); do
  "$out/connector.test" -test.run '^$' -test.bench 'ConnectPaired' -test.benchtime "${PAIRED_N}x" >>"$out/paired.txt"
done

echo "== BenchmarkConnectParallel: 64 goroutines, a mutex profile per variant and run"
: >"$out/parallel.txt"
for i in $(seq 3); do
  for db in mysql sqlserver; do
    for via in bare-cache dbtls; do
      "$out/connector.test" -test.run '^$' -test.bench "ConnectParallel/db=$db/via=$via\$" -test.benchtime "${PARALLEL_N}x" \
        -test.mutexprofile "$out/mutex-$db-$via-$i.out" >>"$out/parallel.txt"
    done
  done
done
for db in mysql sqlserver; do
  for via in bare-cache dbtls; do
    # Who waits: the callers of Unlock are the locks' owners (database/sql's DB, net's resolver, the session cache, …).
    go tool pprof -peek 'sync\.\(\*Mutex\)\.Unlock$' "$out/connector.test" "$out"/mutex-$db-$via-*.out >"$out/mutex-$db-$via.txt" 2>/dev/null
  done
done

echo "== BenchmarkQueryPaired: SELECT 1 on one open connection, dbtls vs the bare driver ($RUNS runs of $QUERY_N rounds)"
: >"$out/query.txt"
for _ in $(seq "$RUNS"); do
  "$out/connector.test" -test.run '^$' -test.bench 'QueryPaired' -test.benchtime "${QUERY_N}x" >>"$out/query.txt"
done

echo "== BenchmarkParse: dsn.Parse + verify.Resolve vs the drivers' parsers"
"$out/dsn.test" -test.run '^$' -test.bench 'Parse' -test.benchmem -test.count "$RUNS" >"$out/parse.txt"

echo "== jdbcbench: mssql-jdbc, dbtls, go-mssqldb ($JDBC_N connects each)"
go run ./conformance/cmd/jdbcbench -n "$JDBC_N" -warmup "$JDBC_WARMUP" -batch "$((JDBC_N < 50 ? JDBC_N : 50))" -json "$out/jdbc.json" | tee "$out/jdbc.txt"

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

echo "== tables"
benchstat -col '/via@(bare-cache dbtls bare bare-samecfg)' -row '/db /mode' "$out/connect.txt" >"$out/connect.benchstat"
benchstat -row '/db /mode' "$out/paired.txt" >"$out/paired.benchstat"
benchstat -row '/db' "$out/query.txt" >"$out/query.benchstat"
benchstat -col '/via@(bare-cache dbtls)' -row '/db' "$out/parallel.txt" >"$out/parallel.benchstat"
benchstat -col '/via@(driver dbtls)' -row '/shape' "$out/parse.txt" >"$out/parse.benchstat"
go run ./conformance/cmd/perfplot -paired "$out/paired.txt" -jdbc "$out/jdbc.json" -o "$PLOT" -markdown | tee "$out/summary.md"
for db in mysql sqlserver; do
  for via in bare-cache dbtls; do
    echo "-- mutex waits by lock owner (callers of Unlock), $db, $via, 3 x $PARALLEL_N connects"
    sed -n '/^----/,$p' "$out/mutex-$db-$via.txt" | grep -v '^ *$' | head -14
  done
done | tee "$out/mutex-summary.txt"
echo "perf: everything is in $out; the plot is $PLOT"
