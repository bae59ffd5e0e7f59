package truststore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/dbtls/dbtls/kind"
)

// MaxFileSize is the largest trust or key material file dbtls reads: trust
// stores, PEM bundles and client key stores, 8 MiB. A JDK's cacerts is about
// 170 KB and a Linux distribution's CA bundle about 220 KB, so nothing real
// comes near it. A larger file is refused before its content is read, with kind
// truststore-unreadable and ErrTooLarge; LoadBytes refuses larger content the
// same way.
const MaxFileSize = 8 << 20

// MaxPKCS12Iterations bounds every iteration count a PKCS12 file declares (the
// MAC's key derivation and each password-based encryption), checked before
// go-pkcs12 runs the derivation: a count of 2^31 would keep a CPU busy for
// minutes. The JDK refuses counts over 5,000,000; dbtls refuses over
// 1,000,000 because go-pkcs12's derivation is slower than the JDK's (about
// half a microsecond an iteration, several derivations a load) and allocates
// on every iteration. keytool writes 10,000 (JDK 17 and later) or at most
// 100,000 (JDK 8's MAC), OpenSSL 2,048.
const MaxPKCS12Iterations = 1_000_000

// MaxEntries bounds how many entries and certificates a store declares: the
// entries of a JKS store plus the certificates of their chains, the bags of
// a PKCS12 store's plain content. The decoders turn each into a struct of a
// hundred bytes or more however few bytes the file spends on it (an 8 MiB
// JKS of empty entries cost 85 MB, an 8 MiB PKCS12 of 9-byte bags 1.4 GB);
// a JDK's cacerts holds about 150.
//
// MaxPKCS12BagAttributes bounds the attributes of one PKCS12 bag, for the
// same reason: keytool writes up to 3 a bag, OpenSSL 2, Windows 4.
const (
	MaxEntries             = 10_000
	MaxPKCS12BagAttributes = 16
)

// maxIterations is MaxPKCS12Iterations; the fuzz targets lower it so that the
// allocation bound they assert measures the decoders, not a legitimate key
// derivation.
var maxIterations = MaxPKCS12Iterations

// Sentinels for refused trust material, wrapped (with ErrUnreadable) inside
// the *kind.Error values this package returns.
var (
	// ErrTooLarge: the file is larger than MaxFileSize.
	ErrTooLarge = errors.New("truststore: file too large")
	// ErrMalformed: a count or length the file declares does not fit in the
	// bytes that remain, or a declared parameter is out of bounds.
	ErrMalformed = errors.New("truststore: declared size out of bounds")
)

// ReadFile reads a trust or key material file of at most MaxFileSize bytes
// without reading more than that; key names the property that gave the path
// (e.g. "serverCertificate"), for the error. Other packages that read
// certificate files (pins, PEM key pairs) use it so that every file a DSN
// names has the same bound.
func ReadFile(path, key string) ([]byte, error) {
	return readBounded(path, Source{PathKey: key}, "cannot read the file "+key+" names")
}

// readBounded reads path with the MaxFileSize bound: a regular file whose
// size is over the bound is refused before its content is read, and any other
// file (a pipe, a device) is read through a limit of MaxFileSize+1 bytes.
// what is the error's What when the file cannot be read.
func readBounded(path string, src Source, what string) ([]byte, error) {
	cannot := func(err error) error {
		why := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			why = pe.Err.Error() // without the path, which the error names already
		}
		e := src.unreadable(path, "cannot read the file: "+why, "check the path and its permissions", errors.Join(ErrUnreadable, err)).(*kind.Error)
		e.What = what
		return e
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, cannot(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, cannot(err)
	}
	hint := int64(-1)
	if fi.Mode().IsRegular() {
		if fi.Size() > MaxFileSize {
			return nil, src.tooLarge(path, fi.Size())
		}
		hint = fi.Size()
	}
	data, over, err := readAtMost(f, hint)
	if err != nil {
		return nil, cannot(err)
	}
	if over {
		return nil, src.tooLarge(path, -1)
	}
	return data, nil
}

// readAtMost reads r to its end, or stops after MaxFileSize+1 bytes (over).
// A regular file (hint: its size) is read into one buffer of its size;
// anything else in chunks, so that a stream that never ends costs the
// bound, not a doubling buffer's growth.
func readAtMost(r io.Reader, hint int64) (data []byte, over bool, err error) {
	r = io.LimitReader(r, MaxFileSize+1)
	next := 64 << 10
	if hint >= 0 {
		next = int(hint) + 1
	}
	var chunks [][]byte
	total := 0
	for total <= MaxFileSize {
		c := make([]byte, next)
		n, err := io.ReadFull(r, c)
		chunks, total = append(chunks, c[:n]), total+n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, false, err
		}
		next = 1 << 20
	}
	switch {
	case total > MaxFileSize:
		return nil, true, nil
	case len(chunks) == 1:
		return chunks[0], false, nil
	}
	return bytes.Join(chunks, nil), false, nil
}

// tooLarge is the error for a file over MaxFileSize; size < 0 when only
// "more than the bound" is known (a file that is not regular, or grew).
func (src Source) tooLarge(path string, size int64) error {
	is := "it is larger"
	if size >= 0 {
		is = fmt.Sprintf("it is %d bytes", size)
	}
	return &kind.Error{Kind: kind.TruststoreUnreadable, What: "trust material file too large", Key: kind.KeyOr(src.PathKey, "trustStore"), Value: path,
		Why: fmt.Sprintf("%s; dbtls reads trust stores, PEM bundles and key stores of at most %d bytes (8 MiB; a JDK's cacerts is about 170 KB)", is, MaxFileSize),
		Fix: "set " + kind.KeyOr(src.PathKey, "trustStore") + " to the trust store or CA bundle itself, or keep only the CAs this database needs",
		Err: errors.Join(ErrUnreadable, ErrTooLarge)}
}

// malformed is the error for a declared count, length or parameter out of
// bounds; why says what was declared and what remains.
func (src Source) malformed(format, why string) error {
	return src.unreadable(src.Path, "the "+format+" store is damaged: "+why,
		"make the store again with keytool, or point "+kind.KeyOr(src.PathKey, "trustStore")+" to the right file", errors.Join(ErrUnreadable, ErrMalformed))
}
