package connector

import (
	"crypto/rand"
	"errors"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/driverparam"
	"github.com/dbtls/dbtls/kind"
	"github.com/go-sql-driver/mysql"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// The drivers' configurations are built here, and only here, from the
// fields of a normalized dsn.Config (issue 10): where to connect, who as,
// and each parameter of Params read into the driver's own field with the
// reader of internal/driverparam — the one dsn checked it with — so that no
// DSN text goes to a driver's parser and back. TLS is not part of them: the
// connector sets it for each connection (drivers.go). A parameter the
// driver would refuse is an invalid-dsn error naming its key; none is
// dropped.

// sqlServerConfig builds go-mssqldb's configuration as its msdsn.Parse
// would from a DSN holding the same properties (go-mssqldb v1.11.2): its
// defaults (app name go-mssqldb, keepalive 30 s, dial timeout 15 s a
// protocol, multisubnetfailover true, this machine's name as workstation
// id, MSSQL_USE_EPA when epa enabled is not given), host "." and "(local)"
// read as localhost, and the admin protocol's port and SQL Browser message.
// Params are kept in Parameters, where go-mssqldb's optional packages read
// theirs (pipe).
func sqlServerConfig(cfg *dsn.Config) (msdsn.Config, error) {
	p := msdsn.Config{
		Host: cfg.Host, Port: uint64(cfg.Port), Instance: cfg.Instance,
		Database: cfg.Database, User: cfg.User, Password: cfg.Password,
		Parameters:         maps.Clone(cfg.Params),
		ProtocolParameters: map[string]any{},
		Protocols:          []string{"tcp"},
		BrowserMessage:     msdsn.BrowserAllInstances,
		Encoding:           msdsn.EncodeParameters{Timezone: time.UTC},
		KeepAlive:          30 * time.Second,
		AppName:            "go-mssqldb",
		// go-mssqldb defaults to true, "to prevent breaking change although
		// other client libraries default to false".
		MultiSubnetFailover: true,
		ActivityID:          activityID(),
	}
	if p.Host == "" || p.Host == "." || strings.EqualFold(p.Host, "(local)") {
		p.Host = "localhost"
	}
	if name, err := os.Hostname(); err == nil {
		p.Workstation = name
	}
	var dialTimeout *time.Duration
	epa := false
	for _, k := range slices.Sorted(maps.Keys(cfg.Params)) {
		v := cfg.Params[k]
		var err error
		var n uint64
		var n16 uint16
		switch k {
		case "app name":
			p.AppName = v
		case "applicationintent":
			p.ReadOnlyIntent, err = driverparam.ParseIntent(v)
		case "connection timeout":
			n, err = driverparam.ParseUint(v)
			p.ConnTimeout = time.Duration(n) * time.Second
		case "dial timeout":
			n, err = driverparam.ParseUint(v)
			d := time.Duration(n) * time.Second
			dialTimeout = &d
		case "keepalive":
			n, err = driverparam.ParseUint(v)
			p.KeepAlive = time.Duration(n) * time.Second
		case "packet size": // the TDS range: 512 to 32767 bytes
			n16, err = driverparam.ParseUint16(v)
			p.PacketSize = min(max(n16, 512), 32767)
		case "log":
			n, err = driverparam.ParseUint(v)
			p.LogFlags = msdsn.Log(n)
		case "failoverpartner":
			p.FailOverPartner = v
		case "failoverport":
			n16, err = driverparam.ParseUint16(v)
			p.FailOverPort = uint64(n16)
		case "failoverpartnerspn":
			p.FailOverPartnerSPN = v
		case "workstation id":
			p.Workstation = v
		case "serverspn":
			p.ServerSPN = v
		case "disableretry":
			p.DisableRetry, err = driverparam.ParseMSBool(v)
		case "multisubnetfailover":
			p.MultiSubnetFailover, err = driverparam.ParseMSBoolEnabled(v)
		case "protocol":
			if err = driverparam.CheckProtocol(v); err == nil && v == "admin" {
				// the dedicated administrator connection: SQL Browser's DAC
				// message, and port 1434 when no instance names one
				p.Protocols, p.BrowserMessage = []string{"admin"}, msdsn.BrowserDAC
			}
		case "guid conversion":
			p.Encoding.GuidConversion, err = driverparam.ParseMSBool(v)
		case "pipe": // read from Parameters by go-mssqldb's named-pipe protocol
		case "notraceid":
			p.NoTraceID, err = driverparam.ParseMSBool(v)
		case "timezone":
			p.Encoding.Timezone, err = driverparam.ParseLocation(v)
		case "epa enabled":
			p.EpaEnabled, err = driverparam.ParseMSBool(v)
			epa = true
		default:
			err = errors.New("it is not a go-mssqldb parameter dbtls passes on")
		}
		if err != nil {
			return msdsn.Config{}, paramError("go-mssqldb", k, v, err)
		}
	}
	if p.Protocols[0] == "admin" && p.Instance == "" {
		p.Port = 1434
	}
	p.DialTimeout = 15 * time.Second * time.Duration(len(p.Protocols))
	if dialTimeout != nil {
		p.DialTimeout = *dialTimeout
	}
	if env := os.Getenv("MSSQL_USE_EPA"); !epa && env != "" {
		var err error
		if p.EpaEnabled, err = driverparam.ParseMSBool(env); err != nil {
			return msdsn.Config{}, &kind.Error{Kind: kind.InvalidDSN, What: "invalid MSSQL_USE_EPA", Key: "epa enabled", Value: env,
				Why: "go-mssqldb reads the environment variable MSSQL_USE_EPA when epa enabled is not given: " + err.Error(),
				Fix: "set MSSQL_USE_EPA to true or false, or give epa enabled", Err: err}
		}
	}
	if p.ReadOnlyIntent && p.Database == "" { // dsn.Normalize refuses it first
		return msdsn.Config{}, &kind.Error{Kind: kind.InvalidDSN, What: "read-only intent without a database", Key: "applicationintent", Value: "ReadOnly",
			Why: "go-mssqldb: database must be specified when ApplicationIntent is ReadOnly", Fix: "set databaseName"}
	}
	return p, nil
}

// activityID is a random (version 4) UUID, as msdsn.Parse gives each
// configuration: the activity id of PRELOGIN's trace data.
func activityID() []byte {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// mysqlConfig builds go-sql-driver's configuration as its ParseDSN would
// from a DSN holding the same properties (go-sql-driver v1.10.1): its
// defaults (mysql.NewConfig), each of its parameters in its field (compress
// and timeTruncate through its options), every other parameter a session
// variable in Params, sent as SET name = value. The driver's own checks
// across fields (interpolateParams with an unsafe collation, a serverPubKey
// name not registered) run in checkMySQLConfig.
func mysqlConfig(cfg *dsn.Config) (*mysql.Config, error) {
	m := mysql.NewConfig()
	charsets, hasCharset := cfg.Params["charset"]
	multi := false
	if hasCharset {
		names, err := driverparam.ParseCharsets(charsets)
		if err != nil {
			return nil, paramError("go-sql-driver", "charset", charsets, err)
		}
		multi = len(names) > 1
	}
	if multi {
		// go-sql-driver keeps its charset list, tried in turn, in a field
		// only its DSN parser fills (its Charset option takes one name):
		// this one value, alone, is handed over as DSN text (names of
		// letters, digits and '_', which its parser takes as they are).
		base, err := mysql.ParseDSN("/?charset=" + charsets)
		if err != nil {
			return nil, paramError("go-sql-driver", "charset", charsets, err)
		}
		m = base
		m.Net, m.Addr = "", ""
	}
	var opts []mysql.Option
	bools := map[string]*bool{
		"allowAllFiles": &m.AllowAllFiles, "allowCleartextPasswords": &m.AllowCleartextPasswords,
		"allowNativePasswords": &m.AllowNativePasswords, "allowOldPasswords": &m.AllowOldPasswords,
		"checkConnLiveness": &m.CheckConnLiveness, "clientFoundRows": &m.ClientFoundRows, "columnsWithAlias": &m.ColumnsWithAlias,
		"interpolateParams": &m.InterpolateParams, "multiStatements": &m.MultiStatements, "parseTime": &m.ParseTime,
		"rejectReadOnly": &m.RejectReadOnly,
	}
	durations := map[string]*time.Duration{"readTimeout": &m.ReadTimeout, "writeTimeout": &m.WriteTimeout, "timeout": &m.Timeout}
	for _, k := range slices.Sorted(maps.Keys(cfg.Params)) {
		v := cfg.Params[k]
		if _, known := driverparam.MySQL[k]; !known {
			if m.Params == nil {
				m.Params = map[string]string{}
			}
			m.Params[k] = v // a session variable, name and value as written (go-sql-driver decodes neither here)
			continue
		}
		var err error
		switch k {
		case "compress":
			var on bool
			on, err = driverparam.ParseMyBool(v)
			opts = append(opts, mysql.EnableCompression(on))
		case "timeTruncate":
			var d time.Duration
			d, err = driverparam.ParseDuration(v)
			opts = append(opts, mysql.TimeTruncate(d))
		case "charset": // above, and with the collation below
		case "collation":
			m.Collation = v
		case "connectionAttributes":
			m.ConnectionAttributes = v
		case "loc":
			m.Loc, err = driverparam.ParseLocation(v)
		case "maxAllowedPacket":
			m.MaxAllowedPacket, err = driverparam.ParseInt(v)
		case "serverPubKey":
			m.ServerPubKey = v
		default:
			if b, ok := bools[k]; ok {
				*b, err = driverparam.ParseMyBool(v)
			} else if d, ok := durations[k]; ok {
				*d, err = driverparam.ParseDuration(v)
			} else {
				err = errors.New("it is not a go-sql-driver parameter dbtls reads")
			}
		}
		if err != nil {
			return nil, paramError("go-sql-driver", k, v, err)
		}
	}
	if hasCharset && !multi {
		opts = append(opts, mysql.Charset(charsets, m.Collation))
	}
	if err := m.Apply(opts...); err != nil {
		return nil, &kind.Error{Kind: kind.InvalidDSN, What: "go-sql-driver refused an option", Why: err.Error(), Err: err}
	}
	m.User, m.Passwd, m.DBName = cfg.User, cfg.Password, cfg.Database
	m.Net = cfg.Net
	if m.Net == "" {
		m.Net = "tcp"
	}
	switch {
	case m.Net == "unix":
		m.Addr = cfg.Host
	case cfg.Host != "" || cfg.Port != 0:
		host, port := cfg.Host, cfg.Port
		if host == "" {
			host = "127.0.0.1"
		}
		if port == 0 {
			port = 3306
		}
		m.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	}
	return m, nil
}

// checkMySQLConfig runs go-sql-driver's own checks across fields, those of
// the normalize its NewConnector runs at each Connect, once at New: an
// unsafe collation with interpolateParams, a serverPubKey name that no
// mysql.RegisterServerPubKey registered.
func checkMySQLConfig(m *mysql.Config) error {
	_, err := mysql.NewConnector(m)
	if err == nil {
		return nil
	}
	e := &kind.Error{Kind: kind.InvalidDSN, What: "go-sql-driver refused the configuration", Why: err.Error(), Err: err}
	switch {
	case m.ServerPubKey != "" && strings.Contains(err.Error(), "server pub key"):
		e.Key, e.Value = "serverPubKey", m.ServerPubKey
		e.Fix = "register the key with mysql.RegisterServerPubKey before New, or pin it with serverRSAPublicKeyFile"
	case m.InterpolateParams && m.Collation != "":
		e.Key, e.Value = "collation", m.Collation
		e.Fix = "use a collation that is safe with interpolateParams=true (e.g. utf8mb4_general_ci), or remove interpolateParams"
	}
	return e
}

// paramError is the error for a parameter the driver would refuse.
func paramError(driver, key, value string, err error) error {
	return &kind.Error{Kind: kind.InvalidDSN, What: "invalid value for a " + driver + " parameter", Key: key, Value: kind.Redact(key, value),
		Why: err.Error(), Fix: "fix the value of " + key, Err: err}
}

// RedactedDriverDSN returns the configuration the connector hands the Go
// driver for cfg, written as that driver's own DSN (a sqlserver:// URL for
// go-mssqldb, go-sql-driver's user@tcp(host:port)/db?…), with the password
// and every secret replaced by kind.Redacted, for display: dbtls explain
// shows it. It holds no TLS property (the connector sets TLS for each
// connection) and is never parsed: the drivers are given the configuration
// itself. cfg is normalized first; an error is the one NewFromConfig would
// return for the same reason.
func RedactedDriverDSN(cfg *dsn.Config) (string, error) {
	n, err := dsn.Normalize(cfg)
	if err != nil {
		return "", err
	}
	if n.Family == dsn.SQLServer {
		p, err := sqlServerConfig(n)
		if err != nil {
			return "", err
		}
		u := url.URL{Scheme: "sqlserver", Host: p.Host}
		if p.Port != 0 {
			u.Host = net.JoinHostPort(p.Host, strconv.FormatUint(p.Port, 10))
		} else if strings.Contains(p.Host, ":") {
			u.Host = "[" + p.Host + "]"
		}
		if p.Instance != "" {
			u.Path = "/" + p.Instance
		}
		if p.User != "" || p.Password != "" {
			u.User = url.UserPassword(p.User, kind.Redact("password", p.Password))
		}
		var q []string
		if p.Database != "" {
			q = append(q, "database="+url.QueryEscape(p.Database))
		}
		for _, k := range slices.Sorted(maps.Keys(p.Parameters)) {
			q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(kind.Redact(k, p.Parameters[k])))
		}
		u.RawQuery = strings.Join(q, "&")
		return u.String(), nil
	}
	m, err := mysqlConfig(n)
	if err != nil {
		return "", err
	}
	if err := checkMySQLConfig(m); err != nil {
		return "", err
	}
	m.Passwd = kind.Redact("password", m.Passwd)
	for k, v := range m.Params {
		m.Params[k] = kind.Redact(k, v)
	}
	return m.FormatDSN(), nil
}
