package connector

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"time"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// Files follow themselves (spec §7): the connector holds the trust material
// in force as one generation, swapped atomically. A Connect looks at the
// generation's files — a stat each, no read — at most once every lookEvery:
// the goroutine that finds a look due makes it (one look at a time, never
// one per connection) while the others go on with the generation in force,
// except while a change is being read, which they wait for. Between looks a
// Connect costs one clock reading and two atomic loads. A file that changed
// is read once it has not been written for settleFor (a file still being
// written is left for the next look), so a connection that starts one
// second after a change uses the new content: lookEvery + settleFor < 1 s.
const (
	lookEvery = 250 * time.Millisecond
	settleFor = 500 * time.Millisecond
)

// generation is the trust material in force.
type generation struct {
	st *verify.Strategy
	n  uint64 // 1 at New, one more at each change put in force (ConnInfo.Generation)
	// files are the material's files as last looked at: a change that could
	// not be used is noted here, so that it is warned of once and read again
	// only when the file changes again.
	files []verify.MaterialFile
	// cache holds the TLS sessions made with this material: a session
	// resumed would carry the client certificate it was made with, so a
	// new generation starts with an empty cache.
	cache tls.ClientSessionCache
	// anchors are st.Anchors by raw subject (expiry.go).
	anchors map[string]*x509.Certificate
}

func newGeneration(st *verify.Strategy, n uint64, files []verify.MaterialFile) *generation {
	return &generation{st: st, n: n, files: files, cache: tls.NewLRUClientSessionCache(64), anchors: anchorIndex(st)}
}

// current is the generation a Connect uses, after a look at the files when
// one is due.
func (c *Connector) current() *generation {
	g := c.gen.Load()
	if len(g.files) == 0 || int64(time.Since(c.epoch)) < c.due.Load() {
		return g
	}
	return c.look()
}

// look stats the generation's files and, when one changed and has settled,
// resolves the configuration again (verify.Refresh): the material of a
// changed file that loads is put in force as a new generation; one that
// does not keeps the previous material and is logged once, naming the
// property and the reason.
func (c *Connector) look() *generation {
	c.mu.Lock()
	defer c.mu.Unlock()
	since := time.Since(c.epoch)
	g := c.gen.Load()
	if int64(since) < c.due.Load() { // another goroutine looked meanwhile
		return g
	}
	c.due.Store(int64(since + lookEvery))
	now := time.Now()
	changed := verify.Changed(g.files, now)
	if len(changed) == 0 {
		return g
	}
	for _, f := range changed {
		if !f.ID.Settled(now, settleFor) {
			return g // being written: the next look reads it
		}
	}
	// A change to read: the Connects that start meanwhile wait for it (on
	// mu) rather than use the material it replaces.
	c.due.Store(0)
	defer c.due.Store(int64(since + lookEvery))
	st, kept, err := verify.Refresh(c.cfg, g.st, c.opts.resolve...)
	if err == nil {
		err = c.be.prepare(st)
	}
	if err != nil {
		c.opts.logger().Warn("dbtls: "+keysOf(changed)+" changed and cannot be used; keeping the previous trust material",
			"property", keysOf(changed), "kind", string(kind.Of(err)), "error", err.Error())
		next := &generation{st: g.st, n: g.n, files: noted(g.files, changed), cache: g.cache, anchors: g.anchors}
		c.gen.Store(next)
		return next
	}
	unusable, touched := map[string]bool{}, map[string]bool{}
	for _, f := range changed {
		touched[f.Material] = true
	}
	for _, k := range kept {
		unusable[k.Material] = true
		if !touched[k.Material] {
			continue // warned of when its own file changed
		}
		key := ""
		if e, ok := k.Err.(*kind.Error); ok {
			key = e.Key
		}
		c.opts.logger().Warn("dbtls: "+key+" changed and cannot be used; keeping the previous "+k.Material+" material until it can",
			"property", key, "kind", string(kind.Of(k.Err)), "error", k.Err.Error())
	}
	next := &generation{st: g.st, n: g.n, files: st.Files(), cache: g.cache, anchors: g.anchors}
	for _, f := range changed {
		if !unusable[f.Material] {
			next = newGeneration(st, g.n+1, st.Files())
			c.opts.logger().Info("dbtls: trust material changed on disk; new connections use it", "generation", next.n, "property", keysOf(changed), "trust", st.Trust.String())
			break
		}
	}
	c.gen.Store(next)
	return next
}

// noted is files with the changed ones as they are now.
func noted(files, changed []verify.MaterialFile) []verify.MaterialFile {
	out := append([]verify.MaterialFile(nil), files...)
	for i := range out {
		for _, f := range changed {
			if f.Path == out[i].Path && f.Key == out[i].Key {
				out[i].ID = f.ID
			}
		}
	}
	return out
}

// keysOf names the properties of files, once each.
func keysOf(files []verify.MaterialFile) string {
	var keys []string
	for _, f := range files {
		if !strings.Contains(","+strings.Join(keys, ",")+",", ","+f.Key+",") {
			keys = append(keys, f.Key)
		}
	}
	return strings.Join(keys, ",")
}
