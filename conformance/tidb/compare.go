package tidb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dbtls/dbtls/conformance/mysql"
	"github.com/dbtls/dbtls/kind"
	gomysql "github.com/go-sql-driver/mysql"
)

// Observation is what one attempt showed: dbtls's outcome and the server's
// own answer (its error number when it refused, its Ssl_* values when it
// served TLS).
type Observation struct {
	OK           bool
	Kind         string // dbtls's kind when refused
	Code         uint16 // the server's error number when the server refused (0: no server error)
	Version      string // Ssl_version
	Cipher       string // Ssl_cipher
	NotAfterZone string // the time zone Ssl_server_not_after is written in
}

// Observe attempts the connection of dsn through dbtls (mysql.Attempt).
func Observe(ctx context.Context, dsn string) Observation {
	_, status, err := mysql.Attempt(ctx, dsn)
	if err != nil {
		o := Observation{Kind: string(kind.Of(err))}
		var me *gomysql.MySQLError
		if errors.As(err, &me) {
			o.Code = me.Number
		}
		return o
	}
	o := Observation{OK: true, Version: status["Ssl_version"], Cipher: status["Ssl_cipher"]}
	if f := strings.Fields(status["Ssl_server_not_after"]); len(f) > 0 {
		o.NotAfterZone = f[len(f)-1]
	}
	return o
}

func (o Observation) outcome() string {
	switch {
	case !o.OK:
		return "refused: " + o.Kind
	case o.Version == "":
		return "connects without TLS"
	}
	return "connects with " + o.Version
}

// Difference is one way the two servers answered the same cases
// differently, and how many cases showed it.
type Difference struct {
	What, MariaDB, TiDB string
	Cases               int
	Example             string // the first case that showed it
}

// Comparison is the matrix's cases that both servers can serve, run against
// MariaDB and TiDB through dbtls.
type Comparison struct {
	Cases int
	// SameVersion counts the cases where both servers connect with the same
	// TLS version, SameCipher those of them where Ssl_cipher is the same too.
	SameVersion, SameCipher int
	Differences             []Difference
	// Violations are outcomes whose kind is not the spec's (mysql.Expect) for
	// that server's case: the kinds must agree with the spec whatever the
	// server answers.
	Violations []string
}

// Counterpart is the MariaDB case of a TiDB case: the same case, but for the
// configurations MariaDB cannot serve as TiDB does (TiDB's min-tls12 against
// MariaDB's tls12, tls_version=TLSv1.2 alone, which shows the difference
// between a list and a minimum); false for cases MariaDB cannot serve at all
// (tls11-ignored; the REQUIRE SAN account, MariaDB having no REQUIRE SAN).
// The REQUIRE ISSUER account, which conformance/mariadb does not create,
// Compare creates on MariaDB's x509 server.
func Counterpart(c mysql.Case) (mysql.Case, bool) {
	switch {
	case c.Server == "tls11-ignored" || c.User == "sanuser":
		return c, false
	case c.Server == "min-tls12":
		c.Server = "tls12"
	}
	return c, true
}

// Compare runs every TiDB case that has a MariaDB counterpart against both
// fixtures' servers, checks each outcome's kind against the spec, and groups
// the differences in the servers' answers.
func Compare(ctx context.Context, maria, tidb *mysql.Fixture) (*Comparison, error) {
	out := &Comparison{}
	groups := map[[3]string]*Difference{}
	var order [][3]string
	note := func(what, m, t string, c mysql.Case) {
		if m == t {
			return
		}
		k := [3]string{what, m, t}
		d := groups[k]
		if d == nil {
			d = &Difference{What: what, MariaDB: m, TiDB: t, Example: c.Name()}
			groups[k] = d
			order = append(order, k)
		}
		d.Cases++
	}
	var tcs, mcs []mysql.Case
	for _, tc := range Cases() {
		if mc, ok := Counterpart(tc); ok {
			tcs, mcs = append(tcs, tc), append(mcs, mc)
		}
	}
	// The servers, two starting at a time on each side.
	errs := make(chan error, 2)
	go func() { errs <- maria.StartServers(mcs, 2) }()
	go func() { errs <- tidb.StartServers(tcs, 2) }()
	if err := errors.Join(<-errs, <-errs); err != nil {
		return nil, err
	}
	x509, err := maria.Server("x509", "good")
	if err != nil {
		return nil, err
	}
	if err := x509.Exec(ctx, fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'%%' IDENTIFIED BY '%s' REQUIRE ISSUER '%s'",
		IssuerUser, IssuerPassword, mysql.RequiredIssuer)); err != nil {
		return nil, err
	}
	for i, tc := range tcs {
		mc := mcs[i]
		mp, err := maria.Port(mc.Server, mc.Cert)
		if err != nil {
			return nil, err
		}
		tp, err := tidb.Port(tc.Server, tc.Cert)
		if err != nil {
			return nil, err
		}
		m, t := Observe(ctx, maria.DSN(mc, mp)), Observe(ctx, tidb.DSN(tc, tp))
		out.Cases++
		for _, x := range []struct {
			server string
			c      mysql.Case
			o      Observation
		}{{"MariaDB", mc, m}, {"TiDB", tc, t}} {
			if want := mysql.Expect(x.c); want.OK != x.o.OK || want.Kind != x.o.Kind {
				out.Violations = append(out.Violations, fmt.Sprintf("%s %s: %s, the spec says %+v", x.server, x.c.Name(), x.o.outcome(), want))
			}
		}
		what := "outcome"
		if mc.Server != tc.Server {
			what = fmt.Sprintf("outcome, server %s (MariaDB) / %s (TiDB)", mc.Server, tc.Server)
		}
		note(what, m.outcome(), t.outcome(), tc)
		if !m.OK && !t.OK && m.Kind == t.Kind {
			note("server's error number ("+m.Kind+")", code(m.Code), code(t.Code), tc)
		}
		if m.OK && t.OK && m.Version != "" && m.Version == t.Version {
			out.SameVersion++
			if m.Cipher == t.Cipher {
				out.SameCipher++
			}
			note("Ssl_cipher, "+m.Version, m.Cipher, t.Cipher, tc)
			note("Ssl_server_not_after time zone", m.NotAfterZone, t.NotAfterZone, tc)
		}
	}
	for _, k := range order {
		out.Differences = append(out.Differences, *groups[k])
	}
	sort.SliceStable(out.Differences, func(i, j int) bool { return out.Differences[i].What < out.Differences[j].What })
	return out, nil
}

func code(n uint16) string {
	if n == 0 {
		return "none (refused by the client)"
	}
	return fmt.Sprint(n)
}
