package truststore

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"
)

// allocLimit is what refusing one hostile store may allocate: far below the
// gigabytes the declared sizes would cost, far above the scan's own needs.
const allocLimit = 16 << 20

// allocated runs f and returns the bytes it allocated (TotalAlloc delta) and
// how long it took.
func allocated(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

func caDER(t testing.TB) []byte {
	data, err := os.ReadFile("testdata/ca.pem")
	require.NoError(t, err)
	b, _ := pem.Decode(data)
	require.NotNil(t, b)
	return b.Bytes
}

func parseCerts(t testing.TB, der []byte) []*x509.Certificate {
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return []*x509.Certificate{c}
}

// hostileJKS are 400-byte JKS stores, each declaring one count or length far
// beyond its size; want is what the error must say.
func hostileJKS(t testing.TB) []struct {
	name string
	data []byte
	want string
} {
	ca := caDER(t)
	return []struct {
		name string
		data []byte
		want string
	}{
		{"certificate length FFFFFFFF", (&jksWriter{}).header(1).u32(jksTagTrusted).str("ca").u64(0).str("X.509").u32(0xFFFFFFFF).padTo(400),
			"entry 1 of 1: the certificate is declared as 4294967295 bytes, but only 341 bytes remain before the 20-byte digest"},
		{"entry count FFFFFFFF", (&jksWriter{}).header(0xFFFFFFFF).padTo(400),
			"the header declares 4294967295 entries, but the 368 bytes that remain"},
		{"alias length beyond the file", (&jksWriter{}).header(1).u32(jksTagTrusted).u16(0xFFFF).padTo(400),
			"entry 1 of 1: the alias is declared as 65535 bytes, but only 362 bytes remain"},
		{"chain count FFFFFFFF", (&jksWriter{}).header(1).u32(jksTagKey).str("k").u64(0).u32(4).raw([]byte{1, 2, 3, 4}).u32(0xFFFFFFFF).padTo(400),
			"entry 1 of 1 declares 4294967295 chain certificates"},
		{"key length FFFFFFFF", (&jksWriter{}).header(1).u32(jksTagKey).str("k").u64(0).u32(0xFFFFFFFF).padTo(400),
			"entry 1 of 1: the protected key is declared as 4294967295 bytes"},
		{"chain certificate 2 length FFFFFFFF", (&jksWriter{}).header(1).u32(jksTagKey).str("k").u64(0).u32(0).u32(2).cert(ca).str("X.509").u32(0xFFFFFFFF).padTo(900),
			"entry 1 of 1: chain certificate 2 of 2 is declared as 4294967295 bytes"},
		{"second entry cut short", (&jksWriter{}).header(2).trusted("a", ca).u32(jksTagTrusted).str("b").u64(0).str("X.509").u32(uint32(len(ca))).raw(ca[:100]).padTo(len(ca) + 150),
			"entry 2 of 2: the certificate is declared as"},
		{"unknown tag", (&jksWriter{}).header(1).u32(7).str("x").u64(0).padTo(400), "entry 1 of 1 has tag 7"},
		{"unknown version", (&jksWriter{}).u32(jksMagic).u32(3).u32(1).padTo(400), "version 3"},
		{"certificate over the digest", (&jksWriter{}).header(1).trusted("ca", ca).b, "entry 1 of 1: the certificate is declared as"},
		{"no room for the digest", (&jksWriter{}).header(0).padTo(22), "the store ends 10 bytes short of its 20-byte digest"},
	}
}

// TestHostileJKSRefusedBounded: every hostile store is refused, fast, with
// an error saying what was declared and what remains, and without
// allocating what it declares (keystore-go alone allocates 4 GiB for the
// first and dies on the chain count). Through LoadBytes, Load (with and
// without password) and LoadKeyPair.
func TestHostileJKSRefusedBounded(t *testing.T) {
	dir := t.TempDir()
	for _, h := range hostileJKS(t) {
		t.Run(h.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(h.name, " ", "_")+".jks")
			require.NoError(t, os.WriteFile(path, h.data, 0o600))
			loads := map[string]func() error{
				"LoadBytes":          func() error { _, err := LoadBytes(h.data, src(path)); return err },
				"Load":               func() error { _, err := Load(src(path)); return err },
				"Load with password": func() error { _, err := Load(withPW(src(path), pw)); return err },
				"LoadKeyPair": func() error {
					_, err := LoadKeyPair(withPW(Source{Path: path, PathKey: "clientCertificateKeyStoreUrl", PasswordKey: "clientCertificateKeyStorePassword"}, pw))
					return err
				},
			}
			for name, load := range loads {
				var err error
				n, took := allocated(func() { err = load() })
				require.Error(t, err, name)
				require.ErrorIs(t, err, kind.TruststoreUnreadable, name)
				require.ErrorIs(t, err, ErrMalformed, name)
				require.Contains(t, err.Error(), h.want, name)
				require.Contains(t, err.Error(), path, name)
				require.Less(t, n, uint64(allocLimit), "%s allocated %d bytes", name, n)
				require.Less(t, took, 2*time.Second, name)
			}
		})
	}
}

