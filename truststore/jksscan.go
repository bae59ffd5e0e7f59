package truststore

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"fmt"
)

// The JKS layout, as the JDK's JavaKeyStore writes it (all integers big
// endian):
//
//	magic      u32  0xFEEDFEED (JCEKS: 0xCECECECE)
//	version    u32  1 or 2
//	count      u32  number of entries
//	entry × count:
//	  tag      u32  1 = private key, 2 = trusted certificate
//	  alias    u16 length + modified UTF-8 bytes
//	  created  u64  milliseconds since 1970
//	  tag 1:   u32 length + protected key bytes,
//	           u32 chain length, then that many certificates
//	  tag 2:   one certificate
//	  certificate: (version 2 only) u16 length + type name ("X.509"),
//	           u32 length + DER bytes
//	digest     20 bytes: SHA-1 over password, "Mighty Aphrodite" and all of the above
//
// keystore-go allocates whatever a length or count says before reading the
// bytes (make([]byte, n) for the key and certificate lengths, make of the
// chain count for the chain), so a 400-byte file declaring a certificate of
// 0xFFFFFFFF bytes costs 4 GiB, and a chain of 0xFFFFFFFF certificates
// 160 GiB. scanJKS walks the same layout without allocating and checks every
// count and length against the bytes that remain before keystore-go sees the
// data, and the number of entries and certificates against MaxEntries.
const (
	jksMagic      = 0xFEEDFEED
	jksDigestLen  = 20
	jksTagKey     = 1
	jksTagTrusted = 2
	// Smallest encodings: a certificate is a u32 length (version 2: plus a
	// u16 type length); a trusted-certificate entry is tag, alias length,
	// timestamp and a certificate; a private-key entry is tag, alias length,
	// timestamp, key length and chain count.
	jksMinKeyEntry = 4 + 2 + 8 + 4 + 4
)

// jksScan walks a JKS store; off is the next byte to read. Where it is
// (entry, chain certificate) is kept as numbers and put into words only for
// an error, so that the walk allocates nothing.
type jksScan struct {
	b              []byte
	off            int
	version        uint32
	entry, entries uint64 // entry 0: the header
	cert, certs    uint64 // chain certificate cert of certs; 0: not in a chain
}

func (s *jksScan) where() string {
	if s.entry == 0 {
		return "the header"
	}
	return fmt.Sprintf("entry %d of %d", s.entry, s.entries)
}

// what names a part of the current certificate: "the certificate", "the
// type name of chain certificate 2 of 3".
func (s *jksScan) what(part string) string {
	if part != "" {
		part += " of "
	}
	if s.certs == 0 {
		return part + "the certificate"
	}
	return fmt.Sprintf("%schain certificate %d of %d", part, s.cert, s.certs)
}

// left is how many bytes remain before the trailing digest (negative when
// the digest itself is cut).
func (s *jksScan) left() int { return len(s.b) - s.off - jksDigestLen }

// fixed reads a fixed-size field; the digest's place is not reserved here
// (declared lengths and counts are checked against it), so that a store cut
// inside its digest is reported as such.
func (s *jksScan) fixed(n int, what string) ([]byte, error) {
	if len(s.b)-s.off < n {
		return nil, fmt.Errorf("%s is cut short: the %s needs %d bytes, %d remain", s.where(), what, n, len(s.b)-s.off)
	}
	b := s.b[s.off : s.off+n]
	s.off += n
	return b, nil
}

