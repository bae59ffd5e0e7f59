package truststore

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// loadPEM reads every CERTIFICATE block; other blocks are skipped. A
// certificate block that does not parse is an error, never skipped.
func loadPEM(data []byte, src Source) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for n := 1; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, src.unreadable(src.Path, fmt.Sprintf("PEM block %d is not a valid certificate: %v", n, err), "fix or remove that block", errors.Join(ErrUnreadable, err))
		}
		certs = append(certs, c)
	}
	return certs, nil
}
