package connector

import (
	"testing"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// A Config built as a struct goes through the checks Parse runs.

// TestStructBuiltConfigIsChecked: encrypt=false with sslMode=VERIFY_IDENTITY
// on a MySQL Config is refused by NewFromConfig as by Parse (two
// vocabularies for the TLS mode). Before, the struct path skipped the check
// and resolved to PREFERRED: no certificate check, and plaintext when the
// server (or a machine in the middle) offers no TLS.
func TestStructBuiltConfigIsChecked(t *testing.T) {
	cfg := &dsn.Config{Family: dsn.MySQL, Shape: dsn.ShapeJDBCMySQL, Host: "db.example.com", Database: "orders", User: "app", Password: "pw",
		TLS: dsn.TLS{
			Encrypt: dsn.Setting[dsn.Encrypt]{Key: "encrypt", Raw: "false", Value: dsn.EncryptFalse, Set: true},
			SSLMode: dsn.Setting[dsn.SSLMode]{Key: "sslMode", Raw: "VERIFY_IDENTITY", Value: dsn.SSLVerifyIdentity, Set: true},
		}}
	c, err := NewFromConfig(cfg)
	require.Error(t, err, "resolved to %v", c)
	require.ErrorIs(t, err, kind.InvalidDSN)
	_, perr := dsn.Parse("jdbc:mysql://db.example.com/orders?user=app&password=pw&encrypt=false&sslMode=VERIFY_IDENTITY")
	require.Error(t, perr)
	require.Equal(t, perr.Error(), err.Error(), "the same message as Parse")
	require.Contains(t, err.Error(), "two vocabularies")

	// Settings with no key (as a struct is naturally written) are named by
	// their canonical key.
	cfg.TLS.Encrypt = dsn.Setting[dsn.Encrypt]{Value: dsn.EncryptFalse, Set: true}
	cfg.TLS.SSLMode = dsn.Setting[dsn.SSLMode]{Value: dsn.SSLVerifyIdentity, Set: true}
	_, err = NewFromConfig(cfg)
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Equal(t, perr.Error(), err.Error())
}

// TestStructBuiltDriverParameters: go-sql-driver gets every parameter of a
// struct-built Config, and one it would refuse is an invalid-dsn error
// naming the key. Before, one bad parameter made every other one vanish
// (parseTime=true was lost) without a word.
func TestStructBuiltDriverParameters(t *testing.T) {
	cfg := &dsn.Config{Family: dsn.MySQL, Host: "127.0.0.1", Database: "d", Params: map[string]string{"parseTime": "true", "timeout": "soon"}}
	_, err := NewFromConfig(cfg)
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "timeout=soon")

	cfg.Params["timeout"] = "5s"
	c, err := NewFromConfig(cfg)
	require.NoError(t, err)
	require.True(t, c.be.(*mySQL).base.ParseTime)
	require.Equal(t, "5s", c.be.(*mySQL).base.Timeout.String())
}

// TestNewFromConfigCopies: the connector keeps its own copy of the Config:
// a change the caller makes afterwards, or makes to what Config returns,
// changes nothing.
func TestNewFromConfigCopies(t *testing.T) {
	cfg, err := dsn.Parse("jdbc:sqlserver://db.example.com;encrypt=true;applicationName=billing")
	require.NoError(t, err)
	c, err := NewFromConfig(cfg)
	require.NoError(t, err)
	cfg.TLS.Encrypt.Value = dsn.EncryptFalse
	cfg.Params["app name"] = "changed"
	got := c.Config()
	require.Equal(t, dsn.EncryptTrue, got.TLS.Encrypt.Value)
	require.Equal(t, "billing", got.Params["app name"])
	got.Params["app name"] = "changed again"
	got.TLS.Encrypt.Value = dsn.EncryptFalse
	require.Equal(t, "billing", c.Config().Params["app name"])
	require.Equal(t, dsn.EncryptTrue, c.Config().TLS.Encrypt.Value)
	require.NoError(t, c.Reload(t.Context()))
	require.Equal(t, "3", c.Strategy().Row)
}
