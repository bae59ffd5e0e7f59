package truststore

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dbtls/dbtls/kind"
)

// Certificate revocation lists (spec §7): MySQL's ssl-crl (a file) and
// ssl-crlpath (a directory), dbtls's certificateRevocationList (either).
// They are read from files only: nothing is ever fetched.

// LoadCRL reads the CRLs of one file, for the property key: PEM ("X509 CRL"
// blocks, any number) or one DER CRL. A file of a CRL directory (inDir) that
// holds PEM blocks but no CRL — a CA certificate kept beside the lists, as
// OpenSSL's hashed directories allow — gives none; anything else that is not
// a CRL is an error naming the property and the file. A CRL past its
// nextUpdate at now is refused (spec §7): a stale list would hide a later
// revocation.
func LoadCRL(path, key string, inDir bool, now time.Time) ([]*x509.RevocationList, error) {
	data, err := ReadFile(path, key)
	if err != nil {
		return nil, err
	}
	return parseCRLs(data, path, key, inDir, now)
}

// parseCRLs is LoadCRL past reading the file.
func parseCRLs(data []byte, path, key string, inDir bool, now time.Time) ([]*x509.RevocationList, error) {
	bad := func(why string, cause error) error {
		return &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot load the certificate revocation list", Key: key, Value: path,
			Why: why, Fix: "point " + key + " to CRLs in PEM or DER, as openssl ca -gencrl writes them", Err: errors.Join(ErrUnreadable, cause)}
	}
	var ders [][]byte
	sawPEM := false
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		sawPEM = true
		if b.Type == "X509 CRL" {
			ders = append(ders, b.Bytes)
		}
	}
	switch {
	case sawPEM && len(ders) == 0 && inDir:
		return nil, nil
	case sawPEM && len(ders) == 0:
		return nil, bad("the file holds no X509 CRL block", nil)
	case !sawPEM:
		ders = [][]byte{data}
	}
	var out []*x509.RevocationList
	for _, der := range ders {
		l, err := x509.ParseRevocationList(der)
		if err != nil {
			return nil, bad("not a CRL: "+err.Error(), err)
		}
		if !l.NextUpdate.IsZero() && now.After(l.NextUpdate) {
			return nil, &kind.Error{Kind: kind.TruststoreUnreadable, What: "certificate revocation list has expired", Key: key, Value: path,
				Why: "the list from " + l.Issuer.String() + " was to be replaced by " + l.NextUpdate.UTC().Format(time.RFC3339) + " (now " + now.UTC().Format(time.RFC3339) + ")",
				Fix: "install the issuer's current CRL (openssl ca -gencrl)", Err: ErrUnreadable}
		}
		out = append(out, l)
	}
	return out, nil
}

// CRLFiles lists the files of a CRL directory (ssl-crlpath), for the
// property key: regular files (symbolic links followed), in name order,
// leaving out names that start with "." (a Kubernetes projected volume's
// ..data and timestamped directories hold the same files again).
func CRLFiles(dir, key string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot read the CRL directory", Key: key, Value: dir,
			Why: err.Error(), Fix: "point " + key + " to a directory of CRL files", Err: errors.Join(ErrUnreadable, err)}
	}
	var files []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			files = append(files, p)
		}
	}
	slices.Sort(files)
	return files, nil
}

// IsDir reports whether path names a directory (symbolic links followed).
func IsDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
