package jdbc

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func need(t *testing.T) {
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed and CI is set", tool)
			}
			t.Skipf("%s not on PATH", tool)
		}
	}
}

// TestRunClassifiesRealDriverFailures runs both real drivers on cases whose
// outcome is known without a database: a closed port is "network" for both.
func TestRunClassifiesRealDriverFailures(t *testing.T) {
	need(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	outs, err := Run(ctx, []Case{
		{ID: "mysql-closed", Driver: "mysql", URL: "jdbc:mysql://127.0.0.1:" + port + "/?connectTimeout=3000", TimeoutSeconds: 10},
		{ID: "mssql-closed", Driver: "mssql", URL: "jdbc:sqlserver://127.0.0.1:" + port + ";encrypt=false;loginTimeout=3", TimeoutSeconds: 10},
	})
	require.NoError(t, err)
	require.Len(t, outs, 2)
	for _, o := range outs {
		require.False(t, o.Connected, o.ID)
		require.Equal(t, "network", o.Class, "%s: %s", o.ID, o.Message)
		require.NotEmpty(t, o.Exception)
	}
}

// TestMariaDBVersionsIsolated: the two MariaDB Connector/J versions, one
// Maven artifact, each run the cases given to it, in a class loader of its
// own: a closed port is "network" for both, and each reports its own
// version.
func TestMariaDBVersionsIsolated(t *testing.T) {
	need(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	url := "jdbc:mariadb://127.0.0.1:" + port + "/?sslMode=disable&connectTimeout=3000"
	outs, err := Run(ctx, []Case{
		{ID: "4.0", Driver: "mariadb-4.0", URL: url, TimeoutSeconds: 10},
		{ID: "3.5", Driver: "mariadb-3.5", URL: url, TimeoutSeconds: 10},
		{ID: "4.0 again", Driver: "mariadb-4.0", URL: url, TimeoutSeconds: 10},
	})
	require.NoError(t, err)
	require.Len(t, outs, 3)
	for i, want := range []string{"4.0", "3.5", "4.0"} {
		require.False(t, outs[i].Connected, outs[i].ID)
		require.Equal(t, "network", outs[i].Class, "%s: %s", outs[i].ID, outs[i].Message)
		require.Equal(t, want, outs[i].DriverVersion, outs[i].ID)
	}
}
