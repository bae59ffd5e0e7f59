package dsn

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dbtls/dbtls/kind"
)

// Parse reads a DSN in any accepted shape (see the package doc), detects its
// family, and reads every property into the returned Config. Unknown,
// misspelt, duplicated and conflicting keys are *kind.Error values of kind
// invalid-dsn naming the key; no secret appears in any error.
//
// The Config returned is normalized (Normalize): every check Normalize runs
// from the fields has passed, and Parse(c.Format()) equals c.
func Parse(s string) (*Config, error) {
	c, err := parseShape(s)
	if err != nil {
		return nil, err
	}
	if err := c.normalize(); err != nil {
		return nil, err
	}
	return c, nil
}

func parseShape(s string) (*Config, error) {
	t := strings.TrimSpace(s)
	lead := strings.Index(s, t)
	low := strings.ToLower(t)
	switch {
	case t == "":
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "empty DSN", Fix: "give a connection string such as jdbc:sqlserver://host;encrypt=true"}
	case strings.HasPrefix(low, "jdbc:sqlserver://"):
		return parseJDBCSQLServer(t[len("jdbc:sqlserver://"):], func(i int) string { return charAt(s, lead+len("jdbc:sqlserver://")+i) })
	case strings.HasPrefix(low, "jdbc:mysql://"):
		return parseMySQLURL(t[len("jdbc:mysql://"):], ShapeJDBCMySQL, "jdbc:mysql://")
	case strings.HasPrefix(low, "jdbc:mariadb://"):
		return parseMySQLURL(t[len("jdbc:mariadb://"):], ShapeJDBCMariaDB, "jdbc:mariadb://")
	case strings.HasPrefix(low, "jdbc:"):
		return nil, badJDBCScheme(low, func(i int) string { return charAt(s, lead+i) })
	case strings.HasPrefix(low, "sqlserver://"):
		return parseSQLServerURL(t)
	case strings.HasPrefix(low, "mysql://"), strings.HasPrefix(low, "mariadb://"), strings.HasPrefix(low, "tidb://"):
		i := strings.Index(t, "://")
		return parseMySQLURL(t[i+3:], ShapeMySQLURL, low[:i+3])
	case looksADO(low):
		return parseADO(t)
	}
	if err := badURLScheme(low, func(i int) string { return charAt(s, lead+i) }); err != nil {
		return nil, err
	}
	return parseMySQLGo(t)
}

// charAt names the position of byte offset i of s for an error: "character
// N", counting characters from 1. Positions are given only for text that
// comes before any user, password or property, so that a position never
// tells a secret's length.
func charAt(s string, i int) string {
	return "character " + strconv.Itoa(utf8.RuneCountInString(s[:min(i, len(s))])+1)
}

// The JDBC sub-protocols dbtls reads, and others it names when refusing
// them. Nothing else of an unsupported JDBC URL is shown: what follows the
// sub-protocol may be user/password@host (jdbc:oracle:thin:scott/tiger@//h).
var (
	ownJDBC   = map[string]string{"sqlserver": "jdbc:sqlserver://host:port;property=value;…", "mysql": "jdbc:mysql://host:port/database?property=value&…", "mariadb": "jdbc:mariadb://host:port/database?property=value&…"}
	otherJDBC = lowerSet("oracle", "postgresql", "pgsql", "db2", "sqlite", "h2", "hsqldb", "derby", "jtds", "microsoft", "redshift",
		"snowflake", "clickhouse", "as400", "sybase", "informix-sqli", "firebirdsql", "teradata", "vertica", "presto", "trino",
		"hive2", "bigquery", "sap", "mysqlx", "odbc", "neo4j", "cassandra", "databricks", "spark", "impala", "exasol")
	multiHost = []string{"loadbalance", "replication", "failover", "sequential", "aurora", "srv"}
)

// badJDBCScheme is the error for a jdbc: URL that is not one of the three
// shapes: it names the sub-protocol when it is a known word, and the
// position where the text differs from what dbtls reads; it never shows the
// rest. at names a byte offset of low.
func badJDBCScheme(low string, at func(int) string) error {
	n := len("jdbc:")
	for n < len(low) && (low[n] >= 'a' && low[n] <= 'z' || low[n] >= '0' && low[n] <= '9' || low[n] == '-' || low[n] == '_') {
		n++
	}
	sub, rest := low[5:n], low[n:]
	e := &kind.Error{Kind: kind.InvalidDSN, What: "unsupported JDBC URL", Key: "scheme", Value: "jdbc:" + sub,
		Why: "dbtls reads jdbc:sqlserver://, jdbc:mysql:// and jdbc:mariadb:// URLs with one host",
		Fix: "write the URL in one of those forms (the rest of the URL is not shown: it may hold a password)"}
	switch form, own := ownJDBC[sub]; {
	case own:
		for _, w := range multiHost {
			if sub != "sqlserver" && (strings.HasPrefix(rest, ":"+w+"://") || strings.HasPrefix(rest, "+"+w+":")) {
				e.Value = "jdbc:" + sub + rest[:1] + w
				e.Why = "dbtls connects to one host: load-balancing, replication, failover and DNS SRV URLs are not supported"
				e.Fix = "write " + form + " with one host"
				return e
			}
		}
		i := 0
		for i < 3 && i < len(rest) && rest[i] == "://"[i] {
			i++
		}
		e.What, e.At = "malformed JDBC URL", at(n+i)
		e.Why = "jdbc:" + sub + " must be followed by :// (the rest is not shown: it may hold a password)"
		e.Fix = "write " + form
	case otherJDBC[sub]:
		if sub == "jtds" || sub == "microsoft" {
			e.Fix = "for SQL Server write " + ownJDBC["sqlserver"]
		}
	default:
		e.Value, e.At = "jdbc:", at(5)
		e.Why = "the sub-protocol after jdbc: is not one dbtls reads (jdbc:sqlserver, jdbc:mysql, jdbc:mariadb)"
	}
	return e
}

