package connector

import (
	"context"
	"database/sql"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/conformance/mitm"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A machine in the middle for the MySQL family (conformance/mitm) between
// go-sql-driver, through the connector, and a real MariaDB with TLS. The user is mariadb.PlainUser, whose account uses
// mysql_native_password (MariaDB's default): its handshake response carries
// a scramble, never the password; the password is looked for in the
// captures all the same.

// mitmMySQLConnect opens one connection through c, runs SELECT 1, and
// returns the connection's record and the server's own Ssl_cipher for it
// ("" for a plaintext session).
func mitmMySQLConnect(t *testing.T, c *Connector) (ConnInfo, string, error) {
	db := sql.OpenDB(c)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		return ConnInfo{}, "", err
	}
	defer conn.Close()
	var one int
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	cipher, err := mariadb.Status(ctx, conn, "Ssl_cipher")
	require.NoError(t, err)
	info, err := Info(conn)
	return info, cipher, err
}

func mitmMySQLDSN(port int, params string) string {
	return "jdbc:mysql://127.0.0.1:" + strconv.Itoa(port) + "/?user=" + mariadb.PlainUser + "&password=" + mariadb.PlainPassword + "&" + params
}

// generalLog turns on the server's general query log, which has a Connect
// line for every login that reached authentication, and returns a function
// that reads what was logged since the last call.
func generalLog(t *testing.T, srv *mariadb.Server) func() string {
	path := filepath.Join(srv.Dir, "general.log")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, srv.Exec(ctx, "SET GLOBAL general_log_file='"+path+"'", "SET GLOBAL general_log=ON"))
	var off int
	return func() string {
		b, _ := os.ReadFile(path)
		if len(b) < off {
			off = 0
		}
		s := string(b[off:])
		off = len(b)
		return s
	}
}

// TestMITMMySQL runs both MySQL tables against one real server and one
// attacker's server.
func TestMITMMySQL(t *testing.T) {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ip := []net.IP{net.ParseIP("127.0.0.1")}
	ca := certgen.Must(certgen.Spec{CN: "real CA", IsCA: true, NotBefore: nb, NotAfter: na})
	attackerCA := certgen.Must(certgen.Spec{CN: "attacker CA", IsCA: true, NotBefore: nb, NotAfter: na})
	realLeaf := certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: ca, NotBefore: nb, NotAfter: na})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.CertPEM(), 0o644))
	real := mariadb.Need(t, mariadb.Options{TLS: true, Cert: realLeaf})

	t.Run("CLIENT_SSL stripped", func(t *testing.T) { mitmMySQLStrip(t, real, caFile) })

	attacker := mariadb.Need(t, mariadb.Options{TLS: true, Cert: realLeaf})
	certs := []struct {
		name string
		leaf *certgen.Cert
	}{
		{"real", realLeaf}, // the control: the real certificate
		{"self-signed", certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, NotBefore: nb, NotAfter: na})},
		{"other name", certgen.Must(certgen.Spec{CN: "attacker.example.net", DNSNames: []string{"attacker.example.net"}, Parent: ca, NotBefore: nb, NotAfter: na})},
		{"expired", certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: ca, NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})},
		{"other root", certgen.Must(certgen.Spec{CN: "127.0.0.1", IPs: ip, Parent: attackerCA, NotBefore: nb, NotAfter: na})},
	}
	t.Run("terminating attacker", func(t *testing.T) { mitmMySQLTerminating(t, attacker, caFile, certs) })
}

