package dsn

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/internal/driverparam"
	"github.com/dbtls/dbtls/kind"
)

// shapeFamily gives the family each shape belongs to.
var shapeFamily = map[Shape]Family{
	ShapeSQLServerURL: SQLServer, ShapeADO: SQLServer, ShapeJDBCSQLServer: SQLServer,
	ShapeMySQLGo: MySQL, ShapeMySQLURL: MySQL, ShapeJDBCMySQL: MySQL, ShapeJDBCMariaDB: MySQL,
}

// defaultShape is the shape of a Config built with a Family and no Shape.
var defaultShape = map[Family]Shape{SQLServer: ShapeJDBCSQLServer, MySQL: ShapeMySQLGo}

// Normalize checks cfg from its fields, with the checks Parse runs on a
// DSN — the shape and family, where to connect, every setting's key and
// value, the two vocabularies, properties given twice, the driver
// parameters and their values, session variables that set a secret, the
// properties ignored — and returns a normalized deep copy; cfg itself is
// not changed. Parse runs it on what it read; verify.Resolve and
// connector.NewFromConfig run it on what they are given, as go-sql-driver's
// NewConnector runs the normalize its ParseDSN runs.
//
// The copy is what Parse would return for cfg.Format(): a Shape (the
// family's default when none is given: ShapeJDBCSQLServer, ShapeMySQLGo),
// every setting's Key (its canonical key when empty) and Raw (the value in
// its canonical form when empty or no longer reading as Value), Net for a
// MySQL host, and Warnings written from Ignored. A setting whose Value is
// not the zero value while Set is false is refused, as is a Key that does not
// spell the setting's property: neither can be meant.
//
// Errors are *kind.Error values of kind invalid-dsn naming the key; for a
// Config that Format writes as a DSN Parse refuses, they are the error Parse
// returns for that DSN.
func Normalize(cfg *Config) (*Config, error) {
	if cfg == nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "no configuration", Fix: "give a *dsn.Config, e.g. from dsn.Parse"}
	}
	c := cfg.Clone()
	if err := c.normalize(); err != nil {
		return nil, err
	}
	return c, nil
}

// Clone returns a deep copy of c: changing one changes nothing in the other.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	o := *c
	o.TLS.TLSVersions.Value = slices.Clone(c.TLS.TLSVersions.Value)
	o.TLS.Ciphers.Value = slices.Clone(c.TLS.Ciphers.Value)
	o.TLS.TLS13Suites.Value = slices.Clone(c.TLS.TLS13Suites.Value)
	o.Params = maps.Clone(c.Params)
	o.Ignored = slices.Clone(c.Ignored)
	o.Warnings = slices.Clone(c.Warnings)
	o.layout = slices.Clone(c.layout)
	for i, m := range o.layout {
		o.layout[i].params = slices.Clone(m.params)
	}
	return &o
}

// normalize is Normalize in place.
func (c *Config) normalize() error {
	if err := c.normalizeShape(); err != nil {
		return err
	}
	if err := c.normalizeEndpoint(); err != nil {
		return err
	}
	for _, f := range fields {
		if !f.ops.isSet(c) {
			if err := f.ops.normalize(c, f); err != nil {
				return err
			}
		}
	}
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	if len(c.Ignored) == 0 {
		c.Ignored = nil
	}
	// The properties in the order Format writes them, checked as Parse checks
	// the tokens of that DSN, so that an error names the same keys.
	// (What items writes does not change as the fields are normalized: each
	// is written as display says, which normalize then makes its Key and Raw.)
	items := c.items(false)
	var seen [16][2]string
	var vocab [8]struct {
		concept
		vocabKey
	}
	n := normalizer{c: c, seen: seen[:0], vocab: vocab[:0]}
	for _, it := range items {
		if err := n.check(it); err != nil {
			return err
		}
	}
	if err := c.checkReadOnlyIntent(items); err != nil {
		return err
	}
	c.Warnings = nil
	for _, p := range c.Ignored {
		c.Warnings = append(c.Warnings, ignoredWarning(c.Family, p.Key))
	}
	c.layout = c.layoutOf(items)
	return nil
}

