package mysql_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
)

// Example_migratingFromJDBC does, step by step, what
// docs/migrating-from-jdbc.md tells a team to do, against a real MariaDB
// server: take the Java service's JDBC URL and its JKS trust store (made by
// keytool, as the Java team made it) and open a *sql.DB.
func Example_migratingFromJDBC() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "dbtls-migrate-")
	defer os.RemoveAll(dir)

	// The database, with a certificate from the company's CA.
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "Corp Root CA", IsCA: true, NotBefore: nb, NotAfter: na})
	srv, err := mariadb.Start(ctx, mariadb.Options{TLS: true, Cert: certgen.Must(certgen.Spec{CN: "localhost",
		DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}, Parent: ca, NotBefore: nb, NotAfter: na})})
	if err != nil {
		fmt.Println("no MariaDB server:", err)
		return
	}
	defer srv.Stop()

	// Step 1: the Java service's trust store, as its team made it with keytool.
	caPEM, _, _ := ca.WriteFiles(dir, "corp-root")
	jks := filepath.Join(dir, "truststore.jks")
	if out, err := exec.Command("keytool", "-importcert", "-noprompt", "-alias", "corp-root", "-file", caPEM,
		"-keystore", jks, "-storetype", "JKS", "-storepass", "changeit").CombinedOutput(); err != nil {
		fmt.Println("keytool:", err, string(out))
		return
	}

	// Step 2: the Java service's JDBC URL, unchanged.
	jdbcURL := "jdbc:mysql://localhost:" + strconv.Itoa(srv.Port) + "/?user=plain&password=" + mariadb.PlainPassword +
		"&sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:" + jks + "&trustCertificateKeyStorePassword=changeit"

	// Step 3: a *sql.DB through dbtls.
	db, err := connector.OpenDB(jdbcURL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	// Step 4: what was negotiated, and what the server says.
	info, _ := connector.Info(conn)
	cipher, _ := mariadb.Status(ctx, conn, "Ssl_cipher")
	fmt.Println("encrypted:", info.Encrypted)
	fmt.Println("sslMode:", info.Row)
	fmt.Println("issuer:", info.Peer[0].Issuer)
	fmt.Println("server agrees on the cipher:", cipher == info.CipherOpenSSL)
	// Output:
	// encrypted: true
	// sslMode: VERIFY_IDENTITY
	// issuer: CN=Corp Root CA
	// server agrees on the cipher: true
}
