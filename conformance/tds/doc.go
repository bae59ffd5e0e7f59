// Package tds is a TDS test server that behaves like SQL Server in everything
// TLS touches, so that dbtls's SQL Server half can be proved against real
// clients (go-mssqldb, tedious, mssql-jdbc) on a machine where no SQL Server
// can run.
//
// It speaks TDS 7.4 and TDS 8.0 far enough for a client to log in and run
// SELECT 1:
//
//   - PRELOGIN with VERSION, ENCRYPTION, INSTOPT, THREADID, MARS and
//     FEDAUTHREQUIRED, answering the client's ENCRYPTION byte as [MS-TDS]
//     2.2.6.5 specifies for the server setting in force (Negotiate holds the
//     table), and terminating the connection where the table says so;
//   - the TLS handshake carried inside PRELOGIN (0x12) packets, then either
//     TLS for the whole session or, when only the login is encrypted (client
//     OFF, server OFF), TLS for the first LOGIN7 packet and plaintext after it;
//   - TDS 8.0 ("strict"): TLS first with ALPN tds/8.0, then PRELOGIN inside
//     TLS. StrictOnly refuses TDS 7.x clients; StrictAlso tells the two apart
//     on the first byte (0x16, a TLS ClientHello, or 0x12, a PRELOGIN);
//   - LOGIN7, answered with LOGINACK, ENVCHANGE (database, language, packet
//     size, collation), INFO and DONE;
//   - routing: with Config.Route (or Server.SetRoute) a login is answered
//     with LOGINACK and a routing ENVCHANGE (type 20) naming another server
//     (host or host\instance, and a port), as Azure SQL's gateway and an
//     Always On listener's read-only routing (Route.ReadOnlyOnly, read from
//     LOGIN7's fReadOnlyIntent) do;
//   - SQL Browser ([MC-SQLR], UDP 1434): ListenBrowser answers
//     CLNT_UCAST_EX, CLNT_UCAST_INST and CLNT_UCAST_DAC with the instances
//     it was given, or, Silent, reads and never answers;
//   - SQLBatch, answered with COLMETADATA, ROW and DONE for SELECT of
//     literals and a few @@ variables, DONE for SET/USE and the like, and an
//     ERROR token for anything else; ATTENTION, answered with DONE_ATTN.
//
// Every connection's negotiated encryption (none, login-only, full, strict),
// TLS version and cipher are logged and handed to Config.OnRecord, and kept
// for Server.Records and Server.WaitRecord. Config.Tap sees every raw byte
// that crosses the TCP connection, and Proxy records (and can rewrite the
// PRELOGIN answer of) a connection from outside, for the wire tests.
//
// The server is for tests and demonstrations: it holds no data, checks a
// login only when Config.Password is set, and listens wherever it is told
// (tests use 127.0.0.1 only).
package tds
