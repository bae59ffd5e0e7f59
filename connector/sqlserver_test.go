package connector

import (
	"context"
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// tdsFixture is a CA, a server certificate for localhost/127.0.0.1 it
// issued, a PEM trust store holding the CA, and in-process TDS servers.
type tdsFixture struct {
	ca, leaf  *certgen.Cert
	trustFile string
}

func newTDSFixture(t *testing.T) *tdsFixture {
	nb, na := certgen.Window(time.Now(), time.Hour, 90*24*time.Hour) // beyond the expiry warning's 30 days
	f := &tdsFixture{ca: certgen.Must(certgen.Spec{CN: "tds CA", IsCA: true, NotBefore: nb, NotAfter: na})}
	f.leaf = certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")},
		Parent: f.ca, NotBefore: nb, NotAfter: na})
	f.trustFile = filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(f.trustFile, f.ca.CertPEM(), 0o644))
	return f
}

func (f *tdsFixture) server(t *testing.T, cfg tds.Config) *tds.Server {
	cert := f.leaf.TLS(true)
	cfg.Certificate = &cert
	srv, err := tds.Listen("127.0.0.1:0", cfg)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

func sqlServerURL(port int, props string) string {
	return "jdbc:sqlserver://localhost:" + strconv.Itoa(port) + ";user=sa;password=Tds-s3cret;loginTimeout=5;" + props
}

// connectOnce opens one pooled connection through a connector, runs SELECT 1
// and returns the connection's record.
func connectOnce(t *testing.T, c *Connector) (ConnInfo, error) {
	db := sql.OpenDB(c)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		return ConnInfo{}, err
	}
	defer conn.Close()
	var one int
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	require.Equal(t, 1, one)
	return Info(conn)
}

// TestSQLServerRows: the scenario rows through go-mssqldb against the TDS
// server, with the outcomes of spec §2: row 1 against a server answering
// OFF encrypts the login only; rows 2–10 encrypt everything and refuse a
// server without encryption; row 11 is TDS 8.0 (TLS first, ALPN tds/8.0).
func TestSQLServerRows(t *testing.T) {
	f := newTDSFixture(t)
	off := f.server(t, tds.Config{Encryption: tds.Off})
	notSup := f.server(t, tds.Config{Encryption: tds.NotSup})
	strict := f.server(t, tds.Config{Encryption: tds.On, Strict: tds.StrictOnly})
	cases := []struct {
		name      string
		srv       *tds.Server
		props     string
		row       string
		fail      kind.Kind
		encrypted bool
		loginOnly bool
		version   string
		alpn      string
	}{
		{name: "row 1 vs OFF: login only", srv: off, props: "encrypt=false", row: "1", loginOnly: true, version: "TLSv1.2"},
		{name: "row 2 vs OFF: full", srv: off, props: "encrypt=true;trustServerCertificate=true", row: "2", encrypted: true, version: "TLSv1.2"},
		{name: "row 7 vs OFF: validated", srv: off, props: "encrypt=true;trustStore=" + f.trustFile, row: "7", encrypted: true, version: "TLSv1.2"},
		{name: "row 2 vs NOT_SUP", srv: notSup, props: "encrypt=true;trustServerCertificate=true", row: "2", fail: kind.EncryptionNotSupported},
		{name: "row 7 vs NOT_SUP", srv: notSup, props: "encrypt=true;trustStore=" + f.trustFile, row: "7", fail: kind.EncryptionNotSupported},
		{name: "row 9, name not in certificate", srv: off, props: "encrypt=true;trustStore=" + f.trustFile + ";hostNameInCertificate=db.example.com", row: "9", fail: kind.HostnameMismatch},
		{name: "row 11 strict", srv: strict, props: "encrypt=strict;trustStore=" + f.trustFile, row: "11", encrypted: true, version: "TLSv1.3", alpn: "tds/8.0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(sqlServerURL(tc.srv.Port(), tc.props))
			require.NoError(t, err)
			require.Equal(t, tc.row, c.Strategy().Row)
			info, err := connectOnce(t, c)
			if tc.fail != "" {
				require.ErrorIs(t, err, tc.fail)
				require.NotContains(t, err.Error(), "Tds-s3cret")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.encrypted, info.Encrypted, "encrypted")
			require.Equal(t, tc.loginOnly, info.LoginOnly, "login only")
			require.Equal(t, tc.version, info.Version)
			require.Equal(t, tc.alpn, info.ALPN)
			require.Equal(t, tc.row, info.Row)
			require.NotEmpty(t, info.CipherIANA)
			require.NotEmpty(t, info.CipherOpenSSL)
			require.Equal(t, f.leaf.SHA256(), info.Peer[0].SHA256)
			require.Equal(t, "CN=tds CA", info.Peer[0].Issuer)
			require.Equal(t, []string{"127.0.0.1"}, info.Peer[0].IPAddresses)
		})
	}
}

