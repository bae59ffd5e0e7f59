package connector_test

import (
	"fmt"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/dsn"
)

// A Config filled in by the program goes through the checks Parse runs: the
// two vocabularies for one setting are refused with Parse's message, and a
// setting with no key is named by its canonical key. (In go-sql-driver's DSN
// shape, String writes a password the program set as a parameter: where it
// stands never depends on what it holds.)
func ExampleNewFromConfig() {
	cfg := &dsn.Config{Family: dsn.MySQL, Host: "db.example.com", Database: "orders", User: "app", Password: "s3cret",
		TLS: dsn.TLS{
			Encrypt: dsn.NewSetting(dsn.EncryptFalse),
			SSLMode: dsn.NewSetting(dsn.SSLVerifyIdentity),
		}}
	_, err := connector.NewFromConfig(cfg)
	fmt.Println(err)

	cfg.TLS.Encrypt = dsn.Setting[dsn.Encrypt]{}
	cfg.Params = map[string]string{"parseTime": "true"}
	c, err := connector.NewFromConfig(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Strategy().Row, c)
	// Output:
	// dbtls: two vocabularies for one setting (sslMode=VERIFY_IDENTITY): encrypt (SQL Server/JDBC) and sslMode (MySQL) both set the TLS mode; use either encrypt or sslMode, not both
	// VERIFY_IDENTITY dbtls connector app@tcp(db.example.com)/orders?sslMode=VERIFY_IDENTITY&parseTime=true&password=xxxxx (row VERIFY_IDENTITY, ca-chain)
}

// What the connector hands the driver, as the driver's own DSN, redacted:
// built from the fields, with no TLS property (the connector sets TLS for
// each connection).
func ExampleRedactedDriverDSN() {
	cfg, err := dsn.Parse("jdbc:mysql://db.example.com:3306/orders?user=app&password=s3cret&sslMode=VERIFY_IDENTITY&parseTime=true")
	if err != nil {
		panic(err)
	}
	s, err := connector.RedactedDriverDSN(cfg)
	fmt.Println(s, err)
	// Output:
	// app:xxxxx@tcp(db.example.com:3306)/orders?parseTime=true <nil>
}
