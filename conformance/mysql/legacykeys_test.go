package mysql

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

// legacyCase is one connection string run through Connector/J and through
// dbtls against the same MariaDB server, with what each must do: "tls" (a
// connection with TLS), "plain" (one without), or the kind it fails with
// ("refused" for Connector/J: any failure before connecting).
type legacyCase struct {
	id        string
	url       string // %[1]s host:port, %[2]s user, password and connectTimeout as parameters, %[3]s them as (host=…,…), %[4]s address's host)(port, %[5]s the JKS trust store's file: URL, %[6]s the client key store's
	connJ     string
	dbtls     string
	warning   string // dbtls: a warning holding this (Connector.Warnings)
	divergent string // docs/divergences.md row, where the two must differ
}

// TestLegacyKeysAndHostFormsConnectorJ proves against Connector/J 9.7 and MariaDB: sslMode beside useSSL, requireSSL or
// verifyServerCertificate is accepted and decides (the legacy key ignored,
// with a warning); Connector/J's single-host forms connect with their
// per-host properties; and empty TLS values behave as Connector/J's do
// (spec §8), accepted ones with a warning naming the property, except the
// empty key store types of docs/divergences.md #32.
func TestLegacyKeysAndHostFormsConnectorJ(t *testing.T) {
	f := getFixture(t)
	s := server(t, f, "tls", "good")
	cases := []legacyCase{
		{id: "sslMode=REQUIRED&useSSL=false", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&useSSL=false", connJ: "tls", dbtls: "tls", warning: "useSSL=false is ignored"},
		{id: "sslMode=DISABLED&useSSL=true&requireSSL=true", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=DISABLED&useSSL=true&requireSSL=true", connJ: "plain", dbtls: "plain", warning: "requireSSL=true is ignored"},
		{id: "sslMode=REQUIRED&verifyServerCertificate=true", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&verifyServerCertificate=true", connJ: "tls", dbtls: "tls", warning: "verifyServerCertificate=true is ignored"},
		{id: "requireSSL=true&sslMode=PREFERRED", url: "jdbc:mysql://%[1]s/?%[2]s&requireSSL=true&sslMode=PREFERRED", connJ: "tls", dbtls: "tls", warning: "requireSSL=true is ignored"},
		{id: "(host=…,port=…,sslMode=REQUIRED)", url: "jdbc:mysql://(%[3]s,sslMode=REQUIRED)/", connJ: "tls", dbtls: "tls"},
		{id: "address=(host=…)(port=…)(sslMode=REQUIRED)", url: "jdbc:mysql://address=(%[4]s)(sslMode=REQUIRED)/?%[2]s", connJ: "tls", dbtls: "tls"},
		{id: "address=(host=…)(port=…)(sslMode=DISABLED)", url: "jdbc:mysql://address=(%[4]s)(sslMode=DISABLED)/?%[2]s", connJ: "plain", dbtls: "plain"},
		{id: "empty trustCertificateKeyStoreUrl", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=",
			connJ: string(kind.UntrustedCertificate), dbtls: string(kind.UntrustedCertificate), warning: "trustCertificateKeyStoreUrl is empty"},
		{id: "empty trustCertificateKeyStorePassword", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=%[5]s&trustCertificateKeyStorePassword=",
			connJ: string(kind.TruststoreIntegrity), dbtls: string(kind.TruststoreIntegrity)},
		{id: "empty trustCertificateKeyStoreType", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=%[5]s&trustCertificateKeyStorePassword=" + storePass + "&trustCertificateKeyStoreType=",
			connJ: string(kind.UntrustedCertificate), dbtls: string(kind.InvalidDSN), divergent: "#32"},
		{id: "empty clientCertificateKeyStoreType", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&clientCertificateKeyStoreUrl=%[6]s&clientCertificateKeyStorePassword=" + storePass + "&clientCertificateKeyStoreType=",
			connJ: "tls", dbtls: string(kind.InvalidDSN), divergent: "#32"},
		{id: "empty clientCertificateKeyStoreUrl", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&clientCertificateKeyStoreUrl=", connJ: "tls", dbtls: "tls", warning: "clientCertificateKeyStoreUrl is empty"},
		{id: "empty tlsCiphersuites", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&tlsCiphersuites=", connJ: "tls", dbtls: "tls", warning: "tlsCiphersuites is empty"},
		{id: "empty tlsVersions", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&tlsVersions=", connJ: "refused", dbtls: string(kind.InvalidDSN)},
		{id: "empty sslMode", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=", connJ: "refused", dbtls: string(kind.InvalidDSN)},
		{id: "empty useSSL", url: "jdbc:mysql://%[1]s/?%[2]s&sslMode=REQUIRED&useSSL=", connJ: "refused", dbtls: string(kind.InvalidDSN)},
	}
	pw := url.QueryEscape(passwords["plain"])
	args := []any{
		fmt.Sprintf("127.0.0.1:%d", s.Port),
		"user=plain&password=" + pw + "&connectTimeout=5000",
		fmt.Sprintf("host=127.0.0.1,port=%d,user=plain,password=%s", s.Port, pw),
		fmt.Sprintf("host=127.0.0.1)(port=%d", s.Port),
		url.QueryEscape("file:" + f.trust["jks"]),
		url.QueryEscape("file:" + f.clientJKS),
	}
	var jc []jdbc.Case
	for _, c := range cases {
		jc = append(jc, jdbc.Case{ID: c.id, Driver: "mysql", URL: fmt.Sprintf(c.url, args...), TimeoutSeconds: 20})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	outs, err := jdbc.Run(ctx, jc)
	if err != nil {
		t.Fatalf("running Connector/J: %v", err)
	}
	for i, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			o := outs[i]
			got := o.Class
			switch {
			case o.Connected && o.TLSVersion != "":
				got = "tls"
			case o.Connected:
				got = "plain"
			case c.connJ == "refused":
				got = "refused"
			}
			if got != c.connJ {
				t.Errorf("Connector/J: %s (%s: %.300s); want %s", got, o.Class, o.Message, c.connJ)
			}
			info, _, derr := Attempt(ctx, jc[i].URL)
			got = string(kind.Of(derr))
			switch {
			case derr == nil && info.Version != "":
				got = "tls"
			case derr == nil:
				got = "plain"
			}
			if got != c.dbtls {
				t.Errorf("dbtls: %s (%v); want %s", got, derr, c.dbtls)
			}
			if c.warning != "" {
				cn, err := connector.New(jc[i].URL)
				if err != nil {
					t.Fatalf("connector.New: %v", err)
				}
				if w := cn.Warnings(); !slices.ContainsFunc(w, func(s string) bool { return strings.Contains(s, c.warning) }) {
					t.Errorf("dbtls warnings %q; want one holding %q", w, c.warning)
				}
			}
			if derr != nil && strings.Contains(derr.Error(), passwords["plain"]) {
				t.Errorf("dbtls error shows the password: %v", derr)
			}
		})
	}
}