// TestJKSBuilderMatchesKeystoreGo: the in-process JKS writer makes stores
// keystore-go reads (so the hostile ones differ only where they mean to),
// and the scan accepts well-formed stores of both versions.
func TestJKSBuilderMatchesKeystoreGo(t *testing.T) {
	ca := caDER(t)
	good := (&jksWriter{}).header(2).trusted("a", ca).trusted("b", ca).sign(pw)
	st, err := LoadBytes(good, withPW(src("built.jks"), pw))
	require.NoError(t, err)
	require.Len(t, st.Certs, 2)
	_, err = LoadBytes(good, withPW(src("built.jks"), "wrong-pass"))
	require.ErrorIs(t, err, kind.TruststoreIntegrity)

	v1 := (&jksWriter{}).u32(jksMagic).u32(1).u32(1).u32(jksTagTrusted).str("a").u64(0).u32(uint32(len(ca))).raw(ca).sign(pw)
	st, err = LoadBytes(v1, withPW(src("v1.jks"), pw))
	require.NoError(t, err, "version 1 has no certificate type names")
	require.Len(t, st.Certs, 1)

	for _, f := range []string{"trust.jks", "client.jks", "empty.jks"} {
		data, err := os.ReadFile("testdata/" + f)
		require.NoError(t, err)
		require.NoError(t, scanJKS(data), f)
		// Every truncation of a real store is refused by the scan, never
		// passed on.
		for cut := 0; cut < len(data)-jksDigestLen; cut++ {
			require.Error(t, scanJKS(data[:cut]), "%s cut at %d", f, cut)
		}
	}
}

// TestJKSShortProtectedKey: a private-key entry whose protected key is too
// short for the JDK's salt and digest makes keystore-go panic on decryption;
// LoadKeyPair refuses it first.
func TestJKSShortProtectedKey(t *testing.T) {
	short, err := asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		Data      []byte
	}{pkix.AlgorithmIdentifier{Algorithm: oidJDKKeyProtector}, make([]byte, 10)})
	require.NoError(t, err)
	data := (&jksWriter{}).header(1).key("client", short, caDER(t)).sign(pw)
	_, err = keyPairBytes(data, withPW(src("short.jks"), pw))
	require.ErrorIs(t, err, ErrMalformed)
	require.Contains(t, err.Error(), "entry 1: the protected key holds 10 bytes")
	// As a trust store the key is never decrypted: its certificate is the anchor.
	st, err := LoadBytes(data, withPW(src("short.jks"), pw))
	require.NoError(t, err)
	require.Len(t, st.Certs, 1)
}

