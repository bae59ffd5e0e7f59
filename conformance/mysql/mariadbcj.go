package mysql

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/kind"
)

// The MariaDB Connector/J differential: jdbc:mariadb: URLs, written in
// MariaDB Connector/J's own vocabulary (spec §1, the third column), run
// through MariaDB Connector/J 3.5.11 and 4.0.0 (conformance/jdbc, each in a
// class loader of its own) and through dbtls against the same MariaDB
// servers, compared case by case: both connect with TLS or both without
// (and with the same TLS version), or both refuse with the same kind.

// MariaDBVersions are the drivers the cases run through, newest first: the
// oracle's driver name and the version it loads.
var MariaDBVersions = []struct{ Driver, Version string }{{"mariadb-4.0", "4.0.0"}, {"mariadb-3.5", "3.5.11"}}

// MariaDBCase is one jdbc:mariadb: connection attempt.
type MariaDBCase struct {
	Group  string // the row of docs/agreement.md it counts in
	Props  string // the TLS properties as written, k=v&k=v, with $pem, $jks, $p12, $clientjks, $clientp12, $inline, $pass for the fixture's material
	Server string // a Fixture.Server configuration: tls, off, require-secure, x509, tls12, tls13
	Cert   string // a key of CertNames
	Host   string // ipv4, dns, ipv6
	User   string // a key of Users
}

// Name identifies the case.
func (c MariaDBCase) Name() string {
	return fmt.Sprintf("%s/%s/server=%s/cert=%s/host=%s/user=%s", c.Group, c.Props, c.Server, c.Cert, c.Host, c.User)
}

