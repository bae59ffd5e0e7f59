package dsn

import (
	"net"
	"net/url"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// parseJDBCSQLServer reads what follows "jdbc:sqlserver://":
// [serverName[\instanceName][:portNumber]][;property=value]* with {…} quoting.
// at names a byte offset of rest for errors.
func parseJDBCSQLServer(rest string, at position) (*Config, error) {
	c := &Config{Family: SQLServer, Shape: ShapeJDBCSQLServer}
	server, props, _ := strings.Cut(rest, ";")
	if strings.Contains(server, "@") {
		// jdbc:sqlserver://sa:pw@host: the text before @ is user:password.
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "user or password before the host", Key: "serverName", Value: kind.Redacted,
			Why: "a jdbc:sqlserver:// URL has no user:password@ part (the text is not shown: it may hold a password)",
			Fix: "write jdbc:sqlserver://host:port;user=…;password={…}"}
	}
	if err := c.setSQLServerHost(server, "serverName", &at); err != nil {
		return nil, err
	}
	return c.readSQLServerProps(splitProps(props, jdbcSyntax), jdbcList)
}

// propSyntax is how one shape writes key=value;… lists.
type propSyntax struct {
	quotes     string // the opening quotes; each is closed by closing's byte at its index, doubled inside for itself
	closing    string
	trimValues bool // spaces around plain values are not part of them
}

var (
	jdbcSyntax = propSyntax{quotes: "{", closing: "}"}
	adoSyntax  = propSyntax{quotes: `"'`, closing: `"'`, trimValues: true}
)

