package main

import (
	"fmt"
	"os"
)

// The scenario table's row 4: TLS required, default trust anchors, the name
// taken from hostNameInCertificate. The password never appears.
func Example_explain() {
	run([]string{"explain", "jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={s3cr;et};encrypt=true;hostNameInCertificate=*.example.com"}, os.Stdout, os.Stdout)
	// Output:
	// family:             sqlserver
	// shape:              jdbc-sqlserver
	// vocabulary:         microsoft-jdbc
	// row:                4
	// mode:               hostname-override
	// tls:                required
	// expected name:      *.example.com
	// name rules:         sqlserver (CN, then SAN DNS, then SAN IP)
	// trust:              system
	// versions:           TLSv1.2 to TLSv1.3
	// dsn:                jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=xxxxx;encrypt=true;hostNameInCertificate=*.example.com
	// driver dsn:         sqlserver://app:xxxxx@db.example.com:1433?database=orders
}

// A trust store that cannot be read on this machine: explain still says what
// the string means (row 5, TLS required), and the file's error comes beside
// it, with exit status 4.
func Example_explainUnreadableStore() {
	code := run([]string{"explain", "jdbc:sqlserver://db.example.com:1433;user=app;password={s3cr;et};encrypt=true;trustStore=/nonexistent/truststore.jks;trustStorePassword=changeit"}, os.Stdout, os.Stdout)
	fmt.Println("exit status", code)
	// Output:
	// family:             sqlserver
	// shape:              jdbc-sqlserver
	// vocabulary:         microsoft-jdbc
	// row:                5
	// mode:               ca-chain
	// tls:                required
	// expected name:      db.example.com
	// name rules:         sqlserver (CN, then SAN DNS, then SAN IP)
	// trust:              store
	// trust path:         /nonexistent/truststore.jks
	// versions:           TLSv1.2 to TLSv1.3
	// dsn:                jdbc:sqlserver://db.example.com:1433;user=app;password=xxxxx;encrypt=true;trustStore=/nonexistent/truststore.jks;trustStorePassword=xxxxx
	// driver dsn:         sqlserver://app:xxxxx@db.example.com:1433
	// error:              truststore-unreadable
	// message:            dbtls: cannot load trust store (trustStore=/nonexistent/truststore.jks): cannot read the file: no such file or directory; check the path and its permissions
	// exit status 4
}
