package truststore

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// What go-pkcs12 does with a hostile PKCS12 file, read in its decoder
// (v0.7.4) and in encoding/asn1, which it parses with:
//
//   - Declared DER lengths: encoding/asn1 checks every length against the
//     bytes that remain before it takes a slice, and caps the capacity it
//     reserves for a SEQUENCE OF (saferio) whatever the element count, so a
//     length or count cannot allocate beyond the input's own size times the
//     size of the decoded element.
//   - Every SEQUENCE OF and SET OF is decoded into a slice of structs of about
//     a hundred bytes each, however small its elements: the authenticated
//     safe (decoded in full before go-pkcs12 compares its item count with the
//     1 or 2 it accepts), each safe's bags and each bag's attributes. An
//     8 MiB file of 9-byte bags made loadPKCS12 allocate 1.4 GB and run for
//     12 s. scanPKCS12 refuses more than two items, more than MaxEntries
//     bags and more than MaxPKCS12BagAttributes attributes a bag before
//     go-pkcs12 sees the file.
//   - Iteration counts (the MAC's key derivation, PBMAC1's PBKDF2, each
//     password-based encryption of the content and of a private key) are
//     used as given: a count of 2^31 keeps a CPU busy for minutes, and
//     go-pkcs12's PKCS12 key derivation allocates on every iteration.
//     scanPKCS12 refuses any count over maxIterations (MaxPKCS12Iterations).
//
// Encrypted content cannot be seen before decryption: its bags, and the
// iteration count of a private key bag inside it (keytool and OpenSSL keep
// key bags in plain content, themselves encrypted). go-pkcs12 decrypts it
// only after the MAC was verified with the configured password, or in a
// store without a MAC opened with an empty password. The latter is refused
// (checkPKCS12): nothing vouches for what it would reveal. What
// the holder of the password wrote is trusted as far as that.
//
// The structures, from RFC 7292 (PKCS #12 v1.1) and RFC 8018 (PKCS #5 v2.1).
// Each is at least as lenient as go-pkcs12's own (trailing fields are left
// out, octet strings are raw values), so a part this scan cannot decode is a
// part go-pkcs12 cannot decode either: go-pkcs12 then fails there, before
// any key derivation, with its own error.
type (
	p12PFX struct {
		Version  int
		AuthSafe p12ContentInfo
		MacData  p12MacData `asn1:"optional"`
	}
	p12ContentInfo struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
	}
	p12MacData struct {
		Mac        p12DigestInfo
		MacSalt    asn1.RawValue
		Iterations int `asn1:"optional,default:1"`
	}
	p12DigestInfo struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    asn1.RawValue
	}
	p12EncryptedData struct {
		Version       int
		EncryptedInfo struct {
			ContentType asn1.ObjectIdentifier
			Algorithm   pkix.AlgorithmIdentifier
		}
	}
	p12SafeBag struct {
		ID    asn1.ObjectIdentifier
		Value asn1.RawValue `asn1:"tag:0,explicit"`
	}
	p12EncryptedPrivateKeyInfo struct {
		Algorithm pkix.AlgorithmIdentifier
	}
	p12PBEParams struct { // pkcs-12PbeParams
		Salt       asn1.RawValue
		Iterations int
	}
	p12PBES2Params struct { // PBES2-params and PBMAC1-params: the KDF comes first
		KDF pkix.AlgorithmIdentifier
	}
	p12PBKDF2Params struct {
		Salt       asn1.RawValue
		Iterations int
	}
)

var (
	oidP12Data          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidP12EncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidP12ShroudedKey   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidP12PBEPrefix     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1} // pbeWithSHAAnd…: .1 to .6
	oidPBES2            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBMAC1           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
	oidPBKDF2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
)

// p12Layout is what scanPKCS12 saw.
type p12Layout struct {
	mac bool // the file has a MAC (its content is authenticated by the password)
	// encrypted: some content is encrypted, so its bags, and the iteration
	// count of a key bag inside it, cannot be seen before decryption.
	encrypted bool
}

