// Package verify turns the TLS settings of a parsed DSN into a Strategy —
// a plain value that says how the server's certificate is judged — and the
// Strategy into a *tls.Config, in exactly one function (TLSConfig; beside
// it, DiagnosticTLSConfig makes only the aborted handshake below). Resolve
// loads the trust material the DSN names; Describe says what the DSN means
// without reading any file (dbtls explain shows both).
//
// The four modes of the scenario table (spec §2):
//
//   - ModeNone: no certificate validation (rows 1 and 2; MySQL PREFERRED and
//     REQUIRED, which still check validity dates, as Connector/J does).
//   - ModeCAChain: the leaf must chain to a trust anchor for serverAuth and
//     carry the server's host name (rows 3, 5–7; MySQL VERIFY_CA checks no
//     name, VERIFY_IDENTITY does).
//   - ModeHostnameOverride: as ModeCAChain, with the name taken from
//     hostNameInCertificate (rows 4, 8–10).
//   - ModePin: the leaf must equal the serverCertificate file byte for byte,
//     and every certificate presented must be within its validity period; no
//     chain, EKU or name check (row 11, as Microsoft JDBC).
//
// A jdbc:mariadb: URL's mode is MariaDB Connector/J's (4.0): useSsl=true
// decides over sslMode (trust with trustServerCertificate=true, verify-ca
// with disableSslHostnameVerification=true, else verify-full), useSsl=false
// without sslMode is disable, and no key at all is verify-full; its trust
// (REQUIRED) checks no date either, and serverSslCert may be the PEM itself.
//
// The name rules are JDBC's, not Go's VerifyHostname: for SQL Server the
// subject CN is tried first, then SAN DNS names, then SAN IP addresses, so a
// CN-only certificate that Microsoft JDBC accepts is accepted here; for the
// MySQL family the CN counts only when the certificate has no SAN. Both
// honour partial wildcards (db*.example.com) in the left-most label and
// refuse wildcards over fewer than two labels (*.com). See MatchName.
//
// All checks run in tls.Config.VerifyConnection (Check), so they also hold
// on resumed sessions. A certificate that fails a check gives a *kind.Error
// whose Err is a *NameError, *ChainError, *ValidityError, *UsageError or
// *PinError (a handshake without a certificate, or with a Strategy made by
// Describe, has no certificate to carry: kind handshake-failed): reach it with
// errors.As for the certificate itself (and the expected name, the chain
// presented, the pinned certificate), as crypto/x509's HostnameError carries
// its certificate; the message is built from it.
//
// A handshake the server refused is explained by a second one:
// DiagnosticTLSConfig offers every version and suite crypto/tls implements
// and stops at the server's answer, and ExplainHandshake says what the
// server insists on and what allows it (an old server's TLS 1.0, RSA key
// exchange, 3DES). A chain signed with SHA-1 says so (untrusted-certificate).
//
// Resolve loads the trust material through package truststore, which reads
// every file with one bound; options give material from code
// (WithRootCAs, WithRootCAsPEM) and never override what the configuration
// names. A reload is a new Resolve: it re-reads all of it. Every file read
// is noted in the Strategy (Files, with what a stat said of it before it
// was read), and Refresh resolves again after a file changed, keeping the
// previous material of a file that no longer loads (live.go).
package verify
