package truststore

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

func TestLoadRSAPublicKey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	pkix, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	require.NoError(t, err)
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	require.NoError(t, err)
	pkixPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	for _, tt := range []struct {
		name, value string
		kind        kind.Kind
		text        string
	}{
		{"pkix file", write("pkix.pem", pkixPEM), "", ""},
		{"pkcs1 file", write("pkcs1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)})), "", ""},
		{"inline PEM", string(pkixPEM), "", ""},
		{"missing file", filepath.Join(dir, "none.pem"), kind.TruststoreUnreadable, "cannot read the file serverRSAPublicKeyFile names"},
		{"not PEM", write("der.bin", pkix), kind.InvalidDSN, "no PEM block found"},
		{"a certificate block", write("cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pkix})), kind.InvalidDSN, "its first PEM block is CERTIFICATE"},
		{"garbage in the block", write("bad.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("nope")})), kind.InvalidDSN, "does not parse"},
		{"EC key", write("ec.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})), kind.InvalidDSN, "not an RSA key"},
		{"too large: the one bound of every material file", write("big.pem", append(bytes.Repeat([]byte("#"), MaxFileSize), pkixPEM...)), kind.TruststoreUnreadable, "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadRSAPublicKey(tt.value, "serverRSAPublicKeyFile")
			if tt.kind == "" {
				require.NoError(t, err)
				require.True(t, k.Equal(&rk.PublicKey))
				return
			}
			require.ErrorIs(t, err, tt.kind)
			require.Contains(t, err.Error(), "(serverRSAPublicKeyFile=")
			require.Contains(t, err.Error(), tt.text)
			require.NotContains(t, err.Error(), "BEGIN", "an inline key is not echoed")
		})
	}
}

func TestLoadCertificateAndPair(t *testing.T) {
	dir := t.TempDir()
	c := certgen.Must(certgen.Spec{CN: "db.example.com"})
	certPath, keyPath, err := c.WriteFiles(dir, "db")
	require.NoError(t, err)
	der := filepath.Join(dir, "db.der")
	require.NoError(t, os.WriteFile(der, c.Cert.Raw, 0o600))

	for _, p := range []string{certPath, der} {
		got, err := LoadCertificate(p, "serverCertificate")
		require.NoError(t, err, p)
		require.True(t, got.Equal(c.Cert))
	}
	_, err = LoadCertificate(keyPath, "serverCertificate")
	require.ErrorIs(t, err, kind.InvalidDSN, "a pin that is not a certificate is a configuration error")
	require.Contains(t, err.Error(), "pinned file is not a certificate (serverCertificate="+keyPath+")")
	_, err = LoadCertificate(filepath.Join(dir, "absent"), "serverCertificate")
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
	require.Contains(t, err.Error(), "no such file or directory")

	pair, err := LoadKeyPairPEM(certPath, "ssl-cert", keyPath, "ssl-key")
	require.NoError(t, err)
	require.Equal(t, c.Cert.Raw, pair.Certificate[0])
	_, err = LoadKeyPairPEM(keyPath, "sslCert", certPath, "sslKey")
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
	require.Contains(t, err.Error(), "check sslCert and sslKey", "the keys as written")
}
