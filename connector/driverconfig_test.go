package connector

import (
	"maps"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
	"github.com/stretchr/testify/require"
)

// The drivers' configurations are built from the fields (sqlserver.go,
// mysql.go).
// Their own DSN parsers are the oracle: for the same properties written as
// the driver's DSN (by the test, from the parameters it lists), msdsn.Parse
// and mysql.ParseDSN give the configuration the connector builds.

// msView is what go-mssqldb reads from a configuration, but TLS (the
// connector's) and the activity id (random).
type msView struct {
	Host, Instance, Database, User, Password, AppName, Workstation, ServerSPN string
	FailOverPartner, FailOverPartnerSPN                                       string
	Port, FailOverPort                                                        uint64
	ReadOnlyIntent, DisableRetry, MultiSubnetFailover, NoTraceID, EpaEnabled  bool
	GuidConversion                                                            bool
	Timezone                                                                  string
	LogFlags                                                                  msdsn.Log
	DialTimeout, ConnTimeout, KeepAlive                                       time.Duration
	PacketSize                                                                uint16
	Protocols                                                                 []string
	BrowserMessage                                                            msdsn.BrowserMsg
	Pipe                                                                      string
}

func viewOf(p msdsn.Config) msView {
	return msView{Host: p.Host, Instance: p.Instance, Database: p.Database, User: p.User, Password: p.Password, AppName: p.AppName,
		Workstation: p.Workstation, ServerSPN: p.ServerSPN, FailOverPartner: p.FailOverPartner, FailOverPartnerSPN: p.FailOverPartnerSPN,
		Port: p.Port, FailOverPort: p.FailOverPort, ReadOnlyIntent: p.ReadOnlyIntent, DisableRetry: p.DisableRetry,
		MultiSubnetFailover: p.MultiSubnetFailover, NoTraceID: p.NoTraceID, EpaEnabled: p.EpaEnabled, GuidConversion: p.Encoding.GuidConversion,
		Timezone: p.Encoding.GetTimezone().String(), LogFlags: p.LogFlags, DialTimeout: p.DialTimeout, ConnTimeout: p.ConnTimeout,
		KeepAlive: p.KeepAlive, PacketSize: p.PacketSize, Protocols: p.Protocols, BrowserMessage: p.BrowserMessage, Pipe: p.Parameters["pipe"]}
}

