package dsn

// Vocabulary names the set of TLS property names c's properties are read in
// (spec §1): "microsoft-jdbc" for the SQL Server shapes (Microsoft JDBC's
// names, also go-mssqldb's), "mariadb-connector-j" for a jdbc:mariadb: URL
// (MariaDB Connector/J's own), "mysql-connector-j" for the other MySQL
// shapes (MySQL's, Connector/J's and TiDB's names, which also read the JDBC
// vocabulary's encrypt, trustServerCertificate and trustStore…, spec §5).
// It follows from the shape alone: where two drivers read one key
// differently, the URL's scheme decides.
func (c *Config) Vocabulary() string {
	switch {
	case c.shape() == ShapeJDBCMariaDB:
		return "mariadb-connector-j"
	case c.family() == SQLServer:
		return "microsoft-jdbc"
	}
	return "mysql-connector-j"
}
