package connector

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// serverKey is the server RSA public key pinned for st, or nil:
// serverRSAPublicKeyFile's, read at the first call (New) and kept for every
// strategy after it; a Reload does not read it again.
func (b *mySQL) serverKey(*verify.Strategy) (*rsa.PublicKey, error) {
	s := b.cfg.Auth.ServerRSAPublicKeyFile
	if !s.Set || b.key != nil {
		return b.key, nil
	}
	var err error
	b.key, err = loadServerRSAKey(s.Key, s.Value)
	return b.key, err
}

// maxRSAKeyFile bounds the read of serverRSAPublicKeyFile: a 16384-bit RSA
// key in PEM is under 3 KiB.
const maxRSAKeyFile = 64 << 10

// loadServerRSAKey reads an RSA public key in PEM ("PUBLIC KEY", as MySQL
// writes public_key.pem, or "RSA PUBLIC KEY") from the file at value, or from
// value itself when it holds the PEM text (as MariaDB Connector/J accepts).
func loadServerRSAKey(key, value string) (*rsa.PublicKey, error) {
	shown := value
	data := []byte(value)
	if strings.Contains(value, "-----BEGIN") {
		shown = "(PEM text)"
	} else {
		f, err := os.Open(value)
		if err != nil {
			return nil, &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot read the server's RSA public key", Key: key, Value: value,
				Why: err.Error(), Fix: "check the path of " + key, Err: err}
		}
		data, err = io.ReadAll(io.LimitReader(f, maxRSAKeyFile+1))
		f.Close()
		if err != nil {
			return nil, &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot read the server's RSA public key", Key: key, Value: value,
				Why: err.Error(), Fix: "check the path of " + key, Err: err}
		}
		if len(data) > maxRSAKeyFile {
			return nil, &kind.Error{Kind: kind.InvalidDSN, What: "server RSA public key file too large", Key: key, Value: value,
				Why: fmt.Sprintf("it is over %d KiB; a PEM public key is a few KiB", maxRSAKeyFile>>10),
				Fix: "point " + key + " to the server's public key file (e.g. the server's public_key.pem)"}
		}
	}
	fix := "point " + key + " to the server's RSA public key in PEM (the server's public_key.pem; SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key' prints it)"
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "server RSA public key does not parse", Key: key, Value: shown,
			Why: "no PEM block found", Fix: fix}
	}
	var pub any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "server RSA public key does not parse", Key: key, Value: shown,
			Why: "its first PEM block is " + block.Type + ", not PUBLIC KEY", Fix: fix}
	}
	if err != nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "server RSA public key does not parse", Key: key, Value: shown,
			Why: err.Error(), Fix: fix, Err: err}
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "server public key is not an RSA key", Key: key, Value: shown,
			Why: fmt.Sprintf("it is a %T; MySQL encrypts passwords with RSA only", pub), Fix: fix}
	}
	return rsaPub, nil
}
