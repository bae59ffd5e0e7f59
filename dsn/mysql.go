package dsn

import (
	"net/url"
	"slices"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// parseMySQLURL reads what follows "jdbc:mysql://", "jdbc:mariadb://" or
// "mysql://": [user[:password]@]host[:port][/database][?k=v&…]. In JDBC URLs
// user and password may also be parameters, as Connector/J allows.
func parseMySQLURL(rest string, shape Shape, scheme string) (*Config, error) {
	c := &Config{Family: MySQL, Shape: shape, Net: "tcp"}
	rest, query, _ := strings.Cut(rest, "?")
	if err := misplacedUserinfo(scheme, rest, "/", query); err != nil {
		return nil, err
	}
	authority, path, at, hostForm := splitMySQLURL(rest)
	var err error
	if at >= 0 {
		user, pw, _ := strings.Cut(authority[:at], ":")
		if c.User, err = url.PathUnescape(user); err != nil {
			return nil, badPercent("the user", "percent-encode "+userinfoSpecials)
		}
		if c.Password, err = url.PathUnescape(pw); err != nil {
			return nil, badPercent("the password", "percent-encode "+userinfoSpecials)
		}
		authority = authority[at+1:]
	}
	if hostForm && len(outside(authority, ',')) > 0 || !hostForm && strings.Contains(authority, ",") {
		// Not shown with parentheses: host properties may hold a password.
		return nil, unshown(invalid("host", authority, "several hosts", "dbtls connects to one host",
			"give one host (load balancing and failover URLs are not supported)"), strings.ContainsAny(authority, "()"))
	}
	var toks []token
	if hostForm {
		toks, err = c.readHostForm(authority, shape)
	} else {
		err = c.setHostPort(authority)
	}
	if err != nil {
		return nil, err
	}
	// The host's own properties come first, then the URL's: with one host
	// they are the same properties (a key in both is given twice).
	if q := splitQuery(query); toks == nil {
		toks = q
	} else {
		toks = append(toks, q...)
	}
	return c.readMySQLTail(path, toks)
}

// splitMySQLURL splits a MySQL URL (after the scheme, before '?') into
// [user[:password]@]host, with the index of its '@' (-1 if none), and the
// database. Connector/J's host forms (hostForm) hold '/', '@' and ','
// inside parentheses; any other URL is split at the first '/'.
func splitMySQLURL(rest string) (authority, path string, at int, hostForm bool) {
	authority, path, _ = strings.Cut(rest, "/")
	at = strings.LastIndex(authority, "@")
	hostForm = containsFold(rest, "(host=") || containsFold(rest, "address=(") ||
		strings.HasPrefix(strings.TrimSpace(authority[at+1:]), "(")
	if hostForm {
		authority, path = rest, ""
		if slash := outside(rest, '/'); len(slash) > 0 {
			authority, path = rest[:slash[0]], rest[slash[0]+1:]
		}
		at = -1
		if ats := outside(authority, '@'); len(ats) > 0 {
			at = ats[len(ats)-1]
		}
	}
	return authority, path, at, hostForm
}

// containsFold reports whether s holds sub (ASCII), in any case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
	}
	return false
}

// outside returns the indexes of b in s outside parentheses: a host
// property may hold '/', '@' or ','.
func outside(s string, b byte) []int {
	var at []int
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case b:
			if depth <= 0 {
				at = append(at, i)
			}
		}
	}
	return at
}

