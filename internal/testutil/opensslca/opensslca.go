// Package opensslca makes certificate revocation lists the way a CA run
// with OpenSSL makes them — `openssl ca -revoke`, then `openssl ca -gencrl`
// — for certificates generated in-process by package certgen, so that the
// lists dbtls reads in tests are OpenSSL's, not its own.
package opensslca

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// Available reports whether the openssl command is on the PATH.
func Available() error {
	_, err := exec.LookPath("openssl")
	return err
}

// Need skips t when openssl is not on the PATH, and fails it instead when
// the environment variable CI is set: under CI a test that needs its
// set-up never skips.
func Need(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// GenCRL returns, in PEM, the CRL that ca issues revoking the given
// certificates, with the lastUpdate and nextUpdate given (either may lie in
// the past). dir is a scratch directory for OpenSSL's CA database. The
// commands are:
//
//	openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -revoke <cert>.pem   (each revoked certificate)
//	openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl \
//	    -crl_lastupdate <YYYYMMDDHHMMSSZ> -crl_nextupdate <YYYYMMDDHHMMSSZ> -out crl.pem
func GenCRL(dir string, ca *certgen.Cert, lastUpdate, nextUpdate time.Time, revoked ...*certgen.Cert) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	cnf := "[ ca ]\ndefault_ca = dbtls\n[ dbtls ]\ndatabase = " + p("index.txt") + "\ncrlnumber = " + p("crlnumber") +
		"\ndefault_md = sha256\ndefault_crl_days = 1\n"
	for name, data := range map[string][]byte{
		"ca.cnf": []byte(cnf), "index.txt": nil, "crlnumber": []byte("01\n"),
		"ca.pem": ca.CertPEM(), "ca.key": ca.KeyPEM(),
	} {
		if err := os.WriteFile(p(name), data, 0o600); err != nil {
			return nil, err
		}
	}
	base := []string{"ca", "-batch", "-config", p("ca.cnf"), "-cert", p("ca.pem"), "-keyfile", p("ca.key")}
	for i, c := range revoked {
		certPath := p("revoked-" + strconv.Itoa(i) + ".pem")
		if err := os.WriteFile(certPath, c.CertPEM(), 0o600); err != nil {
			return nil, err
		}
		if err := run(append(base, "-revoke", certPath)...); err != nil {
			return nil, err
		}
	}
	const asn1Time = "20060102150405Z"
	out := p("crl.pem")
	if err := run(append(base, "-gencrl", "-crl_lastupdate", lastUpdate.UTC().Format(asn1Time),
		"-crl_nextupdate", nextUpdate.UTC().Format(asn1Time), "-out", out)...); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

func run(args ...string) error {
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		return errors.New("openssl " + args[0] + ": " + err.Error() + ": " + string(out))
	}
	return nil
}
