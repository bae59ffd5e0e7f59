package connector

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/require"
)

// optionalInterfaces are the driver interfaces database/sql looks for on a
// connection to take its fast paths.
func optionalInterfaces(dc any) map[string]bool {
	_, q := dc.(driver.QueryerContext)
	_, e := dc.(driver.ExecerContext)
	_, p := dc.(driver.ConnPrepareContext)
	_, b := dc.(driver.ConnBeginTx)
	_, pi := dc.(driver.Pinger)
	_, r := dc.(driver.SessionResetter)
	_, v := dc.(driver.Validator)
	_, n := dc.(driver.NamedValueChecker)
	return map[string]bool{"QueryerContext": q, "ExecerContext": e, "ConnPrepareContext": p, "ConnBeginTx": b,
		"Pinger": pi, "SessionResetter": r, "Validator": v, "NamedValueChecker": n}
}

func rawInterfaces(t *testing.T, db *sql.DB) map[string]bool {
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	var got map[string]bool
	require.NoError(t, conn.Raw(func(dc any) error { got = optionalInterfaces(dc); return nil }))
	return got
}

// TestFastPathsKept: what database/sql holds for a dbtls connection offers
// every optional interface the driver's own connection offers (Info keeps
// its records in a side table instead of wrapping the connection).
func TestFastPathsKept(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	port := strconv.Itoa(srv.Port())

	bare, err := mssql.NewConnector("sqlserver://sa:pw@localhost:" + port + "?encrypt=true&trustServerCertificate=true")
	require.NoError(t, err)
	bareDB := sql.OpenDB(bare)
	defer bareDB.Close()
	want := rawInterfaces(t, bareDB)
	require.True(t, want["ConnPrepareContext"] && want["SessionResetter"] && want["NamedValueChecker"], "the premise: go-mssqldb's connection has optional interfaces")

	c, err := New("jdbc:sqlserver://localhost:" + port + ";user=sa;password=pw;encrypt=true;trustServerCertificate=true")
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	require.Equal(t, want, rawInterfaces(t, db))
}

// TestRecordsLeaveWithTheirConnections: the side table does not grow: a
// connection's record goes when the connection closes.
func TestRecordsLeaveWithTheirConnections(t *testing.T) {
	count := records.len
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	c, err := New("jdbc:sqlserver://localhost:" + strconv.Itoa(srv.Port()) + ";user=sa;password=pw;encrypt=true;trustServerCertificate=true")
	require.NoError(t, err)
	base := count()
	db := sql.OpenDB(c)
	ctx := context.Background()
	var conns []*sql.Conn
	for i := 0; i < 4; i++ {
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, conn)
	}
	require.Equal(t, base+4, count())
	for _, conn := range conns {
		conn.Close()
	}
	require.NoError(t, db.Close())
	require.Eventually(t, func() bool { return count() == base }, 5*time.Second, 10*time.Millisecond)
}

// len counts the entries (tests).
func (t *recordTable) len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