// readHostForm reads Connector/J's (and MariaDB Connector/J's) single-host
// forms: (host=h,port=p,key=value,…) and address=(host=h)(port=p)(key=value)….
// host and port (and protocol=tcp, and MariaDB's type=primary) say where to
// connect; every other pair is a property of that host, returned as tokens
// (percent-decoded, as URL parameters); a plain host[:port] is read by
// setHostPort. The text is not shown in errors: a host property may be the
// password.
func (c *Config) readHostForm(authority string, shape Shape) (toks []token, err error) {
	a := strings.TrimSpace(authority)
	var pairs []string
	form := "(host=…,port=…)"
	switch {
	case strings.HasPrefix(a, "(") && strings.HasSuffix(a, ")"):
		pairs = strings.Split(a[1:len(a)-1], ",")
	case hasPrefixFold(a, "address="):
		form = "address=(host=…)(port=…)"
		rest := strings.TrimSpace(a[len("address="):])
		if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
			return nil, hostFormError(form, "address= must be followed by (key=value) groups")
		}
		pairs = strings.Split(rest[1:len(rest)-1], ")(")
	default:
		return nil, c.setHostPort(authority)
	}
	host, port := "", ""
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(p, "()") {
			return nil, hostFormError(form, "each item is key=value")
		}
		switch {
		case lowerIs(k, "host"):
			if host != "" {
				return nil, hostFormError(form, "host is given twice")
			}
			host = strings.TrimSpace(v)
			if host == "" {
				return nil, hostFormError(form, "host is empty")
			}
		case lowerIs(k, "port"):
			if port != "" {
				return nil, hostFormError(form, "port is given twice")
			}
			port = strings.TrimSpace(v)
		case lowerIs(k, "protocol"):
			if !strings.EqualFold(strings.TrimSpace(v), "tcp") {
				return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unsupported protocol in the host", Key: "protocol", Value: strings.TrimSpace(v),
					Why: "dbtls connects over TCP", Fix: "write protocol=tcp, or remove it"}
			}
		case lowerIs(k, "type"):
			if shape != ShapeJDBCMariaDB || !lowerIs(strings.TrimSpace(v), "primary", "master") {
				return nil, &kind.Error{Kind: kind.InvalidDSN, What: "host type dbtls does not read", Key: "type", Value: kind.Redact(k, v),
					Why: "with one host only MariaDB Connector/J's type=primary means anything", Fix: "remove type"}
			}
		default:
			q := splitQuery(p)
			if len(q) != 1 {
				return nil, hostFormError(form, "a host property cannot hold & (percent-encode it as %26)")
			}
			toks = append(toks, q[0])
		}
	}
	if host == "" {
		return nil, hostFormError(form, "it names no host")
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if err := checkHost("host", host, nil); err != nil {
		return nil, err
	}
	c.Host = host
	if port != "" {
		if c.Port, err = parsePort("port", port, true); err != nil {
			return nil, err
		}
	}
	return toks, nil
}

// badPercent is the error for bad percent-encoding in what (the user, the
// password, the database): url's messages quote the bad escape, so neither
// is shown.
func badPercent(what, fix string) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "bad percent-encoding in " + what,
		Why: "a % must be followed by two hex digits (the text is not shown)", Fix: fix}
}

// goNetwork reports whether n is a network of go-sql-driver's DSN ("" in
// user@/db, which names none).
func goNetwork(n string) bool { return slices.Contains([]string{"", "tcp", "tcp4", "tcp6", "unix"}, n) }

// unsupportedNet is the error for a network go-sql-driver's DSN does not
// name; it is shown only as a plain word (and not when hide).
func unsupportedNet(n string, hide bool) error {
	return unshown(invalid("net", n, "unsupported network", "want tcp or unix", "write tcp(host:port) or unix(/path)"), hide || !plainWord(n))
}

func hostFormError(form, why string) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "malformed host", Key: "host", Value: kind.Redacted,
		Why: why + " (the text is not shown: it may hold a password)", Fix: "write one host as " + form + " or host:port"}
}

// readMySQLTail ends the reading of every MySQL shape: the database
// (percent-decoded) and the parameters.
func (c *Config) readMySQLTail(db string, toks []token) (*Config, error) {
	d, err := url.PathUnescape(db)
	if err != nil {
		return nil, badPercent("the database", "write a literal % as %25")
	}
	c.Database = d
	var r reader
	r.init(c)
	return r.tokens(toks, mysqlList)
}

