package dsn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/internal/driverparam"
	"github.com/dbtls/dbtls/kind"
)

// reader is the one rule engine: Parse runs it over the tokens of a DSN as
// it reads them, Normalize over the properties of a Config in the order
// FormatDSN writes them. The rules across keys live here: a slot filled twice,
// two vocabularies for one concept, the key dispatch, the read-only intent.
type reader struct {
	c         *Config
	seen      []claim      // the slots filled, with the key as written
	vocab     []vocabClaim // the vocabulary each concept was first written in
	intentKey string       // the key applicationintent was written as
	seenBuf   [16]claim
	vocabBuf  [4]vocabClaim
}

type claim struct{ slot, key string }

type vocabClaim struct {
	concept concept
	vocab   vocabulary
	key     string
}

func (r *reader) init(c *Config) {
	r.c, r.seen, r.vocab = c, r.seenBuf[:0], r.vocabBuf[:0]
	if c.Params == nil {
		c.Params = map[string]string{}
	}
}

// once records that slot (a field's slot, a parameter's name, where to
// connect) was filled by key; a second key for the same slot, in any case,
// is an error naming both.
func (r *reader) once(slot, key, value string) error {
	var x, y [64]byte
	low := appendLower(y[:0], slot)
	for _, s := range r.seen {
		if string(appendLower(x[:0], s.slot)) == string(low) {
			return invalid(key, value, "property given twice", fmt.Sprintf("%s and %s both set %s", s.key, key, slot), "keep only one of "+s.key+" and "+key)
		}
	}
	r.seen = append(r.seen, claim{slot, key})
	return nil
}

// claimField checks that f, written as key=value, may be set: a MySQLAuth
// key is a MySQL key, the slot is free, and the concept is not yet written
// in the other vocabulary.
func (r *reader) claimField(f *field, key, value string) error {
	if f.vocab == "" && r.c.Family == SQLServer {
		return unknownKey(key, value)
	}
	if err := r.once(f.slot, key, value); err != nil {
		return err
	}
	if f.concept == "" {
		return nil
	}
	for _, v := range r.vocab {
		if v.concept == f.concept {
			if v.vocab != f.vocab {
				return invalid(key, value, "two vocabularies for one setting",
					fmt.Sprintf("%s (%s) and %s (%s) both set the %s", v.key, v.vocab, key, f.vocab, f.concept), "use either "+v.key+" or "+key+", not both")
			}
			return nil
		}
	}
	r.vocab = append(r.vocab, vocabClaim{f.concept, f.vocab, key})
	return nil
}

// tokens reads the key=value tokens of a DSN in order: where to connect by
// the shape's family, the rest by property. A token without '=' is an error
// (go-sql-driver skips it, Connector/J reads it as empty; dbtls never
// ignores it nor makes it a session variable). On MySQL a session variable
// right after a secret may be the rest of it (password=Tr0ub&dor=x): it is
// refused, never sent. An error is located and worded by lists.go. It
// returns the Config read.
func (r *reader) tokens(toks []token, syn listSyntax) (*Config, error) {
	c := r.c
	for i, t := range toks {
		k := lookupKey(c.keyFamily(), t.Key)
		var err error
		switch {
		case t.bad != nil:
			err = t.bad
		case t.noValue:
			err = noValue(t, syn)
		case k.class != keyConnect:
			err = r.property(k, t.Key, t.Value)
		default:
			if err = r.once(k.text, t.Key, t.Value); err == nil && c.Family == SQLServer {
				err = c.sqlServerConnect(r, t, k.text)
			} else if err == nil {
				err = c.mysqlConnect(t, k.text)
			}
		}
		if err == nil && c.Family == MySQL && i > 0 && k.class == keyOther && !toks[i-1].noValue && kind.IsSecretKey(toks[i-1].Key) &&
			lookupKey(SQLServer, t.Key).class == keyOther {
			err = &kind.Error{Kind: kind.InvalidDSN, What: "session variable right after a secret"}
		}
		if err != nil {
			return nil, locate(err, toks, i, syn)
		}
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return c, nil
}

// cannotHonour is the error for a key that is refused whatever its value.
func cannotHonour(key, value, why string) error {
	return invalid(key, value, "property cannot be honoured", why, "remove "+key)
}

// property reads one key=value that is not where to connect (the shapes
// read those), k being what lookupKey says key is.
func (r *reader) property(k keyInfo, key, value string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return invalid("", value, "property without a name", "a property is written key=value", "remove the stray =")
	}
	switch k.class {
	case keyField:
		if err := r.claimField(k.field, key, value); err != nil {
			return err
		}
		return k.field.ops.read(r.c, key, value)
	case keyRefused:
		return cannotHonour(key, value, k.text)
	case keyParam:
		return r.param(k.text, key, value, value)
	case keyMapped:
		v, err := connectorJValue(k.text, key, value)
		if err != nil {
			return err
		}
		return r.param(k.text, key, value, v)
	case keySessionVars:
		vars, err := splitSessionVariables(key, value)
		if err != nil {
			return err
		}
		for i, p := range vars {
			if err := checkSessionVariable(key, p.Key, p.Value, i+1); err != nil {
				return err
			}
			if err := misspeltTLSKey(p.Key, p.Value); err != nil {
				return err
			}
			if err := r.param(p.Key, key, kind.Redacted, p.Value); err != nil {
				return err
			}
		}
		return nil
	case keyIgnored:
		if err := checkLogin(r.c.Family, key, value); err != nil {
			return err
		}
		r.c.Ignored = append(r.c.Ignored, Property{key, value})
		return nil
	}
	if r.c.Family == SQLServer {
		return unknownKey(key, value)
	}
	// go-sql-driver's rule: other parameters are session variables (SET k=v).
	if err := checkSessionParam(key, value); err != nil {
		return err
	}
	return r.param(key, key, value, value)
}

