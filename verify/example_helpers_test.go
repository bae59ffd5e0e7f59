package verify_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
)

func cnOnly(cn string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: cn}}
}
