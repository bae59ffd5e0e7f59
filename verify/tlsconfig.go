package verify

import (
	"crypto/tls"
	"slices"
	"time"
)

// Options are per-connector settings that are not part of the strategy.
type Options struct {
	// Observe, if set, is called once per handshake from VerifyConnection
	// with the connection state and the verdict (nil: accepted); the
	// connector records each connection's TLS facts through it.
	Observe func(cs tls.ConnectionState, verdict error)
	// SessionCache enables resumption; the checks still run on resumed
	// sessions.
	SessionCache tls.ClientSessionCache
	// Time is the clock; nil means time.Now.
	Time func() time.Time
	// HopName, if set, is called from VerifyConnection and returns the name
	// this handshake's certificate must carry when it differs from the
	// strategy's: a SQL Server connection routed to another server (spec
	// §2.1; see Strategy.HopName). "" keeps Strategy.ExpectedName.
	HopName func() string
}

// TLSConfig is the one function that turns a Strategy into a *tls.Config.
// It returns a fresh configuration on every call, so a caller (or a driver)
// may change it without touching anyone else's.
//
// Every certificate check is ours and runs in VerifyConnection (Check), so
// crypto/tls's own verification is switched off here and nowhere else: the
// JDBC name rules are not Go's, and the checks must also run on resumed
// sessions.
func TLSConfig(s *Strategy, o Options) *tls.Config {
	now := o.Time
	if now == nil {
		now = time.Now
	}
	c := &tls.Config{
		InsecureSkipVerify:          true, // replaced by VerifyConnection below
		ServerName:                  s.ServerName,
		MinVersion:                  s.MinVersion,
		MaxVersion:                  s.MaxVersion,
		CipherSuites:                append([]uint16(nil), s.CipherSuites...),
		NextProtos:                  append([]string(nil), s.NextProtos...),
		ClientSessionCache:          o.SessionCache,
		Time:                        o.Time,
		DynamicRecordSizingDisabled: true, // as go-mssqldb sets it (long queries to Azure broke without)
	}
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	if len(c.CipherSuites) == 0 {
		c.CipherSuites = nil
	}
	if s.ClientCertificate != nil {
		cert := *s.ClientCertificate
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}
	c.VerifyConnection = func(cs tls.ConnectionState) error {
		st := s
		if o.HopName != nil {
			if name := o.HopName(); name != "" && name != s.ExpectedName {
				hop := *s
				hop.ExpectedName = name
				st = &hop
			}
		}
		err := Check(st, cs.PeerCertificates, now())
		if o.Observe != nil {
			o.Observe(cs, err)
		}
		return err
	}
	return c
}

// DiagnosticTLSConfig is the configuration of a diagnostic handshake, run
// after a handshake under s failed (ExplainHandshake): it offers every TLS
// version and every TLS 1.2 suite crypto/tls implements, the insecure ones
// included, and s's ALPN, so that the server's answer says what it insists
// on. It never completes a handshake: VerifyConnection writes what the
// server chose into d and aborts, so nothing is ever sent over it (no
// client certificate either) and no certificate is judged.
func DiagnosticTLSConfig(s *Strategy, d *Diagnosis) *tls.Config {
	var suites []uint16
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if !slices.Contains(cs.SupportedVersions, tls.VersionTLS13) {
			suites = append(suites, cs.ID)
		}
	}
	return &tls.Config{
		InsecureSkipVerify: true, // nothing is judged: the handshake is aborted below
		ServerName:         s.ServerName,
		MinVersion:         tls.VersionTLS10,
		MaxVersion:         tls.VersionTLS13,
		CipherSuites:       suites,
		NextProtos:         append([]string(nil), s.NextProtos...),
		VerifyConnection: func(cs tls.ConnectionState) error {
			d.saw(cs)
			return errDiagnosed
		},
	}
}
