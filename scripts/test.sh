#!/usr/bin/env bash
# The project's test command (README "The two commands", the second). On a fresh machine it
# installs what the tests need, then runs every Go test, including the
# conformance suites against real MariaDB and TiDB servers, our TDS server
# checked by tedious and mssql-jdbc, and the JDBC-driver oracle. On a fresh
# machine tidb-server is built once (scripts/build-tidb.sh, in the background
# while the rest installs and runs; the TiDB tests wait for it) and cached.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh ./dsn/...  # just some packages
#
# With CI set (as CI does), a test that needs a server or a tool that cannot be
# started fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dbtls: installing test dependencies (idempotent)"
bash scripts/install-deps.sh

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

echo "== go vet"
go vet "${pkgs[@]}"

echo "== go test"
# -p 2: two cores; the conformance packages share their servers inside a
# package. -race: the connector is used from many goroutines.
go test -race -count=1 -p 2 -timeout 35m "${pkgs[@]}"
echo "== benchmarks (each once, briefly, so that none can rot; docs/performance.md)"
# Every benchmark of the packages tested, for one iteration; on a full run
# also the commands of scripts/perf.sh on a handful of connects. Measuring is
# scripts/perf.sh's job, not CI's.
if [ "${pkgs[*]}" = "./..." ]; then
  # the module's packages whose test files hold a benchmark
  mapfile -t bench_pkgs < <(go list -f '{{$d := .Dir}}{{range .TestGoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .XTestGoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}' ./... |
    xargs grep -l '^func Benchmark' | xargs -n1 dirname | sort -u | sed "s|^$PWD|.|")
else
  bench_pkgs=("${pkgs[@]}")
fi
bench_out="$(mktemp -d)"
go test -count=1 -run '^$' -bench . -benchtime 1x "${bench_pkgs[@]}" | tee "$bench_out/bench.txt"
if [ "${pkgs[*]}" = "./..." ]; then
  bash -n scripts/perf.sh
  go run ./conformance/cmd/jdbcbench -n 4 -batch 2 -warmup 2 -json "$bench_out/jdbc.json"
  go run ./conformance/cmd/perfplot -paired "$bench_out/bench.txt" -jdbc "$bench_out/jdbc.json" -o "$bench_out/plot.png" -markdown
fi
rm -rf "$bench_out"

echo "== fuzz (every target, bounded time and memory; scripts/fuzz.sh)"
bash scripts/fuzz.sh "${pkgs[@]}"
