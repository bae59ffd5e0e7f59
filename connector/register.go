package connector

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// DriverName is the name the package registers with database/sql: for code
// that cannot take a Connector, sql.Open(connector.DriverName, dsn) is
// OpenDB(dsn) (importing the package, even as _, registers it).
const DriverName = "dbtls"

func init() { sql.Register(DriverName, Driver{}) }

// Driver is the database/sql driver registered as "dbtls". It is a
// driver.DriverContext: sql.Open parses the DSN with New once, in
// OpenConnector, so an invalid DSN or an unreadable trust store is sql.Open's
// error (the same *kind.Error New returns), and the trust stores are loaded
// once for the pool, not for each connection. Options cannot be given this
// way: use New or OpenDB for them.
type Driver struct{}

// OpenConnector is New(name).
func (Driver) OpenConnector(name string) (driver.Connector, error) { return New(name) }

// Open makes one connection for name (database/sql calls it only when
// OpenConnector is not used).
func (Driver) Open(name string) (driver.Conn, error) {
	c, err := New(name)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}
