package dsn

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// RedactedDriverDSN writes the where-to-connect fields and Params in the Go
// driver's own DSN syntax, with the password and secrets replaced by
// kind.Redacted: display only, nothing parses it.
//
// Deprecated: the drivers are given configurations built from the fields,
// not DSN text; connector.RedactedDriverDSN shows that configuration. This
// is kept until its last caller moves.
func (c *Config) RedactedDriverDSN() string {
	var q []string
	if c.Family == SQLServer && c.Database != "" {
		q = append(q, "database="+url.QueryEscape(c.Database))
	}
	for _, k := range sortedKeys(c.Params) {
		q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(kind.Redact(k, c.Params[k])))
	}
	if c.Family == SQLServer {
		host := c.Host
		if host == "" {
			host = "localhost"
		}
		u := url.URL{Scheme: "sqlserver", Host: joinHostPort(host, c.Port), RawQuery: strings.Join(q, "&")}
		if c.Instance != "" {
			u.Path = "/" + c.Instance
		}
		if c.User != "" || c.Password != "" {
			u.User = url.UserPassword(c.User, c.password(true))
		}
		return u.String()
	}
	var b strings.Builder
	if c.User != "" {
		b.WriteString(c.User)
		if c.Password != "" {
			b.WriteString(":" + kind.Redacted)
		}
		b.WriteString("@")
	}
	netw, addr := c.Net, c.Host
	if netw == "" {
		netw = "tcp"
	}
	if netw != "unix" && (c.Host != "" || c.Port != 0) {
		host, port := c.Host, c.Port
		if host == "" {
			host = "127.0.0.1"
		}
		if port == 0 {
			port = 3306
		}
		addr = net.JoinHostPort(host, strconv.Itoa(port))
	}
	if addr != "" {
		b.WriteString(netw + "(" + addr + ")")
	}
	b.WriteString("/" + url.PathEscape(c.Database))
	if len(q) > 0 {
		b.WriteString("?" + strings.Join(q, "&"))
	}
	return b.String()
}
