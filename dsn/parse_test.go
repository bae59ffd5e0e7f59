package dsn

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.dsn)
			if tt.errKind != "" {
				require.Error(t, err)
				require.Nil(t, c)
				require.ErrorIs(t, err, tt.errKind)
				var ke *kind.Error
				require.ErrorAs(t, err, &ke)
				for _, want := range tt.errText {
					require.Contains(t, err.Error(), want)
				}
				require.NotContains(t, err.Error(), "hunter22", "no password in an error")
				require.NotEqual(t, "hunter22", ke.Value, "not even in the error value")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.family, c.Family)
			require.Equal(t, tt.shape, c.Shape)
			require.Equal(t, tt.host, c.Host)
			require.Equal(t, tt.port, c.Port)
			require.Equal(t, tt.inst, c.Instance)
			require.Equal(t, tt.db, c.Database)
			require.Equal(t, tt.user, c.User)
			require.Equal(t, tt.pw, c.Password)
			require.Equal(t, tt.net, c.Net)
			if tt.params != nil {
				require.Equal(t, tt.params, c.Params)
			}
			if tt.warn != "" {
				require.Len(t, c.Warnings, 1)
				require.Contains(t, c.Warnings[0], tt.warn)
			} else {
				require.Empty(t, c.Warnings)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
			if tt.pw != "" {
				require.NotContains(t, c.String(), tt.pw, "String() shows no password")
				require.NotContains(t, c.RedactedDriverDSN(), tt.pw)
			}
			again, err := Parse(c.Format())
			require.NoError(t, err, c.Format())
			require.Equal(t, c, again, "parse → format → parse is stable")
			again, err = Parse(c.String())
			if err == nil && c.Password != "" {
				require.Equal(t, kind.Redacted, again.Password)
			}
			checkDriverDSN(t, tt, c)
		})
	}
}

// checkDriverDSN: the Go drivers' own parsers read DriverDSN and
// RedactedDriverDSN, with the host, port, instance, database, user and
// password of the case, and no TLS setting.
func checkDriverDSN(t *testing.T, tt parseCase, c *Config) {
	t.Helper()
	if c.Family == SQLServer {
		host := tt.host
		if host == "" {
			host = "localhost"
		}
		m, err := msdsn.Parse(c.DriverDSN())
		require.NoError(t, err, c.RedactedDriverDSN())
		require.Equal(t, host, m.Host)
		require.Equal(t, uint64(tt.port), m.Port)
		require.Equal(t, tt.inst, m.Instance)
		require.Equal(t, tt.db, m.Database)
		require.Equal(t, tt.user, m.User)
		require.Equal(t, tt.pw, m.Password)
		u, err := url.Parse(c.DriverDSN())
		require.NoError(t, err)
		for k := range u.Query() {
			require.NotContains(t, tlsProps, strings.ToLower(k), "no TLS property in the driver DSN")
		}
		_, err = msdsn.Parse(c.RedactedDriverDSN())
		require.NoError(t, err)
		return
	}
	m, err := mysql.ParseDSN(c.DriverDSN())
	require.NoError(t, err, c.RedactedDriverDSN())
	require.Equal(t, tt.user, m.User)
	require.Equal(t, tt.pw, m.Passwd)
	require.Equal(t, tt.db, m.DBName)
	switch {
	case tt.net == "unix":
		require.Equal(t, "unix", m.Net)
		require.Equal(t, tt.host, m.Addr)
	default: // go-sql-driver's defaults: tcp, 127.0.0.1, 3306
		host, port := tt.host, tt.port
		if host == "" {
			host = "127.0.0.1"
		}
		if port == 0 {
			port = 3306
		}
		require.Equal(t, "tcp", m.Net)
		require.Equal(t, net.JoinHostPort(host, strconv.Itoa(port)), m.Addr)
	}
	require.Nil(t, m.TLS, "no TLS from the DSN: the connector sets it")
	require.Empty(t, m.TLSConfig)
	require.False(t, m.AllowFallbackToPlaintext)
	for k, v := range tt.params {
		if _, known := mysqlDriverParams[strings.ToLower(k)]; !known {
			require.Equal(t, v, m.Params[k], "session variable %s passed on", k)
		}
	}
	_, err = mysql.ParseDSN(c.RedactedDriverDSN())
	require.NoError(t, err)
}

// TestDriverDSNAcceptedByTheDrivers: the Go drivers' own parsers read what
// DriverDSN produces, with the same user, password, host and database.
func TestDriverDSNAcceptedByTheDrivers(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={p@ss;w/rd};encrypt=true;applicationName=billing")
	require.NoError(t, err)
	m, err := msdsn.Parse(c.DriverDSN())
	require.NoError(t, err)
	require.Equal(t, "db.example.com", m.Host)
	require.Equal(t, uint64(1433), m.Port)
	require.Equal(t, "orders", m.Database)
	require.Equal(t, "app", m.User)
	require.Equal(t, "p@ss;w/rd", m.Password)
	require.Equal(t, "billing", m.AppName)

	c, err = Parse("jdbc:mysql://db.example.com:3307/orders?user=app&password=p%2Fw&sslMode=REQUIRED&parseTime=true")
	require.NoError(t, err)
	my := c.MySQLDriverConfig()
	require.Equal(t, "db.example.com:3307", my.Addr)
	require.Equal(t, "p/w", my.Passwd)
	require.True(t, my.ParseTime)
	require.Nil(t, my.TLS, "no TLS from the DSN: the connector sets it")
	_, err = mysql.ParseDSN(c.RedactedDriverDSN())
	require.NoError(t, err)
}

func TestPrintingNeverShowsThePassword(t *testing.T) {
	c, err := Parse("jdbc:sqlserver://h;user=u;password=Sup3r-s3cret;encrypt=true;trustStore=/t.jks;trustStorePassword=St0re-s3cret")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{c, *c} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "Sup3r-s3cret", verb)
			require.NotContains(t, out, "St0re-s3cret", verb)
		}
	}
}
