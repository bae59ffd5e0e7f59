package sqlserver

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"
)

var (
	matrix    *Matrix
	matrixErr error
)

// sharedMatrix returns the fixture and servers TestMain started.
func sharedMatrix(t *testing.T) *Matrix {
	t.Helper()
	if matrixErr != nil {
		t.Fatal(matrixErr)
	}
	return matrix
}

// TestMain starts the matrix before any test runs, because it points the
// process's default trust (SSL_CERT_FILE, JAVA_HOME) at the fixture, and Go
// reads the host's pool once, on first use.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dbtls-matrix-")
	if err == nil {
		matrix, matrixErr = NewMatrix(dir)
	} else {
		matrixErr = err
	}
	code := m.Run()
	if matrix != nil {
		matrix.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// plainGoMssqldb connects with go-mssqldb alone, translating the JDBC URL's
// few keys by hand. It is no implementation of the table: it is used only on
// rows 1 and 2, where go-mssqldb told trustServerCertificate=true does what
// the table says, to prove the matrix's servers, fixture and checks.
func plainGoMssqldb(ctx context.Context, jdbcURL string) Attempt {
	rest := strings.TrimPrefix(jdbcURL, "jdbc:sqlserver://")
	parts := strings.Split(rest, ";")
	q := url.Values{}
	q.Set("trustServerCertificate", "true")
	q.Set("dial timeout", "5")
	encrypt := "false"
	for _, kv := range parts[1:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "applicationName":
			q.Set("app name", v)
		case "encrypt":
			encrypt = v
		}
	}
	q.Set("encrypt", encrypt)
	db, err := sql.Open("sqlserver", "sqlserver://sa:pw@"+parts[0]+"?"+q.Encode())
	if err != nil {
		return Attempt{Err: err}
	}
	defer db.Close()
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return Attempt{Err: err}
	}
	return Attempt{}
}

// TestMatrixMachinery runs the connecting cases of rows 1 and 2 with plain
// go-mssqldb, checking the servers' records against the oracle. (go-mssqldb
// cannot report login-only or full TLS itself, so only the server's side is
// compared: Attempt says "none" and the check is given that.)
func TestMatrixMachinery(t *testing.T) {
	m := sharedMatrix(t)
	kept, _ := Cases()
	n := 0
	for _, c := range kept {
		o := Oracle(c)
		if (o.Row != "1" && o.Row != "2") || !o.Connects {
			continue
		}
		n++
		c := c
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			// Claim the client-side view the oracle wants: go-mssqldb has
			// no way to say it; the server's record is what is checked.
			connect := func(ctx context.Context, u string) Attempt {
				a := plainGoMssqldb(ctx, u)
				a.Encrypted = o.Encryption == "full"
				a.LoginOnly = o.Encryption == "login-only"
				return a
			}
			if err := m.Check(ctx, c, connect); err != nil {
				t.Error(err)
			}
		})
	}
	if n == 0 {
		t.Fatal("no case ran")
	}
}
