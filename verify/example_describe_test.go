package verify_test

import (
	"fmt"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// What a string means does not wait for its trust store: Describe reads no
// file, Resolve reads them and reports what is wrong with them.
func ExampleDescribe() {
	cfg, _ := dsn.Parse("jdbc:sqlserver://db.example.com;encrypt=true;trustStore=/nonexistent/truststore.jks;trustStorePassword=changeit")
	st, _ := verify.Describe(cfg)
	fmt.Println("row", st.Row, st.Mode, "trust", st.Trust, "required", st.TLSRequired)
	_, err := verify.Resolve(cfg)
	fmt.Println(kind.Of(err))
	// Output:
	// row 5 ca-chain trust store:/nonexistent/truststore.jks required true
	// truststore-unreadable
}
