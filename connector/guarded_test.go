package connector

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"testing"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/require"
)

// interfaces lists the optional interfaces database/sql (or a user, through
// sql.Conn.Raw) looks for on a driver's connection, statement, rows and
// transaction, and which of them v has.
func interfaces(v any) map[string]bool {
	out := map[string]bool{}
	add := func(name string, ok bool) { out[name] = ok }
	_, ok := v.(driver.QueryerContext)
	add("QueryerContext", ok)
	_, ok = v.(driver.ExecerContext)
	add("ExecerContext", ok)
	_, ok = v.(driver.Queryer)
	add("Queryer", ok)
	_, ok = v.(driver.Execer)
	add("Execer", ok)
	_, ok = v.(driver.ConnPrepareContext)
	add("ConnPrepareContext", ok)
	_, ok = v.(driver.ConnBeginTx)
	add("ConnBeginTx", ok)
	_, ok = v.(driver.Pinger)
	add("Pinger", ok)
	_, ok = v.(driver.SessionResetter)
	add("SessionResetter", ok)
	_, ok = v.(driver.Validator)
	add("Validator", ok)
	_, ok = v.(driver.NamedValueChecker)
	add("NamedValueChecker", ok)
	_, ok = v.(driver.StmtExecContext)
	add("StmtExecContext", ok)
	_, ok = v.(driver.StmtQueryContext)
	add("StmtQueryContext", ok)
	_, ok = v.(driver.ColumnConverter)
	add("ColumnConverter", ok)
	_, ok = v.(driver.RowsNextResultSet)
	add("RowsNextResultSet", ok)
	_, ok = v.(driver.RowsColumnTypeScanType)
	add("RowsColumnTypeScanType", ok)
	_, ok = v.(driver.RowsColumnTypeDatabaseTypeName)
	add("RowsColumnTypeDatabaseTypeName", ok)
	_, ok = v.(driver.RowsColumnTypeLength)
	add("RowsColumnTypeLength", ok)
	_, ok = v.(driver.RowsColumnTypeNullable)
	add("RowsColumnTypeNullable", ok)
	_, ok = v.(driver.RowsColumnTypePrecisionScale)
	add("RowsColumnTypePrecisionScale", ok)
	_, ok = v.(interface {
		CreateBulkContext(context.Context, string, []string) *mssql.Bulk
	})
	add("CreateBulkContext", ok)
	_, ok = v.(interface {
		CreateBulk(string, []string) *mssql.Bulk
	})
	add("CreateBulk", ok)
	return out
}

// shapes reads, through sql.Conn.Raw, the interfaces of the connection
// database/sql holds, of a statement it prepares, of the rows of that
// statement's query and of a transaction.
func shapes(t *testing.T, db *sql.DB) (conn, stmt, rows, tx map[string]bool) {
	t.Helper()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Raw(func(dc any) error {
		conn = interfaces(dc)
		s, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, "SELECT 1")
		require.NoError(t, err)
		defer s.Close()
		stmt = interfaces(s)
		r, err := s.(driver.StmtQueryContext).QueryContext(ctx, nil)
		require.NoError(t, err)
		rows = interfaces(r)
		require.NoError(t, r.Close())
		x, err := dc.(driver.ConnBeginTx).BeginTx(ctx, driver.TxOptions{})
		require.NoError(t, err)
		tx = interfaces(x)
		return x.Rollback()
	}))
	return conn, stmt, rows, tx
}

