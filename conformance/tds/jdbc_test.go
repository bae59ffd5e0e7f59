package tds

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
)

// TestMssqlJdbc proves the server with mssql-jdbc 13.x: encrypt=false (which
// sends ENCRYPT_OFF and so gets login-only TLS from a server set to OFF),
// true and strict, each with trustServerCertificate=true and with a JKS
// trust store that keytool made from the test CA, against every server
// setting. Where it connects, the TLS version JDBC reports must be the one
// the server logged.
func TestMssqlJdbc(t *testing.T) {
	srvs := servers(t)
	_, err := exec.LookPath("keytool")
	needTool(t, "keytool makes the JDBC trust store", err)
	store := filepath.Join(sharedDir, "jdbc-trust.jks")
	out, err := exec.Command("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", sharedCA,
		"-keystore", store, "-storetype", "JKS", "-storepass", "changeit").CombinedOutput()
	if err != nil {
		t.Fatalf("keytool: %v\n%s", err, out)
	}
	modes := []struct{ encrypt, sends string }{{"false", "OFF"}, {"true", "ON"}, {"strict", "strict"}}
	trusts := map[string]map[string]string{
		"tsc":   {"trustServerCertificate": "true"},
		"store": {"trustStore": store, "trustStorePassword": "changeit"},
	}
	type pending struct {
		srv  *Server
		exp  Negotiated
		name string
	}
	var cases []jdbc.Case
	byID := map[string]pending{}
	for _, m := range modes {
		for trustName, trust := range trusts {
			if m.encrypt == "strict" && trustName == "tsc" {
				continue // strict ignores trustServerCertificate: only the store case is meaningful
			}
			for _, st := range serverSettings {
				id := fmt.Sprintf("jdbc-%s-%s-%s", m.encrypt, trustName, st.Name)
				props := map[string]string{"user": "sa", "password": "pw", "encrypt": m.encrypt, "applicationName": id, "loginTimeout": "5"}
				for k, v := range trust {
					props[k] = v
				}
				cases = append(cases, jdbc.Case{
					ID: id, Driver: "mssql", Query: "SELECT 1", TimeoutSeconds: 10, Properties: props,
					URL: fmt.Sprintf("jdbc:sqlserver://localhost:%d", srvs[st.Name].Port()),
				})
				byID[id] = pending{srvs[st.Name], want[m.sends][st.Name], id}
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	outs, err := jdbc.Run(ctx, cases)
	needTool(t, "running mssql-jdbc through conformance/jdbc", err)
	if len(outs) != len(cases) {
		t.Fatalf("%d outcomes for %d cases", len(outs), len(cases))
	}
	for _, o := range outs {
		p := byID[o.ID]
		t.Run(o.ID, func(t *testing.T) {
			if p.exp == "" {
				if o.Connected {
					t.Fatalf("connected; want a refusal")
				}
				t.Logf("refused as expected: %s: %s", o.Class, o.Message)
				return
			}
			if !o.Connected {
				t.Fatalf("refused (%s: %s); want %s encryption", o.Class, o.Message, p.exp)
			}
			rec, err := p.srv.WaitRecord(ctx, func(r Record) bool { return r.AppName == o.ID })
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, rec, p.exp, "SELECT 1")
			if o.TLSVersion != "" && p.exp != NegNone && o.TLSVersion != rec.TLSVersion {
				t.Errorf("JDBC reports %s, the server logged %s", o.TLSVersion, rec.TLSVersion)
			}
		})
	}
}
