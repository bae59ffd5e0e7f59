package verify

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
)

// Describe says what a configuration means, as Resolve does, without reading
// any file: the row, the mode, whether TLS is required, the expected name and
// name rules, where the trust anchors come from (Trust; a store path is
// Source "store" with the path as written, its format being known only once
// read; the JDK's default store file is found, not read), versions, cipher
// suites, ALPN and the warnings. It never loads trust stores, the
// serverCertificate pin or client certificates, so Roots, Pin and
// ClientCertificate are nil.
//
// Its error is a configuration error, the one Resolve gives for the same
// reason, and the Strategy is nil with it. The errors that only reading the
// files can find (kind truststore-unreadable, truststore-integrity, a pin
// that does not parse) are Resolve's alone: dbtls explain calls Describe,
// then Resolve, and shows Resolve's error beside the description.
//
// A described Strategy cannot judge a certificate: Check (and so a
// tls.Config from TLSConfig) refuses every chain with kind handshake-failed.
// Use Resolve for a Strategy to connect with.
func Describe(cfg *dsn.Config) (*Strategy, error) {
	s, err := resolveWith(cfg, nameFiles)
	if err != nil {
		return nil, err
	}
	s.described, s.chains = true, nil
	return s, nil
}

// material is how the resolver treats the files a configuration names:
// Resolve reads them, Describe only names them.
type material struct{ read bool }

var (
	readFiles = material{read: true}
	nameFiles = material{read: false}
)

// anchors loads the trust anchors (loadAnchors), or says where they would
// come from.
func (m material) anchors(a anchors) (*x509.CertPool, Trust, error) {
	if m.read {
		return loadAnchors(a)
	}
	switch {
	case a.path.Set:
		return nil, Trust{Source: "store", Path: a.path.Value}, nil
	case a.password.Set:
		p, _ := truststore.DefaultStoreFile() // found by name; Resolve reports a missing one
		return nil, Trust{Source: "java-default", Path: p}, nil
	}
	return nil, Trust{Source: "system"}, nil
}

// pin reads the serverCertificate file (loadPin), or nothing.
func (m material) pin(s dsn.Setting[string]) (*x509.Certificate, error) {
	if m.read {
		return loadPin(s)
	}
	return nil, nil
}

// clientCert reads the client certificate (loadClientCert), or only checks
// that the properties name one.
func (m material) clientCert(t *dsn.TLS) (*tls.Certificate, error) {
	if m.read {
		return loadClientCert(t)
	}
	return nil, checkClientCert(t)
}

// errDescribed is Check's answer for a Strategy made by Describe.
var errDescribed = &kind.Error{Kind: kind.HandshakeFailed, What: "a described strategy cannot judge a certificate",
	Why: "verify.Describe names the trust material without loading it", Fix: "use verify.Resolve for a strategy to connect with"}
