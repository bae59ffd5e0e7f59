package verify

import (
	"crypto/x509"
	"regexp"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestMessagesNameTheUsersKey: a message asks for the property of the
// vocabulary the user wrote, and doing what it says works. The stores are
// keytool's (truststore/testdata/make.sh); trust.p12 is what JDK 17's
// `keytool -importcert` makes by default, even for a file named .jks.
func TestMessagesNameTheUsersKey(t *testing.T) {
	const p12, client = "../truststore/testdata/trust.p12", "../truststore/testdata/client.p12"
	setKey := regexp.MustCompile(`set (\S+) to the store's password`)
	for _, c := range []struct {
		name, dsn, sep, want string
	}{
		{"Connector/J trust store", "jdbc:mysql://db/app?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:" + p12, "&", "trustCertificateKeyStorePassword"},
		{"Connector/J trust store, legacy mode", "jdbc:mysql://db/app?useSSL=true&verifyServerCertificate=true&trustCertificateKeyStoreUrl=" + p12, "&", "trustCertificateKeyStorePassword"},
		{"Connector/J client store", "jdbc:mysql://db/app?sslMode=REQUIRED&clientCertificateKeyStoreUrl=file:" + client, "&", "clientCertificateKeyStorePassword"},
		{"JDBC trust store in a MySQL URL", "jdbc:mysql://db/app?sslMode=VERIFY_CA&trustStore=" + p12, "&", "trustStorePassword"},
		{"go-sql-driver DSN", "u@tcp(db:3306)/app?ssl-mode=VERIFY_CA&trustCertificateKeyStoreUrl=" + p12, "&", "trustCertificateKeyStorePassword"},
		{"mssql-jdbc", "jdbc:sqlserver://db;encrypt=true;trustStore=" + p12, ";", "trustStorePassword"},
		{"ADO", "server=db;encrypt=true;trustStore=" + p12, ";", "trustStorePassword"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := resolve(t, c.dsn)
			require.ErrorIs(t, err, kind.TruststoreUnreadable)
			m := setKey.FindStringSubmatch(err.Error())
			require.NotNil(t, m, err.Error())
			require.Equal(t, c.want, m[1], err.Error())
			// Following the advice gives no second error.
			_, err = resolve(t, c.dsn+c.sep+m[1]+"=changeit")
			require.NoError(t, err)
		})
	}
}

// TestUntrustedNamesTheUsersKey: a certificate from an unknown CA asks for
// the trust-anchor property of the DSN's vocabulary.
func TestUntrustedNamesTheUsersKey(t *testing.T) {
	nb, na := certgen.Window(certgen.Clock, time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "Other CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "db", DNSNames: []string{"db"}, Parent: ca, NotBefore: nb, NotAfter: na})
	for _, c := range []struct{ dsn, want string }{
		{"jdbc:sqlserver://db;encrypt=true", "trustStore"},
		{"jdbc:mysql://db/app?sslMode=VERIFY_CA", "trustCertificateKeyStoreUrl"},
		{"u@tcp(db:3306)/app?ssl-mode=VERIFY_CA", "ssl-ca"},
		{"u@tcp(db:3306)/app?ssl-mode=VERIFY_CA&ssl-ca=../truststore/testdata/ca.pem", "ssl-ca"},
		{"jdbc:mysql://db/app?sslMode=VERIFY_CA&trustStore=../truststore/testdata/trust.jks&trustStorePassword=changeit", "trustStore"},
	} {
		cfg, err := dsn.Parse(c.dsn)
		require.NoError(t, err)
		st, err := Resolve(cfg)
		require.NoError(t, err, c.dsn)
		err = Check(st, []*x509.Certificate{leaf.Cert}, certgen.Clock)
		require.ErrorIs(t, err, kind.UntrustedCertificate, c.dsn)
		require.Contains(t, err.Error(), "("+c.want+")", c.dsn)
	}
}
