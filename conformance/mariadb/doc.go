// Package mariadb starts real MariaDB servers (Debian's mariadbd) for the
// tests: a temporary data directory, a free 127.0.0.1 port (and the same
// port on [::1] with Options.IPv6), --no-defaults,
// and the TLS configuration a test asks for — TLS on or off, a given server
// certificate, a CA for client certificates, require_secure_transport, and
// a restricted tls_version or ssl-cipher (an old server's). Each server has test users with and without
// REQUIRE clauses (see Users).
//
// Starting one takes a few seconds, so tests share servers. Need fails a
// test (under CI) or skips it (elsewhere) when no server can be started;
// scripts/install-mariadb.sh installs mariadb-server.
package mariadb
