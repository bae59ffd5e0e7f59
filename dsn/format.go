package dsn

import (
	"net/url"
	"strconv"
	"strings"
)

// The writers of the shapes: where to connect, then the items (layout.go)
// in the shape's syntax.

// formatJDBCSQLServer writes jdbc:sqlserver://host\instance:port;k=v;…
func (c Config) formatJDBCSQLServer(items []item) string {
	var b strings.Builder
	b.WriteString("jdbc:sqlserver://")
	w := func(k, v string) { b.WriteString(";" + k + "=" + jdbcQuote(v)) }
	if strings.Contains(c.Host, ":") && c.Instance != "" {
		// [v6]\instance does not read in the URL: as properties
		w("serverName", hostForURL(c.Host))
		w("instanceName", c.Instance)
		if c.Port != 0 {
			w("portNumber", strconv.Itoa(c.Port))
		}
	} else {
		b.WriteString(hostForURL(c.Host))
		if c.Instance != "" {
			b.WriteString(`\` + c.Instance)
		}
		if c.Port != 0 {
			b.WriteString(":" + strconv.Itoa(c.Port))
		}
	}
	if c.Database != "" {
		w("databaseName", c.Database)
	}
	if c.User != "" {
		w("user", c.User)
	}
	for _, it := range items { // the password among them (items)
		w(it.key, it.value)
	}
	return b.String()
}

// formatADO writes server=host\instance,port;user id=…;k=v;…
func (c Config) formatADO(items []item) string {
	var parts []string
	server := c.Host
	if c.Instance != "" {
		server += `\` + c.Instance
	}
	if c.Port != 0 {
		server += "," + strconv.Itoa(c.Port)
	}
	w := func(k, v string) { parts = append(parts, k+"="+adoQuote(v)) }
	w("server", server) // always: it also marks the string as ADO
	if c.User != "" {
		w("user id", c.User)
	}
	if c.Database != "" {
		w("database", c.Database)
	}
	for _, it := range items { // the password among them (items)
		w(it.key, it.value)
	}
	return strings.Join(parts, ";")
}

// formatSQLServerURL writes go-mssqldb's sqlserver://user:pw@host:port/instance?k=v&…
func (c Config) formatSQLServerURL(user, pw string, items []item) string {
	var b strings.Builder
	b.WriteString("sqlserver://" + userinfo(user, pw, func(s string) string { return url.User(s).String() }))
	b.WriteString(joinHostPort(c.Host, c.Port))
	if c.Instance != "" {
		b.WriteString("/" + url.PathEscape(c.Instance))
	}
	if c.Database != "" {
		items = append([]item{{key: "database", value: c.Database}}, items...)
	}
	writeQuery(&b, items)
	return b.String()
}

// formatMySQLGo writes go-sql-driver's user:pw@net(host:port)/db?k=v&…
func (c Config) formatMySQLGo(user, pw string, items []item) string {
	var b strings.Builder
	b.WriteString(userinfo(user, pw, func(s string) string { return s }))
	b.WriteString(c.goNetPart())
	b.WriteString("/" + url.PathEscape(c.Database))
	writeQuery(&b, items)
	return b.String()
}

// formatMySQLURL writes the URL shapes: mysql:// (mariadb://, tidb://),
// jdbc:mysql:// and jdbc:mariadb://, user:pw@host:port/db?k=v&…
func (c Config) formatMySQLURL(user, pw string, items []item) string {
	var b strings.Builder
	b.WriteString(c.urlScheme() + userinfo(user, pw, userinfoEscape))
	b.WriteString(joinHostPort(c.Host, c.Port))
	// '@' too: an @ after the host part is refused (misplacedUserinfo).
	b.WriteString("/" + strings.ReplaceAll(url.PathEscape(c.Database), "@", "%40"))
	writeQuery(&b, items)
	return b.String()
}

// writeQuery writes ?k=v&… percent-encoded, or nothing.
func writeQuery(b *strings.Builder, items []item) {
	sep := "?"
	for _, it := range items {
		b.WriteString(sep + url.QueryEscape(it.key) + "=" + url.QueryEscape(it.value))
		sep = "&"
	}
}

// urlScheme is the scheme of a MySQL URL shape: the one c was parsed from
// (mysql://, mariadb:// or tidb://), else the shape's first in schemes.
func (c Config) urlScheme() string {
	if shape, n := detectShape(c.source); shape == c.shape() {
		return strings.ToLower(c.source[:n])
	}
	for _, s := range schemes {
		if s.shape == c.shape() {
			return s.prefix
		}
	}
	return ""
}

// goNetPart is the network and address of go-sql-driver's DSN:
// tcp(host:port), unix(/path), tcp, or nothing.
func (c Config) goNetPart() string {
	switch netw := c.goNet(); {
	case netw == "unix":
		return "unix(" + c.Host + ")"
	case netw != "" && (c.Host != "" || c.Port != 0):
		return netw + "(" + joinHostPort(c.Host, c.Port) + ")"
	default:
		return netw
	}
}

// goNet is the network of go-sql-driver's DSN: Net, or tcp when a host or
// port is given without one (user@/db names neither).
func (c Config) goNet() string {
	if c.Net == "" && (c.Host != "" || c.Port != 0) {
		return "tcp"
	}
	return c.Net
}

// userinfoEscape percent-encodes a user or password for a URL's userinfo.
func userinfoEscape(s string) string {
	return strings.NewReplacer(":", "%3A", "@", "%40", "/", "%2F", "?", "%3F", "#", "%23").Replace(url.PathEscape(s))
}

// userinfo writes user[:pw]@, each escaped, or nothing.
func userinfo(user, pw string, escape func(string) string) string {
	switch {
	case pw != "":
		return escape(user) + ":" + escape(pw) + "@"
	case user != "":
		return escape(user) + "@"
	}
	return ""
}

func hostForURL(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

func joinHostPort(h string, port int) string {
	if port == 0 {
		return hostForURL(h)
	}
	return hostForURL(h) + ":" + strconv.Itoa(port)
}

// jdbcQuote wraps a value in {…} when it holds characters that would end it.
func jdbcQuote(v string) string {
	if v == "" || strings.ContainsAny(v, ";{}=") || strings.TrimSpace(v) != v {
		return "{" + strings.ReplaceAll(v, "}", "}}") + "}"
	}
	return v
}

// adoQuote wraps a value in "…" when it holds ; or quotes or edge spaces.
func adoQuote(v string) string {
	if v == "" || strings.ContainsAny(v, `;"'=`) || strings.TrimSpace(v) != v {
		return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	}
	return v
}