// mitmMySQLStrip: the attacker clears CLIENT_SSL (0x0800) in the real
// server's greeting. Spec §5: REQUIRED and above then fail with
// encryption-not-supported — and the client has not sent a byte: it speaks
// only after the greeting, and the greeting already told it no. PREFERRED
// goes on in plaintext, as its definition says (TLS when the server offers
// it, else plaintext): PREFERRED protects nothing against an active
// attacker, who reads the session and the scramble of the native
// password (enough for an offline guess at a weak password) — but not the
// password itself, which the connector keeps from crossing without TLS
// whatever the server asks (internal/mysqlauth). (An attacker who offers TLS
// of its own instead of stripping it does get the password under PREFERRED
// and REQUIRED: conformance/mysqlfake TestOfferedTLS.)
func mitmMySQLStrip(t *testing.T, srv *mariadb.Server, caFile string) {
	cases := []struct {
		mode   string
		params string
		strip  bool
		fail   kind.Kind // "": connects
		tls    bool      // the session is encrypted
	}{
		{"REQUIRED", "sslMode=REQUIRED", true, kind.EncryptionNotSupported, false},
		{"VERIFY_CA", "sslMode=VERIFY_CA&ssl-ca=" + caFile, true, kind.EncryptionNotSupported, false},
		{"VERIFY_IDENTITY", "sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile, true, kind.EncryptionNotSupported, false},
		{"PREFERRED", "sslMode=PREFERRED", true, "", false},
		{"VERIFY_IDENTITY, no tamper (control)", "sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile, false, "", true},
	}
	var counts mitmCounts
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			cfg := mitm.Config{Upstream: srv.Addr}
			if tc.strip {
				counts.cases++
				cfg.ServerToClient = mitm.ClearGreetingCapability(0x0800)
			}
			px, err := mitm.Listen(cfg)
			require.NoError(t, err)
			defer px.Close()
			c, err := New(mitmMySQLDSN(px.Port(), tc.params))
			require.NoError(t, err)
			info, cipher, err := mitmMySQLConnect(t, c)
			require.True(t, px.Wait(10*time.Second), "the proxied connections did not end")
			require.NoError(t, px.Close())
			if tc.strip {
				require.Contains(t, strings.Join(px.Notes(), "\n"), "greeting capabilities")
				requireNoSecret(t, px, mariadb.PlainPassword, &counts.leaked)
			}
			if tc.fail != "" {
				counts.refused++
				require.ErrorIs(t, err, tc.fail, "%v", err)
				require.NotContains(t, err.Error(), mariadb.PlainPassword)
				require.GreaterOrEqual(t, px.Conns(), 1)
				for n := 1; n <= px.Conns(); n++ {
					require.Empty(t, px.Sent(n, mitm.ClientToServer), "conn %d: the client sent bytes after the stripped greeting", n)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.tls, info.Encrypted)
			require.Equal(t, tc.tls, cipher != "", "the server's Ssl_cipher: %q", cipher)
			if tc.strip {
				counts.connected++
				// what crossed: a HandshakeResponse in the clear (no
				// SSLRequest), with the native password's 20-byte scramble
				first, _, ok := mitm.MySQLPacket(px.Sent(1, mitm.ClientToServer))
				require.True(t, ok)
				require.Greater(t, len(first), 32, "a HandshakeResponse, not an SSLRequest")
				require.Zero(t, binary.LittleEndian.Uint32(first)&0x0800, "the client did not ask for TLS")
			}
		})
	}
	counts.log(t, "MySQL CLIENT_SSL strip")
}

