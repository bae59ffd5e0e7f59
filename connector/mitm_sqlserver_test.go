package connector

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mitm"
	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A machine in the middle against SQL Server, with go-mssqldb through the
// connector, our TDS server, and a proxy that records every byte
// (conformance/mitm). Every refused case is checked on
// the captured bytes: no LOGIN7 crossed in plaintext, nothing but the
// handshake left the client, and the password appears nowhere in any form
// it takes on a TDS wire (as written, UCS-2, LOGIN7-obfuscated UCS-2); and
// on the server's side: it never received a LOGIN7.

// mitmSQLPassword is the client's password in these tests: distinctive, so
// that a hit in a capture is the password and nothing else.
const mitmSQLPassword = "Mitm-Pa55w0rd-tds"

// mitmSQLFixture is the real server's CA and certificate (localhost,
// 127.0.0.1 and db.example.com), a PEM trust store holding the CA, and the
// certificates an attacker may hold.
type mitmSQLFixture struct {
	ca, attackerCA *certgen.Cert
	real           *certgen.Cert
	trust          string
	attacker       map[string]*certgen.Cert
}

func newMITMSQLFixture(t *testing.T) *mitmSQLFixture {
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	names := func(s certgen.Spec) certgen.Spec {
		s.CN, s.DNSNames, s.IPs = "localhost", []string{"localhost", "db.example.com"}, []net.IP{net.ParseIP("127.0.0.1")}
		return s
	}
	f := &mitmSQLFixture{
		ca:         certgen.Must(certgen.Spec{CN: "real CA", IsCA: true, NotBefore: nb, NotAfter: na}),
		attackerCA: certgen.Must(certgen.Spec{CN: "attacker CA", IsCA: true, NotBefore: nb, NotAfter: na}),
	}
	f.real = certgen.Must(names(certgen.Spec{Parent: f.ca, NotBefore: nb, NotAfter: na}))
	f.trust = filepath.Join(t.TempDir(), "trust.pem")
	require.NoError(t, os.WriteFile(f.trust, f.ca.CertPEM(), 0o644))
	f.attacker = map[string]*certgen.Cert{
		// the right names, but signed by its own key
		"self-signed": certgen.Must(names(certgen.Spec{NotBefore: nb, NotAfter: na})),
		// a certificate the same CA issued the attacker for its own host
		"other name": certgen.Must(certgen.Spec{CN: "attacker.example.net", DNSNames: []string{"attacker.example.net"}, Parent: f.ca, NotBefore: nb, NotAfter: na}),
		// the real names from the real CA, but expired (a retired certificate whose key leaked)
		"expired": certgen.Must(names(certgen.Spec{Parent: f.ca, NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})),
		// the real names, issued by a CA the client does not trust
		"other root": certgen.Must(names(certgen.Spec{Parent: f.attackerCA, NotBefore: nb, NotAfter: na})),
	}
	return f
}

