package dsn

import (
	"net/url"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// Parse reads a DSN in any accepted shape (see the package doc), detects its
// family, and reads every property into the returned Config. Unknown,
// misspelt, duplicated and conflicting keys are *kind.Error values of kind
// invalid-dsn naming the key; no secret appears in any error.
func Parse(s string) (*Config, error) {
	c, err := parseShape(s)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func parseShape(s string) (*Config, error) {
	t := strings.TrimSpace(s)
	low := strings.ToLower(t)
	switch {
	case t == "":
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "empty DSN", Fix: "give a connection string such as jdbc:sqlserver://host;encrypt=true"}
	case strings.HasPrefix(low, "jdbc:sqlserver://"):
		return parseJDBCSQLServer(t[len("jdbc:sqlserver://"):])
	case strings.HasPrefix(low, "jdbc:mysql://"):
		return parseMySQLURL(t[len("jdbc:mysql://"):], ShapeJDBCMySQL, "jdbc:mysql://")
	case strings.HasPrefix(low, "jdbc:mariadb://"):
		return parseMySQLURL(t[len("jdbc:mariadb://"):], ShapeJDBCMariaDB, "jdbc:mariadb://")
	case strings.HasPrefix(low, "jdbc:"):
		sub := t
		if i := strings.Index(sub, "//"); i > 0 {
			sub = sub[:i]
		}
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unsupported JDBC URL", Key: "url", Value: sub,
			Why: "dbtls reads jdbc:sqlserver://, jdbc:mysql:// and jdbc:mariadb:// URLs with one host", Fix: "write the URL in one of those forms"}
	case strings.HasPrefix(low, "sqlserver://"):
		return parseSQLServerURL(t)
	case strings.HasPrefix(low, "mysql://"), strings.HasPrefix(low, "mariadb://"), strings.HasPrefix(low, "tidb://"):
		i := strings.Index(t, "://")
		return parseMySQLURL(t[i+3:], ShapeMySQLURL, low[:i+3])
	case looksADO(low):
		return parseADO(t)
	}
	return parseMySQLGo(t)
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

// splitQuery splits "a=1&b=2" in order, percent-decoding keys and values.
func splitQuery(q, keyName string) ([]prop, error) {
	var out []prop
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return nil, invalid(keyName, k, "bad percent-encoding in a key", err.Error(), "encode the key properly")
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return nil, invalid(dk, kind.Redact(dk, v), "bad percent-encoding in a value", "a % must be followed by two hex digits", "encode the value properly")
		}
		out = append(out, prop{strings.TrimSpace(dk), dv})
	}
	return out, nil
}
