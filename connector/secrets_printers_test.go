package connector_test

import (
	"context"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/secretsweep"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
	"github.com/dbtls/dbtls/verify"
	"github.com/stretchr/testify/require"
)

const module = "github.com/dbtls/dbtls/"

// sweptPackages are the packages whose every exported type the printer
// sweep covers.
var sweptPackages = []string{"kind", "dsn", "verify", "truststore", "connector"}

// markerDSNs carry secretsweep.Marker in every password key of the three
// vocabularies (SQL Server's, Connector/J's, MariaDB Connector/J's), in
// every shape, with trust and key stores whose real password is another
// one: the stores fail their integrity check in the real loader.
func markerDSNs(root string) []string {
	td := filepath.Join(root, "truststore", "testdata")
	r := strings.NewReplacer("{M}", secretsweep.Marker, "{jks}", filepath.Join(td, "trust.jks"), "{p12}", filepath.Join(td, "trust.p12"),
		"{cjks}", filepath.Join(td, "client.jks"), "{cp12}", filepath.Join(td, "client.p12"))
	var out []string
	for _, d := range []string{
		// SQL Server vocabulary.
		"jdbc:sqlserver://127.0.0.1:1;user=sa;password={M};encrypt=true;trustStore={jks};trustStorePassword={M}",
		"jdbc:sqlserver://127.0.0.1:1;user=sa;password={M};encrypt=true;trustStore={p12};trustStorePassword={M};hostNameInCertificate=db",
		"jdbc:sqlserver://127.0.0.1:1;user=sa;password={M};encrypt=false;keyStoreSecret={M}",
		"jdbc:sqlserver://127.0.0.1:1;userName=sa;password={M};encrypt=true;trustServerCertificate=true",
		"server=127.0.0.1,1;user id=sa;password={M};encrypt=true;trustStore={jks};trustStorePassword={M}",
		"server=127.0.0.1,1;uid=sa;pwd={M};encrypt=false",
		"sqlserver://sa:{M}@127.0.0.1:1?encrypt=true&trustStore={jks}&trustStorePassword={M}",
		"sqlserver://127.0.0.1:1?user+id=sa&password={M}&encrypt=true&trustServerCertificate=true",
		// Connector/J's vocabulary, and the JDBC one on a MySQL DSN.
		"app:{M}@tcp(127.0.0.1:1)/d?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:{jks}&trustCertificateKeyStorePassword={M}",
		"app:{M}@tcp(127.0.0.1:1)/d?sslMode=REQUIRED&clientCertificateKeyStoreUrl=file:{cjks}&clientCertificateKeyStorePassword={M}",
		"app:{M}@tcp(127.0.0.1:1)/d?sslMode=PREFERRED",
		"mysql://app:{M}@127.0.0.1:1/d?sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:{p12}&trustCertificateKeyStorePassword={M}",
		"jdbc:mysql://127.0.0.1:1/d?user=app&password={M}&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:{jks}&trustCertificateKeyStorePassword={M}",
		"jdbc:mysql://127.0.0.1:1/d?user=app&password={M}&sslMode=REQUIRED&clientCertificateKeyStoreUrl=file:{cp12}&clientCertificateKeyStorePassword={M}",
		"jdbc:mysql://127.0.0.1:1/d?user=app&password={M}&encrypt=true&trustStore={jks}&trustStorePassword={M}",
		"tidb://root:{M}@127.0.0.1:1/test",
		// MariaDB Connector/J's vocabulary.
		"jdbc:mariadb://127.0.0.1:1/d?user=app&password={M}&sslMode=verify-ca&trustStore={jks}&trustStorePassword={M}",
		"jdbc:mariadb://127.0.0.1:1/d?user=app&password={M}&sslMode=trust&keyStore={cjks}&keyStorePassword={M}",
		"jdbc:mariadb://127.0.0.1:1/d?user=app&password={M}&sslMode=disable",
	} {
		out = append(out, r.Replace(d))
	}
	return out
}

