package connector_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net"
	"os"

	"github.com/dbtls/dbtls/connector"
)

// tunnel stands for a proxy or an SSH client: it is handed the host name as
// the DSN writes it, and connects to where that name lives.
type tunnel struct{ to string }

func (t tunnel) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	fmt.Println("tunnel:", network, addr)
	var d net.Dialer
	return d.DialContext(ctx, network, t.to)
}

// A custom dialer replaces the TCP dial only: the connection it returns
// still gets the PRELOGIN guard and every certificate check.
func ExampleWithDialer() {
	url := "jdbc:sqlserver://db.internal:1433;user=sa;password=s3cret;encrypt=true;hostNameInCertificate=localhost;trustStore=" + os.Getenv("ORDERS_CA_FILE")
	c, err := connector.New(url, connector.WithDialer(tunnel{to: os.Getenv("ORDERS_ADDR")}))
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	fmt.Println("ping:", db.Ping())
	// Output:
	// tunnel: tcp db.internal:1433
	// ping: <nil>
}
