package connector

import (
	"context"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/certgen"
	"github.com/go-sql-driver/mysql"
	mssql "github.com/microsoft/go-mssqldb"
)

// BenchmarkConnect compares, in one run, a new TLS connection through dbtls
// with one through the bare go-sql-driver, against the same MariaDB:
//
//	go test -run XXX -bench Connect ./connector/
func BenchmarkConnect(b *testing.B) {
	srv := tlsServer(b)
	ctx := context.Background()
	b.Run("dbtls", func(b *testing.B) {
		c, err := New(mysqlDSN(srv, "sslMode=REQUIRED"))
		if err != nil {
			b.Fatal(err)
		}
		benchConnect(ctx, b, c)
	})
	b.Run("bare", func(b *testing.B) {
		cfg := mysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = mariadb.PlainUser, mariadb.PlainPassword, "tcp", srv.Addr
		cfg.TLS = &tls.Config{InsecureSkipVerify: true, ClientSessionCache: tls.NewLRUClientSessionCache(64)}
		c, err := mysql.NewConnector(cfg)
		if err != nil {
			b.Fatal(err)
		}
		benchConnect(ctx, b, c)
	})
}

// BenchmarkConnectSQLServer does the same for SQL Server against our TDS
// server (conformance/tds), encrypt=true with trustServerCertificate, through
// dbtls and through the bare go-mssqldb.
func BenchmarkConnectSQLServer(b *testing.B) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	cert := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, NotBefore: nb, NotAfter: na}).TLS(true)
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: tds.On, Certificate: &cert})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	port := strconv.Itoa(srv.Port())
	b.Run("dbtls", func(b *testing.B) {
		c, err := New("jdbc:sqlserver://localhost:" + port + ";user=sa;password=pw;encrypt=true;trustServerCertificate=true")
		if err != nil {
			b.Fatal(err)
		}
		benchConnect(ctx, b, c)
	})
	b.Run("bare", func(b *testing.B) {
		c, err := mssql.NewConnector("sqlserver://sa:pw@localhost:" + port + "?encrypt=true&trustServerCertificate=true")
		if err != nil {
			b.Fatal(err)
		}
		benchConnect(ctx, b, c)
	})
}

func benchConnect(ctx context.Context, b *testing.B, c driver.Connector) {
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxIdleConns(0) // every iteration dials, handshakes and logs in
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		conn, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := conn.PingContext(ctx); err != nil {
			b.Fatal(err)
		}
		conn.Close()
	}
}
