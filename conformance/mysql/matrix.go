package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/connector"
)

var (
	modes    = []string{"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY", "jdbc:encrypt=false", "jdbc:encrypt+tsc", "jdbc:encrypt=true"}
	certs    = []string{"good", "cn-only", "san-other", "wildcard", "expired", "untrusted", "self-signed"}
	verifies = map[string]bool{"VERIFY_CA": true, "VERIFY_IDENTITY": true, "jdbc:encrypt=true": true}
)

// Cases builds the matrix. Pruned, and why:
//   - trust sources are varied only where a chain is checked (VERIFY_CA,
//     VERIFY_IDENTITY, encrypt=true): elsewhere no trust anchor is consulted;
//   - against a server without TLS, or one that refuses before TLS, the
//     server certificate cannot matter: only "good" is kept;
//   - users with REQUIRE clauses and client certificates are varied against
//     a good certificate under REQUIRED: the certificate checks are the
//     matrix's other axes and do not interact with the account;
//   - the system trust store cannot hold this run's CA without changing the
//     machine, so "system" is covered by the verify unit tests instead;
//   - the naming dimension (how the DSN names the server: 127.0.0.1, which
//     the rest of the matrix uses, localhost or [::1]) is crossed with the
//     modes that check a name (VERIFY_IDENTITY, encrypt=true) and every
//     certificate whose names differ, under one trust source (PEM); the
//     other modes check no name and are run once each against the good
//     certificate, so that every mode connects to every host.
func Cases() []Case {
	var out []Case
	for _, m := range modes {
		trusts := []string{"none"}
		if verifies[m] {
			trusts = []string{"pem", "jks", "pkcs12"}
		}
		for _, c := range certs {
			for _, tr := range trusts {
				out = append(out, Case{Mode: m, Server: "tls", Cert: c, Trust: tr, Client: "none", User: "plain"})
			}
		}
		out = append(out, Case{Mode: m, Server: "off", Cert: "good", Trust: trusts[0], Client: "none", User: "plain"})
		out = append(out, Case{Mode: m, Server: "require-secure", Cert: "good", Trust: trusts[0], Client: "none", User: "plain"})
		out = append(out, Case{Mode: m, Server: "tls", Cert: "good", Trust: trusts[0], Client: "none", User: "ssluser"})
	}
	for _, srv := range []string{"tls12", "tls13"} {
		for _, v := range []string{"", "TLSv1.2", "TLSv1.3", "TLSv1.2,TLSv1.3"} {
			out = append(out, Case{Mode: "REQUIRED", Server: srv, Cert: "good", Trust: "none", Client: "none", User: "plain", Versions: v})
		}
	}
	// TLSv1.1 listed explicitly (spec §5: accepted, with a warning): alone it
	// has no version in common with the server, beside TLSv1.2 it gives way.
	for _, v := range []string{"TLSv1.1", "TLSv1.1,TLSv1.2"} {
		out = append(out, Case{Mode: "REQUIRED", Server: "tls12", Cert: "good", Trust: "none", Client: "none", User: "plain", Versions: v})
	}
	for _, u := range []string{"x509user", "subjuser", "plain"} {
		for _, cl := range []string{"none", "pem", "keystore", "pem-other-subject"} {
			out = append(out, Case{Mode: "REQUIRED", Server: "x509", Cert: "good", Trust: "none", Client: cl, User: u})
		}
	}
	for i := range out {
		out[i].Host = "ipv4"
	}
	return append(out, NamingCases()...)
}

// Hosts are the values of the naming dimension; NameCerts the certificates
// it crosses with the modes that check a name (IPCerts are its own).
var (
	Hosts     = []string{"dns", "ipv4", "ipv6"}
	NameCerts = []string{"good", "cn-only", "san-other", "wildcard", "ip-san", "cn-ipv6", "wildcard-ip"}
	IPCerts   = map[string]bool{"ip-san": true, "cn-ipv6": true, "wildcard-ip": true}
)