// layoutOf is the layout Parse records when it reads what Format writes
// for items: c's own when it is that already.
func (c *Config) layoutOf(items []item) []mark {
	var auth *mark
	if c.Family == MySQL && c.Shape == ShapeMySQLGo {
		// as Parse marks what it read before '@'
		user, pw := c.User, c.Password
		for _, it := range items {
			switch it.mark.kind {
			case markUser:
				user = ""
			case markPassword:
				pw = ""
			}
		}
		if user != "" || pw != "" {
			auth = &mark{kind: markAuthority, key: user, raw: pw}
		}
	}
	n := len(items)
	if auth != nil {
		n++
	}
	same := len(c.layout) == n
	for i := 0; same && i < n; i++ {
		want := c.layout[i]
		switch {
		case auth != nil && i == 0:
			same = want.equal(*auth)
		case auth != nil:
			same = want.equal(items[i-1].mark)
		default:
			same = want.equal(items[i].mark)
		}
	}
	if same {
		return c.layout
	}
	layout := make([]mark, 0, n)
	if auth != nil {
		layout = append(layout, *auth)
	}
	for _, it := range items {
		layout = append(layout, it.mark)
	}
	return layout
}

// ignoredWarning is the warning for a property accepted but not honoured.
func ignoredWarning(f Family, key string) string {
	what := "a Connector/J property that go-sql-driver cannot honour"
	if f == SQLServer {
		what = "a Microsoft JDBC or ADO property that go-mssqldb cannot honour"
	}
	return fmt.Sprintf("ignored: %s is %s", key, what)
}

func (c *Config) normalizeShape() error {
	fam, known := shapeFamily[c.Shape]
	switch {
	case c.Shape == "":
		s, ok := defaultShape[c.Family]
		if !ok {
			return familyError(c.Family)
		}
		c.Shape = s
	case !known:
		return &kind.Error{Kind: kind.InvalidDSN, What: "unknown DSN shape", Key: "Shape", Value: string(c.Shape),
			Why: "want one of the dsn.Shape constants", Fix: "set Shape to e.g. dsn.ShapeJDBCSQLServer, or leave it empty for the family's default"}
	case c.Family == "":
		c.Family = fam
	case c.Family != fam:
		return &kind.Error{Kind: kind.InvalidDSN, What: "shape of another family", Key: "Shape", Value: string(c.Shape),
			Why: fmt.Sprintf("a %s DSN is %s, not %s", c.Shape, fam, c.Family), Fix: "set Shape to a " + string(c.Family) + " shape, or leave it empty"}
	}
	if c.Shape != ShapeMySQLURL {
		c.scheme = ""
	} else if c.urlScheme() != c.scheme {
		c.scheme = "mysql://"
	}
	return nil
}

func familyError(f Family) error {
	if f == "" {
		return &kind.Error{Kind: kind.InvalidDSN, What: "no driver family", Why: "neither Family nor Shape is set",
			Fix: "set Family to dsn.SQLServer or dsn.MySQL"}
	}
	return &kind.Error{Kind: kind.InvalidDSN, What: "unknown driver family", Key: "Family", Value: string(f),
		Why: "want sqlserver or mysql", Fix: "set Family to dsn.SQLServer or dsn.MySQL"}
}