// MariaDBCases lists the cases: every MariaDB TLS key alone and combined,
// every mode against every certificate of the MySQL matrix, every trust
// source, the legacy keys and how they combine into a mode, the spellings
// sslMode accepts and refuses, servers without TLS or insisting on it,
// client key stores, protocol and cipher lists, and the naming dimension.
func MariaDBCases() []MariaDBCase {
	var out []MariaDBCase
	add := func(group, props, server, cert, host, user string) {
		out = append(out, MariaDBCase{Group: group, Props: props, Server: server, Cert: cert, Host: host, User: user})
	}
	modes := []string{"", "sslMode=disable", "sslMode=trust", "sslMode=verify-ca&serverSslCert=$pem", "sslMode=verify-full&serverSslCert=$pem"}
	for _, m := range modes {
		for _, cert := range certs {
			add("mode × certificate", m, "tls", cert, "ipv4", "plain")
		}
	}
	for _, trust := range []string{"serverSslCert=$inline", "serverSslCert=file:$pem", "trustStore=$jks&trustStorePassword=$pass&trustStoreType=JKS",
		"trustStore=$p12&trustStorePassword=$pass&trustStoreType=PKCS12", "trustStore=$jks&trustStorePassword=$pass",
		"trustCertificateKeyStoreUrl=file:$jks&trustCertificateKeyStorePassword=$pass", "fallbackToSystemTrustStore=true"} {
		for _, cert := range []string{"good", "untrusted"} {
			add("trust sources", "sslMode=verify-full&"+trust, "tls", cert, "ipv4", "plain")
		}
	}
	add("trust sources", "sslMode=verify-ca&fallbackToSystemTrustStore=false", "tls", "good", "ipv4", "plain")
	add("trust sources", "sslMode=verify-ca&trustStore=$jks", "tls", "good", "ipv4", "plain")
	add("trust sources", "sslMode=verify-ca&trustStore=$jks&trustStorePassword=wrong-pass", "tls", "good", "ipv4", "plain")
	add("trust sources", "sslMode=verify-ca&serverSslCert=/nonexistent/ca.pem", "tls", "good", "ipv4", "plain")
	for _, l := range []string{"useSsl=true&serverSslCert=$pem", "useSsl=true&trustServerCertificate=true",
		"useSsl=true&disableSslHostnameVerification=true&serverSslCert=$pem"} {
		for _, cert := range []string{"good", "san-other", "untrusted", "expired"} {
			add("legacy keys", l, "tls", cert, "ipv4", "plain")
		}
	}
	for _, l := range []string{"useSSL=true&serverSslCert=$pem", "useSsl=1&serverSslCert=$pem", "trustServerCertificate=true&serverSslCert=$pem",
		"disableSslHostnameVerification=true&serverSslCert=$pem", "useSsl=false&serverSslCert=$pem",
		"sslMode=disable&useSsl=true&serverSslCert=$pem", "sslMode=trust&useSsl=true&serverSslCert=$pem"} {
		add("legacy keys", l, "tls", "san-other", "ipv4", "plain")
	}
	for _, m := range []string{"DISABLED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY", "VERIFY_FULL", "Verify-Full", "true", "0",
		"PREFERRED", "verify-identity", "allow", "bogus"} {
		add("sslMode spellings", "sslMode="+m+"&serverSslCert=$pem", "tls", "san-other", "ipv4", "plain")
	}
	for _, m := range []string{"", "sslMode=disable", "sslMode=trust", "sslMode=verify-full&serverSslCert=$pem"} {
		add("servers", m, "off", "good", "ipv4", "plain")
	}
	for _, m := range []string{"sslMode=disable", "sslMode=trust"} {
		add("servers", m, "require-secure", "good", "ipv4", "plain")
		add("servers", m, "tls", "good", "ipv4", "ssluser")
	}
	for _, cl := range []string{"", "&keyStore=$clientjks&keyStorePassword=$pass&keyStoreType=JKS",
		"&clientCertificateKeyStoreUrl=file:$clientp12&clientCertificateKeyStorePassword=$pass&clientCertificateKeyStoreType=PKCS12"} {
		add("client key stores", "sslMode=trust"+cl, "x509", "good", "ipv4", "x509user")
	}
	for _, v := range []string{"TLSv1.2", "TLSv1.3"} {
		add("protocols and ciphers", "sslMode=trust&enabledSslProtocolSuites="+v, "tls12", "good", "ipv4", "plain")
	}
	for _, v := range []string{"TLSv1.2", "TLSv1.3", "TLSv1.2,TLSv1.3"} {
		add("protocols and ciphers", "sslMode=trust&enabledSslProtocolSuites="+v, "tls13", "good", "ipv4", "plain")
	}
	add("protocols and ciphers", "sslMode=trust&enabledSslCipherSuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "tls12", "good", "ipv4", "plain")
	add("protocols and ciphers", "sslMode=trust&enabledSslCipherSuites=TLS_NO_SUCH_SUITE", "tls12", "good", "ipv4", "plain")
	for _, h := range []string{"dns", "ipv6", "ipv4"} {
		for _, cert := range NameCerts {
			if h == "ipv4" && !IPCerts[cert] {
				continue // in mode × certificate
			}
			add("host names", "sslMode=verify-full&serverSslCert=$pem", "tls", cert, h, "plain")
		}
	}
	return out
}

// mariadbMaterial is the fixture's material a case's $names stand for.
func (f *Fixture) mariadbMaterial() map[string]string {
	return map[string]string{"$pem": f.trust["pem"], "$jks": f.trust["jks"], "$p12": f.trust["pkcs12"], "$clientjks": f.clientJKS,
		"$clientp12": filepath.Join(f.dir, "client.p12"), "$inline": string(f.ca.CertPEM()), "$pass": storePass}
}

// mariadbProps splits a case's properties, its $names replaced.
func (f *Fixture) mariadbProps(c MariaDBCase) [][2]string {
	m := f.mariadbMaterial()
	var out [][2]string
	for kv := range strings.SplitSeq(c.Props, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		for name, val := range m {
			v = strings.ReplaceAll(v, name, val) // no name is a part of another

		}
		out = append(out, [2]string{k, v})
	}
	return out
}

// MariaDBDSN is the case as dbtls reads it: a jdbc:mariadb: URL, every value
// percent-encoded (the inline PEM too).
func (f *Fixture) MariaDBDSN(c MariaDBCase, port int) string {
	q := []string{"user=" + url.QueryEscape(c.User), "password=" + url.QueryEscape(passwords[c.User])}
	for _, kv := range f.mariadbProps(c) {
		q = append(q, kv[0]+"="+url.QueryEscape(kv[1]))
	}
	return fmt.Sprintf("jdbc:mariadb://%s:%d/?%s", hostPart(c.Host), port, strings.Join(q, "&"))
}

// mariadbJDBC is the case as MariaDB Connector/J is given it: the same URL
// with the values as written (it decodes no percent-encoding), and the
// user, password and an inline PEM as properties.
func (f *Fixture) mariadbJDBC(c MariaDBCase, port int) (string, map[string]string) {
	props := map[string]string{"user": c.User, "password": passwords[c.User], "connectTimeout": "5000"}
	var q []string
	for _, kv := range f.mariadbProps(c) {
		if strings.HasPrefix(kv[1], "-----") {
			props[kv[0]] = kv[1]
			continue
		}
		q = append(q, kv[0]+"="+kv[1])
	}
	return fmt.Sprintf("jdbc:mariadb://%s:%d/?%s", hostPart(c.Host), port, strings.Join(q, "&")), props
}

// MariaDBOutcome is one side's outcome of a case.
type MariaDBOutcome struct {
	OK      bool
	Kind    string // the error kind (dbtls) or class (the driver) when !OK
	Version string // the TLS version when OK; "" for plaintext
}

func (o MariaDBOutcome) String() string {
	if !o.OK {
		return "refused " + o.Kind
	}
	return "connected " + ifEmpty(o.Version, "plaintext")
}

func ifEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// MariaDBResult is a case with dbtls's outcome and each driver version's.
type MariaDBResult struct {
	Case    MariaDBCase
	DBTLS   MariaDBOutcome
	Drivers []MariaDBOutcome // in the order of MariaDBVersions
	Message []string         // the drivers' messages
}

// RunMariaDB runs the cases through dbtls and through each MariaDB
// Connector/J version.
func RunMariaDB(ctx context.Context, f *Fixture, cases []MariaDBCase) ([]MariaDBResult, error) {
	out := make([]MariaDBResult, len(cases))
	var jcases []jdbc.Case
	for i, c := range cases {
		port, err := f.Port(c.Server, c.Cert)
		if err != nil {
			return nil, err
		}
		info, _, err := Attempt(ctx, f.MariaDBDSN(c, port))
		out[i] = MariaDBResult{Case: c, DBTLS: MariaDBOutcome{OK: err == nil, Kind: string(kind.Of(err)), Version: info.Version}}
		if err != nil {
			out[i].DBTLS.Version = ""
		}
		u, props := f.mariadbJDBC(c, port)
		for _, v := range MariaDBVersions {
			jcases = append(jcases, jdbc.Case{ID: fmt.Sprintf("%d/%s", i, v.Driver), Driver: v.Driver, URL: u, Properties: props, TimeoutSeconds: 20})
		}
	}
	outs, err := jdbc.Run(ctx, jcases)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range MariaDBVersions {
			o := outs[i*len(MariaDBVersions)+j]
			out[i].Drivers = append(out[i].Drivers, MariaDBOutcome{OK: o.Connected, Kind: o.Class, Version: o.TLSVersion})
			out[i].Message = append(out[i].Message, o.Message)
		}
	}
	return out, nil
}

// same reports whether two outcomes agree: both connect, with TLS of the
// same version or both in plaintext, or both refuse with the same kind.
func (o MariaDBOutcome) same(d MariaDBOutcome) bool {
	if o.OK || d.OK {
		return o.OK && d.OK && o.Version == d.Version
	}
	return o.Kind == d.Kind
}