// TestSecretsThroughEveryPrinter builds values carrying secretsweep.Marker
// through the real entry points (dsn.Parse, dsn.Normalize, verify.Resolve,
// truststore's loaders with a wrong store password, connector.New and a
// Connect to a closed port), walks every value of this module reachable
// from them (fields, elements, wrapped errors), and prints each through
// every printer Go has (secretsweep.Printed): the marker must never show.
// No exported field of an error may hold it either (what errors.As gives a
// caller). Every exported type of kind, dsn, verify, truststore and
// connector, read from their source, must have been reached, so that a type
// added later is swept without anyone listing it.
func TestSecretsThroughEveryPrinter(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))

	var roots []any
	integrity := 0
	keep := func(v ...any) {
		for _, x := range v {
			if err, ok := x.(error); ok && err != nil && kind.Of(err) == kind.TruststoreIntegrity {
				integrity++
			}
			roots = append(roots, x)
		}
	}
	for _, d := range markerDSNs(root) {
		cfg, err := dsn.Parse(d)
		require.NoError(t, err, d)
		require.Contains(t, []string{cfg.Password, cfg.TLS.TrustStorePassword.Value, cfg.TLS.TrustCertKeyStorePassword.Value,
			cfg.TLS.ClientKeyStorePassword.Value}, secretsweep.Marker, "the marker is read from %s", d)
		keep(cfg, cfg.TLS, cfg.Auth, cfg.Ignored)
		st, err := verify.Resolve(cfg)
		keep(st, err)
		if st != nil {
			keep(st.Trust, st.Mode, st.NameRules)
		}
		conn, err := connector.New(d)
		keep(conn, err)
		if conn != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			_, err := conn.Connect(ctx)
			cancel()
			require.Error(t, err, "nothing listens on 127.0.0.1:1")
			keep(err, conn.Config(), conn.Strategy())
		}
	}
	built, err := dsn.Normalize(&dsn.Config{Family: dsn.MySQL, Host: "127.0.0.1", Port: 1, User: "app", Password: secretsweep.Marker,
		TLS: dsn.TLS{SSLMode: dsn.NewSetting(dsn.SSLVerifyCA), TrustCertKeyStoreURL: dsn.NewSetting(filepath.Join(root, "truststore", "testdata", "trust.jks")),
			TrustCertKeyStorePassword: dsn.NewSetting(secretsweep.Marker)}})
	require.NoError(t, err)
	_, err = verify.Resolve(built)
	keep(built, err)

	for _, src := range []truststore.Source{
		{Path: filepath.Join(root, "truststore", "testdata", "trust.jks"), Password: secretsweep.Marker, HasPassword: true, PasswordKey: "trustStorePassword"},
		{Path: filepath.Join(root, "truststore", "testdata", "trust.p12"), Password: secretsweep.Marker, HasPassword: true, PasswordKey: "trustCertificateKeyStorePassword"},
		{Path: filepath.Join(root, "truststore", "testdata", "trust.jks"), Password: "changeit", HasPassword: true},
	} {
		st, err := truststore.Load(src)
		keep(src, st, err)
	}
	for _, p := range []string{"client.jks", "client.p12"} {
		src := truststore.Source{Path: filepath.Join(root, "truststore", "testdata", p), Password: secretsweep.Marker, HasPassword: true, PasswordKey: "keyStorePassword"}
		_, err := truststore.LoadKeyPair(src)
		keep(src, err)
	}
	require.GreaterOrEqual(t, integrity, 10, "wrong store passwords give truststore-integrity errors")

	// Types no entry point above returns: each holds no password by
	// construction (a certificate and a name, options, an interface), and is
	// printed all the same.
	keep(&verify.NameError{Expected: "db"}, &verify.ChainError{}, &verify.PinError{}, &verify.UsageError{}, &verify.ValidityError{},
		verify.Options{}, verify.WithRootCAsPEM(nil), &verify.Diagnosis{}, connector.ConnInfo{Hops: []connector.Hop{{Peer: []connector.CertInfo{{Subject: "CN=db"}}}}},
		connector.Driver{}, connector.WithLogger(nil), truststore.PEM, kind.InvalidDSN, dsn.ShapeADO)

	reached := map[string]bool{}
	printed, values := 0, 0
	for _, r := range roots {
		secretsweep.Reach(r, module, func(v reflect.Value) {
			t.Helper()
			pkg := strings.TrimPrefix(strings.TrimPrefix(v.Type().String(), "*"), "")
			pkg, _, _ = strings.Cut(pkg, ".")
			reached[pkg+"."+secretsweep.TypeName(v.Type())] = true
			if !v.CanInterface() {
				return
			}
			x := v.Interface()
			values++
			for _, s := range secretsweep.Printed(x) {
				printed++
				if secretsweep.Exempt(v.Type(), s.Printer) {
					continue
				}
				if leak := secretsweep.Leak(s.Text, []string{secretsweep.Marker}); leak != "" {
					t.Errorf("%s through %s shows %q: %s", v.Type(), s.Printer, leak, s.Text)
				}
			}
			if _, isErr := x.(error); isErr {
				for _, text := range secretsweep.Texts(v, module) {
					require.NotContains(t, text, secretsweep.Marker, "a field of %s holds the password", v.Type())
				}
			}
		})
	}
	for _, p := range sweptPackages {
		names, err := secretsweep.ExportedTypes(filepath.Join(root, p))
		require.NoError(t, err)
		for _, n := range names {
			require.True(t, reached[p+"."+n], "exported type %s.%s was not swept: make one through an entry point above (with the marker if it can hold a secret)", p, n)
		}
	}
	t.Logf("%d values of %d types, %d printed forms swept", values, len(reached), printed)
}
