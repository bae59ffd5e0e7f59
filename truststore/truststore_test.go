package truststore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

const pw = "changeit"

func src(path string) Source {
	return Source{Path: path, PathKey: "trustStore", PasswordKey: "trustStorePassword", TypeKey: "trustStoreType"}
}

func withPW(s Source, p string) Source { s.Password, s.HasPassword = p, true; return s }

func TestLoad(t *testing.T) {
	td := "testdata/"
	tests := []struct {
		name       string
		src        Source
		wantFormat Format
		wantKind   kind.Kind
		wantErr    error
		wantText   string
	}{
		{"jks with password", withPW(src(td+"trust.jks"), pw), JKS, "", nil, ""},
		{"jks without password: loads unchecked (Java load(in, null))", src(td + "trust.jks"), JKS, "", nil, ""},
		{"jks wrong password", withPW(src(td+"trust.jks"), "wrong-pass"), "", kind.TruststoreIntegrity, ErrIncorrectPassword, "trustStorePassword"},
		{"pkcs12 with password", withPW(src(td+"trust.p12"), pw), PKCS12, "", nil, ""},
		{"pkcs12 wrong password", withPW(src(td+"trust.p12"), "wrong-pass"), "", kind.TruststoreIntegrity, ErrIncorrectPassword, "password does not match"},
		{"pkcs12 encrypted, no password: says a password is needed", src(td + "trust.p12"), "", kind.TruststoreUnreadable, ErrPasswordRequired, "no password was given"},
		{"pkcs12 unprotected, no password", src(td + "trust-nopass.p12"), PKCS12, "", nil, ""},
		{"pem bundle", src(td + "ca.pem"), PEM, "", nil, ""},
		{"empty store", withPW(src(td+"empty.jks"), pw), "", kind.TruststoreUnreadable, ErrNoTrustedCertificates, "no trusted certificate"},
		{"jceks refused by name", withPW(src(td+"trust.jceks"), pw), "", kind.TruststoreUnreadable, ErrUnsupportedFormat, "JCEKS"},
		{"missing file", src(td + "nope.jks"), "", kind.TruststoreUnreadable, ErrUnreadable, "cannot read"},
		{"garbage", src(td + "README.md"), "", kind.TruststoreUnreadable, ErrUnsupportedFormat, "not a JKS, PKCS12 or PEM"},
		{"type hint disagrees: content wins", func() Source { s := withPW(src(td+"trust.p12"), pw); s.Type = "JKS"; return s }(), PKCS12, "", nil, ""},
		{"file: URL", withPW(src("file:"+mustAbs(t, td+"trust.jks")), pw), JKS, "", nil, ""},
		{"client key store as trust store: its certificate is the anchor", withPW(src(td+"client.jks"), pw), JKS, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Load(tt.src)
			if tt.wantKind == "" {
				require.NoError(t, err)
				require.Equal(t, tt.wantFormat, st.Format)
				require.NotEmpty(t, st.Certs)
				require.False(t, st.Pool().Equal(nil))
				return
			}
			require.Error(t, err)
			require.ErrorIs(t, err, tt.wantKind)
			require.ErrorIs(t, err, tt.wantErr)
			require.Contains(t, err.Error(), tt.wantText)
			require.NotContains(t, err.Error(), "wrong-pass", "a password must never appear in an error")
			require.NotContains(t, err.Error(), pw)
		})
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	require.NoError(t, err)
	return a
}

