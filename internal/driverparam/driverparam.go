// Package driverparam is what the Go drivers accept as the value of each
// parameter dbtls passes on to them, written from their documentation and
// their DSN parsers (go-mssqldb v1.11.2 msdsn/conn_str.go, go-sql-driver
// v1.10.1 dsn.go), without importing either: package dsn checks a value with
// Check, so that Parse and dsn.Normalize refuse what the driver would
// refuse, and package connector reads it with the Parse… functions into the
// driver's configuration. One table, one reader per value kind: the two
// cannot disagree.
//
// Where a driver ignores a value it cannot read (go-mssqldb's notraceid) or
// reads only one spelling of a word and silently treats every other as the
// default (go-mssqldb's applicationintent), dbtls refuses what it cannot
// read: no parameter is dropped without a word.
package driverparam

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Kind is the syntax of a parameter's value.
type Kind int

// The value kinds.
const (
	Text          Kind = iota // any text, passed as it is
	Seconds                   // go-mssqldb: a whole number of seconds (decimal)
	Uint64                    // go-mssqldb: a whole number (decimal), e.g. log's flags
	Uint16                    // go-mssqldb: a whole number up to 65535, decimal or with a 0x, 0o, 0b prefix
	MSBool                    // go-mssqldb: yes or no in any case, or what strconv.ParseBool reads
	MSBoolEnabled             // MSBool, or Enabled or Disabled in any case
	Intent                    // go-mssqldb's applicationintent: ReadOnly or ReadWrite, in any case
	Protocol                  // go-mssqldb's protocol: tcp or admin (the protocols linked in)
	Location                  // a time zone name that time.LoadLocation reads (UTC, Europe/Paris, Local)
	MyBool                    // go-sql-driver: 1, true, TRUE, True, 0, false, FALSE or False
	Int                       // go-sql-driver: a whole number (strconv.Atoi)
	Duration                  // go-sql-driver: a Go duration such as 5s or 1m30s
	Charsets                  // go-sql-driver's charset: names separated by ',', tried in turn
)

// SQLServer maps go-mssqldb's own parameter names (lower case) that dbtls
// passes on to the kind of their value.
var SQLServer = map[string]Kind{
	"app name": Text, "applicationintent": Intent, "connection timeout": Seconds, "dial timeout": Seconds,
	"keepalive": Seconds, "packet size": Uint16, "log": Uint64, "failoverpartner": Text, "failoverport": Uint16,
	"failoverpartnerspn": Text, "workstation id": Text, "serverspn": Text, "disableretry": MSBool,
	"multisubnetfailover": MSBoolEnabled, "protocol": Protocol, "guid conversion": MSBool, "pipe": Text,
	"notraceid": MSBool, "timezone": Location, "epa enabled": MSBool,
}

// MySQL maps go-sql-driver's own parameter names (as it spells them) that
// dbtls passes on to the kind of their value. Any other parameter is a
// session variable.
var MySQL = map[string]Kind{
	"allowAllFiles": MyBool, "allowCleartextPasswords": MyBool, "allowNativePasswords": MyBool, "allowOldPasswords": MyBool,
	"charset": Charsets, "checkConnLiveness": MyBool, "clientFoundRows": MyBool, "collation": Text, "columnsWithAlias": MyBool,
	"compress": MyBool, "connectionAttributes": Text, "interpolateParams": MyBool, "loc": Location,
	"maxAllowedPacket": Int, "multiStatements": MyBool, "parseTime": MyBool, "readTimeout": Duration,
	"rejectReadOnly": MyBool, "serverPubKey": Text, "timeout": Duration, "timeTruncate": Duration, "writeTimeout": Duration,
}

// Check returns why v is not a value of kind k, or nil.
func Check(k Kind, v string) error {
	var err error
	switch k {
	case Seconds, Uint64:
		_, err = ParseUint(v)
	case Uint16:
		_, err = ParseUint16(v)
	case MSBool:
		_, err = ParseMSBool(v)
	case MSBoolEnabled:
		_, err = ParseMSBoolEnabled(v)
	case Intent:
		_, err = ParseIntent(v)
	case Protocol:
		err = CheckProtocol(v)
	case Location:
		_, err = ParseLocation(v)
	case MyBool:
		_, err = ParseMyBool(v)
	case Int:
		_, err = ParseInt(v)
	case Duration:
		_, err = ParseDuration(v)
	case Charsets:
		_, err = ParseCharsets(v)
	}
	return err
}

