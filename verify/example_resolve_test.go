package verify_test

import (
	"fmt"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/verify"
)

// A JDBC URL next to the strategy it yields.
func ExampleResolve() {
	cfg, _ := dsn.Parse("jdbc:sqlserver://db.example.com;encrypt=true;hostNameInCertificate=*.example.com")
	st, _ := verify.Resolve(cfg)
	fmt.Println("row", st.Row, st.Mode, "name", st.ExpectedName, "trust", st.Trust, "required", st.TLSRequired)

	cfg, _ = dsn.Parse("app@tcp(db.example.com:3306)/app?ssl-mode=VERIFY_IDENTITY&tls-version=TLSv1.3")
	st, _ = verify.Resolve(cfg)
	fmt.Println(st.Row, st.Mode, "name", st.ExpectedName, verify.VersionName(st.MinVersion))
	// Output:
	// row 4 hostname-override name *.example.com trust system required true
	// VERIFY_IDENTITY ca-chain name db.example.com TLSv1.3
}

func ExampleMatchName() {
	fmt.Println(verify.MatchName(verify.SQLServerNames, cnOnly("db*.example.com"), "db1.example.com") == nil)
	fmt.Println(verify.MatchName(verify.SQLServerNames, cnOnly("*.com"), "example.com"))
	// Output:
	// true
	// dbtls: server certificate does not carry the expected name (hostNameInCertificate=example.com): found [CN=*.com]; set hostNameInCertificate to one of the certificate's names, or give the server a certificate for example.com
}
