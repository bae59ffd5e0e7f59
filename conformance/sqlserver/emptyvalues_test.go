package sqlserver

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

// TestEmptyTLSValuesMssqlJdbc runs each TLS property of the SQL Server
// vocabulary written empty through mssql-jdbc 13.4 and through dbtls against
// the same TDS server (spec §8): both connect, or both
// refuse, and where dbtls accepts an empty value a warning names it. An
// empty hostNameInCertificate is invalid-dsn in dbtls where mssql-jdbc
// checks the certificate against an empty name (docs/divergences.md #33).
func TestEmptyTLSValuesMssqlJdbc(t *testing.T) {
	m := sharedMatrix(t)
	tlsCase := Case{Encrypt: "true", Server: "on", Cert: "good"}
	jks := Case{Encrypt: "true", Store: "jks", Password: "right", Server: "on", Cert: "good"}
	strict := Case{Encrypt: "strict", Server: "strict-only", Cert: "good"}
	cases := []struct {
		id      string
		base    Case
		extra   string // appended to the case's URL
		jdbc    string // mssql-jdbc: "ok", or the class it fails with ("refused": any failure)
		dbtls   string // "ok", or the kind
		warning string
	}{
		{"empty hostNameInCertificate", tlsCase, ";hostNameInCertificate=", string(kind.HostnameMismatch), string(kind.InvalidDSN), ""},
		{"empty trustStore", tlsCase, ";trustStore=", "refused", string(kind.TruststoreUnreadable), ""},
		{"empty trustStore with a password", tlsCase, ";trustStore=;trustStorePassword=" + StorePassword, "refused", string(kind.TruststoreUnreadable), ""},
		{"empty trustStorePassword", tlsCase, ";trustStorePassword=", string(kind.TruststoreIntegrity), string(kind.TruststoreIntegrity), ""},
		{"empty trustStoreType", jks, ";trustStoreType=", "ok", "ok", "trustStoreType is empty"},
		{"empty sslProtocol", tlsCase, ";sslProtocol=", "refused", string(kind.InvalidDSN), ""},
		{"empty serverCertificate", strict, ";serverCertificate=", "refused", string(kind.TruststoreUnreadable), ""},
		{"empty encrypt", Case{Server: "on", Cert: "good"}, ";encrypt=", "refused", string(kind.InvalidDSN), ""},
		{"empty trustServerCertificate", tlsCase, ";trustServerCertificate=", "refused", string(kind.InvalidDSN), ""},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var jc []jdbc.Case
	var urls []string
	for _, c := range cases {
		srv := m.Servers.ForCase(c.base)
		urls = append(urls, m.JDBCURL(c.base, srv.Port(), "empty-dbtls")+c.extra)
		j := m.JVMCase(c.base, srv.Port(), "empty-jdbc")
		for _, kv := range strings.Split(strings.TrimPrefix(c.extra, ";"), ";") {
			k, v, _ := strings.Cut(kv, "=")
			j.Properties[k] = v
		}
		j.ID = c.id
		jc = append(jc, j)
	}
	store := filepath.Join(m.Fixture.JavaHome, "lib", "security", "jssecacerts")
	outs, err := jdbc.RunJVM(ctx, []string{"-Djavax.net.ssl.trustStore=" + store, "-Djavax.net.ssl.trustStorePassword=" + StorePassword}, jc)
	if err != nil {
		t.Fatalf("running mssql-jdbc: %v", err)
	}
	for i, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			o := outs[i]
			got := o.Class
			switch {
			case o.Connected:
				got = "ok"
			case c.jdbc == "refused":
				got = "refused"
			}
			if got != c.jdbc {
				t.Errorf("mssql-jdbc: %s (%s: %.300s); want %s", got, o.Class, o.Message, c.jdbc)
			}
			a := ViaConnector(ctx, urls[i])
			got = string(kind.Of(a.Err))
			if a.Err == nil && a.Encrypted {
				got = "ok"
			}
			if got != c.dbtls {
				t.Errorf("dbtls: %s (%v, encrypted=%v); want %s", got, a.Err, a.Encrypted, c.dbtls)
			}
			if c.id == "empty hostNameInCertificate" && (a.Err == nil || !strings.Contains(a.Err.Error(), "(hostNameInCertificate=)")) {
				t.Errorf("dbtls: %v; want the error to name hostNameInCertificate", a.Err)
			}
			if c.warning != "" {
				cn, err := connector.New(urls[i], connector.WithLogger(quiet))
				if err != nil {
					t.Fatalf("connector.New: %v", err)
				}
				if w := cn.Warnings(); !slices.ContainsFunc(w, func(s string) bool { return strings.Contains(s, c.warning) }) {
					t.Errorf("dbtls warnings %q; want one holding %q", w, c.warning)
				}
			}
		})
	}
}

// TestDocumentedIPv6Forms: Microsoft's documented IPv6 form
// (jdbc:sqlserver://;serverName=::1, the form mssql-jdbc reads, see
// TestMssqlJdbcBracketedIPv6) and ADO's server=[::1],port reach our TDS
// server through dbtls, the certificate checked against ::1.
func TestDocumentedIPv6Forms(t *testing.T) {
	m := sharedMatrix(t)
	c := Case{Encrypt: "true", Store: "jks", Password: "right", Server: "on", Cert: "cn-ipv6", Host: "ipv6"}
	srv := m.Servers.ForCase(c)
	_, props, _ := strings.Cut(m.JDBCURL(c, srv.Port(), "ipv6-forms"), ";")
	port := strconv.Itoa(srv.Port())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, u := range []string{
		"jdbc:sqlserver://;serverName=::1;portNumber=" + port + ";" + props,
		"server=[::1]," + port + ";" + props,
	} {
		if a := ViaConnector(ctx, u); a.Err != nil || !a.Encrypted {
			t.Errorf("dbtls with %s: %v (encrypted=%v); want a fully encrypted connection", u, a.Err, a.Encrypted)
		}
	}
}
