package dsn_test

// The drivers are imported here, by a test file of the external test
// package only: `go list -deps ./dsn` (what a program importing dsn links)
// does not list test imports, and stays free of them.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/verify"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// BenchmarkParse compares what dbtls does with a connection string —
// dsn.Parse, then verify.Resolve (the strategy; it reads the trust file
// when one is named) — with the driver's own parser on the equivalent
// string, one pair a shape. The targets: at most 1.5× msdsn.Parse on the
// SQL Server shapes and 8× mysql.ParseDSN on the MySQL shapes, at most 25
// allocations for a shape that names no trust store file:
//
//	go test -run '^$' -bench Parse -benchmem ./dsn/
//
// go-mssqldb's msdsn.Parse also reads the certificate file it names, as
// Resolve reads the trust store.
func BenchmarkParse(b *testing.B) {
	ca := filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, certgen.Must(certgen.Spec{CN: "bench CA", IsCA: true}).CertPEM(), 0o644); err != nil {
		b.Fatal(err)
	}
	file := strings.NewReplacer("$CA", ca)
	for _, tc := range benchShapes {
		s, d := file.Replace(tc.dbtls), file.Replace(tc.driver)
		b.Run("shape="+tc.name+"/via=dbtls", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				cfg, err := dsn.Parse(s)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := verify.Resolve(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("shape="+tc.name+"/via=driver", func(b *testing.B) {
			b.ReportAllocs()
			mysqlShape := strings.Contains(d, "@tcp(")
			for i := 0; i < b.N; i++ {
				var err error
				if mysqlShape {
					_, err = mysql.ParseDSN(d)
				} else {
					_, err = msdsn.Parse(d)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchShapes are the strings BenchmarkParse and BenchmarkParseOnly read:
// dbtls's, and the equivalent the driver reads ($CA is a PEM file).
var benchShapes = []struct {
	name, dbtls, driver string
}{
	{"sqlserver-jdbc",
		"jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=pw;encrypt=true;trustServerCertificate=true",
		"sqlserver://app:pw@db.example.com:1433?database=orders&encrypt=true&trustServerCertificate=true"},
	{"sqlserver-jdbc-truststore",
		"jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=pw;encrypt=true;trustStore=$CA",
		"sqlserver://app:pw@db.example.com:1433?database=orders&encrypt=true&certificate=$CA"},
	{"sqlserver-url",
		"sqlserver://app:pw@db.example.com:1433?database=orders&encrypt=true&trustServerCertificate=true",
		"sqlserver://app:pw@db.example.com:1433?database=orders&encrypt=true&trustServerCertificate=true"},
	{"sqlserver-ado",
		"server=db.example.com,1433;user id=app;password=pw;database=orders;encrypt=true;TrustServerCertificate=true",
		"server=db.example.com,1433;user id=app;password=pw;database=orders;encrypt=true;TrustServerCertificate=true"},
	{"mysql-jdbc",
		"jdbc:mysql://db.example.com:3306/orders?user=app&password=pw&sslMode=REQUIRED",
		"app:pw@tcp(db.example.com:3306)/orders?tls=skip-verify"},
	{"mysql-jdbc-verify",
		"jdbc:mysql://db.example.com:3306/orders?user=app&password=pw&sslMode=VERIFY_IDENTITY&ssl-ca=$CA",
		"app:pw@tcp(db.example.com:3306)/orders?tls=true"},
	{"mysql-go",
		"app:pw@tcp(db.example.com:3306)/orders?tls=skip-verify",
		"app:pw@tcp(db.example.com:3306)/orders?tls=skip-verify"},
}

// BenchmarkParseOnly is dsn.Parse alone on BenchmarkParse's strings: what
// verify and connector pay when they take a Config that Parse returned
// (Config.Normalized) without normalizing it again.
func BenchmarkParseOnly(b *testing.B) {
	file := strings.NewReplacer("$CA", "/etc/dbtls/ca.pem")
	for _, tc := range benchShapes {
		s := file.Replace(tc.dbtls)
		b.Run("shape="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := dsn.Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNormalize is dsn.Normalize of a Config Parse returned, on
// BenchmarkParse's strings: what verify.Resolve and connector.NewFromConfig
// pay when they check a Config again.
func BenchmarkNormalize(b *testing.B) {
	file := strings.NewReplacer("$CA", "/etc/dbtls/ca.pem")
	for _, tc := range benchShapes {
		c, err := dsn.Parse(file.Replace(tc.dbtls))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("shape="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := dsn.Normalize(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