// TestFileSizeBound: a file over MaxFileSize is refused before it is read
// (a sparse file of MaxFileSize+1 bytes costs no allocation of its size),
// with the property key, the path and the bound in the message; a file of
// exactly MaxFileSize is read. A file that is not regular is read only up to
// the bound.
func TestFileSizeBound(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pem")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxFileSize+1))
	require.NoError(t, f.Close())
	for name, load := range map[string]func() error{
		"Load":        func() error { _, err := Load(Source{Path: big, PathKey: "ssl-ca"}); return err },
		"LoadKeyPair": func() error { _, err := LoadKeyPair(Source{Path: big, PathKey: "ssl-ca"}); return err },
		"ReadFile":    func() error { _, err := ReadFile(big, "ssl-ca"); return err },
	} {
		var err error
		n, _ := allocated(func() { err = load() })
		require.ErrorIs(t, err, kind.TruststoreUnreadable, name)
		require.ErrorIs(t, err, ErrTooLarge, name)
		require.Contains(t, err.Error(), "(ssl-ca="+big+")", name)
		require.Contains(t, err.Error(), "8388609 bytes", name)
		require.Contains(t, err.Error(), "at most 8388608 bytes (8 MiB", name)
		require.Contains(t, err.Error(), "set ssl-ca to", name)
		require.Less(t, n, uint64(1<<20), "%s allocated %d bytes: the file was read", name, n)
	}

	// Exactly the bound: a PEM bundle padded with text outside its blocks.
	ca, err := os.ReadFile("testdata/ca.pem")
	require.NoError(t, err)
	exact := append(append([]byte{}, ca...), bytes.Repeat([]byte("#"), MaxFileSize-len(ca))...)
	require.NoError(t, os.WriteFile(big, exact, 0o600))
	st, err := Load(src(big))
	require.NoError(t, err)
	require.Len(t, st.Certs, 1)
	_, err = LoadBytes(append(exact, '\n'), src("mem.pem"))
	require.ErrorIs(t, err, ErrTooLarge)

	// Not a regular file: /dev/zero never ends; the read stops at the bound.
	if _, err := os.Stat("/dev/zero"); err == nil {
		var err error
		n, took := allocated(func() { _, err = Load(src("/dev/zero")) })
		require.ErrorIs(t, err, ErrTooLarge)
		require.Contains(t, err.Error(), "it is larger")
		require.Less(t, n, uint64(2*MaxFileSize))
		require.Less(t, took, 5*time.Second)
	}
}

// p12At builds a PKCS12 trust store with enc at 65536 iterations (DER
// INTEGER 02 03 01 00 00) and replaces the count at the occurrences picked
// by which (0-based, in file order) with the 3-byte count v.
func p12At(t testing.TB, enc *pkcs12.Encoder, which []int, v [3]byte) []byte {
	data, err := enc.WithRand(rand.Reader).WithIterations(65536).EncodeTrustStore(parseCerts(t, caDER(t)), pw)
	require.NoError(t, err)
	marker := []byte{0x02, 0x03, 0x01, 0x00, 0x00}
	var at []int
	for i := 0; ; {
		j := bytes.Index(data[i:], marker)
		if j < 0 {
			break
		}
		at = append(at, i+j)
		i += j + 1
	}
	out := append([]byte{}, data...)
	for _, w := range which {
		require.Less(t, w, len(at), "only %d iteration counts found", len(at))
		copy(out[at[w]+2:], v[:])
	}
	return out
}

// TestPKCS12IterationBound: an iteration count over MaxPKCS12Iterations, in
// the MAC or in the content's encryption, of the legacy PKCS #12 schemes,
// PBES2 and PBMAC1, is refused before go-pkcs12 derives anything (which
// would take seconds and allocate on every iteration); the bound itself is
// accepted by the scan.
func TestPKCS12IterationBound(t *testing.T) {
	over := [3]byte{0x7F, 0xFF, 0xFF} // 8388607
	at := [3]byte{0x0F, 0x42, 0x40}   // 1000000
	for _, c := range []struct {
		name  string
		enc   *pkcs12.Encoder
		which int
		want  string
	}{
		// Occurrences in file order: the content encryption, then the MAC.
		{"legacy PBE, content", pkcs12.LegacyDES, 0, "the encryption of item 1 of the authenticated safe declares 8388607"},
		{"legacy, MAC", pkcs12.LegacyDES, 1, "the MAC declares 8388607"},
		{"PBES2, content", pkcs12.Modern2023, 0, "the encryption of item 1 of the authenticated safe declares 8388607"},
		{"PBES2, MAC", pkcs12.Modern2023, 1, "the MAC declares 8388607"},
		{"PBMAC1", pkcs12.Modern2026, 1, "the MAC (PBMAC1) declares 8388607"},
	} {
		t.Run(c.name, func(t *testing.T) {
			good := p12At(t, c.enc, nil, at)
			st, err := LoadBytes(good, withPW(src("good.p12"), pw))
			require.NoError(t, err, "the unpatched store loads")
			require.Len(t, st.Certs, 1)
			_, err = scanPKCS12(p12At(t, c.enc, []int{c.which}, at))
			require.NoError(t, err, "exactly MaxPKCS12Iterations is allowed")

			bad := p12At(t, c.enc, []int{c.which}, over)
			for name, load := range map[string]func() error{
				"LoadBytes":    func() error { _, err := LoadBytes(bad, withPW(src("bad.p12"), pw)); return err },
				"keyPairBytes": func() error { _, err := keyPairBytes(bad, withPW(src("bad.p12"), pw)); return err },
			} {
				var err error
				n, took := allocated(func() { err = load() })
				require.ErrorIs(t, err, ErrMalformed, name)
				require.ErrorIs(t, err, kind.TruststoreUnreadable, name)
				require.Contains(t, err.Error(), c.want, name)
				require.Contains(t, err.Error(), "at most 1000000", name)
				require.Less(t, n, uint64(allocLimit), name)
				require.Less(t, took, time.Second, name)
			}
		})
	}
}

