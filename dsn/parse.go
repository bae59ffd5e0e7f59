package dsn

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dbtls/dbtls/kind"
)

// Parse reads a DSN in any accepted shape (see the package doc), detects its
// family, and reads every property into the returned Config, checking each
// as it reads it. Unknown, misspelt, duplicated and conflicting keys are
// *kind.Error values of kind invalid-dsn naming the key; no secret appears
// in any error.
//
// The Config returned is Normalized: every check Normalize runs from the
// fields has passed, Normalize(c) equals c, and Parse(c.FormatDSN()) holds what
// c holds.
func Parse(s string) (*Config, error) {
	t := strings.TrimSpace(s)
	lead := strings.Index(s, t)
	shape, n := detectShape(t)
	at := position{s, lead}
	var c *Config
	var err error
	switch shape {
	case "":
		if t == "" {
			return nil, &kind.Error{Kind: kind.InvalidDSN, What: "empty DSN", Fix: "give a connection string such as jdbc:sqlserver://host;encrypt=true"}
		}
		return nil, badJDBCScheme(strings.ToLower(t), at)
	case ShapeJDBCSQLServer:
		c, err = parseJDBCSQLServer(t[n:], position{s, lead + n})
	case ShapeSQLServerURL:
		c, err = parseSQLServerURL(t[n:])
	case ShapeADO: // server=host\instance,port;user id=u;password=p;k=v
		c, err = (&Config{Family: SQLServer, Shape: ShapeADO}).readSQLServerProps(splitProps(t, adoSyntax), adoList)
	case ShapeMySQLGo:
		if err = badURLScheme(t, at); err == nil {
			c, err = parseMySQLGo(t)
		}
	default:
		c, err = parseMySQLURL(t[n:], shape, strings.ToLower(t[:n]))
	}
	if err != nil {
		return nil, err
	}
	c.source, c.normalized = t, true
	return c, nil
}

// schemes are the schemes of the URL shapes, matched in any case; a jdbc:
// URL of no other shape is refused.
var schemes = []struct {
	prefix string
	shape  Shape
}{{"jdbc:sqlserver://", ShapeJDBCSQLServer}, {"jdbc:mysql://", ShapeJDBCMySQL}, {"jdbc:mariadb://", ShapeJDBCMariaDB}, {"jdbc:", ""},
	{"sqlserver://", ShapeSQLServerURL}, {"mysql://", ShapeMySQLURL}, {"mariadb://", ShapeMySQLURL}, {"tidb://", ShapeMySQLURL}}

// detectShape returns the shape a DSN is written in and the length of its
// scheme (0 for ADO and go-sql-driver's DSN), or "" for an empty DSN and a
// jdbc: URL of no shape dbtls reads.
func detectShape(t string) (Shape, int) {
	for _, s := range schemes {
		if hasPrefixFold(t, s.prefix) {
			return s.shape, len(s.prefix)
		}
	}
	switch {
	case t == "":
		return "", 0
	case looksADO(t):
		return ShapeADO, 0
	}
	return ShapeMySQLGo, 0
}

// position names the place of a byte of s for an error: at(i) is byte
// base+i, named "character N", counting characters from 1. Positions are
// given only for text that comes before any user, password or property, so
// that a position never tells a secret's length.
type position struct {
	s    string
	base int
}

func (p position) at(i int) string {
	return "character " + strconv.Itoa(utf8.RuneCountInString(p.s[:min(p.base+i, len(p.s))])+1)
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
func badJDBCScheme(low string, p position) error {
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
		e.What, e.At = "malformed JDBC URL", p.at(n+i)
		e.Why = "jdbc:" + sub + " must be followed by :// (the rest is not shown: it may hold a password)"
		e.Fix = "write " + form
	case otherJDBC[sub]:
		if sub == "jtds" || sub == "microsoft" {
			e.Fix = "for SQL Server write " + ownJDBC["sqlserver"]
		}
	default:
		e.Value, e.At = "jdbc:", p.at(5)
		e.Why = "the sub-protocol after jdbc: is not one dbtls reads (jdbc:sqlserver, jdbc:mysql, jdbc:mariadb)"
	}
	return e
}

