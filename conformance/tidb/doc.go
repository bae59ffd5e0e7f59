// Package tidb starts real TiDB servers (tidb-server built from the pinned
// commit of version.env by scripts/build-tidb.sh, with embedded unistore
// storage) for the tests: a temporary directory, a free 127.0.0.1 port, a
// unix socket for root, and the TLS configuration a test asks for — TLS on
// or off, a given server certificate, a CA for client certificates,
// require-secure-transport, and a minimum tls-version. Each server has the
// test users of conformance/mariadb (REQUIRE SSL, X509, SUBJECT) and two of
// its own (REQUIRE ISSUER, REQUIRE SAN); see Users.
//
// TiDB serves TLS from Go's crypto/tls, where MariaDB uses OpenSSL: the
// MySQL-family matrix of conformance/mysql runs against both (see
// docs/conformance.md for where the two servers answer differently).
//
// Need fails a test (under CI) or skips it (elsewhere) when no server can be
// started; Binary waits for a build that scripts/install-deps.sh started.
package tidb