// TestDowngradeGuard: a machine in the middle rewrites the server's
// PRELOGIN answer (ENCRYPT_ON) to OFF or NOT_SUP. The connection fails with
// encryption-not-supported and no LOGIN7 byte crosses in plaintext.
// (go-mssqldb v1.11.2 refuses these answers itself too; the connector's own
// guard, which does not depend on that, is TestGuardRefusesTheNextWrite.)
func TestDowngradeGuard(t *testing.T) {
	f := newTDSFixture(t)
	on := f.server(t, tds.Config{Encryption: tds.On})
	for _, rw := range []byte{tds.EncryptOff, tds.EncryptNotSup} {
		t.Run(tds.EncryptName(rw), func(t *testing.T) {
			rw := rw
			px, err := tds.NewProxy(on.Addr(), &rw)
			require.NoError(t, err)
			defer px.Close()
			c, err := New(sqlServerURL(px.Port(), "encrypt=true;trustStore="+f.trustFile))
			require.NoError(t, err)
			_, err = connectOnce(t, c)
			require.ErrorIs(t, err, kind.EncryptionNotSupported)
			px.Close()
			require.GreaterOrEqual(t, px.Conns(), 1)
			for n := 1; n <= px.Conns(); n++ {
				frames, err := tds.Frames(px.Stream(n, tds.ClientToServer))
				require.NoError(t, err)
				for _, fr := range frames {
					require.False(t, !fr.TLS && fr.Type == tds.PacketLogin7, "conn %d: a LOGIN7 packet crossed in plaintext", n)
					require.False(t, fr.TLS, "conn %d: nothing but PRELOGIN is sent after the refusal", n)
				}
			}
		})
	}
	t.Run("no rewrite", func(t *testing.T) {
		px, err := tds.NewProxy(on.Addr(), nil)
		require.NoError(t, err)
		defer px.Close()
		c, err := New(sqlServerURL(px.Port(), "encrypt=true;trustStore="+f.trustFile))
		require.NoError(t, err)
		info, err := connectOnce(t, c)
		require.NoError(t, err, "the proxy alone changes nothing")
		require.True(t, info.Encrypted)
	})
}

// TestWithClock: the connector judges validity by its clock: a day after
// the certificate expired, the same server is refused as expired.
func TestWithClock(t *testing.T) {
	f := newTDSFixture(t)
	srv := f.server(t, tds.Config{Encryption: tds.On})
	url := sqlServerURL(srv.Port(), "encrypt=true;trustStore="+f.trustFile)
	late := f.leaf.Cert.NotAfter.Add(24 * time.Hour)
	c, err := New(url, WithClock(func() time.Time { return late }))
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.CertificateExpired)

	c, err = New(url, WithClock(func() time.Time { return f.leaf.Cert.NotBefore.Add(time.Minute) }))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), info.DialStart, time.Minute, "timings use the real clock, not the validity clock")
}
