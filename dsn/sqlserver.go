package dsn

import (
	"net/url"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// parseJDBCSQLServer reads what follows "jdbc:sqlserver://":
// [serverName[\instanceName][:portNumber]][;property=value]* with {…} quoting.
func parseJDBCSQLServer(rest string) (*Config, error) {
	c := &Config{Family: SQLServer, Shape: ShapeJDBCSQLServer}
	server, props, _ := strings.Cut(rest, ";")
	if err := c.setSQLServerHost(server, "serverName", ':'); err != nil {
		return nil, err
	}
	pairs, err := splitJDBC(props)
	if err != nil {
		return nil, err
	}
	return c, c.applySQLServerProps(pairs)
}

// splitJDBC splits ";k=v;k={v;with;semicolons}" honouring {…} quoting, where
// "}}" inside braces stands for "}".
func splitJDBC(s string) ([]prop, error) {
	return splitProps(s, propSyntax{name: "JDBC", quotes: map[byte]byte{'{': '}'}})
}

// propSyntax is how one shape writes key=value;… lists.
type propSyntax struct {
	name       string        // "JDBC", "ADO": for messages
	quotes     map[byte]byte // opening quote → closing quote; a doubled closing quote inside stands for one
	trimValues bool          // spaces around plain values are not part of them
}

// splitProps splits a ;-separated key=value list in the given syntax.
func splitProps(s string, syn propSyntax) ([]prop, error) {
	var out []prop
	for len(s) > 0 {
		if s[0] == ';' || s[0] == ' ' {
			s = s[1:]
			continue
		}
		eq := strings.IndexAny(s, "=;")
		if eq < 0 || s[eq] == ';' {
			seg, _, _ := strings.Cut(s, ";")
			return nil, invalid(strings.TrimSpace(seg), "", "property without a value", syn.name+" properties are written key=value", "add =value or remove it")
		}
		key := strings.TrimSpace(s[:eq])
		s = s[eq+1:]
		if t := strings.TrimLeft(s, " "); len(t) > 0 && syn.quotes[t[0]] != 0 {
			value, rest, err := unquote(key, t, syn.quotes[t[0]])
			if err != nil {
				return nil, err
			}
			out = append(out, prop{key, value})
			s = rest
			continue
		}
		v, rest, _ := strings.Cut(s, ";")
		if syn.trimValues {
			v = strings.TrimSpace(v)
		}
		out = append(out, prop{key, v})
		s = rest
	}
	return out, nil
}

// unquote reads a quoted value starting at s[0] and returns it and what
// follows its closing quote (which must be ';' or the end).
func unquote(key, s string, closing byte) (value, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != closing {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == closing {
			b.WriteByte(closing)
			i++
			continue
		}
		rest = strings.TrimLeft(s[i+1:], " ")
		if rest != "" && rest[0] != ';' {
			return "", "", invalid(key, "", "text after a quoted value", "a quoted value must be followed by ; or the end", "put a ; after the closing "+string(closing))
		}
		return b.String(), rest, nil
	}
	return "", "", invalid(key, kind.Redact(key, s[:1]+b.String()), "unterminated "+s[:1], "a value opened with "+s[:1]+" must end with "+string(closing),
		"close it (write "+string(closing)+string(closing)+" for a literal "+string(closing)+")")
}

// setSQLServerHost reads host[\instance][<sep>port]; sep is ':' for JDBC and
// ',' for ADO.
func (c *Config) setSQLServerHost(spec, key string, sep byte) error {
	spec = strings.TrimSpace(spec)
	if sep == ',' {
		spec = strings.TrimPrefix(strings.TrimPrefix(spec, "tcp:"), "TCP:")
	}
	var port string
	hasPort := false
	if sep == ':' && strings.HasPrefix(spec, "[") {
		hasPort = strings.HasSuffix(spec, ":") || !strings.HasSuffix(spec, "]")
		spec, port = splitHostPort(spec)
	} else if i := strings.LastIndexByte(spec, sep); i >= 0 {
		spec, port, hasPort = spec[:i], spec[i+1:], true
	}
	host, inst, hasInst := strings.Cut(spec, `\`)
	c.Host = strings.TrimSpace(host)
	if err := checkHost(key, c.Host); err != nil {
		return err
	}
	if hasInst {
		c.Instance = strings.TrimSpace(inst)
		if err := checkInstance(key, c.Instance); err != nil {
			return err
		}
	}
	if hasPort {
		p, err := parsePort(key, port)
		if err != nil {
			return err
		}
		c.Port = p
	}
	return nil
}

// sqlServerConnectKeys are the where-to-connect keys of the JDBC, ADO and
// go-mssqldb shapes, lower-cased, and what each names.
var sqlServerConnectKeys = map[string]string{
	"servername": "server", "server": "server", "data source": "server", "address": "server", "addr": "server",
	"network address": "server", "instancename": "instance", "portnumber": "port", "port": "port",
	"databasename": "database", "database": "database", "initial catalog": "database",
	"user": "user", "username": "user", "user id": "user", "uid": "user", "password": "password", "pwd": "password",
}

// applySQLServerProps reads the JDBC/ADO where-to-connect keys and hands the
// rest to the applier.
func (c *Config) applySQLServerProps(pairs []prop) error {
	a := newApplier(c)
	// What the URL itself names cannot be given again as a property.
	for canonical, given := range map[string]bool{"server": c.Host != "", "instance": c.Instance != "", "port": c.Port != 0} {
		if given {
			a.seen[canonical] = "the URL's " + canonical
		}
	}
	for _, p := range pairs {
		lk := strings.ToLower(strings.TrimSpace(p.Key))
		var err error
		switch sqlServerConnectKeys[lk] {
		case "server":
			if err = a.once("server", p.Key, p.Value); err == nil {
				sep := byte(',') // ADO: host\instance,port
				if c.Shape == ShapeJDBCSQLServer {
					sep = ':'
				}
				inst, port := c.Instance, c.Port
				err = c.setSQLServerHost(p.Value, p.Key, sep)
				// host\instance,port in the value: each may be given only once.
				if err == nil && c.Instance != inst {
					err = a.once("instance", p.Key, p.Value)
				}
				if err == nil && c.Port != port {
					err = a.once("port", p.Key, p.Value)
				}
			}
		case "instance":
			if err = a.once("instance", p.Key, p.Value); err == nil {
				c.Instance = strings.TrimSpace(p.Value)
				err = checkInstance(p.Key, c.Instance)
			}
		case "port":
			if err = a.once("port", p.Key, p.Value); err == nil {
				c.Port, err = parsePort(p.Key, p.Value)
			}
		case "database":
			if err = a.once("database", p.Key, p.Value); err == nil {
				c.Database = p.Value
			}
		case "user":
			if err = a.once("user", p.Key, p.Value); err == nil {
				c.User = p.Value
			}
		case "password":
			if err = a.once("password", p.Key, p.Value); err == nil {
				c.Password = p.Value
			}
		default:
			err = a.apply(p.Key, p.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// parseSQLServerURL reads go-mssqldb's URL form:
// sqlserver://user:password@host:port/instance?database=db&k=v.
func parseSQLServerURL(s string) (*Config, error) {
	c := &Config{Family: SQLServer, Shape: ShapeSQLServerURL}
	rest := s[len("sqlserver://"):]
	rest, query, _ := strings.Cut(rest, "?")
	u, err := url.Parse("sqlserver://" + rest)
	if err != nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "malformed sqlserver:// URL", Why: redactURLError(err), Fix: "percent-encode special characters in the user and password"}
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	c.Host = u.Hostname()
	if err := checkHost("host", c.Host); err != nil {
		return nil, err
	}
	if p := u.Port(); p != "" {
		if c.Port, err = parsePort("port", p); err != nil {
			return nil, err
		}
	}
	c.Instance = strings.Trim(u.Path, "/")
	pairs, err := splitQuery(query, "query")
	if err != nil {
		return nil, err
	}
	return c, c.applySQLServerProps(pairs)
}

// redactURLError keeps url.Parse's reason but never the URL (it may hold a password).
func redactURLError(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return "cannot parse"
}

// parseADO reads "server=host\instance,port;user id=u;password=p;k=v".
// Values may be quoted with "…" or '…' (a doubled quote inside stands for one).
func parseADO(s string) (*Config, error) {
	c := &Config{Family: SQLServer, Shape: ShapeADO}
	pairs, err := splitADO(s)
	if err != nil {
		return nil, err
	}
	return c, c.applySQLServerProps(pairs)
}

func splitADO(s string) ([]prop, error) {
	return splitProps(s, propSyntax{name: "ADO", quotes: map[byte]byte{'"': '"', '\'': '\''}, trimValues: true})
}

func checkInstance(key, inst string) error {
	if inst == "" || strings.ContainsAny(inst, `\/;,:?&=#%{}"'@[] `) {
		return invalid(key, inst, "invalid instance name", "an instance name is one word", "fix the instance name")
	}
	return nil
}