// badURLScheme refuses a URL scheme of dbtls's with a typo after it
// (sqlserver:/host, sqlserver:host, mysql:/host/db), which would otherwise be
// read as a go-sql-driver DSN, naming the position; nil for anything else.
// mysql:, mariadb: and tidb: followed by anything but one '/' may be a user
// name of go-sql-driver's DSN (mysql:pw@tcp(h)/db).
func badURLScheme(low string, at func(int) string) error {
	for _, scheme := range []string{"sqlserver", "mysql", "mariadb", "tidb"} {
		rest, ok := strings.CutPrefix(low, scheme)
		if !ok || rest == "" || (rest[0] != ':' && rest[0] != '/') {
			continue
		}
		if scheme != "sqlserver" && !(strings.HasPrefix(rest, ":/") && !strings.HasPrefix(rest, "://") && !strings.Contains(rest, "(")) {
			continue
		}
		i := 0
		for i < 3 && i < len(rest) && rest[i] == "://"[i] {
			i++
		}
		return &kind.Error{Kind: kind.InvalidDSN, What: "malformed URL", Key: "scheme", Value: scheme, At: at(len(scheme) + i),
			Why: scheme + " must be followed by :// (the rest is not shown: it may hold a password)", Fix: "write " + scheme + "://…"}
	}
	return nil
}

// looksADO reports whether s starts with a SQL Server key followed by '='
// (server=, Data Source=, Encrypt=, Application Name=, …): an ADO string.
func looksADO(low string) bool {
	k, _, ok := strings.Cut(low, "=")
	if !ok || strings.ContainsAny(k, "@/(?:;") {
		return false
	}
	k = strings.TrimSpace(k)
	_, connect := sqlServerConnectKeys[k]
	_, tls := tlsProps[k]
	_, param := sqlServerDriverParams[k]
	_, refused := refusedKeys[k]
	return connect || tls || param || refused || sqlServerIgnored[k]
}

// splitHostPort splits "host:port", "[v6]:port", "[v6]" or "host".
func splitHostPort(hp string) (host, port string) {
	if strings.HasPrefix(hp, "[") {
		if i := strings.Index(hp, "]"); i > 0 {
			host, rest := hp[1:i], hp[i+1:]
			return host, strings.TrimPrefix(rest, ":")
		}
	}
	if i := strings.LastIndex(hp, ":"); i >= 0 && strings.Count(hp, ":") == 1 {
		return hp[:i], hp[i+1:]
	}
	return hp, ""
}

// splitQuery splits "a=1&b=2" in order, percent-decoding keys and values. It
// never fails: a token that does not read (no '=', bad percent-encoding)
// carries its error, and the caller reports the first token in error, so
// that it knows which token came before (see listError).
func splitQuery(q string) []token {
	var out []token
	n := 0
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		n++
		k, v, hasEq := strings.Cut(part, "=")
		t := token{prop: prop{Key: strings.TrimSpace(k)}, n: n, noValue: !hasEq}
		dk, err := url.QueryUnescape(k)
		if err != nil {
			t.bad = &kind.Error{Kind: kind.InvalidDSN, What: "bad percent-encoding in a parameter name",
				Why: "a % must be followed by two hex digits (the name is not shown)", Fix: "write a literal % as %25"}
			out = append(out, t)
			continue
		}
		t.Key = strings.TrimSpace(dk)
		dv, err := url.QueryUnescape(v)
		if err != nil { // the value is not shown: it may hold a secret (sessionVariables=password=…)
			t.bad = &kind.Error{Kind: kind.InvalidDSN, What: "bad percent-encoding in a value", Key: t.Key, Value: kind.Redacted,
				Why: "a % must be followed by two hex digits (the value is not shown)", Fix: "write a literal % as %25"}
		}
		t.Value = dv
		out = append(out, t)
	}
	return out
}
