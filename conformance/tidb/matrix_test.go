package tidb

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mysql"
)

var (
	fxOnce sync.Once
	fx     *mysql.Fixture
	fxErr  error
)

// getFixture is the run's certificates and stores (conformance/mysql's
// fixture) with TiDB servers; stopped by TestMain.
func getFixture(t *testing.T) *mysql.Fixture {
	fxOnce.Do(func() { fx, fxErr = mysql.NewFixtureOn(Engine{}) })
	if fxErr != nil {
		t.Fatal(fxErr)
	}
	return fx
}

// port is Fixture.Port for a test: without a TiDB server the test fails
// under CI and is skipped elsewhere.
func port(t *testing.T, f *mysql.Fixture, config, cert string) int {
	t.Helper()
	p, err := f.Port(config, cert)
	if err != nil {
		Unavailable(t, err)
	}
	return p
}

// TestSameAccountsAsTheMatrix: the accounts this harness creates are those
// the matrix's oracle and DSNs name.
func TestSameAccountsAsTheMatrix(t *testing.T) {
	for _, u := range Users() {
		if pw, ok := mysql.Users[u.User]; !ok || pw != u.Password {
			t.Errorf("account %s: the matrix knows password %q (%v)", u.User, pw, ok)
		}
	}
	if ClientSubject != mysql.RequiredSubject || ClientIssuer != mysql.RequiredIssuer || ClientSAN != "DNS:"+mysql.RequiredSANDNS {
		t.Errorf("REQUIRE clauses %q %q %q differ from the oracle's %q %q %q", ClientSubject, ClientIssuer, ClientSAN,
			mysql.RequiredSubject, mysql.RequiredIssuer, mysql.RequiredSANDNS)
	}
}

// TestMatrix runs the MySQL-family matrix against TiDB: every case through
// dbtls's connector and go-sql-driver, its outcome compared with the oracle
// written from the spec (mysql.Expect), and on every connection TiDB's own
// Ssl_version, Ssl_cipher and Ssl_server_not_after compared with the
// connection's record (mysql.Check).
func TestMatrix(t *testing.T) {
	waitBinary(t)
	f := getFixture(t)
	if err := f.StartServers(Cases(), 2); err != nil {
		Unavailable(t, err)
	}
	type tally struct{ cases, passed int }
	var mu sync.Mutex
	summary := map[string]*tally{}
	t.Cleanup(func() {
		var keys []string
		for k := range summary {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Logf("%-20s %3d cases, %3d as the spec says", k, summary[k].cases, summary[k].passed)
		}
	})
	for _, c := range Cases() {
		p := port(t, f, c.Server, c.Cert)
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			want := mysql.Expect(c)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			info, status, err := mysql.Attempt(ctx, f.DSN(c, p))
			e := mysql.Check(want, info, status, err)
			if e != nil {
				t.Error(e)
			}
			mu.Lock()
			if summary[c.Mode] == nil {
				summary[c.Mode] = &tally{}
			}
			summary[c.Mode].cases++
			if e == nil {
				summary[c.Mode].passed++
			}
			mu.Unlock()
		})
	}
}
