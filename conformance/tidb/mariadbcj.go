package tidb

import "github.com/dbtls/dbtls/conformance/mysql"

// MariaDBCases are the jdbc:mariadb: cases of conformance/mysql that TiDB
// can serve as MariaDB does: against a server with TLS or without, named
// as 127.0.0.1 or localhost (TiDB listens on one address). The servers
// with one TLS version, REQUIRE X509 accounts and require_secure_transport
// answer differently on TiDB (see the comparison in docs/agreement.md).
func MariaDBCases() []mysql.MariaDBCase {
	var out []mysql.MariaDBCase
	for _, c := range mysql.MariaDBCases() {
		if (c.Server == "tls" || c.Server == "off") && c.Host != "ipv6" && c.User == "plain" {
			out = append(out, c)
		}
	}
	return out
}
