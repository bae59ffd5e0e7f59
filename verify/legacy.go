package verify

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

// Old servers. A server that offers only what Go no longer offers by
// default — RSA key exchange (TLS_RSA_*, not offered since Go 1.22), 3DES
// (Go 1.23), TLS 1.0 or 1.1 (Go 1.18 for clients) — refuses the handshake
// with a bare alert, which says nothing of what it wanted. So the connector
// runs a second, diagnostic handshake with DiagnosticTLSConfig, over a new
// connection through the same dial path, and ExplainHandshake turns what the
// server chose there into the error: the version or suite it insists on,
// the setting that fixes it on the server, and the key that allows it here
// where dbtls has one.

// errDiagnosed aborts every diagnostic handshake in VerifyConnection.
var errDiagnosed = errors.New("dbtls: diagnostic handshake stopped after the server's answer")

// Diagnosis is what a diagnostic handshake learned of the server.
type Diagnosis struct {
	mu       sync.Mutex
	answered bool
	version  uint16
	suite    uint16
	chain    []*x509.Certificate
}

func (d *Diagnosis) saw(cs tls.ConnectionState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.answered, d.version, d.suite, d.chain = true, cs.Version, cs.CipherSuite, cs.PeerCertificates
}

// Answered reports whether the server accepted the diagnostic offer, and
// with which version and suite.
func (d *Diagnosis) Answered() (ok bool, version, suite uint16) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.answered, d.version, d.suite
}

// Diagnosable reports whether err, a connect's mapped error, is a handshake
// the server refused or a version in common it did not find: what a
// diagnostic handshake can explain.
func Diagnosable(err error) bool {
	var ke *kind.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke.Kind {
	case kind.TLSVersionMismatch:
		return true
	case kind.HandshakeFailed:
		return ke.What == refusedWhat
	}
	return false
}

// refusedWhat is ClassifyHandshake's What for an alert the server sent.
const refusedWhat = "the server refused the TLS handshake"

// ExplainHandshake returns err (a Diagnosable error of a connect under s,
// for cfg) with what the diagnostic handshake d learned: the TLS version or
// cipher suite the server insists on, what to change on the server, and the
// key of cfg's vocabulary that allows it here, where dbtls has one. The kind
// is tls-version-mismatch when the versions do not meet, handshake-failed
// otherwise (spec §8). When d learned nothing that explains the failure, err
// is returned unchanged, or, when the server refused the diagnostic offer
// too, with that said.
func ExplainHandshake(cfg *dsn.Config, s *Strategy, err error, d *Diagnosis) error {
	var ke *kind.Error
	if !errors.As(err, &ke) {
		return err
	}
	out := *ke // the same cause (ke.Err), one kind
	mysqlFamily := s.Family == dsn.MySQL
	answered, version, suite := d.Answered()
	minV, maxV := cmp.Or(s.MinVersion, tls.VersionTLS12), cmp.Or(s.MaxVersion, tls.VersionTLS13)
	switch {
	case !answered:
		out.Why += "; a second handshake offering every TLS version (TLSv1 to TLSv1.3) and every cipher suite Go implements was refused too," +
			" so the server insists on something Go's crypto/tls does not implement (DHE or CAMELLIA suites, SSL 3.0, SHA-1 handshake signatures)" +
			" or cannot serve what it is configured for (an OpenSSL 3 server keeps TLSv1 and TLSv1.1 off below security level 0)"
		out.Fix = "enable TLS 1.2 with an ECDHE suite on the server (" + serverVersionFix(mysqlFamily) + "; " + serverSuiteFix(mysqlFamily) + ")"
		return &out
	case version < minV:
		out.Kind = kind.TLSVersionMismatch
		out.What = "the server offers TLS only up to " + VersionName(version)
		out.Why = "a diagnostic handshake offering every version agreed on " + VersionName(version) + " (" + tls.CipherSuiteName(suite) +
			"), and this connection allows " + versionRange(minV, maxV) + " only (Go offers nothing older than TLSv1.2 unless told to)"
		out.Fix = "enable TLSv1.2 or later on the server (" + serverVersionFix(mysqlFamily) + "); or, knowingly, allow " + VersionName(version) +
			" here with " + versionKey(cfg, version, maxV) + " (deprecated and insecure: a warning says so)"
		return &out
	case version > maxV && ke.Kind == kind.TLSVersionMismatch:
		out.What = "the server offers " + VersionName(version) + ", newer than this connection allows"
		out.Why = "a diagnostic handshake agreed on " + VersionName(version) + ", and this connection allows " + versionRange(minV, maxV) + " only"
		out.Fix = "allow it here with " + versionKey(cfg, minV, version) + "; or enable " + VersionName(maxV) + " on the server (" + serverVersionFix(mysqlFamily) + ")"
		return &out
	case version < tls.VersionTLS13 && !suiteAllowed(s, suite):
		out.Kind = kind.HandshakeFailed
		out.What = "the server insists on cipher suite " + suiteNames(suite)
		out.Why = "a diagnostic handshake offering every suite Go implements agreed on it (" + VersionName(version) + "), and this connection does not offer it: " + suiteWhy(suite)
		out.Fix = "enable a suite with ECDHE key exchange on the server (" + serverSuiteFix(mysqlFamily) + ")"
		if alt := suiteKey(cfg, s, suite); alt != "" {
			out.Fix += "; or, knowingly, allow it here with " + alt
		} else {
			out.Fix += "; " + noSuiteKey(mysqlFamily, suite)
		}
		return &out
	}
	return err
}

