package connector_test

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

// The trust anchors come from code — a secret manager, an embedded bundle —
// instead of a trust-store file. Row 3 then checks the server's chain
// against them; a DSN that names a trust store as well is an error, never
// overridden.
func ExampleWithRootCAs() {
	pemCerts, err := os.ReadFile(os.Getenv("ORDERS_CA_FILE")) // or from a secret manager
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemCerts) {
		log.Fatal("no CA certificate in ORDERS_CA_FILE")
	}
	url := "jdbc:sqlserver://" + os.Getenv("ORDERS_SERVER") + ";user=app;password=s3cret;encrypt=true"
	c, err := connector.New(url, connector.WithRootCAs(pool))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("row", c.Strategy().Row, c.Strategy().Mode, "trust", c.Strategy().Trust)
	db := sql.OpenDB(c)
	defer db.Close()
	fmt.Println("ping:", db.Ping())

	_, err = connector.New(url+";trustStore=/etc/app/trust.jks", connector.WithRootCAs(pool))
	fmt.Println(err)
	// Output:
	// row 3 ca-chain trust option
	// ping: <nil>
	// dbtls: WithRootCAs conflicts with the DSN (trustStore=/etc/app/trust.jks): the DSN names trust anchors (trustStore) and WithRootCAs gives others; dbtls never lets one silently override the other; remove trustStore from the DSN, or do not give WithRootCAs
}

// PEM text, as a secret manager hands it out; what is not a certificate is
// an error at New, naming WithRootCAsPEM.
func ExampleWithRootCAsPEM() {
	pemCerts, err := os.ReadFile(os.Getenv("ORDERS_CA_FILE")) // or from a secret manager
	if err != nil {
		log.Fatal(err)
	}
	db, err := connector.OpenDB("jdbc:sqlserver://"+os.Getenv("ORDERS_SERVER")+";user=app;password=s3cret;encrypt=true",
		connector.WithRootCAsPEM(pemCerts))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println("ping:", db.Ping())

	_, err = connector.New("jdbc:mysql://db.example.com/orders?sslMode=VERIFY_IDENTITY", connector.WithRootCAsPEM([]byte("-----BEGIN")))
	fmt.Println(errors.Is(err, kind.TruststoreUnreadable), err)
	// Output:
	// ping: <nil>
	// true dbtls: cannot read the trust anchors given (WithRootCAsPEM): it holds no PEM block; give PEM text of CERTIFICATE blocks
}

// A rotating password: the function is called at every Connect, and its
// value is never kept, logged or shown. A failing provider fails that
// Connect, naming the option and wrapping its error.
func ExampleWithPasswordFunc() {
	secret := func(ctx context.Context) (string, error) {
		return "from-the-vault", nil // e.g. read from a secret manager, cached there
	}
	url := "jdbc:sqlserver://" + os.Getenv("ORDERS_SERVER") + ";user=app;encrypt=true;trustStore=" + os.Getenv("ORDERS_CA_FILE")
	db, err := connector.OpenDB(url, connector.WithPasswordFunc(secret))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println("ping:", db.Ping())

	sealed := errors.New("vault sealed")
	failing, err := connector.OpenDB(url, connector.WithPasswordFunc(func(context.Context) (string, error) { return "", sealed }))
	if err != nil {
		log.Fatal(err)
	}
	defer failing.Close()
	err = failing.Ping()
	fmt.Println(errors.Is(err, sealed), err)

	_, err = connector.New(url+";password=old", connector.WithPasswordFunc(secret))
	fmt.Println(err)
	// Output:
	// ping: <nil>
	// true dbtls: the function given to WithPasswordFunc failed: vault sealed; no login was sent; check what the provider reads (a secret store, a token endpoint); the connection string is not at fault
	// dbtls: WithPasswordFunc conflicts with the DSN (password=xxxxx): the DSN holds a password and WithPasswordFunc provides one; dbtls never lets one silently override the other; remove the password from the DSN, or do not give WithPasswordFunc
}

// An access token (Microsoft Entra ID) for each connection, through
// go-mssqldb's security-token login, with dbtls's TLS checks. A URL with
// authentication=ActiveDirectory… is refused and points here.
func ExampleWithAccessTokenFunc() {
	token := func(ctx context.Context) (string, error) {
		return "eyJ0eXAiOiJKV1QifQ.example", nil // e.g. azidentity's GetToken(ctx, …).Token
	}
	url := "jdbc:sqlserver://" + os.Getenv("ORDERS_SERVER") + ";encrypt=true;trustStore=" + os.Getenv("ORDERS_CA_FILE")
	db, err := connector.OpenDB(url, connector.WithAccessTokenFunc(token))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println("ping:", db.Ping())

	_, err = connector.New("jdbc:mysql://db.example.com/?sslMode=REQUIRED", connector.WithAccessTokenFunc(token))
	fmt.Println(errors.Is(err, kind.InvalidDSN))
	// Output:
	// ping: <nil>
	// true
}

// For code that cannot take a Connector: the package registers the driver
// "dbtls", and sql.Open runs New — its errors are sql.Open's.
func ExampleDriver() {
	db, err := sql.Open(connector.DriverName, os.Getenv("ORDERS_DSN"))
	if err != nil {
		log.Fatal(err)
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
