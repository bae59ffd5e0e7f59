package tidb

import (
	"context"
	"fmt"
	"time"

	"github.com/dbtls/dbtls/conformance/mysql"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// Engine starts TiDB servers for the MySQL-family matrix of
// conformance/mysql (mysql.Engine): mysql.NewFixtureOn(Engine{}) runs the
// same matrix, oracle and Connector/J differential against TiDB.
type Engine struct{}

// Name implements mysql.Engine.
func (Engine) Name() string { return "TiDB" }

// Options maps a matrix configuration (mysql.Case.Server) onto TiDB's.
// TiDB's tls-version is a minimum, so MariaDB's tls12 (TLSv1.2 alone) has no
// TiDB counterpart; min-tls12 and tls11-ignored are TiDB's own (see
// mysql.ServerVersions).
func (Engine) Options(config string, cert, clientCA *certgen.Cert) (Options, error) {
	o := Options{TLS: config != "off", Cert: cert}
	switch config {
	case "off":
		o.Cert = nil
	case "tls":
	case "require-secure":
		o.RequireSecureTransport = true
	case "x509":
		o.ClientCA = clientCA
	case "tls13":
		o.TLSVersion = "TLSv1.3"
	case "min-tls12":
		o.TLSVersion = "TLSv1.2"
	case "tls11-ignored":
		o.TLSVersion = "TLSv1.1"
	default:
		return o, fmt.Errorf("tidb: no TiDB configuration serves %q", config)
	}
	return o, nil
}

// Start implements mysql.Engine: it waits for the binary (Binary), then
// gives the server's start three minutes within ctx.
func (e Engine) Start(ctx context.Context, config string, cert, clientCA *certgen.Cert) (int, func(), error) {
	o, err := e.Options(config, cert, clientCA)
	if err != nil {
		return 0, nil, err
	}
	if _, err := Binary(); err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		return 0, nil, err
	}
	return s.Port, s.Stop, nil
}

// Cases is the MySQL-family matrix (mysql.Cases) as TiDB can serve it, and
// TiDB's own cases:
//   - the server is named as 127.0.0.1 and as localhost; TiDB listens on one
//     address (127.0.0.1), so the cases that name it [::1] are MariaDB's only
//     (they prove the client's name check, which no server changes);
//   - MariaDB's tls12 (tls_version=TLSv1.2, that version alone) has no TiDB
//     counterpart, TiDB's tls-version being a minimum: its cases run against
//     min-tls12 (tls-version=TLSv1.2, so TLSv1.2 and TLSv1.3) instead;
//   - TiDB only: tls-version=TLSv1.1, which TiDB refuses and replaces by its
//     default (tls11-ignored), against clients that list TLSv1.1;
//   - TiDB only: REQUIRE ISSUER and REQUIRE SAN accounts with every client
//     certificate (MariaDB has no REQUIRE SAN).
func Cases() []mysql.Case {
	var out []mysql.Case
	for _, c := range mysql.Cases() {
		switch {
		case c.Host == "ipv6":
			continue
		case c.Server == "tls12":
			c.Server = "min-tls12"
		}
		out = append(out, c)
	}
	for _, v := range []string{"", "TLSv1.1", "TLSv1.1,TLSv1.2"} {
		out = append(out, mysql.Case{Mode: "REQUIRED", Server: "tls11-ignored", Cert: "good", Trust: "none", Client: "none", User: "plain", Versions: v, Host: "ipv4"})
	}
	for _, u := range []string{"issueruser", "sanuser"} {
		for _, cl := range []string{"none", "pem", "keystore", "pem-other-subject"} {
			out = append(out, mysql.Case{Mode: "REQUIRED", Server: "x509", Cert: "good", Trust: "none", Client: cl, User: u, Host: "ipv4"})
		}
	}
	return out
}