// TestPKCS12AuthenticatedSafeCount: go-pkcs12 decodes every item of the
// authenticated safe before it checks there are one or two; the scan
// refuses more first, and a safe of a million tiny items costs next to
// nothing.
func TestPKCS12AuthenticatedSafeCount(t *testing.T) {
	pfx := func(items int) []byte {
		item, err := asn1.Marshal(struct{ ContentType asn1.ObjectIdentifier }{oidP12Data})
		require.NoError(t, err)
		safe, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Repeat(item, items)})
		require.NoError(t, err)
		octets, err := asn1.Marshal(safe)
		require.NoError(t, err)
		out, err := asn1.Marshal(struct {
			Version  int
			AuthSafe struct {
				ContentType asn1.ObjectIdentifier
				Content     asn1.RawValue
			}
		}{3, struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue
		}{oidP12Data, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: octets}}})
		require.NoError(t, err)
		return out
	}
	_, err := scanPKCS12(pfx(2))
	require.NoError(t, err)
	_, err = LoadBytes(pfx(3), src("three.p12"))
	require.ErrorIs(t, err, ErrMalformed)
	require.Contains(t, err.Error(), "the authenticated safe holds 3 items")

	many := pfx(1_000_000) // 13 MB of 13-byte items: over the file bound, so through the scan itself
	var lerr error
	n, _ := allocated(func() { _, lerr = scanPKCS12(many) })
	require.Error(t, lerr)
	require.Contains(t, lerr.Error(), "holds 1000000 items")
	require.Less(t, n, uint64(1<<20))
}

// TestPKCS12HiddenKeyNeedsMAC: a store without a MAC whose content is
// encrypted (with the empty password) could hide a key bag whose iteration
// count nobody checked; keys are not decoded from it. The same store with
// its MAC is read.
func TestPKCS12HiddenKeyNeedsMAC(t *testing.T) {
	kp, err := os.ReadFile("testdata/client.p12")
	require.NoError(t, err)
	key, leaf, _, err := pkcs12.DecodeChain(kp, pw)
	require.NoError(t, err)
	withMAC, err := pkcs12.LegacyDES.WithRand(rand.Reader).Encode(key, leaf, nil, "")
	require.NoError(t, err)
	_, err = keyPairBytes(withMAC, src("mac.p12"))
	require.NoError(t, err)

	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  asn1.RawValue `asn1:"optional"`
	}
	_, err = asn1.Unmarshal(withMAC, &pfx)
	require.NoError(t, err)
	noMAC, err := asn1.Marshal(struct {
		Version  int
		AuthSafe asn1.RawValue
	}{pfx.Version, pfx.AuthSafe})
	require.NoError(t, err)
	_, _, _, err = pkcs12.DecodeChain(noMAC, "")
	require.NoError(t, err, "go-pkcs12 alone decrypts it, key included")

	_, err = keyPairBytes(noMAC, src("nomac.p12"))
	require.ErrorIs(t, err, ErrMalformed)
	require.Contains(t, err.Error(), "encrypted content but no MAC")
	_, err = LoadBytes(noMAC, src("nomac.p12"))
	require.ErrorIs(t, err, ErrMalformed, "as a trust store it is a key store too: its key is not decoded")
}

// plainP12 builds a PKCS12 file (no MAC, no encryption) whose one plain
// safe holds the given bags, each DER.
func plainP12(t testing.TB, bags [][]byte) []byte {
	content, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Join(bags, nil)})
	require.NoError(t, err)
	wrap := func(b []byte) []byte { // [0] EXPLICIT OCTET STRING
		oct, err := asn1.Marshal(b)
		require.NoError(t, err)
		return oct
	}
	type ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}
	item, err := asn1.Marshal(ci{oidP12Data, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: wrap(content)}})
	require.NoError(t, err)
	safe, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: item})
	require.NoError(t, err)
	out, err := asn1.Marshal(struct {
		Version  int
		AuthSafe ci
	}{3, ci{oidP12Data, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: wrap(safe)}}})
	require.NoError(t, err)
	return out
}

