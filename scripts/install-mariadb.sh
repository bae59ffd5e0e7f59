#!/usr/bin/env bash
# Installs Debian's mariadb-server when mariadbd is missing. The tests start
# their own servers (temporary data directory, 127.0.0.1, --no-defaults); a
# system service the package may have started is stopped.
set -euo pipefail
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq mariadb-server >/dev/null
(service mariadb stop || true) >/dev/null 2>&1