// splitProps splits a ;-separated key=value list in the given syntax. It
// never fails: a token without '=' is marked, and a quoting error ends the
// list with a token carrying it (see splitQuery).
func splitProps(s string, syn propSyntax) []token {
	out := make([]token, 0, strings.Count(s, ";")+1)
	for len(s) > 0 {
		if s[0] == ';' || s[0] == ' ' {
			s = s[1:]
			continue
		}
		eq := strings.IndexAny(s, "=;")
		if eq < 0 || s[eq] == ';' {
			seg, rest, _ := strings.Cut(s, ";")
			out = append(out, token{Property: Property{Key: strings.TrimSpace(seg)}, noValue: true})
			s = rest
			continue
		}
		t := token{Property: Property{Key: strings.TrimSpace(s[:eq])}}
		s = s[eq+1:]
		if v := strings.TrimLeft(s, " "); len(v) > 0 && strings.IndexByte(syn.quotes, v[0]) >= 0 {
			if t.Value, s, t.bad = unquote(t.Key, v, syn.closing[strings.IndexByte(syn.quotes, v[0])]); t.bad != nil {
				return append(out, t)
			}
		} else {
			t.Value, s, _ = strings.Cut(s, ";")
			if syn.trimValues {
				t.Value = strings.TrimSpace(t.Value)
			}
		}
		out = append(out, t)
	}
	return out
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

// setSQLServerHost reads host[\instance][<sep>port]; sep is ':' in the JDBC
// shape and ',' in ADO's. at, when not nil, names a byte offset of spec for
// errors (the JDBC URL's host part, which comes before any secret).
func (c *Config) setSQLServerHost(spec, key string, at *position) error {
	isURLHost := at != nil
	sep := byte(',')
	if c.Shape == ShapeJDBCSQLServer {
		sep = ':'
	}
	lead := len(spec) - len(strings.TrimLeft(spec, " \t\r\n"))
	spec = strings.TrimSpace(spec)
	if sep == ',' {
		for _, p := range []string{"tcp:", "TCP:"} {
			if rest, ok := strings.CutPrefix(spec, p); ok {
				spec, lead = rest, lead+len(p)
			}
		}
	}
	var port string
	hasPort := false
	hostPart, _, _ := strings.Cut(spec, `\`)
	switch {
	case sep == ':' && !isURLHost && !strings.HasPrefix(spec, "[") && strings.Count(hostPart, ":") > 1:
		// serverName=::1 (Microsoft's documented IPv6 form): the value is
		// the address, with no port (portNumber gives it).
	case sep == ',' && strings.HasPrefix(spec, "["):
		// ADO server=[::1],1433 or [::1]\inst,1433: an IPv6 address in brackets.
		if i := strings.LastIndexByte(spec, ','); i > strings.LastIndexByte(spec, ']') {
			spec, port, hasPort = spec[:i], spec[i+1:], true
		}
		if h, inst, hasInst := strings.Cut(spec, `\`); strings.HasSuffix(h, "]") && strings.Contains(h, ":") && net.ParseIP(h[1:len(h)-1]) != nil {
			spec, lead = h[1:len(h)-1], lead+1
			if hasInst {
				spec += `\` + inst
			}
		}
	case sep == ':' && strings.HasPrefix(spec, "["):
		hasPort = strings.HasSuffix(spec, ":") || !strings.HasSuffix(spec, "]")
		spec, port = splitHostPort(spec)
	default:
		if i := strings.LastIndexByte(spec, sep); i >= 0 {
			spec, port, hasPort = spec[:i], spec[i+1:], true
		}
	}
	host, inst, hasInst := strings.Cut(spec, `\`)
	c.Host = strings.TrimSpace(host)
	if err := checkHost(key, c.Host, func(i int) string {
		if at == nil {
			return ""
		}
		return at.at(lead + len(host) - len(strings.TrimLeft(host, " ")) + i)
	}); err != nil {
		return err
	}
	if hasInst {
		c.Instance = strings.TrimSpace(inst)
		if err := checkInstance(key, c.Host, c.Instance); err != nil {
			return err
		}
	}
	if !hasPort {
		return nil
	}
	var err error
	c.Port, err = parsePort(key, port, false)
	return err
}

// sqlServerConnectKeys are the where-to-connect keys of the JDBC, ADO and
// go-mssqldb shapes, lower-cased, and what each names.
var sqlServerConnectKeys = map[string]string{
	"servername": "server", "server": "server", "data source": "server", "address": "server", "addr": "server",
	"network address": "server", "instancename": "instance", "portnumber": "port", "port": "port",
	"databasename": "database", "database": "database", "initial catalog": "database",
	"user": "user", "username": "user", "user id": "user", "uid": "user", "password": "password", "pwd": "password",
}

// readSQLServerProps reads the properties of a SQL Server DSN: where to
// connect (what the URL itself names cannot be given again), and the rest
// through the reader.
func (c *Config) readSQLServerProps(toks []token, syn listSyntax) (*Config, error) {
	var r reader
	r.init(c)
	for _, named := range []struct {
		slot  string
		given bool
	}{{"server", c.Host != ""}, {"instance", c.Instance != ""}, {"port", c.Port != 0}, {"user", c.User != ""}, {"password", c.Password != ""}} {
		if named.given {
			r.seen = append(r.seen, claim{named.slot, "the URL's " + named.slot})
		}
	}
	return r.tokens(toks, syn)
}

// sqlServerConnect reads a where-to-connect property of the JDBC and ADO
// shapes (what names: server, instance, port, database, user, password).
func (c *Config) sqlServerConnect(r *reader, t token, what string) error {
	var err error
	switch what {
	case "server":
		inst, port := c.Instance, c.Port
		err = c.setSQLServerHost(t.Value, t.Key, nil)
		// host\instance,port in the value: each may be given only once.
		if err == nil && c.Instance != inst {
			err = r.once("instance", t.Key, t.Value)
		}
		if err == nil && c.Port != port {
			err = r.once("port", t.Key, t.Value)
		}
	case "instance":
		c.Instance = strings.TrimSpace(t.Value)
		err = checkInstance(t.Key, c.Host, c.Instance)
	case "port":
		c.Port, err = parsePort(t.Key, t.Value, true)
	case "database":
		c.Database = t.Value
	case "user":
		c.User = t.Value
	case "password":
		c.Password = t.Value
	}
	return err
}

// parseSQLServerURL reads what follows "sqlserver://" in go-mssqldb's URL
// form: user:password@host:port/instance?database=db&k=v.
func parseSQLServerURL(rest string) (*Config, error) {
	c := &Config{Family: SQLServer, Shape: ShapeSQLServerURL}
	rest, query, _ := strings.Cut(rest, "?")
	if err := misplacedUserinfo("sqlserver://", rest, "/#", query); err != nil {
		return nil, err
	}
	u, err := url.Parse("sqlserver://" + rest)
	if err != nil {
		// url.Parse's message quotes the text it could not read.
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "malformed sqlserver:// URL",
			Why: "it does not read as a URL (the text is not shown: it may hold a password)", Fix: "percent-encode " + userinfoSpecials + " in the user and password"}
	}
	if u.Fragment != "" || strings.HasSuffix(rest, "#") {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "malformed sqlserver:// URL",
			Why: "a # ends a URL (the text after it is not shown)", Fix: "write # as %23"}
	}
	c.User = u.User.Username() // nil-safe, as Password
	c.Password, _ = u.User.Password()
	c.Host = u.Hostname()
	if err := checkHost("host", c.Host, nil); err != nil {
		return nil, err
	}
	if p := u.Port(); p != "" {
		if c.Port, err = parsePort("port", p, false); err != nil {
			return nil, err
		}
	}
	if c.Instance = strings.Trim(u.Path, "/"); c.Instance != "" {
		if err := checkInstance("instance", c.Host, c.Instance); err != nil {
			return nil, err
		}
	}
	return c.readSQLServerProps(splitQuery(query), queryList)
}

// userinfoSpecials are the characters a URL's user or password must
// percent-encode.
const userinfoSpecials = "@ as %40, : as %3A, / as %2F, ? as %3F, # as %23, % as %25 and space as %20"

// misplacedUserinfo refuses a URL whose user or password holds an unencoded
// character that ends the host part (/, ?, #): scheme://u:Tr0ub/4dor@host.
// The host part then has no '@' while an '@' follows it, in the path or in
// the first parameter's name (parameters' values may hold '@'). The error
// shows neither the text nor where the '@' is (that would tell the
// password's length). ends lists the characters that end the host part
// besides '?'; rest is the URL after the scheme up to '?'.
func misplacedUserinfo(scheme, rest, ends, query string) error {
	host := rest
	if i := strings.IndexAny(rest, ends); i >= 0 {
		host = rest[:i]
	}
	if strings.Contains(host, "@") {
		return nil
	}
	first, _, _ := strings.Cut(query, "&")
	first, _, _ = strings.Cut(first, "=")
	if !strings.Contains(rest[len(host):], "@") && !strings.Contains(strings.TrimLeft(first, "@"), "@") {
		return nil
	}
	return &kind.Error{Kind: kind.InvalidDSN, What: "user or password not percent-encoded", Key: "scheme", Value: strings.TrimSuffix(scheme, "://"),
		Why: "an @ follows the end of the host part, so the user or password holds a /, ? or # that ends it (the text is not shown)",
		Fix: "percent-encode " + userinfoSpecials + " in the user and password"}
}

func checkInstance(key, host, inst string) error {
	if rest, doubled := strings.CutPrefix(inst, `\`); doubled && plainWord(rest) && host != "" {
		// host\\instance: a backslash escaped for a Java string literal
		// written into a file or environment variable as it was.
		return invalid(key, host+`\`+inst, "invalid instance name", "the backslash before "+rest+" is doubled (in a Java string literal \"\\\\\" is one backslash; in a connection string read from a file it is two)",
			"write "+host+`\`+rest)
	}
	if inst == "" || strings.ContainsAny(inst, `\/;,:?&=#%{}"'@[] `) {
		return unshown(invalid(key, inst, "invalid instance name", "an instance name is one word", "fix the instance name"), !plainWord(inst))
	}
	return nil
}
