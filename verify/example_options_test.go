package verify_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// Trust anchors given in code, as a pool: the strategy's trust is
// "option". (connector.WithRootCAs passes the same to Resolve.)
func ExampleWithRootCAs() {
	pool, err := x509.SystemCertPool() // or a pool built from a secret manager's PEM
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := dsn.Parse("app@tcp(db.example.com:3306)/orders?ssl-mode=VERIFY_IDENTITY")
	if err != nil {
		log.Fatal(err)
	}
	st, err := verify.Resolve(cfg, verify.WithRootCAs(pool))
	fmt.Println(st.Row, st.Mode, "trust", st.Trust, err)
	// Output:
	// VERIFY_IDENTITY ca-chain trust option <nil>
}

// Trust anchors given in code as PEM text; what is not a certificate is an
// error naming WithRootCAsPEM.
func ExampleWithRootCAsPEM() {
	pemCerts, err := os.ReadFile("../truststore/testdata/ca.pem") // e.g. from a secret manager
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := dsn.Parse("jdbc:sqlserver://db.example.com;encrypt=true")
	if err != nil {
		log.Fatal(err)
	}
	st, err := verify.Resolve(cfg, verify.WithRootCAsPEM(pemCerts))
	fmt.Println("row", st.Row, st.Mode, "trust", st.Trust, err)

	_, err = verify.Resolve(cfg, verify.WithRootCAsPEM([]byte("not PEM")))
	fmt.Println(errors.Is(err, kind.TruststoreUnreadable), err)
	// Output:
	// row 3 ca-chain trust option <nil>
	// true dbtls: cannot read the trust anchors given (WithRootCAsPEM): it holds no PEM block; give PEM text of CERTIFICATE blocks
}
