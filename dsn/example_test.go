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

// Conflicts name both keys; warnings name the key that is ignored.
func ExampleParse_conflicts() {
	for _, s := range []string{
		"jdbc:mysql://db.example.com/orders?sslMode=REQUIRED&ssl-mode=DISABLED",
		"jdbc:sqlserver://db.example.com;encrypt=true;sslMode=REQUIRED",
		"app:pw@tcp(db.example.com)/orders?tls=skip-verify&useUnicode=true",
	} {
		c, err := dsn.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c.TLS.SSLMode.Key, c.TLS.SSLMode.Value, c.Warnings)
	}
	// Output:
	// dbtls: property given twice (ssl-mode=DISABLED): sslMode and ssl-mode both set sslMode; keep only one of sslMode and ssl-mode
	// dbtls: two vocabularies for one setting (sslMode=REQUIRED): encrypt (SQL Server/JDBC) and sslMode (MySQL) both set the TLS mode; use either encrypt or sslMode, not both
	// tls REQUIRED [ignored: useUnicode is a Connector/J property that go-sql-driver cannot honour; go-sql-driver always sends text in the connection's charset (default utf8mb4)]
}
