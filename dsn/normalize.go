package dsn

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dbtls/dbtls/kind"
)

// shapeFamily gives the family each shape belongs to.
var shapeFamily = map[Shape]Family{
	ShapeSQLServerURL: SQLServer, ShapeADO: SQLServer, ShapeJDBCSQLServer: SQLServer,
	ShapeMySQLGo: MySQL, ShapeMySQLURL: MySQL, ShapeJDBCMySQL: MySQL, ShapeJDBCMariaDB: MySQL,
}

// defaultShape is the shape of a Config built with a Family and no Shape.
var defaultShape = map[Family]Shape{SQLServer: ShapeJDBCSQLServer, MySQL: ShapeMySQLGo}

// Normalize checks cfg from its fields — the shape and family, where to
// connect, every setting's key and value, the two vocabularies, properties
// given twice, the driver parameters and their values, session variables
// that set a secret, the properties ignored — with the rules Parse applies
// to a DSN (reader.go), and returns a normalized deep copy; cfg itself is
// not changed. It is for a Config built as a struct or changed after
// Parse, as go-sql-driver's NewConnector runs the normalize its ParseDSN
// runs; what Parse returns is normalized already (Normalized).
//
// The copy is what Parse would return for cfg.FormatDSN(): a Shape (the
// family's default when none is given: ShapeJDBCSQLServer, ShapeMySQLGo),
// every setting's Key (its canonical key when empty) and Raw (the value in
// its canonical form when empty or no longer reading as Value), Net for a
// MySQL host, and Warnings written from Ignored. A setting whose Value is
// not the zero value while Set is false is refused, as is a Key that does not
// spell the setting's property: neither can be meant.
//
// Errors are *kind.Error values of kind invalid-dsn naming the key; the
// properties are checked in the order FormatDSN writes them, so that for a
// Config that FormatDSN writes as a DSN Parse refuses, the error is the one
// Parse returns for that DSN.
func Normalize(cfg *Config) (*Config, error) {
	if cfg == nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "no configuration", Fix: "give a *dsn.Config, e.g. from dsn.Parse"}
	}
	c := cfg.Clone()
	if err := c.normalizeShape(); err != nil {
		return nil, err
	}
	if err := c.normalizeEndpoint(); err != nil {
		return nil, err
	}
	for _, f := range slices.Concat(fields, mariadbFields) {
		if !f.ops.isSet(c) {
			if err := f.ops.normalize(c, f); err != nil {
				return nil, err
			}
		}
	}
	if err := c.vocabularyFields(); err != nil {
		return nil, err
	}
	var r reader
	r.init(c)
	for _, it := range c.items(false) {
		if err := r.item(it); err != nil {
			return nil, err
		}
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	c.normalized = true
	return c, nil
}

// item checks one property of a Config as FormatDSN writes it.
func (r *reader) item(it item) error {
	switch it.mark.kind {
	case markField:
		f := it.mark.field
		if err := r.claimField(f, it.key, it.value); err != nil {
			return err
		}
		return f.ops.normalize(r.c, f)
	case markParam:
		for _, p := range it.mark.params {
			v := r.c.Params[p.Key]
			if err := checkParamKey(r.c.Family, p.Key, v); err != nil {
				return err
			}
			if err := r.param(p.Key, p.Key, v, v); err != nil {
				return err
			}
			if p.Key == "applicationintent" {
				r.intentKey = it.key
			}
		}
	case markIgnored:
		return checkIgnorable(r.c.Family, it.key, it.value)
	}
	return nil
}

func (c *Config) normalizeShape() error {
	fam, known := shapeFamily[c.Shape]
	switch {
	case c.Shape == "" && c.Family == "":
		return &kind.Error{Kind: kind.InvalidDSN, What: "no driver family", Why: "neither Family nor Shape is set", Fix: "set Family to dsn.SQLServer or dsn.MySQL"}
	case c.Shape == "" && defaultShape[c.Family] == "":
		return invalid("Family", string(c.Family), "unknown driver family", "want sqlserver or mysql", "set Family to dsn.SQLServer or dsn.MySQL")
	case c.Shape == "":
		c.Shape = defaultShape[c.Family]
	case !known:
		return invalid("Shape", string(c.Shape), "unknown DSN shape", "want one of the dsn.Shape constants", "set Shape to e.g. dsn.ShapeJDBCSQLServer, or leave it empty for the family's default")
	case c.Family == "":
		c.Family = fam
	case c.Family != fam:
		return invalid("Shape", string(c.Shape), "shape of another family", fmt.Sprintf("a %s DSN is %s, not %s", c.Shape, fam, c.Family), "set Shape to a "+string(c.Family)+" shape, or leave it empty")
	}
	return nil
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
			if err := checkInstance("instanceName", c.Host, c.Instance); err != nil {
				return err
			}
		}
		return checkHost("host", c.Host, nil)
	}
	if c.Instance != "" {
		return invalid("instanceName", c.Instance, "named instance on a MySQL configuration", "named instances are SQL Server's", "leave Instance empty")
	}
	if !goNetwork(c.Net) {
		return unsupportedNet(c.Net, false)
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
	return checkSocketPath(c.Host)
}

// checkParamKey checks a key of Config.Params: a driver parameter under the
// driver's own name, or on a MySQL configuration a session variable that
// Parse would send as one.
func checkParamKey(f Family, key, value string) error {
	misplaced := func(what, fix string) error {
		return invalid(key, value, what+" among the driver parameters", "Config.Params holds what is passed on to the Go driver, under the driver's own names", fix)
	}
	driver := "go-sql-driver"
	if f == SQLServer {
		driver = "go-mssqldb"
	}
	switch k := lookupKey(f, key); k.class {
	case keyField:
		if k.field.vocab == "" {
			return misplaced("MySQL authentication property", "set "+k.field.name+" in Config.Auth")
		}
		return misplaced("TLS property", "set "+k.field.name+" in Config.TLS")
	case keyRefused:
		return cannotHonour(key, value, k.text)
	case keyParam, keyMapped:
		if k.text == key {
			return nil
		}
		return misplaced("parameter not under "+driver+"'s name", "write "+k.text+" ("+driver+"'s name for "+key+")")
	case keyConnect:
		return misplaced("where to connect", "set Config.Host, Port, Instance, Database, User or Password")
	case keyIgnored:
		return misplaced("property that cannot be honoured", "list it in Config.Ignored, or remove it")
	case keySessionVars:
		return misplaced("sessionVariables", "give each session variable its own entry")
	}
	if f == SQLServer {
		return unknownKey(key, value)
	}
	return checkSessionParam(key, value)
}

// checkIgnorable checks an entry of Config.Ignored: a property Parse
// accepts with a warning.
func checkIgnorable(f Family, key, value string) error {
	if lookupKey(f, key).class == keyIgnored {
		return checkLogin(f, key, value)
	}
	e := invalid(key, value, "property that dbtls does not ignore", "Config.Ignored lists JDBC properties the Go driver cannot honour (docs/properties.md)", "remove it from Config.Ignored")
	if !plainWord(key) {
		e.Key, e.Value, e.Why = "", "", e.Why+" (the text is not shown)"
	}
	return e
}
