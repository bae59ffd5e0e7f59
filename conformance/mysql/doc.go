// Package mysql is the MySQL-family conformance suite: every sslMode (and the
// JDBC vocabulary mapped onto MySQL) against real MariaDB servers in every
// TLS configuration, with every server-certificate situation, trust source
// and client certificate, through dbtls's connector and go-sql-driver.
// Expected outcomes come from oracle.go, written from the spec (§3, §5, §8)
// and never from the library. See docs/conformance.md.
package mysql
