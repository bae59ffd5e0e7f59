package connector

import (
	"crypto/sha256"
	"crypto/x509"
	"strconv"
	"sync"
	"time"

	"github.com/dbtls/dbtls/verify"
)

// Expiry seen before it bites (spec §7): a verified server certificate, the
// trust anchor it chained to, or the client certificate in use, that
// expires within the window is logged as a warning once per certificate
// per day and listed in the connection's record (ConnInfo.Expiring). The
// check is a few time comparisons a connect; only a certificate inside the
// window costs more.

// DefaultExpiryWarning is the window of WithExpiryWarning when it is not
// given: 30 days.
const DefaultExpiryWarning = 30 * 24 * time.Hour

// WithExpiryWarning sets how long before a certificate's notAfter it is
// warned of; 0 or less turns the warnings (and ConnInfo.Expiring) off.
func WithExpiryWarning(d time.Duration) Option {
	return func(o *options) { o.expiry, o.expirySet = d, true }
}

// Expiring is a certificate a connection used that expires within the
// window of WithExpiryWarning.
type Expiring struct {
	Role     string // "server" (the leaf), "intermediate", "anchor" (the trust anchor it chained to), "client"
	Subject  string
	NotAfter time.Time
	DaysLeft int // whole days from the connection to NotAfter; negative once expired
}

// expiryWindow is the window in force, 0 when off.
func (o *options) expiryWindow() time.Duration {
	if !o.expirySet {
		return DefaultExpiryWarning
	}
	return max(o.expiry, 0)
}

// DaysLeft is the whole days from now to notAfter, rounded down; negative
// once notAfter has passed.
func DaysLeft(notAfter, now time.Time) int {
	d := notAfter.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// expiryLog remembers which certificate was warned of on which day.
type expiryLog struct {
	mu     sync.Mutex
	warned map[[32]byte]int64 // SHA-256 → the day (Unix days) of the last warning
}

// anchorIndex gives a generation's trust anchors read from a file by their
// raw subject, so that the anchor a chain ended at is found with a map
// lookup.
func anchorIndex(st *verify.Strategy) map[string]*x509.Certificate {
	if len(st.Anchors) == 0 {
		return nil
	}
	m := make(map[string]*x509.Certificate, len(st.Anchors))
	for _, a := range st.Anchors {
		m[string(a.RawSubject)] = a
	}
	return m
}

// checkExpiry lists and warns of the certificates of a connection made that
// expire within the window.
func (c *Connector) checkExpiry(g *generation, rec *record) {
	window := c.opts.expiryWindow()
	if window == 0 {
		return
	}
	now := time.Now()
	if c.opts.clock != nil {
		now = c.opts.clock()
	}
	limit := now.Add(window)
	st := g.st
	rec.mu.Lock()
	peers := rec.tls.peer
	rec.mu.Unlock()
	var found []Expiring
	add := func(role string, cert *x509.Certificate) {
		found = append(found, Expiring{Role: role, Subject: cert.Subject.String(), NotAfter: cert.NotAfter, DaysLeft: DaysLeft(cert.NotAfter, now)})
		c.warnExpiry(role, cert, now, found[len(found)-1].DaysLeft)
	}
	if st.Mode != verify.ModeNone && len(peers) > 0 {
		for i, p := range peers {
			if p.NotAfter.Before(limit) {
				role := "intermediate"
				if i == 0 {
					role = "server"
				}
				add(role, p)
			}
		}
		if g.anchors != nil {
			last := peers[len(peers)-1]
			a := g.anchors[string(last.RawIssuer)]
			if a == nil {
				a = g.anchors[string(last.RawSubject)] // the server sent the anchor itself
			}
			if a != nil && a.NotAfter.Before(limit) && a != last {
				add("anchor", a)
			}
		}
	}
	if cc := st.ClientCertificate; cc != nil && cc.Leaf != nil && cc.Leaf.NotAfter.Before(limit) {
		add("client", cc.Leaf)
	}
	if found != nil {
		rec.mu.Lock()
		rec.info.Expiring = found
		rec.mu.Unlock()
	}
}

// warnExpiry logs cert once a day.
func (c *Connector) warnExpiry(role string, cert *x509.Certificate, now time.Time, days int) {
	sum := sha256.Sum256(cert.Raw)
	day := now.Unix() / 86400
	c.expired.mu.Lock()
	if c.expired.warned == nil || len(c.expired.warned) > 4096 {
		c.expired.warned = map[[32]byte]int64{}
	}
	last, seen := c.expired.warned[sum]
	if seen && last == day {
		c.expired.mu.Unlock()
		return
	}
	c.expired.warned[sum] = day
	c.expired.mu.Unlock()
	what := "expires in " + strconv.Itoa(days) + " days"
	if days < 0 {
		what = "has expired"
	}
	c.opts.logger().Warn("dbtls: the "+role+" certificate "+what+"; renew it before it stops connections",
		"role", role, "subject", cert.Subject.String(), "notAfter", cert.NotAfter.UTC().Format(time.RFC3339), "daysLeft", days)
}