// ParseCharsets reads go-sql-driver's charset: one name or more separated
// by ',', which it tries in turn (SET NAMES …). A name is letters, digits
// and '_', as MySQL's charset names are (utf8mb4, latin1, gb18030): an empty
// one would be sent as SET NAMES with nothing after it, and any other text
// would be sent into that statement as it is.
func ParseCharsets(v string) ([]string, error) {
	names := strings.Split(v, ",")
	for _, n := range names {
		if n == "" || strings.IndexFunc(n, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
		}) >= 0 {
			return nil, errors.New("want a charset name (letters, digits, _), or several separated by commas")
		}
	}
	return names, nil
}

// ParseUint reads a decimal whole number, as go-mssqldb reads its timeouts
// and log flags.
func ParseUint(v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, errors.New("want a whole number")
	}
	return n, nil
}

// ParseUint16 reads a whole number up to 65535, decimal or with a base
// prefix, as go-mssqldb reads packet size and failoverport.
func ParseUint16(v string) (uint16, error) {
	n, err := strconv.ParseUint(v, 0, 16)
	if err != nil {
		return 0, errors.New("want a whole number from 0 to 65535")
	}
	return uint16(n), nil
}

// ParseMSBool reads go-mssqldb's booleans: yes or no in any case, or 1, t,
// T, TRUE, true, True, 0, f, F, FALSE, false, False.
func ParseMSBool(v string) (bool, error) {
	switch {
	case strings.EqualFold(v, "yes"):
		return true, nil
	case strings.EqualFold(v, "no"):
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errors.New("want true or false (or yes, no, 1, 0)")
	}
	return b, nil
}

// ParseMSBoolEnabled reads a go-mssqldb boolean, or Enabled / Disabled in any
// case (multisubnetfailover).
func ParseMSBoolEnabled(v string) (bool, error) {
	switch {
	case strings.EqualFold(v, "enabled"):
		return true, nil
	case strings.EqualFold(v, "disabled"):
		return false, nil
	}
	b, err := ParseMSBool(v)
	if err != nil {
		return false, errors.New("want true or false (or yes, no, 1, 0, Enabled, Disabled)")
	}
	return b, nil
}

// ParseIntent reads applicationintent: ReadOnly or ReadWrite in any case,
// as mssql-jdbc and .NET read it (go-mssqldb reads ReadOnly only in that
// case and takes every other text for ReadWrite).
func ParseIntent(v string) (readOnly bool, err error) {
	switch {
	case strings.EqualFold(v, "ReadOnly"):
		return true, nil
	case strings.EqualFold(v, "ReadWrite"):
		return false, nil
	}
	return false, errors.New("want ReadOnly or ReadWrite")
}

// CheckProtocol checks go-mssqldb's protocol: the protocols it has a parser
// for in this program, tcp and admin (the dedicated administrator
// connection). Named pipes and shared memory need packages dbtls does not
// link.
func CheckProtocol(v string) error {
	if v == "tcp" || v == "admin" {
		return nil
	}
	return errors.New("want tcp or admin (named pipes and shared memory are not linked in)")
}

// ParseLocation reads a time zone name.
func ParseLocation(v string) (*time.Location, error) {
	l, err := time.LoadLocation(v)
	if err != nil {
		return nil, errors.New("want a time zone name such as UTC or Europe/Paris")
	}
	return l, nil
}

// ParseMyBool reads go-sql-driver's booleans: 1, true, TRUE, True, 0,
// false, FALSE, False (other spellings are refused by its parser).
func ParseMyBool(v string) (bool, error) {
	switch v {
	case "1", "true", "TRUE", "True":
		return true, nil
	case "0", "false", "FALSE", "False":
		return false, nil
	}
	return false, errors.New("want true or false (or 1, 0)")
}

// ParseInt reads a whole number, as go-sql-driver reads maxAllowedPacket.
func ParseInt(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errors.New("want a whole number")
	}
	return n, nil
}

// ParseDuration reads a Go duration, as go-sql-driver reads its timeouts.
func ParseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, errors.New("want a duration such as 5s, 500ms or 1m30s")
	}
	return d, nil
}