// TestGuardedKeepsInterfaces: for each driver, what database/sql holds for
// a dbtls connection — the connection, its statements, rows and
// transactions — has exactly the optional interfaces of the driver's own
// (the bare driver against the same server), so database/sql takes the same
// paths.
func TestGuardedKeepsInterfaces(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	port := strconv.Itoa(srv.Port())
	bareMS, err := mssql.NewConnector("sqlserver://sa:pw@localhost:" + port + "?encrypt=true&trustServerCertificate=true")
	require.NoError(t, err)
	ms, err := New("jdbc:sqlserver://localhost:" + port + ";user=sa;password=pw;encrypt=true;trustServerCertificate=true")
	require.NoError(t, err)

	maria := tlsServer(t)
	m := mysql.NewConfig()
	m.User, m.Passwd, m.Net, m.Addr = "plain", mariadb.PlainPassword, "tcp", "127.0.0.1:"+strconv.Itoa(maria.Port)
	bareMy, err := mysql.NewConnector(m)
	require.NoError(t, err)
	my, err := New(mysqlDSN(maria, "sslMode=DISABLED"))
	require.NoError(t, err)

	for _, tc := range []struct {
		name      string
		bare, got driver.Connector
		premise   []string // interfaces the driver's connection is known to have
	}{
		{"go-mssqldb", bareMS, ms, []string{"ConnPrepareContext", "SessionResetter", "Validator", "NamedValueChecker", "CreateBulk"}},
		{"go-sql-driver", bareMy, my, []string{"QueryerContext", "ExecerContext", "Execer", "SessionResetter", "Validator", "NamedValueChecker"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bareDB, db := sql.OpenDB(tc.bare), sql.OpenDB(tc.got)
			defer bareDB.Close()
			defer db.Close()
			wantConn, wantStmt, wantRows, wantTx := shapes(t, bareDB)
			for _, p := range tc.premise {
				require.True(t, wantConn[p], "the premise: the driver's connection is a %s", p)
			}
			conn, stmt, rows, tx := shapes(t, db)
			require.Equal(t, wantConn, conn, "connection")
			require.Equal(t, wantStmt, stmt, "statement")
			require.Equal(t, wantRows, rows, "rows")
			require.Equal(t, wantTx, tx, "transaction")
		})
	}
}

// TestRawUsageKept: what users reach through sql.Conn.Raw on the bare
// drivers stays reachable: go-mssqldb's bulk copy on the connection and
// its *mssql.Conn through Unwrap; go-sql-driver's Execer, whose result is
// a mysql.Result (AllRowsAffected), as its documentation shows.
func TestRawUsageKept(t *testing.T) {
	ctx := context.Background()
	t.Run("go-mssqldb", func(t *testing.T) {
		f := newTDSFixture(t)
		srv := f.server(t, tds.Config{Encryption: tds.On})
		db, err := OpenDB("jdbc:sqlserver://localhost:" + strconv.Itoa(srv.Port()) + ";user=sa;password=pw;encrypt=true;trustServerCertificate=true")
		require.NoError(t, err)
		defer db.Close()
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.Raw(func(dc any) error {
			bulk := dc.(interface {
				CreateBulkContext(context.Context, string, []string) *mssql.Bulk
			}).CreateBulkContext(ctx, "t", []string{"a"})
			require.NotNil(t, bulk)
			ms, ok := dc.(interface{ Unwrap() driver.Conn }).Unwrap().(*mssql.Conn)
			require.True(t, ok, "Unwrap gives the *mssql.Conn")
			require.True(t, ms.IsValid())
			return nil
		}))
		var one int
		require.NoError(t, conn.QueryRowContext(ctx, "SELECT 1").Scan(&one))
		require.Equal(t, 1, one)
	})
	t.Run("go-sql-driver", func(t *testing.T) {
		db, err := OpenDB(mysqlDSN(tlsServer(t), "sslMode=REQUIRED&allowMultiQueries=true"))
		require.NoError(t, err)
		defer db.Close()
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.Raw(func(dc any) error {
			res, err := dc.(driver.Execer).Exec("DO 1; DO 2", nil)
			require.NoError(t, err)
			require.Equal(t, []int64{0, 0}, res.(mysql.Result).AllRowsAffected())
			return nil
		}))
		info, err := Info(conn)
		require.NoError(t, err)
		require.True(t, info.Encrypted, "Info still finds the record")
	})
}
