package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/dbtls/dbtls/connector"
)

var quiet = slog.New(slog.DiscardHandler)

// ViaConnector makes one attempt through dbtls's connector and go-mssqldb:
// connector.New on the JDBC URL, one pooled connection, SELECT 1, and the
// connection's TLS facts from connector.Info.
//
// The connector's warnings (row 1's "no certificate validation at all", …)
// are expected in every case here and not logged: the demo describes each
// row itself, and the matrix would print thousands of them.
func ViaConnector(ctx context.Context, jdbcURL string) Attempt {
	c, err := connector.New(jdbcURL, connector.WithLogger(quiet))
	if err != nil {
		return Attempt{Err: err}
	}
	st := c.Strategy()
	a := Attempt{Strategy: st.Mode.String(), Row: st.Row}
	db := sql.OpenDB(c)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		a.Err = err
		return a
	}
	defer conn.Close()
	var one int
	if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		a.Err = err
		return a
	}
	info, err := connector.Info(conn)
	if err != nil {
		a.Err = err
		return a
	}
	a.Encrypted, a.LoginOnly, a.Version, a.Cipher = info.Encrypted, info.LoginOnly, info.Version, info.CipherIANA
	return a
}

// Demo is `go run ./cmd/dbtls-demo`: it makes a CA and server certificates in a
// temporary directory, points this process's default trust at them, starts
// the TDS servers in-process on 127.0.0.1 and connects once per
// scenario-table row through the connector, printing row → mode →
// outcome to w.
func Demo(ctx context.Context, w io.Writer) error {
	dir, err := os.MkdirTemp("", "dbtls-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m, err := NewMatrix(dir)
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintf(w, "dbtls demo: TDS test servers on 127.0.0.1, certificates from a CA made just now (%s)\n\n", dir)
	return RunDemo(ctx, w, m, ViaConnector)
}
