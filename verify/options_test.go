package verify

import (
	"crypto/x509"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestWithRootCAs: trust anchors from code enter through a resolve option,
// replace the host's pool only where a chain is validated, and never
// override a configuration that names anchors.
func TestWithRootCAs(t *testing.T) {
	ca := certgen.Must(certgen.Spec{CN: "Option CA", IsCA: true})
	res := func(s string, opts ...Option) (*Strategy, error) {
		cfg, err := dsn.Parse(s)
		require.NoError(t, err, s)
		return Resolve(cfg, opts...)
	}
	for _, s := range []string{
		"jdbc:sqlserver://db;encrypt=true",                                     // row 3
		"jdbc:sqlserver://db;encrypt=true;hostNameInCertificate=x.example.com", // row 4
		"jdbc:sqlserver://db;encrypt=strict",                                   // row 11 without a pin
		"jdbc:mysql://db/?sslMode=VERIFY_CA",
		"jdbc:mysql://db/?sslMode=VERIFY_IDENTITY&fallbackToSystemTrustStore=false",
	} {
		for _, opt := range []Option{WithRootCAs(ca.Pool()), WithRootCAsPEM(ca.CertPEM())} {
			st, err := res(s, opt)
			require.NoError(t, err, s)
			require.Equal(t, Trust{Source: "option"}, st.Trust, s)
			require.True(t, st.Roots.Equal(ca.Pool()), s)
		}
		d, err := dsn.Parse(s)
		require.NoError(t, err)
		ds, err := Describe(d, WithRootCAs(ca.Pool()))
		require.NoError(t, err)
		require.Equal(t, "option", ds.Trust.Source, "Describe names where the anchors come from")
	}

	st, err := res("jdbc:sqlserver://db;encrypt=true;trustServerCertificate=true", WithRootCAs(ca.Pool()))
	require.NoError(t, err)
	require.Contains(t, st.Warnings, "WithRootCAs is ignored: row 2 validates no certificate chain")
	st, err = res("jdbc:mysql://db/?sslMode=REQUIRED", WithRootCAsPEM(ca.CertPEM()))
	require.NoError(t, err)
	require.Contains(t, st.Warnings, "WithRootCAsPEM is ignored: sslMode REQUIRED validates no certificate chain")

	for _, tt := range []struct {
		dsn  string
		opts []Option
		kind kind.Kind
		text string
	}{
		{"jdbc:sqlserver://db;encrypt=true;trustStore=/etc/t.jks", []Option{WithRootCAs(ca.Pool())}, kind.InvalidDSN, "WithRootCAs conflicts with the DSN (trustStore=/etc/t.jks)"},
		{"jdbc:sqlserver://db;encrypt=true;trustStorePassword=s3cret", []Option{WithRootCAs(ca.Pool())}, kind.InvalidDSN, "(trustStorePassword=xxxxx)"},
		{"jdbc:mysql://db/?sslMode=VERIFY_CA&ssl-ca=/ca.pem", []Option{WithRootCAsPEM(ca.CertPEM())}, kind.InvalidDSN, "WithRootCAsPEM conflicts with the DSN (ssl-ca=/ca.pem)"},
		{"jdbc:sqlserver://db;encrypt=true", []Option{WithRootCAs(ca.Pool()), WithRootCAsPEM(ca.CertPEM())}, kind.InvalidDSN, "given twice"},
		{"jdbc:sqlserver://db;encrypt=true", []Option{WithRootCAs(nil)}, kind.TruststoreUnreadable, "no trust anchors given (WithRootCAs)"},
		{"jdbc:sqlserver://db;encrypt=true", []Option{WithRootCAs(x509.NewCertPool())}, kind.TruststoreUnreadable, "holds no certificate"},
		{"jdbc:sqlserver://db;encrypt=true", []Option{WithRootCAsPEM([]byte("nothing"))}, kind.TruststoreUnreadable, "(WithRootCAsPEM): it holds no PEM block"},
		{"jdbc:sqlserver://db;encrypt=true", []Option{WithRootCAsPEM(ca.KeyPEM())}, kind.TruststoreUnreadable, "not a CERTIFICATE"},
	} {
		_, err := res(tt.dsn, tt.opts...)
		require.ErrorIs(t, err, tt.kind, tt.dsn)
		require.Contains(t, err.Error(), tt.text, tt.dsn)
		require.NotContains(t, err.Error(), "s3cret")
	}

	pool := ca.Pool()
	opt := WithRootCAs(pool)
	pool.AddCert(certgen.Must(certgen.Spec{CN: "Added later", IsCA: true}).Cert)
	st, err = res("jdbc:sqlserver://db;encrypt=true", opt)
	require.NoError(t, err)
	require.True(t, st.Roots.Equal(ca.Pool()), "the pool was copied when the option was made")
}
