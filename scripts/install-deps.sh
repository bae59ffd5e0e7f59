#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine; does nothing for what
# is already there. Go, the JDK with Maven, and Node with npm come with the
# machine; MariaDB comes from Debian; Maven and npm fetch their own packages;
# TiDB is built from its Go module (scripts/build-tidb.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in go java keytool mvn node npm; do
  command -v "$tool" >/dev/null || { echo "install-deps: $tool is missing; install it first" >&2; exit 1; }
done

# tidb-server for conformance/tidb, built from the Go module proxy at the commit pinned in
# conformance/tidb/version.env, once per version, into a cache directory (scripts/build-tidb.sh).
# When it is not built yet, the build runs in the background, so that it overlaps the installs
# below and the first tests; the TiDB tests wait for it, and under CI a failed build fails them
# with the end of its log.
if [ -f scripts/build-tidb.sh ]; then
  tidb_log="${TMPDIR:-/tmp}/dbtls-build-tidb.log"
  nohup bash scripts/build-tidb.sh >"$tidb_log" 2>&1 </dev/null &
  echo "install-deps: tidb-server: scripts/build-tidb.sh runs in the background (done at once when cached; log: $tidb_log)"
fi

if [ -f scripts/install-mariadb.sh ]; then
  bash scripts/install-mariadb.sh
fi

# tedious, the independent Node TDS client that proves our TDS test server.
if [ -f conformance/tedious/package-lock.json ] && [ ! -d conformance/tedious/node_modules ]; then
  (cd conformance/tedious && npm ci --no-audit --no-fund --loglevel=error)
fi

# The JDBC oracle jar (mssql-jdbc and Connector/J): Maven fetches the drivers.
if [ -f conformance/jdbc/oracle/pom.xml ]; then
  (cd conformance/jdbc/oracle && mvn -q -B package -DskipTests)
fi

# Host names the named-instance and routing tests connect to (docs/paths.md):
# loopback addresses in /etc/hosts, added once.
if ! grep -q 'sql-a.dbtls.test' /etc/hosts 2>/dev/null; then
  if [ -w /etc/hosts ]; then
    cat >>/etc/hosts <<'HOSTS'
# dbtls tests (docs/paths.md)
127.0.0.30 sql-a.dbtls.test
127.0.0.31 myserver.database.dbtls.test
127.0.0.32 a.tr1.westus1-a.worker.database.dbtls.test
127.0.0.33 b.tr2.westus1-a.worker.database.dbtls.test
127.0.0.36 ag.dbtls.test
127.0.0.37 ag.dbtls.test
HOSTS
  else
    echo "install-deps: /etc/hosts is not writable; the host-name tests of docs/paths.md will skip (and fail under CI)" >&2
  fi
fi