// mitmMySQLTerminating: the attacker is a MariaDB of its own where the
// client expects the real server (the client names 127.0.0.1, the address
// the attacker owns), presenting each certificate an attacker may hold,
// with the same accounts and passwords as the real server so that a login
// that reaches it succeeds. Spec §5 and §3: VERIFY_IDENTITY checks chain,
// validity and name; VERIFY_CA checks the chain and validity and no name,
// so the CA's certificate for another host passes it — an attacker holding
// any certificate from the same CA reads the session; REQUIRED checks no
// chain and no name, only (spec §9, as Connector/J) the validity period.
// Refused connections are checked on the wire (the SSLRequest, then TLS
// records that carry nothing but the handshake) and on the attacker's side
// (its general log shows no login); accepted ones show the attacker got
// the login.
func mitmMySQLTerminating(t *testing.T, srv *mariadb.Server, caFile string, certs []struct {
	name string
	leaf *certgen.Cert
}) {
	newLogins := generalLog(t, srv)
	modes := []struct{ name, params string }{
		{"VERIFY_IDENTITY", "sslMode=VERIFY_IDENTITY&ssl-ca=" + caFile},
		{"VERIFY_CA", "sslMode=VERIFY_CA&ssl-ca=" + caFile},
		{"REQUIRED", "sslMode=REQUIRED"},
	}
	want := map[string]map[string]kind.Kind{ // mode → certificate → kind ("": connects)
		"VERIFY_IDENTITY": {"real": "", "self-signed": kind.UntrustedCertificate, "other name": kind.HostnameMismatch, "expired": kind.CertificateExpired, "other root": kind.UntrustedCertificate},
		"VERIFY_CA":       {"real": "", "self-signed": kind.UntrustedCertificate, "other name": "", "expired": kind.CertificateExpired, "other root": kind.UntrustedCertificate},
		"REQUIRED":        {"real": "", "self-signed": "", "other name": "", "expired": kind.CertificateExpired, "other root": ""},
	}
	var counts mitmCounts
	var accepted []string
	for _, cert := range certs {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		require.NoError(t, srv.ReplaceCert(ctx, cert.leaf))
		cancel()
		for _, m := range modes {
			t.Run(m.name+"/"+cert.name, func(t *testing.T) {
				attack := cert.name != "real"
				if attack {
					counts.cases++
				}
				newLogins()
				px, err := mitm.Listen(mitm.Config{Upstream: srv.Addr})
				require.NoError(t, err)
				defer px.Close()
				c, err := New(mitmMySQLDSN(px.Port(), m.params))
				require.NoError(t, err)
				require.Equal(t, m.name, c.Strategy().Row)
				info, cipher, err := mitmMySQLConnect(t, c)
				require.True(t, px.Wait(10*time.Second), "the proxied connections did not end")
				require.NoError(t, px.Close())
				requireNoSecret(t, px, mariadb.PlainPassword, &counts.leaked)
				if k := want[m.name][cert.name]; k != "" {
					counts.refused++
					require.Error(t, err)
					defer func() { assert.ErrorIs(t, err, k, "%v", err) }() // last: the captures are checked whatever the kind
					require.NotContains(t, err.Error(), mariadb.PlainPassword)
					require.GreaterOrEqual(t, px.Conns(), 1)
					for n := 1; n <= px.Conns(); n++ {
						sent := px.Sent(n, mitm.ClientToServer)
						req, rest, ok := mitm.MySQLPacket(sent)
						require.True(t, ok, "conn %d: the client sent an SSLRequest", n)
						require.Len(t, req, 32, "conn %d: an SSLRequest is 32 bytes", n)
						require.NotZero(t, binary.LittleEndian.Uint32(req)&0x0800, "conn %d: with CLIENT_SSL", n)
						recs, rerr := mitm.TLSRecords(rest)
						require.NoError(t, rerr)
						require.NoError(t, mitm.HandshakeOnly(recs), "conn %d: records %v", n, recs)
						t.Logf("refused (%v); conn %d: the client sent an SSLRequest, then TLS records %v", kind.Of(err), n, recs)
					}
					time.Sleep(100 * time.Millisecond) // let the server write what it would
					require.NotContains(t, newLogins(), mariadb.PlainUser+"@", "the attacker's server saw a login")
					return
				}
				require.NoError(t, err)
				require.True(t, info.Encrypted)
				require.NotEmpty(t, cipher)
				require.Equal(t, cert.leaf.SHA256(), info.Peer[0].SHA256, "the client talked to the server with this certificate")
				var logged string
				for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(logged, mariadb.PlainUser+"@"); {
					logged += newLogins()
					time.Sleep(20 * time.Millisecond)
				}
				require.Contains(t, logged, mariadb.PlainUser+"@", "the login reached the server")
				if attack {
					counts.connected++
					accepted = append(accepted, m.name+"/"+cert.name)
				}
			})
		}
	}
	counts.log(t, "MySQL terminating attacker")
	t.Logf("MySQL terminating attacker: accepted by the mode's definition, the attacker holding the login (a native-password scramble inside its TLS): %v", accepted)
}
