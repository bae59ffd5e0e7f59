package truststore

import (
	"crypto/tls"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// fuzzAllocLimit is what loading one fuzz input may allocate (TotalAlloc
// delta): a fixed allowance for the decoders' and x509's own needs plus a
// small multiple of the input. A declared length or count that the loaders
// let through to the decoders costs gigabytes and fails here, in the fuzz
// run itself, before a memory limit kills the process.
func fuzzAllocLimit(input []byte) uint64 { return 16<<20 + 64*uint64(len(input)) }

// fuzzTimeLimit is how long loading one fuzz input may take. Go's fuzzing
// has no time limit of its own: an input that makes a decoder spin would
// stall the run without a report, so the watchdog panics, which makes the
// fuzzer record the input as a crasher.
const fuzzTimeLimit = 10 * time.Second

// boundedAlloc runs load and fails t when it allocated more than the limit
// for data, or took more than fuzzTimeLimit.
func boundedAlloc(t *testing.T, data []byte, load func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	watchdog := time.AfterFunc(fuzzTimeLimit, func() {
		panic(fmt.Sprintf("loading %d bytes has taken more than %v", len(data), fuzzTimeLimit))
	})
	load()
	watchdog.Stop()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if took > fuzzTimeLimit {
		t.Fatalf("loading %d bytes took %v (limit %v)", len(data), took, fuzzTimeLimit)
	}
	if n, limit := after.TotalAlloc-before.TotalAlloc, fuzzAllocLimit(data); n > limit {
		t.Fatalf("loading %d bytes allocated %d bytes (limit %d)", len(data), n, limit)
	}
}

// fuzzIterations lowers the PKCS12 iteration bound for the fuzz targets, so
// that the allocation bound measures the decoders, not a legitimate key
// derivation (go-pkcs12 allocates on each iteration), and so that fuzzing
// is not spent deriving keys: an exec of a keytool store (10,000
// iterations, three derivations or more) takes tens of milliseconds under
// the fuzzer's instrumentation. keytool's seeds are refused by the scan at
// this bound; the go-pkcs12 seeds use fuzzSeedIterations.
// TestPKCS12IterationBound covers the real bound.
func fuzzIterations(f *testing.F) {
	old := maxIterations
	maxIterations = 2 * fuzzSeedIterations
	f.Cleanup(func() { maxIterations = old })
}

const fuzzSeedIterations = 32

// p12Seeds are go-pkcs12's encodings (legacy, PBES2, PBMAC1, none) of a
// trust store holding the test CA and of the client key pair, at
// fuzzSeedIterations, with the password each needs.
func p12Seeds(f *testing.F) (seeds [][]byte, passwords []string) {
	kp := seedFiles(f, "client.p12")[0]
	key, leaf, _, err := pkcs12.DecodeChain(kp, "changeit")
	if err != nil {
		f.Fatal(err)
	}
	for _, enc := range []*pkcs12.Encoder{pkcs12.LegacyDES, pkcs12.LegacyRC2, pkcs12.Modern2023, pkcs12.Modern2026, pkcs12.Passwordless} {
		password := "changeit"
		if enc == pkcs12.Passwordless {
			password = ""
		}
		e := enc.WithIterations(fuzzSeedIterations)
		trust, err := e.EncodeTrustStore(parseCerts(f, caDER(f)), password)
		if err != nil {
			f.Fatal(err)
		}
		pair, err := e.Encode(key, leaf, nil, password)
		if err != nil {
			f.Fatal(err)
		}
		seeds, passwords = append(seeds, trust, pair), append(passwords, password, password)
	}
	return seeds, passwords
}

func seedFiles(f *testing.F, names ...string) [][]byte {
	var out [][]byte
	for _, name := range names {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzLoadBytes: no input makes the loaders panic, with or without a
// password, or allocate beyond fuzzAllocLimit; a store without
// certificates is an error.
func FuzzLoadBytes(f *testing.F) {
	fuzzIterations(f)
	for _, data := range seedFiles(f, "trust.jks", "trust.p12", "trust-nopass.p12", "ca.pem", "empty.jks", "trust.jceks", "client.p12") {
		f.Add(data, "changeit", true)
		f.Add(data, "", false)
	}
	seeds, passwords := p12Seeds(f)
	for i, data := range seeds {
		f.Add(data, passwords[i], true)
	}
	f.Fuzz(func(t *testing.T, data []byte, password string, has bool) {
		boundedAlloc(t, data, func() {
			st, err := LoadBytes(data, Source{Path: "fuzz", Password: password, HasPassword: has})
			if err == nil && len(st.Certs) == 0 {
				t.Fatal("a store without certificates must be an error")
			}
		})
	})
}

// FuzzJKS: the JKS loader, on JKS stores (keytool's and the hostile ones of
// TestHostileJKSRefusedBounded) and their mutations: no panic, bounded
// allocation, and whatever it accepts the scan accepted.
func FuzzJKS(f *testing.F) {
	for _, data := range seedFiles(f, "trust.jks", "client.jks", "empty.jks") {
		f.Add(data, "changeit", true)
		f.Add(data, "", false)
	}
	for _, h := range hostileJKS(f) {
		f.Add(h.data, "", false)
	}
	f.Fuzz(func(t *testing.T, data []byte, password string, has bool) {
		boundedAlloc(t, data, func() {
			_, err := loadJKS(data, Source{Path: "fuzz.jks", Password: password, HasPassword: has})
			if err == nil && scanJKS(data) != nil {
				t.Fatal("keystore-go read a store the scan refuses")
			}
		})
	})
}

// FuzzPKCS12: the PKCS12 loader, on keytool's stores and go-pkcs12's
// encodings (legacy, PBES2, PBMAC1, none), including one over the iteration
// bound.
func FuzzPKCS12(f *testing.F) {
	fuzzIterations(f)
	for _, data := range seedFiles(f, "trust.p12", "trust-nopass.p12", "client.p12") {
		f.Add(data, "changeit", true)
		f.Add(data, "", false)
	}
	seeds, passwords := p12Seeds(f)
	for i, data := range seeds {
		f.Add(data, passwords[i], true)
	}
	f.Add(p12At(f, pkcs12.LegacyDES, []int{1}, [3]byte{0x7F, 0xFF, 0xFF}), "changeit", true)
	f.Fuzz(func(t *testing.T, data []byte, password string, has bool) {
		boundedAlloc(t, data, func() {
			_, _ = loadPKCS12(data, Source{Path: "fuzz.p12", Password: password, HasPassword: has})
		})
	})
}

// FuzzPEM: the PEM loader on bundles and their mutations.
func FuzzPEM(f *testing.F) {
	for _, data := range seedFiles(f, "ca.pem") {
		f.Add(data)
		f.Add(append(append([]byte{}, data...), data...))
		f.Add(append([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), data...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		boundedAlloc(t, data, func() {
			certs, err := loadPEM(data, Source{Path: "fuzz.pem"})
			if err == nil {
				for _, c := range certs {
					if c == nil {
						t.Fatal("nil certificate without an error")
					}
				}
			}
		})
	})
}

// FuzzKeyPair: client key stores (PKCS12, JKS private-key entries), the path
// that decrypts keys: no panic (keystore-go's key protector panicked on a
// short key), bounded allocation, and a key pair returned has a key and a
// certificate.
func FuzzKeyPair(f *testing.F) {
	fuzzIterations(f)
	for _, data := range seedFiles(f, "client.p12", "client.jks", "trust.jks") {
		f.Add(data, "changeit", true)
		f.Add(data, "", false)
	}
	for _, h := range hostileJKS(f) {
		f.Add(h.data, "changeit", true)
	}
	seeds, passwords := p12Seeds(f)
	for i, data := range seeds {
		f.Add(data, passwords[i], true)
	}
	f.Fuzz(func(t *testing.T, data []byte, password string, has bool) {
		boundedAlloc(t, data, func() {
			var kp tls.Certificate
			kp, err := keyPairBytes(data, Source{Path: "fuzz", Password: password, HasPassword: has})
			if err == nil && (kp.PrivateKey == nil || len(kp.Certificate) == 0) {
				t.Fatal("a key pair without a key or a certificate must be an error")
			}
		})
	})
}