// normalizeEndpoint checks where to connect as Parse reads it from a DSN.
func (c *Config) normalizeEndpoint() error {
	if c.Port != 0 {
		if _, err := parsePort("port", strconv.Itoa(c.Port), true); err != nil {
			return err
		}
	}
	if c.Family == SQLServer {
		if c.Net != "" {
			return invalid("net", c.Net, "network on a SQL Server configuration", "Net is go-sql-driver's (tcp or unix); go-mssqldb connects over TCP", "leave Net empty")
		}
		if c.Instance != "" {
			if err := checkInstance("instanceName", c.Instance); err != nil {
				return err
			}
		}
		return checkHost("host", c.Host, nil)
	}
	if c.Instance != "" {
		return invalid("instanceName", c.Instance, "named instance on a MySQL configuration", "named instances are SQL Server's", "leave Instance empty")
	}
	switch c.Net {
	case "", "tcp", "tcp4", "tcp6", "unix":
	default:
		e := invalid("net", c.Net, "unsupported network", "want tcp or unix", "write tcp(host:port) or unix(/path)").(*kind.Error)
		if !plainWord(c.Net) {
			e.Value, e.Why = kind.Redacted, e.Why+" (the text is not shown)"
		}
		return e
	}
	switch {
	case c.Shape != ShapeMySQLGo && c.Net == "":
		c.Net = "tcp"
	case c.Shape != ShapeMySQLGo && c.Net != "tcp":
		return invalid("net", c.Net, "network a URL cannot name", "only go-sql-driver's DSN (user@"+c.Net+"(…)/db) names another network than tcp",
			"set Shape to dsn.ShapeMySQLGo, or Net to tcp")
	default:
		c.Net = c.goNet()
	}
	if c.Net != "unix" {
		return checkHost("host", c.Host, nil)
	}
	if c.Port != 0 {
		return invalid("port", strconv.Itoa(c.Port), "port with a unix socket", "a unix socket is a path, with no port", "set Port to 0")
	}
	if i := strings.IndexFunc(c.Host, func(r rune) bool { return strings.ContainsRune("()@?", r) || r < 0x20 || r == 0x7f }); i >= 0 {
		return &kind.Error{Kind: kind.InvalidDSN, What: "invalid socket path", Key: "host", Value: kind.Redacted,
			Why: fmt.Sprintf("a socket path in go-sql-driver's DSN cannot hold %q (the text is not shown)", c.Host[i]), Fix: "fix the path"}
	}
	return nil
}

// checkReadOnlyIntent: go-mssqldb (and Always On read-only routing) wants a
// database with applicationintent=ReadOnly.
func (c *Config) checkReadOnlyIntent(items []item) error {
	v, ok := c.Params["applicationintent"]
	if c.Family != SQLServer || !ok || c.Database != "" {
		return nil
	}
	if readOnly, _ := driverparam.ParseIntent(v); !readOnly {
		return nil
	}
	key := "applicationintent"
	for _, it := range items {
		for _, p := range it.mark.params {
			if p.Key == "applicationintent" {
				key = it.key
			}
		}
	}
	return &kind.Error{Kind: kind.InvalidDSN, What: "read-only intent without a database", Key: key, Value: v,
		Why: "go-mssqldb: database must be specified when ApplicationIntent is ReadOnly", Fix: "set databaseName"}
}

// normalizer checks the properties of a Config in the order Format writes
// them, as the applier checks the tokens of a DSN.
type normalizer struct {
	c     *Config
	seen  [][2]string // slot, key: as applier.seen (small: no map)
	vocab []struct {
		concept
		vocabKey
	}
}

// once is applier.once.
func (n *normalizer) once(slot, key, value string) error {
	for _, s := range n.seen {
		if strings.EqualFold(s[0], slot) {
			return givenTwice(s[1], key, value, slot)
		}
	}
	n.seen = append(n.seen, [2]string{slot, key})
	return nil
}

// vocabulary is vocabularyOnce.
func (n *normalizer) vocabulary(f *field, key, value string) error {
	if f.concept == "" {
		return nil
	}
	for _, v := range n.vocab {
		if v.concept == f.concept {
			if v.vocab != f.vocab {
				return twoVocabularies(v.vocabKey, key, value, f)
			}
			return nil
		}
	}
	n.vocab = append(n.vocab, struct {
		concept
		vocabKey
	}{f.concept, vocabKey{f.vocab, key}})
	return nil
}

