package truststore

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
)

// loadJKS reads a JKS store. keystore-go reads every entry before it compares
// the digest, so without a password (Java's load(in, null)) the entries are
// kept and only the digest comparison is skipped. scanJKS checks the layout
// first: keystore-go allocates whatever the file declares.
func loadJKS(data []byte, src Source) ([]*x509.Certificate, error) {
	if err := scanJKS(data); err != nil {
		return nil, src.malformed("JKS", err.Error())
	}
	ks := keystore.New(keystore.WithOrderedAliases())
	var pw []byte
	if src.HasPassword {
		pw = []byte(src.Password)
	}
	err := ks.Load(bytes.NewReader(data), pw)
	switch {
	case err == nil:
	case invalidDigest(err) && !src.HasPassword:
		// no password given: integrity not checked, as the JDK does
	case invalidDigest(err):
		return nil, src.integrity(err)
	default:
		return nil, src.unreadable(src.Path, "the JKS store is damaged: "+err.Error(), "make the store again with keytool", errors.Join(ErrUnreadable, err))
	}
	var certs []*x509.Certificate
	for _, alias := range ks.Aliases() {
		var raw []byte
		if e, err := ks.GetTrustedCertificateEntry(alias); err == nil {
			raw = e.Certificate.Content
		} else if chain, err := ks.GetPrivateKeyEntryCertificateChain(alias); err == nil && len(chain) > 0 {
			raw = chain[0].Content // the JDK's trust manager trusts a key entry's own certificate
		}
		if raw == nil {
			continue
		}
		c, err := x509.ParseCertificate(raw)
		if err != nil {
			return nil, src.unreadable(src.Path, fmt.Sprintf("entry %q holds a certificate that does not parse: %v", alias, err), "replace that entry", errors.Join(ErrUnreadable, err))
		}
		certs = append(certs, c)
	}
	return certs, nil
}
