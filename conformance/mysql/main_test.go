package mysql

import (
	"os"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"sync"
	"testing"
)

var (
	fxOnce sync.Once
	fx     *Fixture
	fxErr  error
)

func getFixture(t *testing.T) *Fixture {
	fxOnce.Do(func() { fx, fxErr = NewFixture() })
	if fxErr != nil {
		t.Fatal(fxErr)
	}
	return fx
}

// server is Fixture.Server for a test: without a server the test fails
// under CI and is skipped elsewhere.
func server(t *testing.T, f *Fixture, config, cert string) *mariadb.Server {
	s, err := f.Server(config, cert)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("a MariaDB server is needed and CI is set: %v", err)
		}
		t.Skipf("no MariaDB server: %v", err)
	}
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fx != nil {
		fx.Close()
	}
	os.Exit(code)
}
