package connector

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime/debug"
	"sync/atomic"

	"github.com/dbtls/dbtls/kind"
)

// The last line of defence. Neither driver is written to survive every
// byte a server (or a machine in the middle) can send: each has indexed a
// packet it had not checked and panicked, and database/sql recovers no
// panic, so one bad packet would end the application. The bytes dbtls
// already follows are checked before the driver reads them (the PRELOGIN
// reader, the MySQL authentication guard); everything else — TLS-protected
// packets, result sets, error packets, ENVCHANGE tokens — is the driver's to
// read, so every method database/sql reaches on the connection, its
// statements, rows and transactions runs behind a recover here. A panic
// becomes an error of kind protocol-violation naming the driver and the
// method, the network connection is closed at once (the driver's state is
// not to be trusted any more, and its goroutines must end), and the
// connection is bad: IsValid reports false, ResetSession and every later
// call return driver.ErrBadConn, so database/sql discards it and retries
// only what never reached the server.
//
// The wrapper keeps every optional interface the driver's connection
// implements, and no other (each backend's conn type lists them; a test
// compares the sets), so database/sql takes the same fast paths. Results are
// the driver's own (go-sql-driver's mysql.Result stays reachable). What the
// driver's connection offers beyond database/sql's interfaces is reached
// through Unwrap, or, for go-mssqldb's bulk copy, on the wrapper itself
// (package doc).

// guardConn is the part of a guarded connection common to both drivers.
type guardConn struct {
	dc     driver.Conn
	rec    *record
	opts   *options
	driver string      // for the messages: "go-mssqldb", "go-sql-driver/mysql"
	outer  driver.Conn // the backend's type around this one (backend.guard)
	bad    atomic.Bool // a panic happened: nothing more reaches the driver
}

// Unwrap returns the driver's own connection (go-mssqldb's *mssql.Conn, or
// go-sql-driver's), for what only it offers. Calls made on it directly are
// not guarded.
func (c *guardConn) Unwrap() driver.Conn { return c.dc }

// panicked turns the panic p in op into the connection's error, and makes
// the connection bad.
func (c *guardConn) panicked(op string, p any) error {
	c.bad.Store(true)
	addr := c.rec.closeNow()
	return panicError(c.driver, op, addr, p, c.opts)
}

// closeNow closes every network connection of the record at once (not
// through the driver) and returns the address of the last: the server whose
// bytes the driver failed on.
func (r *record) closeNow() string {
	r.mu.Lock()
	hops, addr := r.hops, r.info.Addr
	r.mu.Unlock()
	for _, w := range hops {
		_ = w.boundConn.Conn.Close()
	}
	return addr
}

// panicError is the protocol-violation error of a driver's panic.
func panicError(drv, op, addr string, p any, o *options) error {
	text, printable := panicText(p)
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	cause, ok := p.(error)
	if !ok || !printable {
		cause = errors.New(text)
	}
	e := &kind.Error{Kind: kind.ProtocolViolation, What: drv + " failed on what the server at " + addr + " sent",
		Why: "it panicked in " + op + " (" + text + "); the connection was closed and will not be reused",
		Fix: "check that nothing between the client and the server alters its bytes; if the server is genuine, report it with the dbtls debug log",
		Err: fmt.Errorf("panic: %w", cause)}
	if o != nil {
		l := o.logger()
		l.Error("dbtls: "+drv+" panicked on the server's bytes", "op", op, "addr", addr, "panic", text)
		if l.Enabled(context.Background(), slog.LevelDebug) {
			l.Debug("dbtls: "+drv+" panic stack", "op", op, "stack", string(debug.Stack()))
		}
	}
	return e
}

// panicText formats a panic's value. The value may itself be an error whose
// Error method panics (go-mssqldb panics with a StreamError without a
// cause): then it is described by its type only, and printable is false.
func panicText(p any) (text string, printable bool) {
	if e, ok := p.(error); ok && errorPanics(e) != nil {
		return fmt.Sprintf("a %T that cannot be printed", p), false
	}
	return fmt.Sprint(p), true
}