// scanPKCS12 checks the item count of the authenticated safe, the bag and
// attribute counts of plain content and every iteration count visible before
// decryption. It returns nil error when
// the file is not decodable at all (go-pkcs12 then says why).
func scanPKCS12(data []byte) (p12Layout, error) {
	var l p12Layout
	var pfx p12PFX
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		return l, nil
	}
	if len(pfx.MacData.Mac.Algorithm.Algorithm) > 0 {
		l.mac = true
		if pfx.MacData.Mac.Algorithm.Algorithm.Equal(oidPBMAC1) {
			if err := checkPBKDF2(pfx.MacData.Mac.Algorithm.Parameters.FullBytes, "the MAC (PBMAC1)"); err != nil {
				return l, err
			}
		} else if err := checkIterations(pfx.MacData.Iterations, "the MAC"); err != nil {
			return l, err
		}
	}
	if !pfx.AuthSafe.ContentType.Equal(oidP12Data) {
		return l, nil
	}
	var octets asn1.RawValue
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &octets); err != nil {
		return l, nil
	}
	safe, ok := derSequence(octets.Bytes)
	if !ok {
		return l, nil
	}
	n := 0
	for e := range derElements(safe) {
		if e == nil {
			return l, nil
		}
		n++
	}
	if n > 2 {
		return l, fmt.Errorf("the authenticated safe holds %d items; PKCS12 stores hold one or two (the certificates, and the keys)", n)
	}
	i, bags := 0, 0
	for item := range derElements(safe) {
		i++
		var ci p12ContentInfo
		if _, err := asn1.Unmarshal(item, &ci); err != nil {
			return l, nil
		}
		where := fmt.Sprintf("item %d of the authenticated safe", i)
		switch {
		case ci.ContentType.Equal(oidP12Data):
			var octets asn1.RawValue
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &octets); err != nil {
				return l, nil
			}
			content, ok := derSequence(octets.Bytes)
			if !ok {
				return l, nil
			}
			for b := range derElements(content) {
				if b == nil {
					return l, nil
				}
				if bags++; bags > MaxEntries {
					return l, fmt.Errorf("%s holds more than %d bags; dbtls reads at most %d (MaxEntries)", where, MaxEntries, MaxEntries)
				}
				// A bag: its type, its value, and a SET of attributes;
				// only a shrouded key bag is decoded further.
				body, ok := derSequence(b)
				if !ok {
					return l, nil
				}
				var elems [3][]byte
				k := 0
				for e := range derElements(body) {
					if e == nil {
						return l, nil
					}
					if k < len(elems) {
						elems[k] = e
					}
					k++
				}
				if k >= 3 && elems[2][0] == 0x31 {
					attrs, _ := derSet(elems[2])
					n := 0
					for a := range derElements(attrs) {
						if a == nil {
							return l, nil
						}
						n++
					}
					if n > MaxPKCS12BagAttributes {
						return l, fmt.Errorf("bag %d in %s declares %d attributes; dbtls allows at most %d (MaxPKCS12BagAttributes)", bags, where, n, MaxPKCS12BagAttributes)
					}
				}
				if string(elems[0]) != string(derShroudedKeyOID) {
					continue
				}
				var bag p12SafeBag
				var key p12EncryptedPrivateKeyInfo
				if _, err := asn1.Unmarshal(b, &bag); err != nil {
					return l, nil
				}
				if _, err := asn1.Unmarshal(bag.Value.Bytes, &key); err != nil {
					return l, nil
				}
				if err := checkPBE(key.Algorithm, fmt.Sprintf("the private key of bag %d in %s", bags, where)); err != nil {
					return l, err
				}
			}
		case ci.ContentType.Equal(oidP12EncryptedData):
			l.encrypted = true
			var ed p12EncryptedData
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &ed); err != nil {
				return l, nil
			}
			if err := checkPBE(ed.EncryptedInfo.Algorithm, "the encryption of "+where); err != nil {
				return l, err
			}
		}
	}
	return l, nil
}

// derShroudedKeyOID is the DER encoding of oidP12ShroudedKey, compared with
// a bag's first element without decoding it.
var derShroudedKeyOID = func() []byte {
	b, err := asn1.Marshal(oidP12ShroudedKey)
	if err != nil {
		panic(err)
	}
	return b
}()

// derNext splits the first DER element off b: its tag byte, content and the
// rest. ok is false for a multi-byte tag, an indefinite (BER) length, or a
// declared length beyond the bytes that remain; encoding/asn1 refuses all
// three in the places this scan uses it, so go-pkcs12 fails there too.
func derNext(b []byte) (tag byte, content, rest []byte, ok bool) {
	if len(b) < 2 || b[0]&0x1f == 0x1f {
		return 0, nil, nil, false
	}
	tag, n, b := b[0], uint64(b[1]), b[2:]
	if n&0x80 != 0 {
		k := int(n & 0x7f)
		if k == 0 || k > 4 || len(b) < k {
			return 0, nil, nil, false
		}
		n = 0
		for _, c := range b[:k] {
			n = n<<8 | uint64(c)
		}
		b = b[k:]
	}
	if n > uint64(len(b)) {
		return 0, nil, nil, false
	}
	return tag, b[:n], b[n:], true
}

// derSequence returns the content of der, which must be exactly one
// SEQUENCE.
func derSequence(der []byte) ([]byte, bool) { return derOne(der, 0x30) }

// derSet returns the content of der, which must be exactly one SET.
func derSet(der []byte) ([]byte, bool) { return derOne(der, 0x31) }

func derOne(der []byte, want byte) ([]byte, bool) {
	tag, content, rest, ok := derNext(der)
	if !ok || len(rest) > 0 || tag != want {
		return nil, false
	}
	return content, true
}

// derElements yields the elements of a SEQUENCE's content, each whole (tag,
// length and content), without allocating; a nil element means the content
// does not split into elements, and ends the sequence.
func derElements(content []byte) func(yield func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(content) > 0 {
			_, _, rest, ok := derNext(content)
			if !ok {
				yield(nil)
				return
			}
			if !yield(content[:len(content)-len(rest)]) {
				return
			}
			content = rest
		}
	}
}

// checkPBE bounds the iteration count of a password-based encryption:
// PKCS #12's own schemes and PBES2 with PBKDF2. Other schemes go-pkcs12 does
// not implement; it refuses them without deriving a key.
func checkPBE(alg pkix.AlgorithmIdentifier, where string) error {
	switch {
	case len(alg.Algorithm) == len(oidP12PBEPrefix)+1 && alg.Algorithm[:len(oidP12PBEPrefix)].Equal(oidP12PBEPrefix):
		var p p12PBEParams
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
			return nil
		}
		return checkIterations(p.Iterations, where)
	case alg.Algorithm.Equal(oidPBES2):
		return checkPBKDF2(alg.Parameters.FullBytes, where)
	}
	return nil
}

// checkPBKDF2 bounds PBKDF2's count inside PBES2 or PBMAC1 parameters.
func checkPBKDF2(params []byte, where string) error {
	var p p12PBES2Params
	if _, err := asn1.Unmarshal(params, &p); err != nil || !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil
	}
	var k p12PBKDF2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &k); err != nil {
		return nil
	}
	return checkIterations(k.Iterations, where)
}

func checkIterations(n int, where string) error {
	if n > maxIterations {
		return fmt.Errorf("%s declares %d key-derivation iterations; dbtls allows at most %d (keytool writes 10000)", where, n, maxIterations)
	}
	return nil
}