// msURL writes the go-mssqldb URL holding cfg's properties.
func msURL(cfg *dsn.Config) string {
	u := url.URL{Scheme: "sqlserver", Host: cfg.Host, User: url.UserPassword(cfg.User, cfg.Password)}
	if cfg.Port != 0 {
		u.Host = net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	}
	if cfg.Instance != "" {
		u.Path = "/" + cfg.Instance
	}
	q := url.Values{}
	if cfg.Database != "" {
		q.Set("database", cfg.Database)
	}
	for k, v := range cfg.Params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func TestSQLServerConfigAsGoMssqldbReadsIt(t *testing.T) {
	t.Setenv("MSSQL_USE_EPA", "")
	for _, props := range []string{
		"",
		";databaseName=orders;user=app;password={p@ss;w/rd};applicationName=billing",
		`;databaseName=orders;applicationIntent=ReadOnly;loginTimeout=30;dial timeout=5;keepAlive=0;packetSize=0x1000;log=63`,
		";applicationIntent=ReadWrite;packet size=100;failoverPartner=fp.example.com;failoverPort=1500;failoverpartnerspn=MSSQLSvc/fp",
		";packetSize=40000;workstationID=ws-1;serverSpn=MSSQLSvc/db.example.com;disableRetry=yes;multiSubnetFailover=Disabled",
		";disableretry=0;multisubnetfailover=enabled;protocol=tcp;guid conversion=TRUE;pipe=sql/query;notraceid=t",
		";protocol=admin;timezone=Europe/Paris;epa enabled=no;multiSubnetFailover=false",
		`;instanceName=INST;protocol=admin`,
		";portNumber=1500;multiSubnetFailover=yes;epa enabled=1",
	} {
		t.Run(props, func(t *testing.T) {
			cfg, err := dsn.Parse("jdbc:sqlserver://db.example.com" + props)
			require.NoError(t, err)
			built, err := sqlServerConfig(cfg)
			require.NoError(t, err)
			want, err := msdsn.Parse(msURL(cfg))
			require.NoError(t, err, msURL(cfg))
			require.Equal(t, viewOf(want), viewOf(built), msURL(cfg))
			require.Len(t, built.ActivityID, 16)
			require.Equal(t, byte(0x40), built.ActivityID[6]&0xf0, "a version 4 UUID, as go-mssqldb's")
		})
	}

	// Its defaults when nothing is given, and the host's spellings of this machine.
	for _, host := range []string{"", ".", "(local)"} {
		built, err := sqlServerConfig(&dsn.Config{Family: dsn.SQLServer, Host: host, Params: map[string]string{}})
		require.NoError(t, err)
		want, err := msdsn.Parse("server=" + host)
		require.NoError(t, err)
		require.Equal(t, viewOf(want), viewOf(built), host)
	}

	// go-mssqldb reads MSSQL_USE_EPA when epa enabled is not given.
	t.Setenv("MSSQL_USE_EPA", "true")
	built, err := sqlServerConfig(&dsn.Config{Family: dsn.SQLServer, Host: "h", Params: map[string]string{}})
	require.NoError(t, err)
	require.True(t, built.EpaEnabled)
	t.Setenv("MSSQL_USE_EPA", "sure")
	_, err = sqlServerConfig(&dsn.Config{Family: dsn.SQLServer, Host: "h", Params: map[string]string{}})
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "MSSQL_USE_EPA")
}

// TestSQLServerParameterValues: a value go-mssqldb refuses is refused by
// Parse and by New, naming the key; where go-mssqldb would read a value and
// silently take another meaning (notraceid=maybe ignored, applicationintent
// read as ReadWrite unless it is exactly ReadOnly), dbtls refuses it too, or
// reads it as mssql-jdbc does (readonly in any case).
func TestSQLServerParameterValues(t *testing.T) {
	for _, tc := range []struct{ key, goKey, value string }{
		{"loginTimeout", "connection timeout", "abc"}, {"dial timeout", "dial timeout", "-1"}, {"keepAlive", "keepalive", "1.5"},
		{"packetSize", "packet size", "70000"}, {"log", "log", "x"}, {"failoverPort", "failoverport", "port"},
		{"disableRetry", "disableretry", "maybe"}, {"multiSubnetFailover", "multisubnetfailover", "sometimes"},
		{"protocol", "protocol", "np"}, {"guid conversion", "guid conversion", "2"}, {"timezone", "timezone", "Mars/Olympus"},
		{"epa enabled", "epa enabled", "on"},
	} {
		_, oracle := msdsn.Parse("sqlserver://h?database=d&" + url.QueryEscape(tc.goKey) + "=" + url.QueryEscape(tc.value))
		require.Error(t, oracle, "go-mssqldb refuses %s=%s", tc.goKey, tc.value)
		s := "jdbc:sqlserver://h;databaseName=d;" + tc.key + "=" + tc.value
		_, err := dsn.Parse(s)
		require.ErrorIs(t, err, kind.InvalidDSN, s)
		require.Contains(t, err.Error(), "invalid value for a go-mssqldb parameter ("+tc.key+"="+tc.value+")")
		_, err = New(s)
		require.ErrorIs(t, err, kind.InvalidDSN, s)
	}
	for _, prop := range []string{"notraceid=maybe", "applicationIntent=ReadMostly"} {
		_, err := New("jdbc:sqlserver://h;databaseName=d;" + prop)
		require.ErrorIs(t, err, kind.InvalidDSN, prop)
	}
	c, err := New("jdbc:sqlserver://h;databaseName=d;applicationIntent=readonly")
	require.NoError(t, err)
	require.True(t, c.be.(*sqlServer).cfg.ReadOnlyIntent, "read-only in any case, as mssql-jdbc")
}

