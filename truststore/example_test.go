package truststore_test

import (
	"errors"
	"fmt"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/truststore"
)

func ExampleLoad() {
	st, err := truststore.Load(truststore.Source{Path: "testdata/trust.jks", Password: "changeit", HasPassword: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Format, len(st.Certs), st.Certs[0].Subject.CommonName)

	_, err = truststore.Load(truststore.Source{Path: "testdata/trust.jks", Password: "hunter2", HasPassword: true,
		PathKey: "trustStore", PasswordKey: "trustStorePassword"})
	fmt.Println(errors.Is(err, kind.TruststoreIntegrity))
	fmt.Println(err)
	// Output:
	// jks 1 dbtls test CA
	// true
	// dbtls: trust store integrity check failed (trustStorePassword=xxxxx): the password does not match the store testdata/trust.jks; set trustStorePassword to the store's password
}