// mysqlGoSeparator returns the index of the '/' that ends
// [user[:password]@][net[(addr)]] in a go-sql-driver DSN, or -1: the first '/'
// whose text after the last '@' before it is empty or a network
// (tcp, tcp4, tcp6, unix, each with an optional (address)). A password may
// hold '/', '?', '@' and ')' (u:a/b?c@tcp(h)/d), and a parameter '/' and '@'
// (ssl-ca=/home/me@corp/ca.pem); go-sql-driver itself takes the last '/'.
func mysqlGoSeparator(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		head := s[:i]
		netpart := head[strings.LastIndex(head, "@")+1:]
		name, addr, paren := strings.Cut(netpart, "(")
		if goNetwork(name) && (netpart == "" || !paren || strings.HasSuffix(addr, ")")) {
			return i
		}
	}
	return -1
}

// parseMySQLGo reads go-sql-driver's DSN:
// [user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN].
func parseMySQLGo(s string) (*Config, error) {
	c := &Config{Family: MySQL, Shape: ShapeMySQLGo}
	slash := mysqlGoSeparator(s)
	if slash < 0 {
		// No '/' follows [user[:password]@][net[(addr)]]: find the separator
		// as before, for the error that names what is wrong.
		slash = strings.LastIndex(s, "/")
		if q := strings.Index(s, "?"); q >= 0 && q < slash && strings.LastIndex(s[:q], "/") >= 0 {
			slash = strings.LastIndex(s[:q], "/") // a '/' inside the parameters: the database separator is the last '/' before '?'
		}
	}
	if slash < 0 {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unrecognised DSN",
			Why: "it is neither a JDBC URL, a sqlserver:// or mysql:// URL, an ADO string, nor a go-sql-driver DSN (user:pw@tcp(host:port)/db)",
			Fix: "write it in one of those shapes"}
	}
	head, tail := s[:slash], s[slash+1:]
	if at := strings.LastIndex(head, "@"); at >= 0 {
		c.User, c.Password, _ = strings.Cut(head[:at], ":")
		head = head[at+1:]
	}
	if head != "" {
		var addr string
		var paren bool
		if c.Net, addr, paren = strings.Cut(head, "("); paren {
			if !strings.HasSuffix(addr, ")") {
				return nil, &kind.Error{Kind: kind.InvalidDSN, What: "unterminated (", Key: "address", Value: kind.Redacted,
					Why: "the address is written net(addr) (the text is not shown)", Fix: "close the parenthesis"}
			}
			addr = addr[:len(addr)-1]
			if c.Net == "unix" {
				c.Host = addr
				if err := checkSocketPath(addr); err != nil {
					return nil, err
				}
			} else if err := c.setHostPort(addr); err != nil {
				return nil, err
			}
		}
		if c.Net == "" || !goNetwork(c.Net) {
			// Shown only as a plain word: before the last '@' it may be user:password.
			return nil, unsupportedNet(c.Net, strings.ContainsAny(c.Net, " ."))
		}
	}
	db, query, _ := strings.Cut(tail, "?")
	return c.readMySQLTail(db, splitQuery(query))
}

// mysqlConnect reads user= and password=: parameters in every MySQL shape,
// as Connector/J allows (go-sql-driver would send them as SET user=…, SET
// password=…, and the latter would change the password); given both in the
// DSN's user:password@ and as a parameter they are an error.
func (c *Config) mysqlConnect(t token, what string) error {
	at, noun := &c.User, "the DSN names a user before @ and as a parameter"
	if what == "password" {
		at, noun = &c.Password, "the DSN has a password before @ and as a parameter"
	}
	if *at != "" {
		return invalid(t.Key, t.Value, what+" given twice", noun, "keep one")
	}
	*at = t.Value
	return nil
}

// setHostPort reads "host[:port]" or "[v6][:port]".
func (c *Config) setHostPort(hp string) error {
	host, port := splitHostPort(hp)
	if err := checkHost("host", host, nil); err != nil {
		return err
	}
	c.Host = host
	if port == "" {
		return nil
	}
	var err error
	c.Port, err = parsePort("port", port, false)
	return err
}