func (s *jksScan) u16(what string) (uint16, error) {
	b, err := s.fixed(2, what)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

func (s *jksScan) u32(what string) (uint32, error) {
	b, err := s.fixed(4, what)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// skip passes over n declared bytes, refusing n when it exceeds what remains.
func (s *jksScan) skip(n uint64, what string) error {
	if l := s.left(); l < 0 || n > uint64(l) {
		return fmt.Errorf("%s: %s is declared as %d bytes, but only %d bytes remain before the %d-byte digest", s.where(), what, n, max(l, 0), jksDigestLen)
	}
	s.off += int(n)
	return nil
}

// count checks a declared number of items, each at least min bytes long,
// against the bytes that remain.
func (s *jksScan) count(n uint64, what string, minSize int) error {
	l := max(s.left(), 0)
	if n > uint64(l/minSize) {
		return fmt.Errorf("%s declares %d %s, but the %d bytes that remain before the %d-byte digest hold at most %d (each takes at least %d bytes)",
			s.where(), n, what, l, jksDigestLen, l/minSize, minSize)
	}
	return nil
}

func (s *jksScan) minCert() int {
	if s.version == 2 {
		return 2 + 4
	}
	return 4
}

// certificate passes over one certificate (the entry's, or chain
// certificate s.cert).
func (s *jksScan) certificate() error {
	if s.version == 2 {
		n, err := s.u16Part("type length")
		if err != nil {
			return err
		}
		if err := s.skipPart(uint64(n), "the type name"); err != nil {
			return err
		}
	}
	n, err := s.u32Part("length")
	if err != nil {
		return err
	}
	return s.skipPart(uint64(n), "")
}

// u16Part, u32Part and skipPart are u16, u32 and skip for a part of the
// current certificate, named only when an error needs it.
func (s *jksScan) u16Part(part string) (uint16, error) {
	if len(s.b)-s.off < 2 {
		return s.u16(s.what(part))
	}
	return s.u16(part)
}

func (s *jksScan) u32Part(part string) (uint32, error) {
	if len(s.b)-s.off < 4 {
		return s.u32(s.what(part))
	}
	return s.u32(part)
}

func (s *jksScan) skipPart(n uint64, part string) error {
	if l := s.left(); l < 0 || n > uint64(l) {
		return s.skip(n, s.what(part))
	}
	return s.skip(n, part)
}

// scanJKS checks the layout of a JKS store; nil means keystore-go can read it
// without allocating more than the store's own size (plus per-entry
// bookkeeping). The error says which entry, what it declared and how many
// bytes remain.
func scanJKS(data []byte) error {
	_, err := scanJKSKeys(data)
	return err
}

// jksKey is the protected key of a private-key entry, as stored.
type jksKey struct {
	entry     uint64
	protected []byte
}

// scanJKSKeys is scanJKS, also returning the protected keys (slices of data).
func scanJKSKeys(data []byte) ([]jksKey, error) {
	var keys []jksKey
	s := &jksScan{b: data}
	magic, err := s.u32("magic number")
	if err != nil {
		return nil, err
	}
	if magic != jksMagic {
		return nil, fmt.Errorf("the magic number is %#08x, not JKS's 0xfeedfeed", magic)
	}
	if s.version, err = s.u32("version"); err != nil {
		return nil, err
	}
	if s.version != 1 && s.version != 2 {
		return nil, fmt.Errorf("the header declares version %d; JKS stores are version 1 or 2", s.version)
	}
	n, err := s.u32("entry count")
	if err != nil {
		return nil, err
	}
	minTrusted := 4 + 2 + 8 + s.minCert()
	if err := s.count(uint64(n), "entries", min(minTrusted, jksMinKeyEntry)); err != nil {
		return nil, err
	}
	if n > MaxEntries {
		return nil, fmt.Errorf("the header declares %d entries; dbtls reads at most %d entries and certificates (MaxEntries)", n, MaxEntries)
	}
	total := uint64(n)
	s.entries = uint64(n)
	for i := uint64(1); i <= s.entries; i++ {
		s.entry, s.cert, s.certs = i, 0, 0
		tag, err := s.u32("tag")
		if err != nil {
			return nil, err
		}
		alias, err := s.u16("alias length")
		if err != nil {
			return nil, err
		}
		if err := s.skip(uint64(alias), "the alias"); err != nil {
			return nil, err
		}
		if _, err := s.fixed(8, "creation time"); err != nil {
			return nil, err
		}
		switch tag {
		case jksTagKey:
			k, err := s.u32("key length")
			if err != nil {
				return nil, err
			}
			start := s.off
			if err := s.skip(uint64(k), "the protected key"); err != nil {
				return nil, err
			}
			keys = append(keys, jksKey{entry: i, protected: data[start:s.off]})
			chain, err := s.u32("chain length")
			if err != nil {
				return nil, err
			}
			if err := s.count(uint64(chain), "chain certificates", s.minCert()); err != nil {
				return nil, err
			}
			if total += uint64(chain); total > MaxEntries {
				return nil, fmt.Errorf("%s declares %d chain certificates, which bring the store over %d entries and certificates (MaxEntries)", s.where(), chain, MaxEntries)
			}
			s.certs = uint64(chain)
			for s.cert = 1; s.cert <= s.certs; s.cert++ {
				if err := s.certificate(); err != nil {
					return nil, err
				}
			}
		case jksTagTrusted:
			if err := s.certificate(); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s has tag %d; JKS entries are 1 (private key) or 2 (trusted certificate)", s.where(), tag)
		}
	}
	if s.left() < 0 {
		return nil, fmt.Errorf("the store ends %d bytes short of its %d-byte digest", -s.left(), jksDigestLen)
	}
	return keys, nil
}

// oidJDKKeyProtector is the JDK's proprietary key protection of JKS
// (sun.security.provider.KeyProtector), the one keystore-go decrypts.
var oidJDKKeyProtector = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 42, 2, 17, 1, 1}

// checkJKSProtectedKey checks a protected key before keystore-go decrypts
// it: an EncryptedPrivateKeyInfo whose encrypted data is a 20-byte salt, the
// key XORed with a SHA-1 stream, and a 20-byte SHA-1 digest. keystore-go
// slices the data by those lengths without checking them (a shorter key
// makes it panic). A key it cannot decode it refuses itself.
func checkJKSProtectedKey(k jksKey) error {
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		Data      []byte
	}
	if rest, err := asn1.Unmarshal(k.protected, &info); err != nil || len(rest) > 0 || !info.Algorithm.Algorithm.Equal(oidJDKKeyProtector) {
		return nil
	}
	if len(info.Data) < 2*jksDigestLen {
		return fmt.Errorf("entry %d: the protected key holds %d bytes; the JDK's key protection takes at least %d (a 20-byte salt and a 20-byte digest)", k.entry, len(info.Data), 2*jksDigestLen)
	}
	return nil
}
