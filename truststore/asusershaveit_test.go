package truststore

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/internal/testutil/opensslca"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestSingleDERCertificateAsTrustStore: go-mssqldb's certificate= takes one
// DER certificate, and users give the same file as trustStore: it is read as
// that certificate, not misread as PKCS12.
func TestSingleDERCertificateAsTrustStore(t *testing.T) {
	ca := certgen.Must(certgen.Spec{CN: "Users' CA", IsCA: true, RSA: true})
	der := filepath.Join(t.TempDir(), "ca.der")
	require.NoError(t, os.WriteFile(der, ca.Cert.Raw, 0o600))
	for _, typ := range []string{"", "PKCS12", "JKS"} { // the declared type is a hint; the content decides
		st, err := Load(Source{Path: der, Type: typ, PathKey: "certificate"})
		require.NoError(t, err, typ)
		require.Equal(t, DER, st.Format)
		require.Len(t, st.Certs, 1)
		require.True(t, st.Certs[0].Equal(ca.Cert))
	}
	// A PKCS12 store made by keytool is still PKCS12.
	st, err := Load(Source{Path: "testdata/trust.p12", Password: "changeit", HasPassword: true})
	require.NoError(t, err)
	require.Equal(t, PKCS12, st.Format)
	// A DER file that is not a certificate is not taken for one.
	bad := filepath.Join(t.TempDir(), "bad.der")
	require.NoError(t, os.WriteFile(bad, append([]byte(nil), ca.Cert.Raw[:len(ca.Cert.Raw)-10]...), 0o600))
	_, err = Load(Source{Path: bad})
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
}

// TestEncryptedPEMKeySaysSo: a client key protected by a passphrase, as
// `openssl genrsa -aes256` (PKCS#8) and `openssl rsa -aes256 -traditional`
// write it, is named as encrypted, with what to do.
func TestEncryptedPEMKeySaysSo(t *testing.T) {
	opensslca.Need(t)
	openssl, err := exec.LookPath("openssl")
	require.NoError(t, err)
	dir := t.TempDir()
	c := certgen.Must(certgen.Spec{CN: "client", RSA: true})
	certPath, keyPath, err := c.WriteFiles(dir, "client")
	require.NoError(t, err)
	pkcs8 := filepath.Join(dir, "pkcs8.key")
	trad := filepath.Join(dir, "trad.key")
	for _, args := range [][]string{
		{"pkey", "-in", keyPath, "-aes256", "-passout", "pass:k3y-pass", "-out", pkcs8},
		{"rsa", "-in", keyPath, "-aes256", "-passout", "pass:k3y-pass", "-traditional", "-out", trad},
	} {
		out, err := exec.Command(openssl, args...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	for _, k := range []string{pkcs8, trad} {
		_, err := LoadKeyPairPEM(certPath, "ssl-cert", k, "ssl-key")
		require.ErrorIs(t, err, kind.TruststoreUnreadable, k)
		require.ErrorIs(t, err, ErrEncryptedKey, k)
		require.Contains(t, err.Error(), "the client private key is encrypted (ssl-key="+k+")")
		require.Contains(t, err.Error(), "openssl pkey -in "+k)
	}
	_, err = LoadKeyPairPEM(certPath, "ssl-cert", keyPath, "ssl-key")
	require.NoError(t, err, "the key unencrypted")
}