func TestMySQLConfigAsGoSQLDriverReadsIt(t *testing.T) {
	for _, params := range []string{
		"",
		"parseTime=true&allowNativePasswords=false&checkConnLiveness=0&clientFoundRows=True&columnsWithAlias=1",
		"compress=true&interpolateParams=true&multiStatements=TRUE&rejectReadOnly=1&allowAllFiles=true",
		"allowCleartextPasswords=true&allowOldPasswords=false&charset=utf8mb4&collation=utf8mb4_bin",
		"charset=utf8mb4,utf8&connectionAttributes=app:billing,team:core&loc=Europe%2FParis",
		"loc=Local&maxAllowedPacket=1024&readTimeout=5s&writeTimeout=1m&timeout=500ms&timeTruncate=1s",
		"sql_mode=%27ANSI%27&%40%40session.time_zone=%27%2B00:00%27&wait_timeout=60",
	} {
		t.Run(params, func(t *testing.T) {
			cfg, err := dsn.Parse("app:pw@tcp(db.example.com:3307)/orders?" + params)
			require.NoError(t, err)
			built, list, err := mysqlConfig(cfg)
			require.NoError(t, err)
			oracle := "app:pw@tcp(db.example.com:3307)/orders?" + strings.ReplaceAll(params, "%40%40", "@@")
			if strings.Contains(params, "charset=utf8mb4,utf8&") {
				// a list the driver's configuration cannot take: it is
				// returned apart (mySQL.setNames sends it), and the rest is
				// what go-sql-driver reads without it
				require.Equal(t, []string{"utf8mb4", "utf8"}, list)
				oracle = strings.Replace(oracle, "charset=utf8mb4,utf8&", "", 1)
			} else {
				require.Nil(t, list)
			}
			want, err := mysql.ParseDSN(oracle)
			require.NoError(t, err)
			require.True(t, reflect.DeepEqual(want, built), "go-sql-driver reads\n%#v\nthe connector builds\n%#v", want, built)
		})
	}
	for _, s := range []string{"root@unix(/run/mysqld/mysqld.sock)/", "u@tcp([::1])/d", "u:pw@/d"} {
		cfg, err := dsn.Parse(s)
		require.NoError(t, err)
		built, _, err := mysqlConfig(cfg)
		require.NoError(t, err)
		want, err := mysql.ParseDSN(s)
		require.NoError(t, err)
		if built.Addr == "" { // go-sql-driver's normalize fills the default address at New
			built.Addr = want.Addr
		}
		if strings.Contains(s, "[::1]") {
			require.Equal(t, "[::1]:3306", built.Addr)
			built.Addr = want.Addr // go-sql-driver keeps "[::1]" and adds the port when it dials
		}
		require.True(t, reflect.DeepEqual(want, built), "%s: go-sql-driver reads\n%#v\nthe connector builds\n%#v", s, want, built)
	}
}

