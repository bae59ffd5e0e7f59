package dsn

import (
	"net/url"
	"strings"
)

// The writers of the MySQL shapes: where to connect, then the items
// (layout.go), as go-sql-driver's DSN or a URL.

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
	for i, it := range items {
		if i == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("&")
		}
		b.WriteString(url.QueryEscape(it.key) + "=" + url.QueryEscape(it.value))
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