// server starts a TDS server presenting leaf that serves TDS 7.x (answering
// ENCRYPT_ON) and TDS 8.0, and accepts a login only with the client's
// password: a login it accepts proves it read the password.
func (f *mitmSQLFixture) server(t *testing.T, leaf *certgen.Cert) *tds.Server {
	cert := leaf.TLS(true)
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: tds.On, Strict: tds.StrictAlso, Certificate: &cert,
		User: "sa", Password: mitmSQLPassword, HandshakeTimeout: 10 * time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// props of the rows these tests use. Row 9's hostNameInCertificate is a name
// the real certificate carries.
func (f *mitmSQLFixture) props(row string) string {
	switch row {
	case "2":
		return "encrypt=true;trustServerCertificate=true"
	case "7":
		return "encrypt=true;trustStore=" + f.trust
	case "9":
		return "encrypt=true;trustStore=" + f.trust + ";hostNameInCertificate=db.example.com"
	case "11":
		return "encrypt=strict;trustStore=" + f.trust
	}
	panic("no props for row " + row)
}

// mitmSQLURL names the real server (localhost) on the proxy's port: the
// client believes it reaches the real server.
func mitmSQLURL(port int, props string) string {
	return "jdbc:sqlserver://localhost:" + strconv.Itoa(port) + ";user=sa;password=" + mitmSQLPassword + ";loginTimeout=5;" + props
}

// mitmCounts are one table's figures for docs/security.md.
type mitmCounts struct{ cases, refused, connected, leaked int }

func (c mitmCounts) log(t *testing.T, table string) {
	t.Logf("%s: %d cases, %d refused, %d connected, %d credentials leaked in the captures", table, c.cases, c.refused, c.connected, c.leaked)
}

// requireNoSecret checks every captured byte for the password in any form,
// counting a hit in *leaked before failing.
func requireNoSecret(t *testing.T, px *mitm.Proxy, secret string, leaked *int) {
	t.Helper()
	if hits := mitm.FindSecret(px.AllSent(), secret); len(hits) > 0 {
		*leaked++
		t.Fatalf("the password crossed the proxy: %v", hits)
	}
}

// requireTDSHandshakeOnly checks what a client sent on a connection it
// refused: no plaintext LOGIN7 (or any packet but PRELOGIN) and, inside the
// PRELOGIN packets (TDS 7.x) or on the bare wire (strict), TLS records that
// carry nothing but the handshake. prelogins, when not negative, is the
// exact number of PRELOGIN packets expected.
func requireTDSHandshakeOnly(t *testing.T, c2s []byte, strict bool, prelogins int) {
	t.Helper()
	frames, err := tds.Frames(c2s)
	require.NoError(t, err)
	var inner []byte
	n := 0
	for i, fr := range frames {
		require.False(t, !fr.TLS && fr.Type == tds.PacketLogin7, "a LOGIN7 packet crossed in plaintext")
		if strict {
			require.True(t, fr.TLS, "frame %d: strict mode sends TLS records only, got %v", i, fr)
			continue
		}
		require.False(t, fr.TLS, "frame %d: %v crossed outside PRELOGIN packets: the TLS handshake never finished", i, fr)
		require.Equal(t, tds.PacketPrelogin, fr.Type, "frame %d: %v", i, fr)
		n++
		if i > 0 {
			inner = append(inner, fr.Payload...)
		}
	}
	if prelogins >= 0 {
		require.Equal(t, prelogins, n, "PRELOGIN packets sent")
	}
	if strict {
		inner = c2s
	}
	recs, err := mitm.TLSRecords(inner)
	require.NoError(t, err)
	require.NoError(t, mitm.HandshakeOnly(recs), "records: %v", recs)
	t.Logf("the client sent %d PRELOGIN packets and TLS records %v", n, recs)
}

// requireNoLogin checks the server's side: no connection got as far as a
// LOGIN7 message. The server must be closed (its records complete).
func requireNoLogin(t *testing.T, srv *tds.Server) {
	t.Helper()
	for _, r := range srv.Records() {
		require.True(t, r.Done, "record %d not finished", r.ID)
		require.False(t, r.LoggedIn, "record %d: %v", r.ID, r)
		require.Zero(t, r.TDSVersion, "record %d: the server parsed a LOGIN7: %v", r.ID, r)
		require.Empty(t, r.User, "record %d: the server read a user name: %v", r.ID, r)
	}
}

// TestMITMSQLServerDowngrade: an attacker rewrites the real server's
// PRELOGIN answer (ENCRYPT_ON) to ENCRYPT_OFF or ENCRYPT_NOT_SUP. Spec §2:
// rows 2–10 must then fail with encryption-not-supported and send no login
// byte in plaintext — the client sends its PRELOGIN and nothing more. Row
// 11 (strict) is out of the attacker's reach: TLS comes first and the
// PRELOGIN exchange travels inside it, so there is no plaintext answer to
// rewrite and the connection is made, TDS 8.0 over TLS 1.3.
func TestMITMSQLServerDowngrade(t *testing.T) {
	f := newMITMSQLFixture(t)
	cases := []struct {
		row     string
		rewrite byte
		fail    kind.Kind // "": connects
	}{
		{"2", tds.EncryptOff, kind.EncryptionNotSupported},
		{"2", tds.EncryptNotSup, kind.EncryptionNotSupported},
		{"7", tds.EncryptOff, kind.EncryptionNotSupported},
		{"7", tds.EncryptNotSup, kind.EncryptionNotSupported},
		{"11", tds.EncryptOff, ""},
		{"11", tds.EncryptNotSup, ""},
	}
	var counts mitmCounts
	for _, tc := range cases {
		t.Run("row "+tc.row+"/ON to "+tds.EncryptName(tc.rewrite), func(t *testing.T) {
			counts.cases++
			srv := f.server(t, f.real)
			px, err := mitm.Listen(mitm.Config{Upstream: srv.Addr(), ServerToClient: mitm.PreloginEncryption(tc.rewrite)})
			require.NoError(t, err)
			defer px.Close()
			c, err := New(mitmSQLURL(px.Port(), f.props(tc.row)))
			require.NoError(t, err)
			require.Equal(t, tc.row, c.Strategy().Row)
			info, err := connectOnce(t, c)
			require.True(t, px.Wait(10*time.Second), "the proxied connections did not end")
			require.NoError(t, px.Close())
			require.NoError(t, srv.Close())
			require.GreaterOrEqual(t, px.Conns(), 1)
			notes := strings.Join(px.Notes(), "\n")
			if tc.fail != "" {
				counts.refused++
				require.ErrorIs(t, err, tc.fail, "%v", err)
				require.NotContains(t, err.Error(), mitmSQLPassword)
				require.Contains(t, notes, "rewritten to 0x0"+strconv.Itoa(int(tc.rewrite)))
				for n := 1; n <= px.Conns(); n++ {
					// the PRELOGIN request, and not one byte after the
					// downgraded answer
					requireTDSHandshakeOnly(t, px.Sent(n, mitm.ClientToServer), false, 1)
				}
				requireNoLogin(t, srv)
			} else {
				counts.connected++
				require.NoError(t, err)
				require.Contains(t, notes, "no plaintext PRELOGIN answer to rewrite")
				require.NotContains(t, notes, "rewritten")
				require.True(t, info.Encrypted)
				require.Equal(t, "TLSv1.3", info.Version)
				require.Equal(t, tds.ALPN, info.ALPN)
				recs := srv.Records()
				require.NotEmpty(t, recs)
				last := recs[len(recs)-1]
				require.Equal(t, tds.NegStrict, last.Negotiated)
				require.True(t, last.LoggedIn && last.LoginEncrypted, "%v", last)
			}
			requireNoSecret(t, px, mitmSQLPassword, &counts.leaked)
		})
	}
	counts.log(t, "SQL Server PRELOGIN downgrade")
}

// TestMITMSQLServerClientHelloTamper: in strict mode an attacker edits the
// ClientHello in flight, keeping its length. Whatever it changes, the TLS
// handshake binds it: either the server refuses what it now reads, or the
// two sides' transcripts differ and the keys derived from them do not
// match. Either way the connection fails before any application data, with
// handshake-failed (spec §8: a TLS failure that is neither a certificate
// verdict nor a version mismatch), and the server never gets a LOGIN7.
//
//   - ALPN "tds/8.0" → "tds/7.9": the server, which speaks only tds/8.0,
//     answers the ClientHello with a no_application_protocol alert (had it
//     accepted the changed offer, the transcript would break as below).
//   - one bit of the client random flipped: no server checks the random; the
//     server completes its flight, and the client cannot decrypt it, since
//     its handshake keys hash the ClientHello it sent, not the one the server
//     read (bad_record_mac).
func TestMITMSQLServerClientHelloTamper(t *testing.T) {
	f := newMITMSQLFixture(t)
	cases := []struct {
		name  string
		edit  func([]byte) string
		fail  kind.Kind
		note  string
		shown string // what the client's error says
	}{
		{"ALPN tds/8.0 to tds/7.9", mitm.Replace("tds/8.0", "tds/7.9"), kind.HandshakeFailed, "1 time(s)", "no application protocol"},
		{"client random bit flipped", mitm.FlipClientRandom, kind.HandshakeFailed, "flipped", "bad record MAC"},
		{"no change (control)", func([]byte) string { return "unchanged" }, "", "unchanged", ""},
	}
	var counts mitmCounts
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fail != "" {
				counts.cases++ // the control is not a case
			}
			srv := f.server(t, f.real)
			px, err := mitm.Listen(mitm.Config{Upstream: srv.Addr(), ClientToServer: mitm.FirstTLSRecord(tc.edit)})
			require.NoError(t, err)
			defer px.Close()
			c, err := New(mitmSQLURL(px.Port(), f.props("11")))
			require.NoError(t, err)
			info, err := connectOnce(t, c)
			require.True(t, px.Wait(10*time.Second), "the proxied connections did not end")
			require.NoError(t, px.Close())
			require.NoError(t, srv.Close())
			require.Contains(t, strings.Join(px.Notes(), "\n"), tc.note)
			if tc.fail == "" {
				require.NoError(t, err)
				require.Equal(t, tds.ALPN, info.ALPN)
				requireNoSecret(t, px, mitmSQLPassword, &counts.leaked)
				return
			}
			counts.refused++
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.shown)
			require.NotContains(t, err.Error(), mitmSQLPassword)
			// the kind is checked last (assert, not require) so that the
			// captures are checked whatever it is
			defer func() { assert.ErrorIs(t, err, tc.fail, "%v", err) }()
			for n := 1; n <= px.Conns(); n++ {
				sent := px.Sent(n, mitm.ClientToServer)
				requireTDSHandshakeOnly(t, sent, true, -1)
				if tc.name == "ALPN tds/8.0 to tds/7.9" {
					require.True(t, bytes.Contains(sent, []byte("tds/8.0")), "the client offered tds/8.0")
					require.True(t, bytes.Contains(px.Delivered(n, mitm.ClientToServer), []byte("tds/7.9")), "the server read tds/7.9")
				}
			}
			requireNoLogin(t, srv)
			for _, r := range srv.Records() {
				require.Contains(t, r.Refused, "TLS handshake (TDS 8.0)", "%v", r)
			}
			requireNoSecret(t, px, mitmSQLPassword, &counts.leaked)
		})
	}
	counts.log(t, "SQL Server strict ClientHello tamper")
}

