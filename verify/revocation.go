package verify

import (
	"bytes"
	"crypto/x509"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
)

// Revocation, offline (spec §7): the CRLs that MySQL's ssl-crl and
// ssl-crlpath, or dbtls's certificateRevocationList, name are read with the
// rest of the trust material and checked for every certificate of the
// verified chain. Nothing is fetched: no OCSP, no distribution point.

// Revocation is the certificate revocation lists a Strategy checks.
type Revocation struct {
	Keys  []string // the properties that named them
	Lists []*x509.RevocationList
	// byIssuer indexes the lists by their issuer's raw name, each with its
	// revoked serial numbers.
	byIssuer map[string][]*revokedBy
}

type revokedBy struct {
	list    *x509.RevocationList
	serials map[string]x509.RevocationListEntry // big.Int bytes → entry
	key     string                              // the property
	// signer is the issuer certificate the list's signature last verified
	// against: a handshake that meets the same issuer does not verify the
	// signature again.
	signer atomic.Pointer[x509.Certificate]
}

// RevokedError is the cause of a certificate-revoked error.
type RevokedError struct {
	Certificate *x509.Certificate
	Entry       x509.RevocationListEntry
	Key         string // the property whose CRL lists it
}

func (e *RevokedError) Error() string {
	return "certificate " + e.Certificate.Subject.String() + " (serial " + e.Certificate.SerialNumber.String() + ", issuer " +
		e.Certificate.Issuer.String() + ") was revoked at " + e.Entry.RevocationTime.UTC().Format(time.RFC3339) + " by the CRL " + e.Key + " names"
}

// crlSettings are the CRL properties given, each with its key (the
// canonical one for a Config built as a struct).
func crlSettings(cfg *dsn.Config) []dsn.Setting[string] {
	t := &cfg.TLS
	var out []dsn.Setting[string]
	for _, s := range []struct {
		s   dsn.Setting[string]
		key string
	}{{t.CRL, "certificateRevocationList"}, {t.SSLCRL, "ssl-crl"}, {t.SSLCRLPath, "ssl-crlpath"}} {
		if s.s.Set {
			s.s.Key = kind.KeyOr(s.s.Key, s.key)
			out = append(out, s.s)
		}
	}
	return out
}

// revocation loads the CRLs cfg names into s; a strategy that verifies no
// chain ignores them with a warning.
func (r *resolver) revocation(cfg *dsn.Config, s *Strategy) error {
	given := crlSettings(cfg)
	if len(given) == 0 {
		return nil
	}
	if s.Mode != ModeCAChain && s.Mode != ModeHostnameOverride {
		s.Warnings = append(s.Warnings, given[0].Key+" is ignored: "+rowName(s)+" validates no certificate chain, so there is none to check for revocation")
		return nil
	}
	if !r.read {
		return nil
	}
	rev := &Revocation{byIssuer: map[string][]*revokedBy{}}
	now := time.Now()
	for _, g := range given {
		key := g.Key
		lists, err := r.loadCRLs(key, g.Value, now)
		if err != nil {
			if r.prev != nil && r.keep("crl", err, r.prev.Revocation != nil) {
				s.Revocation = r.prev.Revocation
				return nil
			}
			return err
		}
		rev.Keys = append(rev.Keys, key)
		for _, l := range lists {
			if err := r.checkCRLIssuer(key, g.Value, l); err != nil {
				if r.prev != nil && r.keep("crl", err, r.prev.Revocation != nil) {
					s.Revocation = r.prev.Revocation
					return nil
				}
				return err
			}
			rb := &revokedBy{list: l, serials: map[string]x509.RevocationListEntry{}, key: key}
			for _, e := range l.RevokedCertificateEntries {
				rb.serials[string(e.SerialNumber.Bytes())] = e
			}
			rev.Lists = append(rev.Lists, l)
			rev.byIssuer[string(l.RawIssuer)] = append(rev.byIssuer[string(l.RawIssuer)], rb)
		}
	}
	s.Revocation = rev
	return nil
}

