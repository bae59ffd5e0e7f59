package main

import "os"

// The scenario table's row 4: TLS required, default trust anchors, the name
// taken from hostNameInCertificate. The password never appears.
func Example_explain() {
	run([]string{"explain", "jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={s3cr;et};encrypt=true;hostNameInCertificate=*.example.com"}, os.Stdout, os.Stdout)
	// Output:
	// family:        sqlserver
	// shape:         jdbc-sqlserver
	// row:           4
	// strategy:      hostname-override
	// tls:           required
	// expected name: *.example.com
	// name rules:    sqlserver (CN, then SAN DNS, then SAN IP)
	// trust:         system
	// versions:      TLSv1.2 to TLSv1.3
	// dsn:           jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=xxxxx;encrypt=true;hostNameInCertificate=*.example.com
	// driver dsn:    sqlserver://app:xxxxx@db.example.com:1433?database=orders
}