// catch is deferred by every guarded method: it recovers a panic of the
// driver into *err, and replaces an error whose Error method panics (as
// go-mssqldb's StreamError without a cause does): printing it would end the
// application.
func (c *guardConn) catch(op string, err *error) {
	if p := recover(); p != nil {
		*err = c.panicked(op, p)
	} else if *err != nil {
		if p := errorPanics(*err); p != nil {
			*err = c.panicked(op+", in the Error method of the error it returned", p)
		}
	}
}

// errorPanics calls err's Error method and returns what it panicked with,
// or nil. database/sql's own errors and io.EOF (the end of every result
// set) are not called.
func errorPanics(err error) (p any) {
	if err == io.EOF || err == driver.ErrBadConn || err == driver.ErrSkip || err == driver.ErrRemoveArgument {
		return nil
	}
	defer func() { p = recover() }()
	_ = err.Error()
	return nil
}

func (c *guardConn) Prepare(query string) (_ driver.Stmt, err error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *guardConn) PrepareContext(ctx context.Context, query string) (_ driver.Stmt, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("PrepareContext", &err)
	var s driver.Stmt
	if pc, ok := c.dc.(driver.ConnPrepareContext); ok {
		s, err = pc.PrepareContext(ctx, query)
	} else {
		s, err = c.dc.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return c.stmt(s), nil
}

func (c *guardConn) Close() (err error) {
	defer c.catch("Close", &err)
	return c.dc.Close()
}

func (c *guardConn) Begin() (_ driver.Tx, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("Begin", &err)
	tx, err := c.dc.Begin()
	return c.tx(tx, err)
}

func (c *guardConn) BeginTx(ctx context.Context, opts driver.TxOptions) (_ driver.Tx, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("BeginTx", &err)
	bt, ok := c.dc.(driver.ConnBeginTx)
	if !ok {
		return c.Begin()
	}
	tx, err := bt.BeginTx(ctx, opts)
	return c.tx(tx, err)
}

// tx wraps a transaction of the driver. go-mssqldb's transaction is its
// connection itself: then it is the guarded connection (which has Commit
// and Rollback, as *mssql.Conn has).
func (c *guardConn) tx(tx driver.Tx, err error) (driver.Tx, error) {
	if err != nil {
		return nil, err
	}
	if outer, ok := c.outer.(driver.Tx); ok && any(tx) == any(c.dc) {
		return outer, nil
	}
	return &guardTx{tx: tx, c: c}, nil
}

func (c *guardConn) Ping(ctx context.Context) (err error) {
	if c.bad.Load() {
		return driver.ErrBadConn
	}
	defer c.catch("Ping", &err)
	if p, ok := c.dc.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *guardConn) ResetSession(ctx context.Context) (err error) {
	if c.bad.Load() {
		return driver.ErrBadConn
	}
	defer c.catch("ResetSession", &err)
	if r, ok := c.dc.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *guardConn) IsValid() (ok bool) {
	if c.bad.Load() {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			_ = c.panicked("IsValid", p)
			ok = false
		}
	}()
	if v, is := c.dc.(driver.Validator); is {
		return v.IsValid()
	}
	return true
}