// bag is a safe bag of type id with a NULL value and n attributes.
func bag(t testing.TB, id asn1.ObjectIdentifier, attrs int) []byte {
	attr, err := asn1.Marshal(struct {
		ID    asn1.ObjectIdentifier
		Value asn1.RawValue
	}{asn1.ObjectIdentifier{1, 2, 3}, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true}})
	require.NoError(t, err)
	fields := []any{id, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: []byte{5, 0}}}
	var body []byte
	for _, f := range fields {
		b, err := asn1.Marshal(f)
		require.NoError(t, err)
		body = append(body, b...)
	}
	if attrs > 0 {
		set, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Repeat(attr, attrs)})
		require.NoError(t, err)
		body = append(body, set...)
	}
	out, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	require.NoError(t, err)
	return out
}

// TestEntryBounds: the decoders turn every entry, bag and attribute into a
// struct of a hundred bytes or more, so a store of tiny ones amplifies its
// size (an 8 MiB JKS of empty entries cost 85 MB, an 8 MiB PKCS12 of 9-byte
// bags 1.4 GB and 12 s). MaxEntries and MaxPKCS12BagAttributes are enforced
// before the decoders run, and an 8 MiB store of tiny entries is refused
// with next to no allocation.
func TestEntryBounds(t *testing.T) {
	jks := func(n int) []byte {
		w := (&jksWriter{}).u32(jksMagic).u32(1).u32(uint32(n))
		for i := 0; i < n; i++ {
			w.u32(jksTagTrusted).u16(4).u32(uint32(i)).u64(0).u32(0)
		}
		return w.sign("")
	}
	require.NoError(t, scanJKS(jks(MaxEntries)))
	err := scanJKS(jks(MaxEntries + 1))
	require.ErrorContains(t, err, "the header declares 10001 entries; dbtls reads at most 10000")
	chains := (&jksWriter{}).header(2).key("a", nil, make([][]byte, MaxEntries-3)...).key("b", nil, []byte{1}).sign("")
	require.NoError(t, scanJKS(chains))
	chains = (&jksWriter{}).header(2).key("a", nil, make([][]byte, MaxEntries-3)...).key("b", nil, []byte{1}, []byte{2}).sign("")
	require.ErrorContains(t, scanJKS(chains), "entry 2 of 2 declares 2 chain certificates, which bring the store over 10000")

	huge := jks((MaxFileSize - 32) / 22)
	require.LessOrEqual(t, len(huge), MaxFileSize)
	var lerr error
	n, took := allocated(func() { _, lerr = LoadBytes(huge, src("huge.jks")) })
	require.ErrorIs(t, lerr, ErrMalformed)
	require.Less(t, n, uint64(allocLimit))
	require.Less(t, took, time.Second)

	certBag := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	one := bag(t, certBag, 0)
	repeat := func(n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = one
		}
		return out
	}
	_, err = scanPKCS12(plainP12(t, repeat(MaxEntries)))
	require.NoError(t, err)
	p12 := plainP12(t, repeat((MaxFileSize-100)/len(one)))
	require.LessOrEqual(t, len(p12), MaxFileSize)
	for name, load := range map[string]func() error{
		"LoadBytes":    func() error { _, err := LoadBytes(p12, src("many.p12")); return err },
		"keyPairBytes": func() error { _, err := keyPairBytes(p12, src("many.p12")); return err },
	} {
		var err error
		n, took := allocated(func() { err = load() })
		require.ErrorIs(t, err, ErrMalformed, name)
		require.ErrorContains(t, err, "item 1 of the authenticated safe holds more than 10000 bags", name)
		require.Less(t, n, uint64(allocLimit), name)
		require.Less(t, took, time.Second, name)
	}

	_, err = scanPKCS12(plainP12(t, [][]byte{one, bag(t, certBag, MaxPKCS12BagAttributes)}))
	require.NoError(t, err)
	_, err = LoadBytes(plainP12(t, [][]byte{one, bag(t, certBag, MaxPKCS12BagAttributes+1)}), src("attrs.p12"))
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "bag 2 in item 1 of the authenticated safe declares 17 attributes; dbtls allows at most 16")
}