// versionRange is "TLSv1.2 to TLSv1.3", or one version.
func versionRange(lo, hi uint16) string {
	if lo == hi {
		return VersionName(lo)
	}
	return VersionName(lo) + " to " + VersionName(hi)
}

// versionKey is the setting, in cfg's vocabulary, that allows lo to hi.
func versionKey(cfg *dsn.Config, lo, hi uint16) string {
	if cfg.Family == dsn.SQLServer {
		// sslProtocol names one version (TLS, the default, is 1.2 and 1.3)
		if lo >= tls.VersionTLS12 {
			return "sslProtocol=TLS"
		}
		return "sslProtocol=" + VersionName(lo)
	}
	key := cfg.TLS.TLSVersions.Key
	switch {
	case key != "":
	case cfg.TLS.SSLProtocol.Set:
		key = cfg.TLS.SSLProtocol.Key
		return key + "=" + VersionName(lo)
	case cfg.Shape == dsn.ShapeJDBCMariaDB:
		key = "enabledSslProtocolSuites"
	case cfg.Shape == dsn.ShapeJDBCMySQL:
		key = "tlsVersions"
	default:
		key = "tls-version"
	}
	var vs []string
	for v := lo; v <= hi; v++ {
		vs = append(vs, VersionName(v))
	}
	return key + "=" + strings.Join(vs, ",")
}

func serverVersionFix(mysqlFamily bool) string {
	if mysqlFamily {
		return "MariaDB and MySQL: tls_version=TLSv1.2,TLSv1.3 in the server's configuration; TiDB: tls-version"
	}
	return `SQL Server on Windows: enable TLS 1.2 in Schannel, registry key HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server with Enabled=1 and DisabledByDefault=0, on a SQL Server build that supports TLS 1.2`
}

func serverSuiteFix(mysqlFamily bool) string {
	if mysqlFamily {
		return "MariaDB and MySQL: ssl-cipher=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384, or no ssl-cipher for the server's defaults"
	}
	return "SQL Server on Windows: the Schannel cipher suite order, set by the SSL Cipher Suite Order group policy or Enable-TlsCipherSuite TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
}