// NamingCases are the matrix's cases that name the server as localhost or
// [::1], or serve an IP certificate (see Cases).
func NamingCases() []Case {
	var out []Case
	for _, h := range Hosts {
		for _, m := range modes {
			if effectiveMode(m) != "VERIFY_IDENTITY" {
				if h != "ipv4" {
					trust := "none"
					if verifies[m] {
						trust = "pem"
					}
					out = append(out, Case{Mode: m, Server: "tls", Cert: "good", Trust: trust, Client: "none", User: "plain", Host: h})
				}
				continue
			}
			for _, cert := range NameCerts {
				if h == "ipv4" && !IPCerts[cert] {
					continue // in the matrix above
				}
				out = append(out, Case{Mode: m, Server: "tls", Cert: cert, Trust: "pem", Client: "none", User: "plain", Host: h})
			}
		}
	}
	return out
}

func (c Case) Name() string {
	return fmt.Sprintf("%s/server=%s/cert=%s/trust=%s/client=%s/user=%s/versions=%s/host=%s", c.Mode, c.Server, c.Cert, c.Trust, c.Client, c.User, c.Versions, c.Host)
}

// Users are the accounts of the matrix and their passwords: those of
// conformance/mariadb, and the two with REQUIRE ISSUER and REQUIRE SAN that
// conformance/tidb also creates (the same names and passwords).
var Users = map[string]string{"plain": mariadb.PlainPassword, "ssluser": mariadb.SSLPassword, "x509user": mariadb.X509Password,
	"subjuser": mariadb.SubjPassword, "issueruser": "issuer-pw", "sanuser": "san-pw"}

var passwords = Users

// DSNFor writes the case as a Connector/J URL, in the vocabulary its mode
// uses, for the MariaDB server s.
func (f *Fixture) DSNFor(c Case, s *mariadb.Server) string { return f.DSN(c, s.Port) }

// DSN writes the case as a Connector/J URL, in the vocabulary its mode uses,
// for the server on port.
func (f *Fixture) DSN(c Case, port int) string {
	q := url.Values{}
	q.Set("user", c.User)
	q.Set("password", passwords[c.User])
	jdbcVocab := strings.HasPrefix(c.Mode, "jdbc:")
	switch c.Mode {
	case "jdbc:encrypt=false":
		q.Set("encrypt", "false")
	case "jdbc:encrypt+tsc":
		q.Set("encrypt", "true")
		q.Set("trustServerCertificate", "true")
	case "jdbc:encrypt=true":
		q.Set("encrypt", "true")
	default:
		q.Set("sslMode", c.Mode)
	}
	switch {
	case c.Trust == "pem" && !jdbcVocab:
		q.Set("ssl-ca", f.trust["pem"])
	case c.Trust == "pem":
		q.Set("trustStore", f.trust["pem"])
	case (c.Trust == "jks" || c.Trust == "pkcs12") && !jdbcVocab:
		q.Set("trustCertificateKeyStoreUrl", "file:"+f.trust[c.Trust])
		q.Set("trustCertificateKeyStorePassword", storePass)
	case c.Trust == "jks" || c.Trust == "pkcs12":
		q.Set("trustStore", f.trust[c.Trust])
		q.Set("trustStorePassword", storePass)
	}
	switch c.Client {
	case "pem":
		q.Set("ssl-cert", f.clientPEM[0])
		q.Set("ssl-key", f.clientPEM[1])
	case "pem-other-subject":
		q.Set("ssl-cert", f.otherPEM[0])
		q.Set("ssl-key", f.otherPEM[1])
	case "keystore":
		q.Set("clientCertificateKeyStoreUrl", "file:"+f.clientJKS)
		q.Set("clientCertificateKeyStorePassword", storePass)
	}
	if c.Versions != "" {
		q.Set("tlsVersions", c.Versions)
	}
	return fmt.Sprintf("jdbc:mysql://%s:%d/?%s", hostPart(c.Host), port, q.Encode())
}

// Attempt connects once and, on success, compares the connection's record
// with the server's own view (SHOW STATUS LIKE 'Ssl%').
func Attempt(ctx context.Context, dsn string) (connector.ConnInfo, map[string]string, error) {
	db, err := connector.OpenDB(dsn)
	if err != nil {
		return connector.ConnInfo{}, nil, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return connector.ConnInfo{}, nil, err
	}
	defer conn.Close()
	var one int
	if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return connector.ConnInfo{}, nil, err
	}
	info, err := connector.Info(conn)
	if err != nil {
		return info, nil, err
	}
	status := map[string]string{}
	for _, k := range []string{"Ssl_version", "Ssl_cipher", "Ssl_server_not_after"} {
		v, err := mariadb.Status(ctx, conn, k)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return info, nil, err
		}
		status[k] = v
	}
	return info, status, nil
}