// badURLScheme refuses a URL scheme of dbtls's with a typo after it
// (sqlserver:/host, sqlserver:host, mysql:/host/db), which would otherwise be
// read as a go-sql-driver DSN, naming the position; nil for anything else.
// mysql:, mariadb: and tidb: followed by anything but one '/' may be a user
// name of go-sql-driver's DSN (mysql:pw@tcp(h)/db).
func badURLScheme(t string, p position) error {
	for _, scheme := range []string{"sqlserver", "mysql", "mariadb", "tidb"} {
		if !hasPrefixFold(t, scheme) {
			continue
		}
		rest := t[len(scheme):]
		if rest == "" || (rest[0] != ':' && rest[0] != '/') {
			continue
		}
		if scheme != "sqlserver" && !(strings.HasPrefix(rest, ":/") && !strings.HasPrefix(rest, "://") && !strings.Contains(rest, "(")) {
			continue
		}
		i := 0
		for i < 3 && i < len(rest) && rest[i] == "://"[i] {
			i++
		}
		return &kind.Error{Kind: kind.InvalidDSN, What: "malformed URL", Key: "scheme", Value: scheme, At: p.at(len(scheme) + i),
			Why: scheme + " must be followed by :// (the rest is not shown: it may hold a password)", Fix: "write " + scheme + "://…"}
	}
	return nil
}

// looksADO reports whether s starts with a SQL Server key followed by '='
// (server=, Data Source=, Encrypt=, Application Name=, …): an ADO string.
func looksADO(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	if !ok || strings.ContainsAny(k, "@/(?:;") {
		return false
	}
	key := lookupKey(SQLServer, k)
	return key.class != keyOther && (key.class != keyField || key.field.vocab != "")
}

// splitHostPort splits "host:port", "[v6]:port", "[v6]" or "host".
func splitHostPort(hp string) (host, port string) {
	if i := strings.Index(hp, "]"); i > 0 && hp[0] == '[' {
		return hp[1:i], strings.TrimPrefix(hp[i+1:], ":")
	}
	if i := strings.LastIndex(hp, ":"); i >= 0 && strings.Count(hp, ":") == 1 {
		return hp[:i], hp[i+1:]
	}
	return hp, ""
}

// splitQuery splits "a=1&b=2" in order, percent-decoding keys and values. It
// never fails: a token that does not read (no '=', bad percent-encoding)
// carries its error, and the caller reports the first token in error, so
// that it knows which token came before (see locate).
func splitQuery(q string) []token {
	out := make([]token, 0, strings.Count(q, "&")+1)
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, hasEq := strings.Cut(part, "=")
		t := token{Property: Property{Key: strings.TrimSpace(k)}, noValue: !hasEq}
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

// parsePort reads a port number 1..65535. In the host part of a DSN the
// text is shown only when it is digits: anything else may be the start of a
// password (mysql://u:pw/… reads "pw" as the port); the value of a port
// property (portNumber=abc) is shown.
func parsePort(key, raw string, property bool) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || p < 1 || p > 65535 {
		e := &kind.Error{Kind: kind.InvalidDSN, What: "invalid port", Key: key, Value: raw, Why: "want a number from 1 to 65535", Fix: "fix the port"}
		return 0, unshown(e, !property && strings.Trim(strings.TrimSpace(raw), "0123456789") != "")
	}
	return p, nil
}

// checkHost refuses characters no host name or address holds, so that what
// FormatDSN writes reads back the same. The host is not shown (text that is not
// a host may be user:password); the error names the first character refused
// and, when at is not nil, its position.
func checkHost(key, host string, at func(int) string) error {
	i := strings.IndexAny(host, ",;\\/?@()[]{}\"' \t\r\n=&%#")
	if i < 0 && strings.Contains(host, ":") && net.ParseIP(host) == nil {
		i = strings.Index(host, ":")
	}
	if i < 0 {
		return nil
	}
	e := &kind.Error{Kind: kind.InvalidDSN, What: "invalid host", Key: key, Value: kind.Redacted,
		Why: fmt.Sprintf("a host name or address cannot hold %q (the text is not shown)", host[i]), Fix: "fix the host"}
	if host[i] == ':' {
		e.Why = "only an IPv6 address holds ':' (the text is not shown)"
	}
	if at != nil {
		e.At = at(i)
	}
	return e
}

// checkSocketPath refuses what go-sql-driver's DSN cannot hold in
// unix(/path), so that what FormatDSN writes reads back the same.
func checkSocketPath(path string) error {
	if i := strings.IndexFunc(path, func(r rune) bool { return strings.ContainsRune("()@?", r) || r < 0x20 || r == 0x7f }); i >= 0 {
		return &kind.Error{Kind: kind.InvalidDSN, What: "invalid socket path", Key: "host", Value: kind.Redacted,
			Why: fmt.Sprintf("a socket path in go-sql-driver's DSN cannot hold %q (the text is not shown)", path[i]), Fix: "fix the path"}
	}
	return nil
}