// suiteAllowed reports whether a handshake under s offers suite.
func suiteAllowed(s *Strategy, suite uint16) bool {
	if len(s.CipherSuites) > 0 {
		return slices.Contains(s.CipherSuites, suite)
	}
	for _, cs := range tls.CipherSuites() {
		if cs.ID == suite {
			return !rsaKeyExchange(cs.Name) // offered by default, but for RSA key exchange (Go 1.22)
		}
	}
	return false
}

func rsaKeyExchange(name string) bool { return strings.HasPrefix(name, "TLS_RSA_") }

// suiteNames is "TLS_RSA_WITH_AES_128_CBC_SHA (AES128-SHA)".
func suiteNames(id uint16) string {
	n := tls.CipherSuiteName(id)
	if o := OpenSSLName(id); o != "" && o != n {
		n += " (" + o + ")"
	}
	return n
}

// suiteWhy says why a suite is not offered.
func suiteWhy(id uint16) string {
	n := tls.CipherSuiteName(id)
	var why []string
	if rsaKeyExchange(n) {
		why = append(why, "it uses RSA key exchange (no forward secrecy), which Go has not offered by default since Go 1.22")
	}
	switch {
	case strings.Contains(n, "3DES"):
		why = append(why, "it uses 3DES, which Go has not offered by default since Go 1.23")
	case strings.Contains(n, "RC4"):
		why = append(why, "it uses RC4, which is broken and which Go never offers by default")
	case strings.HasSuffix(n, "_CBC_SHA256"):
		why = append(why, "Go does not offer its CBC-SHA256 suites by default")
	}
	if len(why) == 0 {
		why = append(why, "it is not in the connection's cipher list")
	}
	return strings.Join(why, ", and ")
}

// suiteKey is the setting, in cfg's vocabulary, that adds suite to what
// the connection offers: "" when dbtls has none (SQL Server, or a suite
// outside the cipher table: 3DES, RC4).
func suiteKey(cfg *dsn.Config, s *Strategy, suite uint16) string {
	if cfg.Family != dsn.MySQL || OpenSSLName(suite) == "" {
		return ""
	}
	key := cfg.TLS.Ciphers.Key
	switch {
	case key != "":
	case cfg.Shape == dsn.ShapeJDBCMariaDB:
		key = "enabledSslCipherSuites"
	default:
		key = "enabledSSLCipherSuites"
	}
	// ssl-cipher is an OpenSSL list (names joined by ':'); the others are
	// Java's (IANA names joined by ',')
	name, sep := tls.CipherSuiteName, ","
	if k := strings.ToLower(key); k == "ssl-cipher" || k == "ssl_cipher" {
		name, sep = OpenSSLName, ":"
	}
	var names []string
	for _, id := range append(slices.Clone(s.CipherSuites), suite) {
		names = append(names, name(id))
	}
	return key + "=" + strings.Join(names, sep)
}

// noSuiteKey says that no key of dbtls allows suite.
func noSuiteKey(mysqlFamily bool, suite uint16) string {
	if !mysqlFamily {
		return "dbtls has no cipher-suite setting for SQL Server (mssql-jdbc has none either), so the server must change"
	}
	return "no setting of dbtls allows " + tls.CipherSuiteName(suite) + " (MySQL's restricted categories, 3DES and RC4 among them, are refused), so the server must change"
}

// insecureSignatures are the signature algorithms crypto/x509 refuses in a
// chain.
var insecureSignatures = []x509.SignatureAlgorithm{x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1}

// weakSignature returns the first certificate of chain (leaf first) that a
// CA signed with an algorithm crypto/x509 refuses, and nil when there is
// none; a self-signed certificate's own signature is not checked.
func weakSignature(chain []*x509.Certificate) *x509.Certificate {
	for _, c := range chain {
		if slices.Contains(insecureSignatures, c.SignatureAlgorithm) && string(c.RawIssuer) != string(c.RawSubject) {
			return c
		}
	}
	return nil
}
