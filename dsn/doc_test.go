package dsn

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPropertiesDoc: docs/properties.md names every key of the tables in
// code (the long lists of ignored Connector/J and MariaDB properties are
// pointed to, not copied).
func TestPropertiesDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/properties.md")
	require.NoError(t, err)
	doc := strings.ToLower(string(b))
	var keys []string
	keys = append(keys, tlsKeySpellings...)
	for _, m := range []map[string]string{sqlServerConnectKeys, sqlServerDriverParams, mysqlDriverParams, connectorJMapped, refusedKeys, mysqlRefused} {
		for k := range m {
			keys = append(keys, k)
		}
	}
	for k := range sqlServerIgnored {
		keys = append(keys, k)
	}
	keys = append(keys, "sessionVariables")
	for _, k := range keys {
		require.Contains(t, doc, "`"+strings.ToLower(k)+"`", "docs/properties.md does not name %s", k)
	}
	require.Contains(t, doc, "connectorjignored")
}

// TestNoDriverDependency: dsn reads and writes connection strings without
// either driver: building the drivers' configurations is
// package connector's.
func TestNoDriverDependency(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, dep := range strings.Fields(string(out)) {
		require.NotContains(t, dep, "go-sql-driver", "dsn depends on %s", dep)
		require.NotContains(t, dep, "go-mssqldb", "dsn depends on %s", dep)
	}
	require.Contains(t, string(out), "github.com/dbtls/dbtls/dsn")
}
