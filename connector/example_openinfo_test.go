package connector_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

// The JDBC URL the Java service used, unchanged, from the environment: a
// *sql.DB whose connections all follow it.
func ExampleOpenDB() {
	db, err := connector.OpenDB(os.Getenv("ORDERS_DSN"))
	if err != nil {
		log.Fatal(err) // e.g. dbtls: trust store integrity check failed (trustStorePassword=xxxxx): …
	}
	defer db.Close()
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil {
		log.Fatal(err)
	}
	fmt.Println("SELECT 1 =", one)
	// Output:
	// SELECT 1 = 1
}

// What one connection negotiated: the scenario row, the TLS version, the
// server's certificate.
func ExampleInfo() {
	db, err := connector.OpenDB(os.Getenv("ORDERS_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	info, err := connector.Info(conn)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("row", info.Row, info.Mode, "encrypted:", info.Encrypted)
	fmt.Println("server certificate:", info.Peer[0].Subject, "issued by", info.Peer[0].Issuer)
	// Output:
	// row 7 ca-chain encrypted: true
	// server certificate: CN=localhost issued by CN=example CA
}

// An observer sees the record of every connection the connector makes: for
// metrics, or an audit of what each connection negotiated.
func ExampleWithObserver() {
	observe := func(info connector.ConnInfo) {
		fmt.Println("connected: row", info.Row, "encrypted:", info.Encrypted)
	}
	c, err := connector.New(os.Getenv("ORDERS_DSN"), connector.WithObserver(observe))
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	fmt.Println("ping:", db.Ping())
	// Output:
	// connected: row 7 encrypted: true
	// ping: <nil>
}

// Warnings (here: encrypt=false validates no certificate), connections and
// reloads go to the logger given; no password is ever logged. Without
// WithLogger, warnings go to slog.Default().
func ExampleWithLogger() {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	c, err := connector.New("jdbc:sqlserver://db.example.com;user=app;password=s3cret;encrypt=false", connector.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(c.Warnings()), "warning")
	// Output:
	// level=WARN msg="dbtls: no certificate validation at all: TLS only as the server asks (encrypt=false); set encrypt=true to require and validate TLS" row=1
	// 1 warning
}

// The clock certificate validity is judged by: here two years ahead, when
// the server's certificate has expired. Tests use it to see expiry before
// it happens.
func ExampleWithClock() {
	later := func() time.Time { return time.Now().AddDate(2, 0, 0) }
	db, err := connector.OpenDB(os.Getenv("ORDERS_DSN"), connector.WithClock(later))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.Ping()
	fmt.Println(errors.Is(err, kind.CertificateExpired))
	// Output:
	// true
}
