#!/usr/bin/env bash
# The project's test command (README "The two commands", the second). On a fresh machine it
# installs what the tests need, then runs every Go test, including the
# conformance suites against real MariaDB servers, our TDS server checked by
# tedious and mssql-jdbc, and the JDBC-driver oracle.
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
echo "== fuzz (every target, bounded time and memory; scripts/fuzz.sh)"
bash scripts/fuzz.sh "${pkgs[@]}"
