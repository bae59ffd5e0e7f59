package connector_test

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
)

// exampleServer starts our TDS test server in-process on 127.0.0.1 with a
// certificate for localhost issued by a CA made here, and returns the port
// and the CA.
func exampleServer() (port int, ca *certgen.Cert, stop func()) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca = certgen.Must(certgen.Spec{CN: "example CA", IsCA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, Parent: ca, NotBefore: nb, NotAfter: na})
	cert := leaf.TLS(true)
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: tds.On, Certificate: &cert})
	if err != nil {
		panic(err)
	}
	return srv.Port(), ca, func() { srv.Close() }
}

// selectOne runs SELECT 1 through a fresh pool over c.
func selectOne(c *connector.Connector) error {
	db := sql.OpenDB(c)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var one int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// The trust anchors come from code — a secret manager, an embedded bundle —
// instead of a trust-store file. Row 3 then checks the server's chain
// against them; a DSN that names a trust store as well is an error, never
// overridden.
func ExampleWithRootCAs() {
	port, ca, stop := exampleServer()
	defer stop()
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)

	url := "jdbc:sqlserver://localhost:" + strconv.Itoa(port) + ";user=sa;password=s3cret;encrypt=true"
	c, err := connector.New(url, connector.WithRootCAs(pool))
	if err != nil {
		panic(err)
	}
	fmt.Println("row", c.Strategy().Row, c.Strategy().Mode, "trust", c.Strategy().Trust)
	fmt.Println("SELECT 1:", selectOne(c))

	_, err = connector.New(url+";trustStore=/etc/app/trust.jks", connector.WithRootCAs(pool))
	fmt.Println(err)
	// Output:
	// row 3 ca-chain trust option
	// SELECT 1: <nil>
	// dbtls: WithRootCAs conflicts with the DSN (trustStore=/etc/app/trust.jks): the DSN names trust anchors (trustStore) and WithRootCAs gives others; dbtls never lets one silently override the other; remove trustStore from the DSN, or do not give WithRootCAs
}

// PEM text, as a secret manager hands it out; what is not a certificate is
// an error at New.
func ExampleWithRootCAsPEM() {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "example CA", IsCA: true, NotBefore: nb, NotAfter: na})

	c, err := connector.New("jdbc:mysql://db.example.com/orders?user=app&password=s3cret&sslMode=VERIFY_IDENTITY",
		connector.WithRootCAsPEM(ca.CertPEM()))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Strategy().Row, c.Strategy().Mode, "trust", c.Strategy().Trust)

	_, err = connector.New("jdbc:mysql://db.example.com/orders?sslMode=VERIFY_IDENTITY", connector.WithRootCAsPEM([]byte("-----BEGIN")))
	fmt.Println(errors.Is(err, kind.TruststoreUnreadable))
	// Output:
	// VERIFY_IDENTITY ca-chain trust option
	// true
}

// A rotating password: the function is called at every Connect, and its
// value is never kept, logged or shown.
func ExampleWithPasswordFunc() {
	secret := func(ctx context.Context) (string, error) {
		return "from-the-vault", nil // e.g. read from a secret manager, cached there
	}
	c, err := connector.New("jdbc:sqlserver://db.example.com;user=app;encrypt=true", connector.WithPasswordFunc(secret))
	if err != nil {
		panic(err)
	}
	fmt.Println(c)

	_, err = connector.New("jdbc:sqlserver://db.example.com;user=app;password=old;encrypt=true", connector.WithPasswordFunc(secret))
	fmt.Println(err)
	// Output:
	// dbtls connector jdbc:sqlserver://db.example.com;user=app;encrypt=true (row 3, ca-chain)
	// dbtls: WithPasswordFunc conflicts with the DSN (password=xxxxx): the DSN holds a password and WithPasswordFunc provides one; dbtls never lets one silently override the other; remove the password from the DSN, or do not give WithPasswordFunc
}

// An access token (Microsoft Entra ID) for each connection, through
// go-mssqldb's security-token login, with dbtls's TLS checks. Here the
// token is fixed and our TDS test server accepts any.
func ExampleWithAccessTokenFunc() {
	port, ca, stop := exampleServer()
	defer stop()
	token := func(ctx context.Context) (string, error) {
		return "eyJ0eXAiOiJKV1QifQ.example", nil // e.g. azidentity's GetToken(ctx, …).Token
	}
	c, err := connector.New("jdbc:sqlserver://localhost:"+strconv.Itoa(port)+";encrypt=true",
		connector.WithAccessTokenFunc(token), connector.WithRootCAsPEM(ca.CertPEM()))
	if err != nil {
		panic(err)
	}
	fmt.Println("SELECT 1:", selectOne(c))

	_, err = connector.New("jdbc:mysql://db.example.com/?sslMode=REQUIRED", connector.WithAccessTokenFunc(token))
	fmt.Println(errors.Is(err, kind.InvalidDSN))
	// Output:
	// SELECT 1: <nil>
	// true
}

// tunnel stands for a proxy or an SSH client: it is handed the host name as
// the DSN writes it, and here connects to where that name lives.
type tunnel struct{ to string }

func (t tunnel) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	fmt.Println("tunnel:", network, addr)
	var d net.Dialer
	return d.DialContext(ctx, network, t.to)
}

// A custom dialer replaces the TCP dial only: the connection it returns
// still gets the PRELOGIN guard and every certificate check.
func ExampleWithDialer() {
	port, ca, stop := exampleServer()
	defer stop()
	c, err := connector.New("jdbc:sqlserver://db.internal:1433;user=sa;password=s3cret;encrypt=true;hostNameInCertificate=localhost",
		connector.WithDialer(tunnel{to: "127.0.0.1:" + strconv.Itoa(port)}), connector.WithRootCAsPEM(ca.CertPEM()))
	if err != nil {
		panic(err)
	}
	fmt.Println("SELECT 1:", selectOne(c))
	// Output:
	// tunnel: tcp db.internal:1433
	// SELECT 1: <nil>
}

// For code that cannot take a Connector: the package registers the driver
// "dbtls", and sql.Open runs New — its errors are sql.Open's.
func ExampleDriver() {
	port, ca, stop := exampleServer()
	defer stop()
	_ = ca // sql.Open takes no options: the DSN names the trust, here row 2 (not validated)

	db, err := sql.Open(connector.DriverName, "jdbc:sqlserver://localhost:"+strconv.Itoa(port)+";user=sa;password=s3cret;encrypt=true;trustServerCertificate=true")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	var one int
	fmt.Println(db.QueryRow("SELECT 1").Scan(&one), one)

	_, err = sql.Open("dbtls", "jdbc:sqlserver://localhost;encrypt=maybe")
	fmt.Println(errors.Is(err, kind.InvalidDSN))
	// Output:
	// <nil> 1
	// true
}
