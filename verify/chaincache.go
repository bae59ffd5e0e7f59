package verify

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"sync/atomic"
	"time"
)

// chainCache remembers which presented chains verified against a strategy's
// trust anchors, so that a resumed session (or a new connection to the same
// server) does not pay for the signature checks again (≈ 100 µs of RSA
// a connection in the VERIFY modes). Only the chain's verification is
// reused: the validity dates of every certificate of the verified chain, the
// name and the pin are checked on every handshake. It belongs to one
// Strategy, so Reload — which resolves a new Strategy — starts from an empty
// cache, and a chain trusted by the old anchors is judged again by the new.
type chainCache struct {
	m    sync.Map // [32]byte (SHA-256 of the chain's DER) → verifiedChain
	n    atomic.Int32
	hits atomic.Int64 // for tests
}

// verifiedChain is what a successful verification leaves: the window in
// which every certificate of the chain built (anchor included) is valid.
type verifiedChain struct {
	notBefore, notAfter time.Time
	built               []*x509.Certificate // the chain built, for the revocation lists
}

// maxCachedChains bounds the cache; when full it starts again.
const maxCachedChains = 256

func chainKey(chain []*x509.Certificate) [32]byte {
	h := sha256.New()
	for _, c := range chain {
		var n [4]byte
		n[0], n[1], n[2], n[3] = byte(len(c.Raw)>>24), byte(len(c.Raw)>>16), byte(len(c.Raw)>>8), byte(len(c.Raw))
		h.Write(n[:])
		h.Write(c.Raw)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// lookup returns the chain built when chain verified before, if it is
// still within that chain's window.
func (c *chainCache) lookup(k [32]byte, now time.Time) ([]*x509.Certificate, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c.m.Load(k)
	if !ok {
		return nil, false
	}
	w := v.(verifiedChain)
	if now.Before(w.notBefore) || now.After(w.notAfter) {
		return nil, false // let the full verification say which certificate and why
	}
	c.hits.Add(1)
	return w.built, true
}

// store remembers a verified chain with the window of the chain built.
func (c *chainCache) store(k [32]byte, built []*x509.Certificate) {
	if c == nil || len(built) == 0 {
		return
	}
	w := verifiedChain{notBefore: built[0].NotBefore, notAfter: built[0].NotAfter, built: built}
	for _, b := range built[1:] {
		if b.NotBefore.After(w.notBefore) {
			w.notBefore = b.NotBefore
		}
		if b.NotAfter.Before(w.notAfter) {
			w.notAfter = b.NotAfter
		}
	}
	if c.n.Add(1) > maxCachedChains {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(k, w)
}