// TestMITMSQLServerTerminatingAttacker: the attacker runs a TDS server of
// its own where the client expects the real one (the client names
// localhost; the attacker owns the address), with each certificate an
// attacker may hold. Spec §3: rows 7, 9 and 11 check the chain to the trust
// store, the validity period and the name, and refuse each with its kind
// before any login: self-signed and another root → untrusted-certificate,
// the CA's certificate for another host → hostname-mismatch, an expired
// certificate → certificate-expired. Row 2 (trustServerCertificate=true)
// checks nothing, as the table says: it connects to every one of them and
// the attacker, terminating TLS, reads the login — row 2 protects nothing
// against an active attacker. The real server, behind the same capture
// proxy, is the control: every row connects.
func TestMITMSQLServerTerminatingAttacker(t *testing.T) {
	f := newMITMSQLFixture(t)
	want := map[string]map[string]kind.Kind{ // row → certificate → kind ("": connects)
		"2":  {"real": "", "self-signed": "", "other name": "", "expired": "", "other root": ""},
		"7":  {"real": "", "self-signed": kind.UntrustedCertificate, "other name": kind.HostnameMismatch, "expired": kind.CertificateExpired, "other root": kind.UntrustedCertificate},
		"9":  {"real": "", "self-signed": kind.UntrustedCertificate, "other name": kind.HostnameMismatch, "expired": kind.CertificateExpired, "other root": kind.UntrustedCertificate},
		"11": {"real": "", "self-signed": kind.UntrustedCertificate, "other name": kind.HostnameMismatch, "expired": kind.CertificateExpired, "other root": kind.UntrustedCertificate},
	}
	var counts, byDesign mitmCounts
	for _, row := range []string{"2", "7", "9", "11"} {
		for _, name := range []string{"real", "self-signed", "other name", "expired", "other root"} {
			t.Run("row "+row+"/"+name, func(t *testing.T) {
				leaf := f.real
				if name != "real" {
					leaf = f.attacker[name]
					counts.cases++
				}
				srv := f.server(t, leaf)
				px, err := mitm.Listen(mitm.Config{Upstream: srv.Addr()})
				require.NoError(t, err)
				defer px.Close()
				c, err := New(mitmSQLURL(px.Port(), f.props(row)))
				require.NoError(t, err)
				require.Equal(t, row, c.Strategy().Row)
				info, err := connectOnce(t, c)
				require.True(t, px.Wait(10*time.Second), "the proxied connections did not end")
				require.NoError(t, px.Close())
				require.NoError(t, srv.Close())
				requireNoSecret(t, px, mitmSQLPassword, &counts.leaked)
				if k := want[row][name]; k != "" {
					counts.refused++
					require.ErrorIs(t, err, k, "%v", err)
					require.NotContains(t, err.Error(), mitmSQLPassword)
					for n := 1; n <= px.Conns(); n++ {
						requireTDSHandshakeOnly(t, px.Sent(n, mitm.ClientToServer), row == "11", -1)
					}
					requireNoLogin(t, srv)
					return
				}
				require.NoError(t, err)
				require.True(t, info.Encrypted)
				require.Equal(t, leaf.SHA256(), info.Peer[0].SHA256, "the client talked to this server")
				recs := srv.Records()
				require.NotEmpty(t, recs)
				last := recs[len(recs)-1]
				require.True(t, last.LoggedIn && last.LoginEncrypted, "the server checked the password it decrypted: %v", last)
				if name != "real" {
					counts.connected++
					byDesign.cases++
				}
			})
		}
	}
	counts.log(t, "SQL Server terminating attacker")
	t.Logf("SQL Server terminating attacker: %d of the connected cases are row 2, where the attacker reads the login by design (trustServerCertificate=true)", byDesign.cases)
}
