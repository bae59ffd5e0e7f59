package dsn_test

import (
	"fmt"

	"github.com/dbtls/dbtls/dsn"
)

func ExampleParse() {
	c, err := dsn.Parse("jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={s3cr;et};encrypt=true;trustStore=/etc/app/trust.jks;trustStorePassword=changeit")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Family, c.Host, c.Port, c.Database, c.User)
	fmt.Println(c.TLS.Encrypt.Key, c.TLS.Encrypt.Value, c.TLS.TrustStore.Value)
	fmt.Println(c)

	_, err = dsn.Parse("jdbc:sqlserver://db.example.com;encrypt=true;trustServerCertifcate=true")
	fmt.Println(err)
	// Output:
	// sqlserver db.example.com 1433 orders app
	// encrypt true /etc/app/trust.jks
	// jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=xxxxx;encrypt=true;trustStore=/etc/app/trust.jks;trustStorePassword=xxxxx
	// dbtls: unknown property (trustServerCertifcate=true): it is not a SQL Server property that dbtls knows; did you mean trustServerCertificate?
}

func ExampleConfig_DriverDSN() {
	c, _ := dsn.Parse("jdbc:mysql://db.example.com:3306/orders?user=app&password=pw&sslMode=VERIFY_IDENTITY&parseTime=true")
	fmt.Println(c.RedactedDriverDSN())
	// Output:
	// app:xxxxx@tcp(db.example.com:3306)/orders?parseTime=true
}