// checkSessionParam checks a MySQL parameter that go-sql-driver would send
// as a session variable (sessionvars.go): one that sets a secret is refused
// first, and a misspelt TLS key or password is a typo, never a variable
// (suggest.go).
func checkSessionParam(key, value string) error {
	if !kind.IsSecretKey(key) {
		if err := misspeltTLSKey(key, value); err != nil {
			return err
		}
	}
	return checkSessionVariable(key, key, value, 0)
}

// param passes one parameter on to the Go driver under its canonical name,
// written as key=raw. A driver parameter's value is checked as the driver
// reads it (internal/driverparam), so that a bad value (parseTime=maybe) is
// an invalid-dsn error now, naming the key as written; a session variable
// is not checked here.
func (r *reader) param(canon, key, raw, value string) error {
	if err := r.once(canon, key, raw); err != nil {
		return err
	}
	table, driver := driverparam.MySQL, "go-sql-driver"
	if r.c.Family == SQLServer {
		table, driver = driverparam.SQLServer, "go-mssqldb"
	}
	if k, ok := table[canon]; ok {
		if err := driverparam.Check(k, value); err != nil {
			return &kind.Error{Kind: kind.InvalidDSN, What: "invalid value for a " + driver + " parameter", Key: key, Value: kind.Redact(key, raw),
				Why: err.Error(), Fix: "fix the value of " + key, Err: err}
		}
	}
	r.c.Params[canon] = value
	if canon == "applicationintent" {
		r.intentKey = key
	}
	return nil
}

// end applies the rule that needs every property, the read-only intent,
// and writes the warnings from Ignored.
func (r *reader) end() error {
	c := r.c
	// go-mssqldb (and Always On read-only routing) wants a database with
	// applicationintent=ReadOnly.
	if v, ok := c.Params["applicationintent"]; ok && c.Family == SQLServer && c.Database == "" {
		if readOnly, _ := driverparam.ParseIntent(v); readOnly {
			return &kind.Error{Kind: kind.InvalidDSN, What: "read-only intent without a database", Key: r.intentKey, Value: v,
				Why: "go-mssqldb: database must be specified when ApplicationIntent is ReadOnly", Fix: "set databaseName"}
		}
	}
	if len(c.Ignored) == 0 {
		c.Ignored = nil
	}
	what := "a Connector/J property that go-sql-driver cannot honour"
	if c.Family == SQLServer {
		what = "a Microsoft JDBC or ADO property that go-mssqldb cannot honour"
	}
	c.Warnings = nil
	for _, p := range c.Ignored {
		c.Warnings = append(c.Warnings, ignoredWarning(p.Key, what))
	}
	return nil
}

// connectorJValue converts a mapped Connector/J value to go-sql-driver's
// form, for the go-sql-driver parameter canon.
func connectorJValue(canon, key, value string) (string, error) {
	switch canon {
	case "timeout": // connectTimeout: milliseconds → a Go duration; 0 means none
		ms, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || ms < 0 {
			return "", invalid(key, value, "invalid connectTimeout value", "want a whole number of milliseconds", "set "+key+" to e.g. 10000")
		}
		return strconv.Itoa(ms) + "ms", nil
	case "collation": // connectionCollation
		return strings.TrimSpace(value), nil
	}
	b, err := parseBool(key, value)
	return strconv.FormatBool(b), err
}

// splitSessionVariables reads Connector/J's sessionVariables value,
// "name=value" pairs separated by ',' or ';' (not inside quotes).
func splitSessionVariables(key, value string) ([]Property, error) {
	var out []Property
	var quote rune
	start := 0
	flush := func(end int) error {
		part := strings.TrimSpace(value[start:end])
		start = end + 1
		if part == "" {
			return nil
		}
		k, v, ok := strings.Cut(part, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return &kind.Error{Kind: kind.InvalidDSN, What: "invalid sessionVariables value", Key: key, Value: kind.Redacted,
				Why: "want name=value pairs separated by commas (the value is not shown)", Fix: "write e.g. sql_mode='ANSI',time_zone='+00:00'"}
		}
		out = append(out, Property{k, strings.TrimSpace(v)})
		return nil
	}
	for i, r := range value {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == ',' || r == ';':
			if err := flush(i); err != nil {
				return nil, err
			}
		}
	}
	if quote != 0 {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "invalid sessionVariables value", Key: key, Value: kind.Redacted,
			Why: "a quote is not closed (the value is not shown)", Fix: "close the quote"}
	}
	return out, flush(len(value))
}
