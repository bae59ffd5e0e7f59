#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine; does nothing for what
# is already there. Go, the JDK with Maven, and Node with npm come with the
# machine; MariaDB comes from Debian; Maven and npm fetch their own packages.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in go java keytool mvn node npm; do
  command -v "$tool" >/dev/null || { echo "install-deps: $tool is missing; install it first" >&2; exit 1; }
done

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
