package main

import "os"

// A jdbc:mariadb: URL is read in MariaDB Connector/J's own words: useSsl=true
// alone is TLS with the certificate and the host name checked (verify-full),
// not MySQL Connector/J's optional TLS; explain names the vocabulary.
func Example_explainMariaDB() {
	run([]string{"explain", "jdbc:mariadb://db.example.com:3306/orders?user=app&password=s3cret&useSsl=true"}, os.Stdout, os.Stdout)
	// Output:
	// family:             mysql
	// shape:              jdbc-mariadb
	// vocabulary:         mariadb-connector-j
	// row:                VERIFY_IDENTITY
	// mode:               ca-chain
	// tls:                required
	// expected name:      db.example.com
	// name rules:         mysql (SANs when present, else CN)
	// trust:              system
	// versions:           TLSv1.2 to TLSv1.3
	// dsn:                jdbc:mariadb://app@db.example.com:3306/orders?password=xxxxx&useSsl=true
	// driver dsn:         app:xxxxx@tcp(db.example.com:3306)/orders
}
