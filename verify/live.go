package verify

import (
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/truststore"
)

// Trust material that lives (spec §7): Resolve notes every file it reads —
// with what a stat said of it just before it was read — so that a connector
// can tell, with a stat, that one changed; Refresh resolves the
// configuration again and keeps, material by material, what a changed file
// that no longer loads gave before.

// MaterialFile is one file a Strategy's trust material was read from.
type MaterialFile struct {
	Key      string // the property that names it, e.g. "ssl-ca", "trustStore"
	Material string // which material it gives: "anchors", "pin", "client", "rsa-key", "crl"
	Path     string
	ID       truststore.FileID // identified before it was read
}

// Files returns the files s's trust material was read from (none for a
// Strategy built by hand or by Describe, or for material given in code).
func (s *Strategy) Files() []MaterialFile { return s.files }

// Changed returns the files that changed since they were identified, at
// now, each with what a stat says of it now.
func Changed(files []MaterialFile, now time.Time) []MaterialFile {
	var out []MaterialFile
	for _, f := range files {
		if f.ID.Changed(f.Path, now) {
			f.ID = truststore.Identify(f.Path, now)
			out = append(out, f)
		}
	}
	return out
}

// Kept is a material that Refresh could not read again: the previous one
// stays in force.
type Kept struct {
	Material string // as MaterialFile.Material
	Err      error  // a *kind.Error naming the property
}

// Refresh is Resolve for a configuration that prev was resolved from, at a
// change of its files: each kind of material — the trust anchors, the pin,
// the client certificate (a certificate and its key together), the server's
// RSA public key, the revocation lists — is read again, and one that no
// longer loads keeps prev's, its error returned in kept (one per material).
// The files are noted as they are now, broken or not, so that a file is read
// again only when it changes again. err is an error Resolve would give
// that no previous material stands in for.
func Refresh(cfg *dsn.Config, prev *Strategy, opts ...Option) (s *Strategy, kept []Kept, err error) {
	r := newResolver(true, opts)
	r.prev = prev
	s, err = r.resolve(cfg)
	if err != nil {
		return nil, nil, err
	}
	return s, r.kept, nil
}

// watch notes the file at path before it is read, for the property key.
func (r *resolver) watch(key, material, path string) {
	if r.read {
		r.files = append(r.files, MaterialFile{Key: key, Material: material, Path: path, ID: truststore.Identify(path, time.Now())})
	}
}

// keep decides a failed load of material during Refresh: true, and the
// error kept, when the previous strategy holds that material (the
// configuration is the one prev was resolved from, so every failure here is
// one of a file).
func (r *resolver) keep(material string, err error, had bool) bool {
	if r.prev == nil || !had {
		return false
	}
	r.kept = append(r.kept, Kept{Material: material, Err: err})
	return true
}
