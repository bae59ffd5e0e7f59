package mysql

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/conformance/mysqlfake"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// offeredPassword is the password both clients send the fake.
const offeredPassword = "Offered-TLS-pw_7Qz"

// TestDifferentialOfferedTLS pins, against MySQL's Connector/J 9.7.0, what a
// client gives the attacker who offers TLS with its own self-signed
// certificate and then asks for the password (mysqlfake with Config.TLS):
// caching_sha2_password's "perform full authentication" (01 04) and
// sha256_password. Under PREFERRED and REQUIRED neither client
// authenticates the server, and both send the password in clear inside
// that TLS; under VERIFY_CA (the default trust anchors, which do not hold
// the attacker's certificate) neither does. dbtls and Connector/J must
// agree case by case (docs/security.md, "What an active attacker gets").
func TestDifferentialOfferedTLS(t *testing.T) {
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed and CI is set", tool)
			}
			t.Skipf("%s not on PATH", tool)
		}
	}
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	attacker := certgen.Must(certgen.Spec{CN: "127.0.0.1", NotBefore: nb, NotAfter: na})
	offered := &tls.Config{Certificates: []tls.Certificate{attacker.TLS(false)}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	type result struct{ dbtls, connectorJ bool }
	for _, plugin := range []string{mysqlfake.CachingSHA2, mysqlfake.SHA256} {
		for _, mode := range []struct {
			name  string
			gives bool
		}{{"PREFERRED", true}, {"REQUIRED", true}, {"VERIFY_CA", false}} {
			t.Run(plugin+"/"+mode.name, func(t *testing.T) {
				gave := func(run func(port int)) bool {
					srv, err := mysqlfake.Start(mysqlfake.Config{Plugin: plugin, TLS: offered})
					if err != nil {
						t.Fatal(err)
					}
					run(srv.Port())
					srv.Close()
					s := srv.Sessions()
					return len(s) > 0 && slices.Contains(s[0].Recovered, offeredPassword)
				}
				var r result
				r.dbtls = gave(func(port int) {
					c, err := connector.New(fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?user=app&password=%s&sslMode=%s", port, offeredPassword, mode.name))
					if err != nil {
						t.Fatal(err)
					}
					cctx, ccancel := context.WithTimeout(ctx, 20*time.Second)
					defer ccancel()
					if conn, err := c.Connect(cctx); err == nil {
						conn.Close()
					}
				})
				var out jdbc.Outcome
				r.connectorJ = gave(func(port int) {
					outs, err := jdbc.Run(ctx, []jdbc.Case{{ID: "offered", Driver: "mysql", TimeoutSeconds: 20,
						URL:        fmt.Sprintf("jdbc:mysql://127.0.0.1:%d/app?sslMode=%s&connectTimeout=5000", port, mode.name),
						Properties: map[string]string{"user": "app", "password": offeredPassword}}})
					if err != nil {
						t.Fatalf("running Connector/J: %v", err)
					}
					out = outs[0]
				})
				t.Logf("Connector/J: connected=%v %s %s", out.Connected, out.Class, out.Message)
				if r != (result{mode.gives, mode.gives}) {
					t.Errorf("the attacker read the password: dbtls %v, Connector/J %v; want %v for both", r.dbtls, r.connectorJ, mode.gives)
				}
			})
		}
	}
}
