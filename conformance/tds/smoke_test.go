package tds

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/dbtls/dbtls/internal/certgen"
)

func TestSmoke(t *testing.T) {
	cert := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}})
	tc := cert.TLS(true)
	for _, setting := range []Setting{Off, On, Req, NotSup} {
		for _, strict := range []Strict{StrictNo, StrictAlso, StrictOnly} {
			srv, err := Listen("127.0.0.1:0", Config{Encryption: setting, Strict: strict, Certificate: &tc})
			if err != nil {
				t.Fatal(err)
			}
			for _, enc := range []string{"disable", "false", "true", "strict"} {
				dsn := fmt.Sprintf("sqlserver://sa:pw@127.0.0.1:%d?encrypt=%s&trustServerCertificate=true&app+name=x", srv.Port(), enc)
				db, _ := sql.Open("sqlserver", dsn)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				var one int
				err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
				cancel()
				db.Close()
				time.Sleep(50 * time.Millisecond)
				recs := srv.Records()
				last := recs[len(recs)-1]
				t.Logf("server=%s strict=%s client=%s: one=%d err=%v | %s", setting, strict, enc, one, err, last)
			}
			srv.Close()
		}
	}
}