// TestMySQLParameterValues: a value go-sql-driver refuses is refused by Parse
// and by New naming the key, and an unsafe combination its normalize refuses
// (interpolateParams with a multibyte collation) is refused at New, not at the
// first connection.
func TestMySQLParameterValues(t *testing.T) {
	for _, prop := range []string{"parseTime=maybe", "parseTime=yes", "compress=on", "loc=Mars%2FOlympus", "maxAllowedPacket=big",
		"readTimeout=5", "timeout=soon", "timeTruncate=1"} {
		_, oracle := mysql.ParseDSN("/?" + prop)
		require.Error(t, oracle, "go-sql-driver refuses %s", prop)
		_, err := dsn.Parse("u@tcp(h)/d?" + prop)
		require.ErrorIs(t, err, kind.InvalidDSN, prop)
		k, _, _ := strings.Cut(prop, "=")
		require.Contains(t, err.Error(), "invalid value for a go-sql-driver parameter ("+k+"=")
	}
	// An empty charset name, which go-sql-driver would send as SET NAMES
	// with nothing after it at every connection.
	_, err := dsn.Parse("u@tcp(h)/d?charset=utf8,")
	require.ErrorIs(t, err, kind.InvalidDSN)
	_, oracle := mysql.ParseDSN("/?interpolateParams=true&collation=big5_chinese_ci")
	require.Error(t, oracle)
	_, err = New("u@tcp(h)/d?interpolateParams=true&collation=big5_chinese_ci")
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "(collation=big5_chinese_ci)")
	_, err = New("u@tcp(h)/d?serverPubKey=never-registered")
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "(serverPubKey=never-registered)")
}

// TestSessionVariablesReachTheDriver: session variables reach go-sql-driver
// as written (it decodes values, not keys: @@session.sql_mode was once sent
// as %40%40session.sql_mode), and MySQLAuth's properties never do.
func TestSessionVariablesReachTheDriver(t *testing.T) {
	cfg, err := dsn.Parse("u@tcp(h)/d?sql_mode=%27ANSI%2CTRADITIONAL%27&@@session.time_zone=%27%2B00:00%27&@myvar=CONCAT(%27a%27,%27b%27)&" +
		"SESSION%20wait_timeout=60&allowPublicKeyRetrieval=true&sessionVariables=autocommit%3D0%3Bnet_read_timeout%3D30")
	require.NoError(t, err)
	m, _, err := mysqlConfig(cfg)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"sql_mode": "'ANSI,TRADITIONAL'", "@@session.time_zone": "'+00:00'", "@myvar": "CONCAT('a','b')",
		"SESSION wait_timeout": "60", "autocommit": "0", "net_read_timeout": "30"}, m.Params)
}

// TestRedactedDriverDSN: what explain shows as the driver's DSN, built from
// the configuration the driver is given.
func TestRedactedDriverDSN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password={s3cr;et};encrypt=true;applicationName=billing",
			"sqlserver://app:xxxxx@db.example.com:1433?database=orders&app+name=billing"},
		{"jdbc:sqlserver://;instanceName=INST", "sqlserver://localhost/INST"},
		{"jdbc:mysql://db.example.com:3306/orders?user=app&password=pw&sslMode=VERIFY_IDENTITY&parseTime=true&sql_mode=%27ANSI%27",
			"app:xxxxx@tcp(db.example.com:3306)/orders?parseTime=true&sql_mode=%27ANSI%27"},
	} {
		cfg, err := dsn.Parse(tc.in)
		require.NoError(t, err)
		got, err := RedactedDriverDSN(cfg)
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
	_, err := RedactedDriverDSN(&dsn.Config{Family: dsn.MySQL, Params: map[string]string{"parseTime": "maybe"}})
	require.ErrorIs(t, err, kind.InvalidDSN)
	cfg, err := dsn.Parse("u@tcp(h)/d?serverPubKey=never-registered")
	require.NoError(t, err, "a key's name is the driver's business: New asks it")
	_, err = RedactedDriverDSN(cfg)
	require.ErrorIs(t, err, kind.InvalidDSN, "what New refuses, explain shows refused")
	require.Contains(t, err.Error(), "(serverPubKey=never-registered)")
}

func TestDriverConfigKeepsEveryParameter(t *testing.T) {
	cfg, err := dsn.Parse("jdbc:sqlserver://h;databaseName=d;applicationName=a;pipe=p;serverSpn=s")
	require.NoError(t, err)
	p, err := sqlServerConfig(cfg)
	require.NoError(t, err)
	require.Equal(t, []string{"app name", "pipe", "serverspn"}, slices.Sorted(maps.Keys(p.Parameters)), "Parameters holds the parameters, no password")
}