func TestPEMBrokenBlock(t *testing.T) {
	good, err := os.ReadFile("testdata/ca.pem")
	require.NoError(t, err)
	bad := append(append([]byte{}, good...), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")...)
	_, err = LoadBytes(bad, src("bundle.pem"))
	require.ErrorIs(t, err, kind.TruststoreUnreadable)
	require.Contains(t, err.Error(), "PEM block 2")
	_, err = LoadBytes([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), src("k.pem"))
	require.ErrorIs(t, err, ErrNoTrustedCertificates)
}

func TestLoadKeyPair(t *testing.T) {
	for _, f := range []string{"testdata/client.p12", "testdata/client.jks"} {
		kp, err := LoadKeyPair(withPW(src(f), pw))
		require.NoError(t, err, f)
		require.NotNil(t, kp.PrivateKey)
		require.Equal(t, "client", kp.Leaf.Subject.CommonName)
		_, err = LoadKeyPair(withPW(src(f), "wrong-pass"))
		require.ErrorIs(t, err, kind.TruststoreIntegrity, f)
	}
	_, err := LoadKeyPair(withPW(src("testdata/trust.jks"), pw))
	require.Error(t, err, "a store without a key entry is no client key store")
}

func TestDefaultStoreFile(t *testing.T) {
	home := t.TempDir()
	sec := filepath.Join(home, "lib", "security")
	require.NoError(t, os.MkdirAll(sec, 0o755))
	t.Setenv("JAVA_HOME", home)
	_, err := DefaultStoreFile()
	require.ErrorIs(t, err, kind.TruststoreUnreadable, "no store file at all is an error, not an empty store")
	require.Contains(t, err.Error(), "cacerts")

	require.NoError(t, os.WriteFile(filepath.Join(sec, "cacerts"), []byte("x"), 0o644))
	p, err := DefaultStoreFile()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(sec, "cacerts"), p)

	require.NoError(t, os.WriteFile(filepath.Join(sec, "jssecacerts"), []byte("x"), 0o644))
	p, err = DefaultStoreFile()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(sec, "jssecacerts"), p, "jssecacerts comes first, as in the JDK")
}

// TestRealJDKDefaultStore loads this machine's JDK cacerts with the JDK's
// well-known default password.
func TestRealJDKDefaultStore(t *testing.T) {
	if _, err := exec.LookPath("java"); err != nil {
		needTool(t, "java")
	}
	t.Setenv("JAVA_HOME", "")
	p, err := DefaultStoreFile()
	require.NoError(t, err)
	st, err := Load(withPW(src(p), "changeit"))
	require.NoError(t, err)
	require.Greater(t, len(st.Certs), 10)
}

// TestFreshKeytoolStores makes stores with the keytool on this machine now
// and loads them, so the loader is proven against the current JDK.
func TestFreshKeytoolStores(t *testing.T) {
	if _, err := exec.LookPath("keytool"); err != nil {
		needTool(t, "keytool")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		out, err := exec.Command("keytool", append([]string{"-noprompt"}, args...)...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	run("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-dname", "CN=fresh", "-keystore", filepath.Join(dir, "k.p12"), "-storetype", "PKCS12", "-storepass", pw)
	run("-exportcert", "-rfc", "-alias", "ca", "-keystore", filepath.Join(dir, "k.p12"), "-storepass", pw, "-file", filepath.Join(dir, "ca.pem"))
	for _, typ := range []string{"JKS", "PKCS12"} {
		f := filepath.Join(dir, "t."+typ)
		run("-importcert", "-alias", "ca", "-file", filepath.Join(dir, "ca.pem"), "-keystore", f, "-storetype", typ, "-storepass", pw)
		st, err := Load(withPW(src(f), pw))
		require.NoError(t, err, typ)
		require.Equal(t, "fresh", st.Certs[0].Subject.CommonName)
		_, err = Load(withPW(src(f), "wrong-pass"))
		require.ErrorIs(t, err, kind.TruststoreIntegrity, typ)
	}
}

func needTool(t *testing.T, tool string) {
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is needed and CI is set", tool)
	}
	t.Skipf("%s not on PATH", tool)
}

func TestTestdataFresh(t *testing.T) {
	script, err := os.ReadFile("testdata/make.sh")
	require.NoError(t, err)
	readme, err := os.ReadFile("testdata/README.md")
	require.NoError(t, err)
	sum := sha256.Sum256(script)
	require.Contains(t, string(readme), hex.EncodeToString(sum[:]), "make.sh changed: run it again and update the SHA-256 in testdata/README.md")
	for _, f := range []string{"trust.jks", "trust.p12", "trust-nopass.p12", "ca.pem", "client.jks"} {
		st, err := Load(withPW(src("testdata/"+f), pw))
		require.NoError(t, err, f)
		for _, c := range st.Certs {
			require.True(t, c.NotAfter.After(time.Now().AddDate(5, 0, 0)), "%s: certificate expires %s: run make.sh again", f, c.NotAfter)
		}
	}
}

func TestErrorsWrapSentinels(t *testing.T) {
	_, err := Load(withPW(src("testdata/trust.jks"), "wrong-pass"))
	var ke *kind.Error
	require.True(t, errors.As(err, &ke))
	require.Equal(t, "trustStorePassword", ke.Key)
	require.True(t, strings.HasPrefix(err.Error(), "dbtls: "))
}
