package connector_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// TestMain gives the examples what a deployed service has: connection
// strings and a CA file in its environment. It starts our TDS test server
// in-process on 127.0.0.1, with a certificate for localhost issued by a CA
// made here, and sets
//
//	ORDERS_DSN      a JDBC URL to it (row 7: encrypt=true, the CA file as trust store)
//	ORDERS_SERVER   localhost:port, for examples that write their own URL
//	ORDERS_CA_FILE  the CA's PEM file
//	ORDERS_ADDR     127.0.0.1:port, where a tunnel (WithDialer) reaches it
//
// so that every Example body uses only the standard library and dbtls: a
// user can paste it as it is shown by go doc.
func TestMain(m *testing.M) {
	os.Exit(runWithExampleServer(m))
}

func runWithExampleServer(m *testing.M) int {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "example CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, Parent: ca, NotBefore: nb, NotAfter: na})
	cert := leaf.TLS(true)
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: tds.On, Certificate: &cert})
	if err != nil {
		fmt.Fprintln(os.Stderr, "example server:", err)
		return 1
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "dbtls-examples")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	caFile := filepath.Join(dir, "orders-ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	port := strconv.Itoa(srv.Port())
	os.Setenv("ORDERS_DSN", "jdbc:sqlserver://localhost:"+port+";databaseName=orders;user=app;password=s3cret;encrypt=true;trustStore="+caFile)
	os.Setenv("ORDERS_SERVER", "localhost:"+port)
	os.Setenv("ORDERS_CA_FILE", caFile)
	os.Setenv("ORDERS_ADDR", "127.0.0.1:"+port)
	return m.Run()
}
