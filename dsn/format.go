package dsn

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// String returns the DSN in the shape it was written in, with the password and
// every secret property replaced by kind.Redacted. It never shows a secret;
// fmt's %v, %+v and %#v print this form, for a Config and a *Config alike.
func (c Config) String() string { return c.format(true) }

// GoString is String, so that %#v does not show the password either.
func (c Config) GoString() string { return c.format(true) }

// LogValue is String, so that a Config given to log/slog as an attribute
// shows no secret (slog's JSONHandler would otherwise marshal its fields,
// the password among them).
func (c Config) LogValue() slog.Value { return slog.StringValue(c.format(true)) }

// MarshalJSON is String as a JSON string, for the same reason: a Config
// marshalled into a log record or a response shows no secret.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.format(true)) }

// Format returns the DSN in the shape it was written in, secrets included:
// Parse(c.Format()) yields a Config equal to c.
func (c *Config) Format() string { return c.format(false) }

func (c Config) format(redact bool) string {
	pw := c.password(redact)
	val := func(p prop) string {
		if redact && kind.IsSecretKey(p.Key) && p.Value != "" {
			return kind.Redacted
		}
		return p.Value
	}
	switch c.Shape {
	case ShapeJDBCSQLServer:
		var b strings.Builder
		b.WriteString("jdbc:sqlserver://")
		b.WriteString(hostForURL(c.Host))
		if c.Instance != "" {
			b.WriteString(`\` + c.Instance)
		}
		if c.Port != 0 {
			b.WriteString(":" + strconv.Itoa(c.Port))
		}
		w := func(k, v string) { b.WriteString(";" + k + "=" + jdbcQuote(v)) }
		if c.Database != "" {
			w("databaseName", c.Database)
		}
		if c.User != "" {
			w("user", c.User)
		}
		if c.Password != "" {
			w("password", pw)
		}
		for _, p := range c.props {
			w(p.Key, val(p))
		}
		return b.String()
	case ShapeADO:
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
		if c.Password != "" {
			w("password", pw)
		}
		if c.Database != "" {
			w("database", c.Database)
		}
		for _, p := range c.props {
			w(p.Key, val(p))
		}
		return strings.Join(parts, ";")
	case ShapeSQLServerURL:
		var b strings.Builder
		b.WriteString("sqlserver://")
		if c.User != "" || c.Password != "" {
			ui := url.User(c.User)
			if c.Password != "" {
				ui = url.UserPassword(c.User, pw)
			}
			b.WriteString(ui.String() + "@")
		}
		b.WriteString(joinHostPort(c.Host, c.Port))
		if c.Instance != "" {
			b.WriteString("/" + url.PathEscape(c.Instance))
		}
		var q []prop
		if c.Database != "" {
			q = append(q, prop{"database", c.Database})
		}
		for _, p := range c.props {
			q = append(q, prop{p.Key, val(p)})
		}
		if len(q) > 0 {
			b.WriteString("?" + encodeQuery(q))
		}
		return b.String()
	case ShapeMySQLGo:
		var b strings.Builder
		user, pw := c.authority(pw)
		if user != "" || pw != "" {
			b.WriteString(user)
			if pw != "" {
				b.WriteString(":" + pw)
			}
			b.WriteString("@")
		}
		if c.Net != "" {
			b.WriteString(c.Net)
			if c.Net == "unix" {
				b.WriteString("(" + c.Host + ")")
			} else if c.Host != "" || c.Port != 0 {
				b.WriteString("(" + joinHostPort(c.Host, c.Port) + ")")
			}
		}
		b.WriteString("/" + url.PathEscape(c.Database))
		var q []prop
		for _, p := range c.props {
			q = append(q, prop{p.Key, val(p)})
		}
		if len(q) > 0 {
			b.WriteString("?" + encodeQuery(q))
		}
		return b.String()
	default: // the MySQL URL shapes
		var b strings.Builder
		b.WriteString(c.scheme)
		user, pw := c.authority(pw)
		if user != "" || pw != "" {
			b.WriteString(userinfoEscape(user))
			if pw != "" {
				b.WriteString(":" + userinfoEscape(pw))
			}
			b.WriteString("@")
		}
		b.WriteString(joinHostPort(c.Host, c.Port))
		// '@' too: an @ after the host part is refused (misplacedUserinfo).
		b.WriteString("/" + strings.ReplaceAll(url.PathEscape(c.Database), "@", "%40"))
		var q []prop
		for _, p := range c.props {
			q = append(q, prop{p.Key, val(p)})
		}
		if len(q) > 0 {
			b.WriteString("?" + encodeQuery(q))
		}
		return b.String()
	}
}

// authority returns the user and password (or its stand-in pw) to write
// before '@' in a MySQL shape: those not given as parameters, which Format
// writes back as parameters.
func (c Config) authority(pw string) (string, string) {
	user := c.User
	for _, p := range c.props {
		switch strings.ToLower(p.Key) {
		case "user":
			user = ""
		case "password":
			pw = ""
		}
	}
	return user, pw
}

// password returns the password, or kind.Redacted in its place.
func (c Config) password(redact bool) string {
	if redact && c.Password != "" {
		return kind.Redacted
	}
	return c.Password
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
	return net.JoinHostPort(h, strconv.Itoa(port))
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

func encodeQuery(q []prop) string {
	parts := make([]string, len(q))
	for i, p := range q {
		parts[i] = url.QueryEscape(p.Key) + "=" + url.QueryEscape(p.Value)
	}
	return strings.Join(parts, "&")
}

// DriverDSN returns the Go driver's own DSN for this configuration: a
// sqlserver:// URL that go-mssqldb's msdsn.Parse accepts, or a go-sql-driver
// DSN. It carries where to connect, who as, and the pass-through parameters,
// and no TLS property: the connector sets TLS itself.
func (c *Config) DriverDSN() string { return c.driverDSN(false) }

// RedactedDriverDSN is DriverDSN with the password replaced by kind.Redacted.
func (c *Config) RedactedDriverDSN() string { return c.driverDSN(true) }

func (c *Config) driverDSN(hide bool) string {
	pw := c.password(hide)
	if c.Family == SQLServer {
		host := c.Host
		if host == "" {
			host = "localhost"
		}
		u := url.URL{Scheme: "sqlserver", Host: joinHostPort(host, c.Port)}
		if c.Instance != "" {
			u.Path = "/" + c.Instance
		}
		if c.User != "" || c.Password != "" {
			u.User = url.UserPassword(c.User, pw)
		}
		var q []prop
		if c.Database != "" {
			q = append(q, prop{"database", c.Database})
		}
		for _, k := range sortedKeys(c.Params) {
			v := c.Params[k]
			if hide {
				v = kind.Redact(k, v)
			}
			q = append(q, prop{k, v})
		}
		u.RawQuery = encodeQuery(q)
		return u.String()
	}
	m := c.MySQLDriverConfig()
	m.Passwd = pw
	if hide {
		for k, v := range m.Params { // session variables with a secret's name
			m.Params[k] = kind.Redact(k, v)
		}
	}
	return m.FormatDSN()
}

// MySQLDriverConfig returns go-sql-driver's configuration for this DSN,
// without TLS (the connector sets it). Pass-through parameters that
// go-sql-driver does not know become session variables, as in its own DSNs.
func (c *Config) MySQLDriverConfig() *mysql.Config {
	var q []prop
	for _, k := range sortedKeys(c.Params) {
		q = append(q, prop{k, c.Params[k]})
	}
	m, err := parseMySQLDSN("/?" + encodeQuery(q))
	if err != nil {
		// A driver parameter with a value go-sql-driver refuses: keep the
		// rest; the connector reports the error (CheckDriverParams).
		m = mysql.NewConfig()
	}
	// go-sql-driver percent-decodes values but not keys: a session variable
	// named @@session.sql_mode or SESSION time_zone would be sent encoded.
	for k, v := range c.Params {
		if ek := url.QueryEscape(k); ek != k {
			if _, ok := m.Params[ek]; ok {
				delete(m.Params, ek)
				m.Params[k] = v
			}
		}
	}
	m.User, m.Passwd, m.DBName = c.User, c.Password, c.Database
	m.Net = c.Net
	if m.Net == "" {
		m.Net = "tcp"
	}
	switch {
	case m.Net == "unix":
		m.Addr = c.Host
	case c.Host != "" || c.Port != 0:
		host := c.Host
		if host == "" {
			host = "127.0.0.1"
		}
		port := c.Port
		if port == 0 {
			port = 3306
		}
		m.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	}
	return m
}

// parseMySQLDSN is mysql.ParseDSN, with a panic (go-sql-driver panics on
// some parameters, e.g. strict) turned into an error.
func parseMySQLDSN(s string) (cfg *mysql.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("go-sql-driver refused the parameter: %v", r)
		}
	}()
	return mysql.ParseDSN(s)
}

// parseMSDSN is msdsn.Parse, with any panic turned into an error.
func parseMSDSN(s string) (cfg msdsn.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("go-mssqldb refused the parameter: %v", r)
		}
	}()
	return msdsn.Parse(s)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// userinfoEscape percent-encodes a user or password for a URL's userinfo.
func userinfoEscape(s string) string {
	return strings.NewReplacer(":", "%3A", "@", "%40", "/", "%2F", "?", "%3F", "#", "%23").Replace(url.PathEscape(s))
}

// setting is Setting without methods, for printing.
type setting[T any] Setting[T]

// String prints the setting as fmt's %+v does, with the raw text and value
// replaced by kind.Redacted when the key names a secret, so that printing a
// TLS value (cfg.TLS, cfg.TLS.TrustStorePassword) shows no secret either.
func (s Setting[T]) String() string {
	if s.Set && kind.IsSecretKey(s.Key) {
		return fmt.Sprintf("{Key:%s Raw:%s Value:%s Set:true}", s.Key, kind.Redacted, kind.Redacted)
	}
	return fmt.Sprintf("%+v", setting[T](s))
}

// GoString is %#v with the same redaction.
func (s Setting[T]) GoString() string {
	if s.Set && kind.IsSecretKey(s.Key) {
		return fmt.Sprintf("dsn.Setting{Key:%q, Raw:%q, Value:%q, Set:true}", s.Key, kind.Redacted, kind.Redacted)
	}
	return fmt.Sprintf("%#v", setting[T](s))
}
