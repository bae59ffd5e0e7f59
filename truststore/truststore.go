package truststore

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// Format is a trust store's format, as detected from its content.
type Format string

// The formats read.
const (
	JKS    Format = "jks"
	PKCS12 Format = "pkcs12"
	PEM    Format = "pem"
	// DER is a single DER-encoded certificate given as the trust store
	// (go-mssqldb's certificate= takes one): the one trust anchor.
	DER Format = "der"
)

// Sentinels, wrapped inside the *kind.Error values this package returns.
var (
	ErrIncorrectPassword     = errors.New("truststore: incorrect password")
	ErrPasswordRequired      = errors.New("truststore: a password is required")
	ErrUnsupportedFormat     = errors.New("truststore: unsupported format")
	ErrNoTrustedCertificates = errors.New("truststore: no trusted certificate")
	ErrUnreadable            = errors.New("truststore: unreadable")
)

// Source names one store and the properties it came from; the property
// names appear in errors so a person knows which one to change.
type Source struct {
	Path        string // a file path, or a file: URL (Connector/J style)
	Type        string // the declared type (trustStoreType …): a hint; the content decides
	Password    string
	HasPassword bool // a password was given (even empty): integrity is checked

	PathKey, TypeKey, PasswordKey string // e.g. "trustStore", "trustStoreType", "trustStorePassword"
}

// Store is a loaded trust store.
type Store struct {
	Format Format
	Path   string
	Certs  []*x509.Certificate // the trust anchors
}

// Pool returns the trust anchors as a pool.
func (s *Store) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range s.Certs {
		p.AddCert(c)
	}
	return p
}

// Load reads the store src names.
func Load(src Source) (*Store, error) {
	path, err := filePath(src)
	if err != nil {
		return nil, err
	}
	data, err := readBounded(path, src, "cannot load trust store")
	if err != nil {
		return nil, err
	}
	st, err := LoadBytes(data, src)
	if err != nil {
		return nil, err
	}
	st.Path = path
	return st, nil
}

// filePath accepts a path or a file: URL.
func filePath(src Source) (string, error) {
	p := strings.TrimSpace(src.Path)
	if strings.HasPrefix(strings.ToLower(p), "file:") {
		u, err := url.Parse(p)
		if err != nil {
			return "", src.unreadable(p, "not a valid file: URL", "write file:/absolute/path or a plain path", errors.Join(ErrUnreadable, err))
		}
		if u.Path != "" {
			return u.Path, nil
		}
		return u.Opaque, nil
	}
	if p == "" {
		return "", src.unreadable(p, "empty path", "give the trust store's path", ErrUnreadable)
	}
	return p, nil
}

// LoadBytes reads a store from its content; same rules as Load, including
// the MaxFileSize bound.
func LoadBytes(data []byte, src Source) (*Store, error) {
	if len(data) > MaxFileSize {
		return nil, src.tooLarge(src.Path, int64(len(data)))
	}
	f, err := detect(data, src)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	switch f {
	case JKS:
		certs, err = loadJKS(data, src)
	case PKCS12:
		certs, err = loadPKCS12(data, src)
	case PEM:
		certs, err = loadPEM(data, src)
	case DER:
		var c *x509.Certificate
		if c, err = x509.ParseCertificate(data); err == nil {
			certs = []*x509.Certificate{c}
		}
	}
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, src.unreadable(src.Path, fmt.Sprintf("the %s store holds no trusted certificate", f),
			"import the CA with keytool -importcert, or point to another store", ErrNoTrustedCertificates)
	}
	return &Store{Format: f, Path: src.Path, Certs: certs}, nil
}

var (
	magicJKS   = []byte{0xFE, 0xED, 0xFE, 0xED}
	magicJCEKS = []byte{0xCE, 0xCE, 0xCE, 0xCE}
)

// detect tells the format from the content, as the JDK's keystore
// compatibility mode does.
func detect(data []byte, src Source) (Format, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(data, magicJKS):
		return JKS, nil
	case bytes.HasPrefix(data, magicJCEKS):
		return "", src.unsupported("JCEKS")
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN")):
		return PEM, nil
	case len(data) > 0 && data[0] == 0x30 && isDERCertificate(data):
		return DER, nil
	case len(data) > 0 && data[0] == 0x30:
		return PKCS12, nil
	}
	if t := strings.TrimSpace(src.Type); t != "" && !isKnownType(t) {
		return "", src.unsupported(t)
	}
	return "", src.unreadable(src.Path, "not a JKS, PKCS12 or PEM trust store", "point to a store made with keytool or a PEM bundle", ErrUnsupportedFormat)
}

// isDERCertificate: the content is one X.509 certificate, DER-encoded (a
// PKCS12 file is a SEQUENCE too, but begins with its version INTEGER).
func isDERCertificate(data []byte) bool {
	_, err := x509.ParseCertificate(data)
	return err == nil
}

func isKnownType(t string) bool {
	switch strings.ToUpper(t) {
	case "JKS", "PKCS12", "PFX", "P12", "PEM":
		return true
	}
	return false
}

func (src Source) unsupported(name string) error {
	return &kind.Error{Kind: kind.TruststoreUnreadable, What: "unsupported trust store type", Key: kind.KeyOr(src.PathKey, "trustStore"), Value: src.Path,
		Why: name + " stores cannot be read; dbtls reads JKS, PKCS12 and PEM",
		Fix: "convert it: keytool -importkeystore -srckeystore FILE -srcstoretype " + name + " -destkeystore out.p12 -deststoretype PKCS12",
		Err: ErrUnsupportedFormat}
}

func (src Source) unreadable(path, why, fix string, cause error) error {
	return &kind.Error{Kind: kind.TruststoreUnreadable, What: "cannot load trust store", Key: kind.KeyOr(src.PathKey, "trustStore"), Value: path, Why: why, Fix: fix, Err: cause}
}

func (src Source) integrity(cause error) error {
	// Value is never the password, not even for a reader of the field.
	shown := ""
	if src.Password != "" {
		shown = kind.Redacted
	}
	return &kind.Error{Kind: kind.TruststoreIntegrity, What: "trust store integrity check failed", Key: kind.KeyOr(src.PasswordKey, "trustStorePassword"), Value: shown,
		Why: "the password does not match the store " + src.Path, Fix: "set " + kind.KeyOr(src.PasswordKey, "trustStorePassword") + " to the store's password",
		Err: errors.Join(ErrIncorrectPassword, cause)}
}

// invalidDigest reports whether err is keystore-go's answer to a JKS
// store whose keyed digest does not match the password: "got invalid
// digest", translated here, in one place, into an integrity failure.
func invalidDigest(err error) bool {
	return err != nil && err.Error() == "got invalid digest"
}
