// Package sqlserver is the SQL Server conformance matrix of dbtls: every
// combination of the JDBC TLS properties (encrypt, trustServerCertificate,
// hostNameInCertificate, trustStore, trustStorePassword, serverCertificate)
// against every server encryption setting and every kind of server
// certificate, each case run through dbtls's connector and go-mssqldb
// against the conformance TDS server (package conformance/tds).
//
// The expected outcome of each case — connects or not; full, login-only or
// no encryption; the error kind — comes from Oracle, which is written from
// the scenario table of the specification (docs/semantics.md §2–§4) and
// never calls the library. Cases lists the combinations kept and, for each
// pruned one, the reason it cannot differ from a kept one.
package sqlserver