func (n *normalizer) check(it item) error {
	c := n.c
	switch it.mark.kind {
	case markField:
		f := fieldByName[it.mark.field]
		if f.vocab == "" && c.Family == SQLServer {
			return unknownKey(it.key, it.value, "SQL Server")
		}
		if err := n.once(f.slot, it.key, it.value); err != nil {
			return err
		}
		if err := n.vocabulary(f, it.key, it.value); err != nil {
			return err
		}
		return f.ops.normalize(c, f)
	case markParam:
		for _, p := range it.mark.params {
			v := c.Params[p.Key]
			if err := checkParamKey(c.Family, p.Key, v); err != nil {
				return err
			}
			if err := n.once(p.Key, p.Key, v); err != nil {
				return err
			}
			if err := checkDriverValue(c.Family, p.Key, p.Key, v, v); err != nil {
				return err
			}
		}
	case markIgnored:
		return checkIgnorable(c.Family, it.key, it.value)
	}
	return nil
}

// checkParamKey checks a key of Config.Params: a driver parameter under the
// driver's own name, or on a MySQL configuration a session variable that
// Parse would send as one.
func checkParamKey(f Family, key, value string) error {
	lk := strings.ToLower(strings.TrimSpace(key))
	misplaced := func(what, fix string) error {
		return &kind.Error{Kind: kind.InvalidDSN, What: what + " among the driver parameters", Key: key, Value: kind.Redact(key, value),
			Why: "Config.Params holds what is passed on to the Go driver, under the driver's own names", Fix: fix}
	}
	if p, ok := tlsProps[lk]; ok {
		return misplaced("TLS property", "set "+p.name+" in Config.TLS")
	}
	if why, ok := refusedKeys[lk]; ok {
		return cannotHonour(key, value, why)
	}
	if p, ok := authProps[lk]; ok {
		return misplaced("MySQL authentication property", "set "+p.name+" in Config.Auth")
	}
	var canon, driver string
	var known bool
	if f == SQLServer {
		canon, known = sqlServerDriverParams[lk]
		driver = "go-mssqldb"
	} else {
		if why, ok := mysqlRefused[lk]; ok {
			return cannotHonour(key, value, why)
		}
		canon, known = mysqlDriverParams[lk]
		if !known {
			canon, known = connectorJMapped[lk]
		}
		driver = "go-sql-driver"
	}
	switch {
	case known && canon == key:
		return nil
	case known:
		return misplaced("parameter not under "+driver+"'s name", "write "+canon+" ("+driver+"'s name for "+key+")")
	case f == SQLServer && sqlServerConnectKeys[lk] != "", f == MySQL && (lk == "user" || lk == "password"):
		return misplaced("where to connect", "set Config.Host, Port, Instance, Database, User or Password")
	case f == SQLServer && sqlServerIgnored[lk], f == MySQL && (connectorJIgnored[lk] || strings.HasPrefix(lk, "xdevapi.")):
		return misplaced("property that cannot be honoured", "list it in Config.Ignored, or remove it")
	case f == SQLServer:
		return unknownKey(key, value, "SQL Server")
	case lk == "sessionvariables":
		return misplaced("sessionVariables", "give each session variable its own entry")
	}
	return checkSessionParam(key, value)
}

// checkIgnorable checks an entry of Config.Ignored: a property Parse
// accepts with a warning.
func checkIgnorable(f Family, key, value string) error {
	lk := strings.ToLower(strings.TrimSpace(key))
	if f == SQLServer && sqlServerIgnored[lk] || f == MySQL && (connectorJIgnored[lk] || strings.HasPrefix(lk, "xdevapi.")) {
		return checkLogin(f, key, value)
	}
	e := &kind.Error{Kind: kind.InvalidDSN, What: "property that dbtls does not ignore", Key: key, Value: kind.Redact(key, value),
		Why: "Config.Ignored lists JDBC properties the Go driver cannot honour (docs/properties.md)", Fix: "remove it from Config.Ignored"}
	if !plainWord(key) {
		e.Key, e.Value, e.Why = "", "", e.Why+" (the text is not shown)"
	}
	return e
}
