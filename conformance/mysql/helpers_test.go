package mysql

import (
	"database/sql"
	"database/sql/driver"
	"strconv"
)

func itoa(i int) string { return strconv.Itoa(i) }

func sqlDB(c driver.Connector) *sql.DB { return sql.OpenDB(c) }