func (c *guardConn) CheckNamedValue(nv *driver.NamedValue) (err error) {
	defer c.catch("CheckNamedValue", &err)
	if n, ok := c.dc.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// execContext and queryContext are ExecerContext and QueryerContext for the
// backends whose driver connection has them.
func (c *guardConn) execContext(ctx context.Context, query string, args []driver.NamedValue) (_ driver.Result, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("ExecContext", &err)
	return c.dc.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *guardConn) queryContext(ctx context.Context, query string, args []driver.NamedValue) (_ driver.Rows, err error) {
	if c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer c.catch("QueryContext", &err)
	r, err := c.dc.(driver.QueryerContext).QueryContext(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return c.rows(r), nil
}

// guardTx is a transaction of a guarded connection.
type guardTx struct {
	tx driver.Tx
	c  *guardConn
}

func (t *guardTx) Commit() (err error) {
	if t.c.bad.Load() {
		return driver.ErrBadConn
	}
	defer t.c.catch("Tx.Commit", &err)
	return t.tx.Commit()
}

func (t *guardTx) Rollback() (err error) {
	if t.c.bad.Load() {
		return driver.ErrBadConn
	}
	defer t.c.catch("Tx.Rollback", &err)
	return t.tx.Rollback()
}

// stmt wraps a statement of the driver, keeping the two optional
// interfaces a statement may have beyond the context methods (database/sql
// reads both, and behaves differently with and without each).
func (c *guardConn) stmt(s driver.Stmt) driver.Stmt {
	g := &guardStmt{s: s, c: c}
	_, nvc := s.(driver.NamedValueChecker)
	_, cc := s.(driver.ColumnConverter)
	switch {
	case nvc && cc:
		return guardStmtBoth{g}
	case nvc:
		return guardStmtNVC{g}
	case cc:
		return guardStmtCC{g}
	}
	return g
}

// guardStmt is a statement of a guarded connection.
type guardStmt struct {
	s driver.Stmt
	c *guardConn
}

// Unwrap returns the driver's own statement (e.g. go-mssqldb's *mssql.Stmt,
// for SetQueryNotification); calls made on it directly are not guarded.
func (s *guardStmt) Unwrap() driver.Stmt { return s.s }

func (s *guardStmt) Close() (err error) {
	defer s.c.catch("Stmt.Close", &err)
	return s.s.Close()
}

func (s *guardStmt) NumInput() (n int) {
	defer func() {
		if p := recover(); p != nil {
			_ = s.c.panicked("Stmt.NumInput", p)
			n = -1
		}
	}()
	return s.s.NumInput()
}

func (s *guardStmt) Exec(args []driver.Value) (_ driver.Result, err error) {
	if s.c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer s.c.catch("Stmt.Exec", &err)
	return s.s.Exec(args)
}

func (s *guardStmt) Query(args []driver.Value) (_ driver.Rows, err error) {
	if s.c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer s.c.catch("Stmt.Query", &err)
	r, err := s.s.Query(args)
	if err != nil {
		return nil, err
	}
	return s.c.rows(r), nil
}

func (s *guardStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (_ driver.Result, err error) {
	if s.c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer s.c.catch("Stmt.ExecContext", &err)
	if e, ok := s.s.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	values, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	return s.s.Exec(values)
}

func (s *guardStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (_ driver.Rows, err error) {
	if s.c.bad.Load() {
		return nil, driver.ErrBadConn
	}
	defer s.c.catch("Stmt.QueryContext", &err)
	var r driver.Rows
	if q, ok := s.s.(driver.StmtQueryContext); ok {
		r, err = q.QueryContext(ctx, args)
	} else {
		var values []driver.Value
		if values, err = namedToValues(args); err == nil {
			r, err = s.s.Query(values)
		}
	}
	if err != nil {
		return nil, err
	}
	return s.c.rows(r), nil
}

// namedToValues is database/sql's conversion for a statement without the
// context methods: named arguments are refused.
func namedToValues(named []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(named))
	for i, a := range named {
		if a.Name != "" {
			return nil, errors.New("sql: driver does not support the use of Named Parameters")
		}
		out[i] = a.Value
	}
	return out, nil
}

// The statements with a NamedValueChecker, a ColumnConverter, or both.
type (
	guardStmtNVC  struct{ *guardStmt }
	guardStmtCC   struct{ *guardStmt }
	guardStmtBoth struct{ *guardStmt }
)

func (s guardStmtNVC) CheckNamedValue(nv *driver.NamedValue) error  { return s.checkNamedValue(nv) }
func (s guardStmtBoth) CheckNamedValue(nv *driver.NamedValue) error { return s.checkNamedValue(nv) }

func (s guardStmtCC) ColumnConverter(idx int) driver.ValueConverter   { return s.columnConverter(idx) }
func (s guardStmtBoth) ColumnConverter(idx int) driver.ValueConverter { return s.columnConverter(idx) }

func (s *guardStmt) checkNamedValue(nv *driver.NamedValue) (err error) {
	defer s.c.catch("Stmt.CheckNamedValue", &err)
	return s.s.(driver.NamedValueChecker).CheckNamedValue(nv)
}

func (s *guardStmt) columnConverter(idx int) driver.ValueConverter {
	return s.s.(driver.ColumnConverter).ColumnConverter(idx)
}

// guardRows is a result set of a guarded connection. It has the optional
// interfaces of driver.Rows but ColumnTypeLength, which guardRowsLength
// adds for a driver whose rows have it (go-mssqldb's; go-sql-driver's do
// not). Where the driver's rows lack another, it answers as database/sql
// does without it.
type guardRows struct {
	r driver.Rows
	c *guardConn
}

// guardRowsLength is guardRows with ColumnTypeLength.
type guardRowsLength struct{ *guardRows }

// rows wraps a result set of the driver.
func (c *guardConn) rows(r driver.Rows) driver.Rows {
	g := &guardRows{r: r, c: c}
	if _, ok := r.(driver.RowsColumnTypeLength); ok {
		return guardRowsLength{g}
	}
	return g
}

func (r *guardRows) Columns() (cols []string) {
	defer func() {
		if p := recover(); p != nil {
			_ = r.c.panicked("Rows.Columns", p)
			cols = nil
		}
	}()
	return r.r.Columns()
}

func (r *guardRows) Close() (err error) {
	defer r.c.catch("Rows.Close", &err)
	return r.r.Close()
}

func (r *guardRows) Next(dest []driver.Value) (err error) {
	if r.c.bad.Load() {
		return driver.ErrBadConn
	}
	defer r.c.catch("Rows.Next", &err)
	return r.r.Next(dest)
}

func (r *guardRows) HasNextResultSet() (more bool) {
	if r.c.bad.Load() {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			_ = r.c.panicked("Rows.HasNextResultSet", p)
			more = false
		}
	}()
	if n, ok := r.r.(driver.RowsNextResultSet); ok {
		return n.HasNextResultSet()
	}
	return false
}

func (r *guardRows) NextResultSet() (err error) {
	if r.c.bad.Load() {
		return driver.ErrBadConn
	}
	defer r.c.catch("Rows.NextResultSet", &err)
	if n, ok := r.r.(driver.RowsNextResultSet); ok {
		return n.NextResultSet()
	}
	return io.EOF // database/sql's answer for rows without more result sets
}

// The column types are read from the metadata the driver already holds;
// still guarded, answering as database/sql does without the interface.
func (r *guardRows) ColumnTypeScanType(i int) (t reflect.Type) {
	defer r.columnPanic("Rows.ColumnTypeScanType", func() { t = reflect.TypeFor[any]() })
	if c, ok := r.r.(driver.RowsColumnTypeScanType); ok {
		return c.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *guardRows) ColumnTypeDatabaseTypeName(i int) (name string) {
	defer r.columnPanic("Rows.ColumnTypeDatabaseTypeName", func() { name = "" })
	if c, ok := r.r.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return c.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r guardRowsLength) ColumnTypeLength(i int) (n int64, ok bool) {
	defer r.columnPanic("Rows.ColumnTypeLength", func() { n, ok = 0, false })
	return r.r.(driver.RowsColumnTypeLength).ColumnTypeLength(i)
}

func (r *guardRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	defer r.columnPanic("Rows.ColumnTypeNullable", func() { nullable, ok = false, false })
	if c, is := r.r.(driver.RowsColumnTypeNullable); is {
		return c.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *guardRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	defer r.columnPanic("Rows.ColumnTypePrecisionScale", func() { precision, scale, ok = 0, 0, false })
	if c, is := r.r.(driver.RowsColumnTypePrecisionScale); is {
		return c.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

// columnPanic recovers a panic of a column-type method: the connection
// becomes bad and zero answers the call.
func (r *guardRows) columnPanic(op string, zero func()) {
	if p := recover(); p != nil {
		_ = r.c.panicked(op, p)
		zero()
	}
}