// loadCRLs reads one property's CRLs: a file, or every file of a directory.
func (r *resolver) loadCRLs(key, path string, now time.Time) ([]*x509.RevocationList, error) {
	r.watch(key, "crl", path)
	if !truststore.IsDir(path) {
		return truststore.LoadCRL(path, key, false, now)
	}
	files, err := truststore.CRLFiles(path, key)
	if err != nil {
		return nil, err
	}
	var out []*x509.RevocationList
	for _, f := range files {
		r.watch(key, "crl", f)
		lists, err := truststore.LoadCRL(f, key, true, now)
		if err != nil {
			return nil, err
		}
		out = append(out, lists...)
	}
	return out, nil
}

// checkCRLIssuer refuses, at load, a CRL whose issuer is among the trust
// anchors read from a file but whose signature does not verify against it.
// A CRL of an intermediate CA is checked against the certificate the server
// sends, on each handshake.
func (r *resolver) checkCRLIssuer(key, path string, l *x509.RevocationList) error {
	for _, a := range r.anchorCerts {
		if !bytes.Equal(a.RawSubject, l.RawIssuer) {
			continue
		}
		if err := l.CheckSignatureFrom(a); err == nil {
			return nil
		}
	}
	for _, a := range r.anchorCerts {
		if bytes.Equal(a.RawSubject, l.RawIssuer) {
			return crlSignatureError(key, path, l)
		}
	}
	return nil
}

func crlSignatureError(key, path string, l *x509.RevocationList) error {
	return &kind.Error{Kind: kind.TruststoreUnreadable, What: "certificate revocation list does not verify against its issuer", Key: key, Value: path,
		Why: "the CRL names " + l.Issuer.String() + " as its issuer, and that CA's key did not sign it",
		Fix: "install the CRL the CA itself issued (openssl ca -gencrl with the CA's key)", Err: truststore.ErrUnreadable}
}

// check runs the lists over a verified chain (leaf first, anchor last):
// every certificate is looked up in the CRLs of its issuer, which must
// verify against the issuer's certificate and be current.
func (rev *Revocation) check(chain []*x509.Certificate, now time.Time) error {
	if rev == nil {
		return nil
	}
	for i, c := range chain {
		issuer := c
		if i+1 < len(chain) {
			issuer = chain[i+1]
		}
		for _, rb := range rev.byIssuer[string(c.RawIssuer)] {
			if err := rb.checkSignature(issuer); err != nil {
				return err
			}
			if !rb.list.NextUpdate.IsZero() && now.After(rb.list.NextUpdate) {
				return &kind.Error{Kind: kind.UntrustedCertificate, What: "certificate revocation list has expired", Key: rb.key,
					Why: "the list from " + rb.list.Issuer.String() + " was to be replaced by " + rb.list.NextUpdate.UTC().Format(time.RFC3339),
					Fix: "install the issuer's current CRL (openssl ca -gencrl)"}
			}
			if e, ok := rb.serials[string(serialBytes(c.SerialNumber))]; ok {
				re := &RevokedError{Certificate: c, Entry: e, Key: rb.key}
				return &kind.Error{Kind: kind.CertificateRevoked, What: "server certificate chain holds a revoked certificate", Key: rb.key,
					Why: re.Error(), Fix: "give the server a certificate that is not revoked", Err: re}
			}
		}
	}
	return nil
}

func serialBytes(n *big.Int) []byte { return n.Bytes() }

// checkSignature verifies the list against the issuer's certificate, once
// per issuer certificate met.
func (rb *revokedBy) checkSignature(issuer *x509.Certificate) error {
	if v := rb.signer.Load(); v != nil && bytes.Equal(v.Raw, issuer.Raw) {
		return nil
	}
	if err := rb.list.CheckSignatureFrom(issuer); err != nil {
		return crlSignatureError(rb.key, "", rb.list)
	}
	rb.signer.Store(issuer)
	return nil
}
