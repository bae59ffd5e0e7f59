//go:build unix

package verify

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dbtls/dbtls/dsn"

	"github.com/stretchr/testify/require"
)

// TestDescribeOpensNoFile: every file of the string is a FIFO with no
// writer, which blocks whoever opens it for reading. Describe returns at once.
func TestDescribeOpensNoFile(t *testing.T) {
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, syscall.Mkfifo(p, 0o600))
		return p
	}
	dsns := []string{
		"jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + fifo("store.jks") + ";trustStorePassword=changeit",
		"jdbc:sqlserver://db.example.com;encrypt=strict;serverCertificate=" + fifo("pin.pem"),
		"app@tcp(db.example.com)/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=" + fifo("ca.pem") + "&ssl-cert=" + fifo("c.crt") + "&ssl-key=" + fifo("c.key"),
		"jdbc:mysql://db.example.com/app?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:" + fifo("t.p12") + "&clientCertificateKeyStoreUrl=file:" + fifo("c.p12"),
	}
	done := make(chan error, 1)
	go func() {
		for _, s := range dsns {
			cfg, err := dsn.Parse(s)
			if err == nil {
				_, err = Describe(cfg)
			}
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Describe opened a file the string names")
	}
}
