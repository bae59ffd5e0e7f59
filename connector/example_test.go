package connector_test

import (
	"errors"
	"fmt"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

// A JDBC URL becomes a connector; its strategy is known before any
// connection is made.
func ExampleNew() {
	c, err := connector.New("jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=s3cret;encrypt=true;hostNameInCertificate=*.example.com")
	if err != nil {
		panic(err)
	}
	st := c.Strategy()
	fmt.Println("row", st.Row, st.Mode, "expects", st.ExpectedName)

	_, err = connector.New("jdbc:mysql://db.example.com/orders?sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:/nonexistent.jks")
	fmt.Println(errors.Is(err, kind.TruststoreUnreadable))
	// Output:
	// row 4 hostname-override expects *.example.com
	// true
}
