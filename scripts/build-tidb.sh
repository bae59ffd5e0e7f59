#!/usr/bin/env bash
# Builds tidb-server once, at the commit pinned in conformance/tidb/version.env, into a cache
# directory keyed by that version, and reuses it afterwards (a second run takes no build time):
#
#   ${DBTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dbtls}/tidb-$TIDB_VERSION/tidb-server
#
#   bash scripts/build-tidb.sh           # build unless built; prints the binary's path
#   bash scripts/build-tidb.sh --check   # as above, but if this cache's last build failed, report
#                                        # that failure instead of building again (conformance/tidb
#                                        # calls this: it waits for a build in progress, never
#                                        # repeats one that scripts/install-deps.sh saw fail)
#
# TiDB is not a dependency of the dbtls module: its source comes from the module cache (go mod
# download), is copied into the cache directory, built there as its own module, and removed.
# Runs are serialised with flock on the cache directory, so install-deps can start a build in the
# background and the tests wait for it. Build output: build.log in the cache directory.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
. conformance/tidb/version.env

check=false
[ "${1:-}" = "--check" ] && check=true

cache="${DBTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dbtls}/tidb-$TIDB_VERSION"
bin="$cache/tidb-server"
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
if $check && [ -f "$cache/build.failed" ]; then
  echo "build-tidb: the build of tidb-server $TIDB_VERSION failed; the end of $cache/build.log:" >&2
  tail -n 30 "$cache/build.log" >&2 || true
  exit 1
fi

rm -f "$cache/build.failed"
log="$cache/build.log"
start=$(date +%s)
fail() {
  touch "$cache/build.failed"
  echo "build-tidb: building tidb-server $TIDB_VERSION failed ($1); the end of $log:" >&2
  tail -n 30 "$log" >&2 || true
  exit 1
}
{
  echo "== $(date -u +%FT%TZ) building tidb-server $TIDB_VERSION (parser $TIDB_PARSER_VERSION)"
  go version
} >"$log"

# Outside any module and workspace, with the machine's module cache and build cache.
export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
dir=$(cd "$cache" && go mod download -json "github.com/pingcap/tidb@$TIDB_VERSION" 2>>"$log" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') || true
[ -n "$dir" ] && [ -d "$dir" ] || fail "go mod download github.com/pingcap/tidb@$TIDB_VERSION"

src="$cache/src"
rm -rf "$src"
cp -r "$dir" "$src" && chmod -R u+w "$src" || fail "copying the module source"
(
  cd "$src"
  go mod edit -replace "github.com/pingcap/tidb/pkg/parser=github.com/pingcap/tidb/pkg/parser@$TIDB_PARSER_VERSION"
  # Below the tests' priority: install-deps runs this beside the other installs and the tests.
  nice -n 10 go build -trimpath -o "$bin.tmp" ./cmd/tidb-server
) >>"$log" 2>&1 || { rm -f "$bin.tmp"; fail "go build ./cmd/tidb-server"; }
mv "$bin.tmp" "$bin"
rm -rf "$src"
echo "== built in $(( $(date +%s) - start )) s" >>"$log"
echo "$bin"
