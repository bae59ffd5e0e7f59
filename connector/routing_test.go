package connector

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
	"github.com/stretchr/testify/require"
)

// route makes from answer every login with a routing ENVCHANGE to server
// (as the token names it) at to's port.
func route(from *tds.Server, server string, to *tds.Server) {
	from.SetRoute(&tds.Route{Server: server, Port: uint16(to.Port())})
}

func firstURL(ip string, srv *tds.Server, props string) string {
	return "jdbc:sqlserver://" + ip + ":" + strconv.Itoa(srv.Port()) + ";" + pathsCreds + props
}

// waitLogin returns the record of the server's connection that logged in
// with app name app.
func waitLogin(t *testing.T, srv *tds.Server, app string) tds.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec, err := srv.WaitRecord(ctx, func(r tds.Record) bool { return r.AppName == app })
	require.NoError(t, err)
	return rec
}

// TestRoutingNames (spec §2.1): after a routing answer the connection is
// checked again on the routed server, against the name mssql-jdbc checks
// there: the routed host without hostNameInCertificate; the given value
// otherwise, a leading-'*' value whose suffix is the routed host's tail
// rewritten to '*' + the routed host from its first dot. Each certificate
// carries only the names written here, so a check against any other name
// fails. Names reach the record (ConnInfo.Hops) and the routed server sees
// the routed host as SNI, as mssql-jdbc sends it.
func TestRoutingNames(t *testing.T) {
	f := newPathFixture(t)
	trust := "trustStore=" + f.trust
	cases := []struct {
		name      string
		props     string
		aIP       string   // first server's address
		aNames    []string // its certificate's names
		token     string   // the routing answer's server
		bIP       string   // routed server's address
		bNames    []string // its certificate's names
		strict    bool
		want      kind.Kind
		wantNames []string // the names checked on each hop
		sni       string   // SNI the routed server saw
	}{
		{name: "no override: the routed host", props: "encrypt=true;" + trust,
			aIP: "127.0.0.26", aNames: []string{"127.0.0.26"}, token: "localhost", bIP: "127.0.0.1", bNames: []string{"localhost"},
			wantNames: []string{"127.0.0.26", "localhost"}, sni: "localhost"},
		{name: "no override: the original name is not the routed server's", props: "encrypt=true;" + trust,
			aIP: "127.0.0.26", aNames: []string{"127.0.0.26"}, token: "localhost", bIP: "127.0.0.1", bNames: []string{"127.0.0.26"},
			want: kind.HostnameMismatch, wantNames: []string{"localhost"}},
		{name: "no override: an IP literal route", props: "encrypt=true;" + trust,
			aIP: "127.0.0.26", aNames: []string{"127.0.0.26"}, token: "127.0.0.27", bIP: "127.0.0.27", bNames: []string{"127.0.0.27"},
			wantNames: []string{"127.0.0.26", "127.0.0.27"}},
		{name: "literal override: kept on the routed hop", props: "encrypt=true;hostNameInCertificate=db.dbtls.test;" + trust,
			aIP: "127.0.0.26", aNames: []string{"db.dbtls.test"}, token: "localhost", bIP: "127.0.0.1", bNames: []string{"db.dbtls.test"},
			wantNames: []string{"db.dbtls.test", "db.dbtls.test"}, sni: "localhost"},
		{name: "literal override: not replaced by the routed host", props: "encrypt=true;hostNameInCertificate=db.dbtls.test;" + trust,
			aIP: "127.0.0.26", aNames: []string{"db.dbtls.test"}, token: "localhost", bIP: "127.0.0.1", bNames: []string{"localhost"},
			want: kind.HostnameMismatch, wantNames: []string{"db.dbtls.test"}},
		{name: "wildcard whose suffix is the routed host's tail: rewritten", props: "encrypt=true;hostNameInCertificate=*.0.27;" + trust,
			aIP: "127.0.0.26", aNames: []string{"*.0.27"}, token: "127.0.0.27", bIP: "127.0.0.27", bNames: []string{"*.0.0.27"},
			wantNames: []string{"*.0.27", "*.0.0.27"}},
		{name: "wildcard whose suffix is the routed host's tail: the unrewritten name fails", props: "encrypt=true;hostNameInCertificate=*.0.27;" + trust,
			aIP: "127.0.0.26", aNames: []string{"*.0.27"}, token: "127.0.0.27", bIP: "127.0.0.27", bNames: []string{"*.0.27"},
			want: kind.HostnameMismatch, wantNames: []string{"*.0.0.27"}},
		{name: "wildcard whose suffix is not the routed host's tail: kept", props: "encrypt=true;hostNameInCertificate=*.0.99;" + trust,
			aIP: "127.0.0.26", aNames: []string{"*.0.99"}, token: "127.0.0.27", bIP: "127.0.0.27", bNames: []string{"*.0.99"},
			wantNames: []string{"*.0.99", "*.0.99"}},
		{name: "wildcard whose suffix is not the routed host's tail: not rewritten", props: "encrypt=true;hostNameInCertificate=*.0.99;" + trust,
			aIP: "127.0.0.26", aNames: []string{"*.0.99"}, token: "127.0.0.27", bIP: "127.0.0.27", bNames: []string{"*.0.0.27"},
			want: kind.HostnameMismatch, wantNames: []string{"*.0.99"}},
		{name: "strict: the routed host", props: "encrypt=strict;" + trust, strict: true,
			aIP: "127.0.0.28", aNames: []string{"127.0.0.28"}, token: "localhost", bIP: "127.0.0.1", bNames: []string{"localhost"},
			wantNames: []string{"127.0.0.28", "localhost"}, sni: "localhost"},
		{name: "strict: the original name is not the routed server's", props: "encrypt=strict;" + trust, strict: true,
			aIP: "127.0.0.28", aNames: []string{"127.0.0.28"}, token: "localhost", bIP: "127.0.0.1", bNames: []string{"127.0.0.28"},
			want: kind.HostnameMismatch, wantNames: []string{"localhost"}},
		{name: "strict: wildcard rewritten", props: "encrypt=strict;hostNameInCertificate=*.0.27;" + trust, strict: true,
			aIP: "127.0.0.28", aNames: []string{"*.0.27"}, token: "127.0.0.27", bIP: "127.0.0.27", bNames: []string{"*.0.0.27"},
			wantNames: []string{"*.0.27", "*.0.0.27"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tds.Config{Encryption: tds.On}
			if tc.strict {
				cfg.Strict = tds.StrictOnly
			}
			b := f.server(t, tc.bIP, cfg, tc.bNames...)
			a := f.server(t, tc.aIP, cfg, tc.aNames...)
			route(a, tc.token, b)
			app := "names-" + strconv.Itoa(i)
			c, err := New(firstURL(tc.aIP, a, tc.props+";applicationName="+app))
			require.NoError(t, err)
			info, err := connectOnce(t, c)
			first := waitLogin(t, a, app)
			require.Equal(t, tc.token+","+strconv.Itoa(b.Port()), first.RoutedTo, "the first server routed the login")
			if tc.want != "" {
				require.ErrorIs(t, err, tc.want)
				var ke *kind.Error
				require.ErrorAs(t, err, &ke)
				require.Equal(t, tc.wantNames[0], ke.Value, "the error names the name checked on the routed hop")
				require.Equal(t, "routed hop 1 ("+tc.token+":"+strconv.Itoa(b.Port())+", routed there by "+tc.aIP+":"+strconv.Itoa(a.Port())+")", ke.At)
				require.NotContains(t, err.Error(), "Tds-s3cret")
				return
			}
			require.NoError(t, err)
			require.Len(t, info.Hops, 2)
			for i, h := range info.Hops {
				require.Equal(t, tc.wantNames[i], h.Name, "hop %d", i)
				require.True(t, h.Encrypted, "hop %d", i)
				require.NotEmpty(t, h.Version, "hop %d", i)
				if tc.strict {
					require.Equal(t, "tds/8.0", h.ALPN, "hop %d", i)
				} else {
					require.Equal(t, "ENCRYPT_ON", h.Prelogin, "hop %d", i)
				}
			}
			require.Equal(t, "", info.Hops[0].RoutedFrom)
			require.Equal(t, tc.aIP+":"+strconv.Itoa(a.Port()), info.Hops[1].RoutedFrom)
			require.Equal(t, tc.token+":"+strconv.Itoa(b.Port()), info.Addr, "the connection kept is the routed one")
			require.Equal(t, info.Hops[1].Peer[0].SHA256, info.Peer[0].SHA256)
			routed := waitLogin(t, b, app)
			require.True(t, routed.LoggedIn)
			require.Equal(t, []string{"SELECT 1"}, routed.Batches)
			require.Equal(t, tc.sni, routed.SNI, "SNI on the routed hop: the routed host (none for an IP literal)")
		})
	}
}

// TestRoutingHostNames: the Azure SQL shape of spec §2.1 with real names
// (see testHosts): hostNameInCertificate=*.database.dbtls.test routed to
// a.tr1.westus1-a.worker.database.dbtls.test is checked as
// *.tr1.westus1-a.worker.database.dbtls.test; a second routing answer to
// tr2 keeps that value (mssql-jdbc keeps the rewritten value for the rest of
// the login), so a tr2 certificate fails; without hostNameInCertificate each
// hop checks its own host.
func TestRoutingHostNames(t *testing.T) {
	needHosts(t)
	f := newPathFixture(t)
	const (
		gw  = "myserver.database.dbtls.test"
		tr1 = "a.tr1.westus1-a.worker.database.dbtls.test"
		tr2 = "b.tr2.westus1-a.worker.database.dbtls.test"
	)
	a := f.server(t, "127.0.0.31", tds.Config{Encryption: tds.Req}, "*.database.dbtls.test")
	b := f.server(t, "127.0.0.32", tds.Config{Encryption: tds.Req}, "*.tr1.westus1-a.worker.database.dbtls.test")
	c2 := f.server(t, "127.0.0.33", tds.Config{Encryption: tds.Req}, "*.tr2.westus1-a.worker.database.dbtls.test")
	route(a, tr1, b)
	url := "jdbc:sqlserver://" + gw + ":" + strconv.Itoa(a.Port()) + ";" + pathsCreds + "encrypt=true;trustStore=" + f.trust + ";hostNameInCertificate=*.database.dbtls.test;applicationName=azure"
	c, err := New(url)
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.Equal(t, []string{"*.database.dbtls.test", "*.tr1.westus1-a.worker.database.dbtls.test"}, []string{info.Hops[0].Name, info.Hops[1].Name})
	require.Equal(t, tr1, waitLogin(t, b, "azure").SNI)
	require.Equal(t, gw, waitLogin(t, a, "azure").SNI)

	route(b, tr2, c2)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.HostnameMismatch)
	require.Contains(t, err.Error(), "(hostNameInCertificate=*.tr1.westus1-a.worker.database.dbtls.test) at routed hop 2 ("+tr2)

	// Without hostNameInCertificate: each hop its own host.
	b.SetRoute(nil)
	a2 := f.server(t, "127.0.0.31", tds.Config{Encryption: tds.Req}, gw)
	b2 := f.server(t, "127.0.0.32", tds.Config{Encryption: tds.Req}, tr1)
	route(a2, tr1, b2)
	c, err = New("jdbc:sqlserver://" + gw + ":" + strconv.Itoa(a2.Port()) + ";" + pathsCreds + "encrypt=true;trustStore=" + f.trust)
	require.NoError(t, err)
	info, err = connectOnce(t, c)
	require.NoError(t, err)
	require.Equal(t, []string{gw, tr1}, []string{info.Hops[0].Name, info.Hops[1].Name})
}

// TestRoutingDowngrade: the routed hop runs the whole TLS decision again: a
// routed server that answers ENCRYPT_NOT_SUP, or whose ENCRYPT_ON a machine
// in the middle rewrites to OFF or NOT_SUP, is refused under rows 2 and 7
// (encryption-not-supported) and no LOGIN7 byte reaches it in plaintext;
// row 1 follows the routed server's answer (spec §2: NOT_SUP, no TLS).
func TestRoutingDowngrade(t *testing.T) {
	f := newPathFixture(t)
	a := f.server(t, "127.0.0.29", tds.Config{Encryption: tds.On})
	notSup := f.server(t, "127.0.0.1", tds.Config{Encryption: tds.NotSup})
	on := f.server(t, "127.0.0.1", tds.Config{Encryption: tds.On})
	route(a, "127.0.0.1", notSup)
	for _, row := range []string{"encrypt=true;trustServerCertificate=true", "encrypt=true;trustStore=" + f.trust} {
		c, err := New(firstURL("127.0.0.29", a, row))
		require.NoError(t, err)
		_, err = connectOnce(t, c)
		require.ErrorIs(t, err, kind.EncryptionNotSupported, row)
		require.Contains(t, err.Error(), "at routed hop 1 (127.0.0.1:"+strconv.Itoa(notSup.Port()))
		require.Contains(t, err.Error(), "ENCRYPT_NOT_SUP")
	}
	for _, r := range notSup.Records() {
		require.False(t, r.LoggedIn, "a login reached the server without encryption: %s", r)
	}

	c, err := New(firstURL("127.0.0.29", a, "encrypt=false"))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err, "row 1 follows the server's answer on every hop")
	require.Len(t, info.Hops, 2)
	require.Equal(t, "ENCRYPT_ON", info.Hops[0].Prelogin)
	require.True(t, info.Hops[0].Encrypted)
	require.Equal(t, "ENCRYPT_NOT_SUP", info.Hops[1].Prelogin)
	require.False(t, info.Hops[1].Encrypted)
	require.False(t, info.Encrypted, "the connection kept is the routed, unencrypted one")
	require.Empty(t, info.Version)

	for _, rw := range []byte{tds.EncryptOff, tds.EncryptNotSup} {
		t.Run("machine in the middle answers "+tds.EncryptName(rw), func(t *testing.T) {
			rw := rw
			px, err := tds.NewProxy(on.Addr(), &rw)
			require.NoError(t, err)
			defer px.Close()
			a.SetRoute(&tds.Route{Server: "127.0.0.1", Port: uint16(px.Port())})
			c, err := New(firstURL("127.0.0.29", a, "encrypt=true;trustStore="+f.trust))
			require.NoError(t, err)
			_, err = connectOnce(t, c)
			require.ErrorIs(t, err, kind.EncryptionNotSupported)
			require.Contains(t, err.Error(), "routed hop 1")
			px.Close()
			require.Equal(t, 1, px.Conns())
			frames, err := tds.Frames(px.Stream(1, tds.ClientToServer))
			require.NoError(t, err)
			for _, fr := range frames {
				require.False(t, fr.Type == tds.PacketLogin7, "a LOGIN7 packet crossed in plaintext")
				require.False(t, fr.TLS, "nothing but PRELOGIN is sent after the refusal")
			}
		})
	}
}

// TestRoutingUntrusted: a routed server whose certificate does not chain to
// the trust store is refused (untrusted-certificate), naming the hop; the
// same certificate on the first server is refused the same way.
func TestRoutingUntrusted(t *testing.T) {
	f := newPathFixture(t)
	a := f.server(t, "127.0.0.29", tds.Config{Encryption: tds.On})
	b := f.serverWith(t, "127.0.0.1", tds.Config{Encryption: tds.On}, f.leaf(f.other, "localhost"))
	route(a, "localhost", b)
	for _, props := range []string{"encrypt=true;trustStore=" + f.trust, "encrypt=strict;trustStore=" + f.trust} {
		if strings.Contains(props, "strict") {
			a = f.server(t, "127.0.0.29", tds.Config{Encryption: tds.On, Strict: tds.StrictOnly})
			b = f.serverWith(t, "127.0.0.1", tds.Config{Encryption: tds.On, Strict: tds.StrictOnly}, f.leaf(f.other, "localhost"))
			route(a, "localhost", b)
		}
		c, err := New(firstURL("127.0.0.29", a, props))
		require.NoError(t, err)
		_, err = connectOnce(t, c)
		require.ErrorIs(t, err, kind.UntrustedCertificate, props)
		require.Contains(t, err.Error(), "at routed hop 1 (localhost:"+strconv.Itoa(b.Port()))
		require.Contains(t, err.Error(), "CN=untrusted CA")
		for _, r := range b.Records() {
			require.False(t, r.LoggedIn, "the routed server got a login: %s", r)
		}
	}
}

// TestRoutingLoop: servers that route to each other (A → B → A → …) end
// in an error of kind network naming the loop, at once, not a hang
// (go-mssqldb alone follows routes forever): after 10 routing answers, as
// mssql-jdbc; a chain of exactly 10 routing answers connects.
func TestRoutingLoop(t *testing.T) {
	f := newPathFixture(t)
	a := f.server(t, "127.0.0.34", tds.Config{Encryption: tds.On})
	b := f.server(t, "127.0.0.35", tds.Config{Encryption: tds.On})
	route(a, "127.0.0.35", b)
	route(b, "127.0.0.34", a)
	for _, props := range []string{"encrypt=true;trustStore=" + f.trust, "encrypt=false"} {
		c, err := New(firstURL("127.0.0.34", a, props))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		start := time.Now()
		conn, err := c.Connect(ctx)
		cancel()
		if conn != nil {
			conn.Close()
		}
		require.ErrorIs(t, err, kind.Network)
		require.Less(t, time.Since(start), 10*time.Second)
		pa, pb := "127.0.0.34:"+strconv.Itoa(a.Port()), "127.0.0.35:"+strconv.Itoa(b.Port())
		require.Contains(t, err.Error(), "routing did not end")
		require.Contains(t, err.Error(), pa+" → "+pb+" → "+pa+" → "+pb)
		require.Contains(t, err.Error(), "routed the connection 11 times")
	}
	countLogins := func() int {
		n := 0
		for _, s := range []*tds.Server{a, b} {
			for _, r := range s.Records() {
				if r.LoggedIn {
					n++
				}
			}
		}
		return n
	}
	// The last server's record may still be written when the client has
	// given up: wait a little for it, never for more.
	want := 2 * (1 + verify.MaxRedirects)
	logins := countLogins()
	for deadline := time.Now().Add(3 * time.Second); logins < want && time.Now().Before(deadline); logins = countLogins() {
		time.Sleep(20 * time.Millisecond)
	}
	require.Equal(t, want, logins, "per connect: the first login and 10 routed ones, then the 11th routing answer is refused")

	// A chain of 11 servers, 10 routing answers: connects, 11 hops.
	var chain []*tds.Server
	for range 1 + verify.MaxRedirects {
		chain = append(chain, f.server(t, "127.0.0.1", tds.Config{Encryption: tds.On}))
	}
	for i := 0; i+1 < len(chain); i++ {
		route(chain[i], "127.0.0.1", chain[i+1])
	}
	c, err := New(firstURL("127.0.0.1", chain[0], "encrypt=true;trustStore="+f.trust))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.Len(t, info.Hops, 1+verify.MaxRedirects)
	require.Equal(t, "127.0.0.1:"+strconv.Itoa(chain[len(chain)-1].Port()), info.Addr)
}

// TestRoutingReadOnly: applicationIntent=ReadOnly with databaseName (refused
// at New before the fix of dsn's per-parameter check) reaches the server
// with LOGIN7's read-only flag and the database; a listener routing
// read-only logins (Always On read-only routing) sends it to the secondary,
// checked as its own host; without the intent the login stays.
func TestRoutingReadOnly(t *testing.T) {
	_, err := New("jdbc:sqlserver://ag.example.com;databaseName=orders;encrypt=true;applicationIntent=ReadOnly")
	require.NoError(t, err, "a read-only URL with a database")
	_, err = New("jdbc:sqlserver://ag.example.com;encrypt=true;applicationIntent=ReadOnly")
	require.ErrorIs(t, err, kind.InvalidDSN, "go-mssqldb still wants a database for read-only intent")
	require.Contains(t, err.Error(), "database must be specified when ApplicationIntent is ReadOnly")

	f := newPathFixture(t)
	secondary := f.server(t, "127.0.0.37", tds.Config{Encryption: tds.On})
	listener := f.server(t, "127.0.0.36", tds.Config{Encryption: tds.On,
		Route: &tds.Route{Server: "127.0.0.37", Port: uint16(secondary.Port()), ReadOnlyOnly: true}})
	for _, intent := range []string{"ReadOnly", "ReadWrite"} {
		app := "intent-" + intent
		c, err := New(firstURL("127.0.0.36", listener, "databaseName=orders;encrypt=true;trustStore="+f.trust+";applicationIntent="+intent+";applicationName="+app))
		require.NoError(t, err)
		info, err := connectOnce(t, c)
		require.NoError(t, err)
		first := waitLogin(t, listener, app)
		require.Equal(t, "orders", first.Database)
		if intent == "ReadWrite" {
			require.False(t, first.ReadOnlyIntent)
			require.Empty(t, first.RoutedTo)
			require.Len(t, info.Hops, 1)
			continue
		}
		require.True(t, first.ReadOnlyIntent, "LOGIN7 carries the read-only intent")
		require.Equal(t, "127.0.0.37,"+strconv.Itoa(secondary.Port()), first.RoutedTo)
		routed := waitLogin(t, secondary, app)
		require.True(t, routed.ReadOnlyIntent)
		require.Equal(t, "orders", routed.Database)
		require.Equal(t, []string{"SELECT 1"}, routed.Batches)
		require.Equal(t, []string{"127.0.0.36", "127.0.0.37"}, []string{info.Hops[0].Name, info.Hops[1].Name})
	}
}

// TestRoutingToNamedInstance: a routing answer naming host\instance with
// port 0 resolves the instance through SQL Browser on the routed host
// (spec §2.1); the name checked is the routed host without the instance.
// An unanswered browser there is kind network naming the UDP address.
func TestRoutingToNamedInstance(t *testing.T) {
	f := newPathFixture(t)
	br := f.browserAnywhere(t, tds.BrowserConfig{})
	ip := br.Host()
	b := f.server(t, ip, tds.Config{Encryption: tds.On})
	br.SetInstances([]tds.Instance{{Name: "INST", Port: b.Port()}})
	a := f.server(t, "127.0.0.29", tds.Config{Encryption: tds.On, Route: &tds.Route{Server: ip + `\INST`}})
	c, err := New(firstURL("127.0.0.29", a, "encrypt=true;trustStore="+f.trust+";applicationName=routed-inst"))
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.Len(t, info.Hops, 2)
	h := info.Hops[1]
	require.Equal(t, ip+":1434", h.BrowserAddr)
	require.Equal(t, "INST", h.Instance)
	require.Equal(t, ip, h.Name)
	require.Equal(t, ip+":"+strconv.Itoa(b.Port()), h.Addr)
	require.Equal(t, ip+`\INST`, waitLogin(t, b, "routed-inst").ServerName)

	none := freeLoopback(t)
	a.SetRoute(&tds.Route{Server: none + `\INST`})
	ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
	defer cancel()
	conn, err := c.Connect(ctx)
	if conn != nil {
		conn.Close()
	}
	require.ErrorIs(t, err, kind.Network)
	require.Contains(t, err.Error(), "SQL Browser at "+none+":1434 (UDP) did not answer")
	require.Contains(t, err.Error(), "the instance the routing answer named")
}

// TestMultiSubnetFailoverName: a host name with several addresses (an
// availability group listener; see testHosts) where only one answers: with
// multiSubnetFailover=true every address is dialed at once and the one that
// answers is kept (as go-mssqldb does when it resolves the name itself);
// the name checked is the listener's name. When none answers, the error is
// kind network.
func TestMultiSubnetFailoverName(t *testing.T) {
	needHosts(t)
	f := newPathFixture(t)
	srv := f.server(t, "127.0.0.37", tds.Config{Encryption: tds.On}, "ag.dbtls.test")
	for _, msf := range []string{"true", "false"} {
		c, err := New("jdbc:sqlserver://ag.dbtls.test:" + strconv.Itoa(srv.Port()) + ";" + pathsCreds + "encrypt=true;trustStore=" + f.trust + ";multiSubnetFailover=" + msf)
		require.NoError(t, err)
		info, err := connectOnce(t, c)
		require.NoError(t, err, "multiSubnetFailover="+msf)
		require.Equal(t, "127.0.0.37:"+strconv.Itoa(srv.Port()), info.Hops[0].Remote)
		require.Equal(t, "ag.dbtls.test", info.Hops[0].Name)
	}
	port := strconv.Itoa(srv.Port())
	srv.Close()
	c, err := New("jdbc:sqlserver://ag.dbtls.test:" + port + ";" + pathsCreds + "encrypt=true;trustStore=" + f.trust + ";multiSubnetFailover=true")
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.Network)
	require.Contains(t, err.Error(), "127.0.0.36:"+port)
	require.Contains(t, err.Error(), "127.0.0.37:"+port)
}

// TestRoutingToNoHost: a routing answer whose server is `\INST` (no host)
// would send go-mssqldb to this machine (its browser, or ":port"); it is
// refused, kind network, naming the server that answered so.
func TestRoutingToNoHost(t *testing.T) {
	f := newPathFixture(t)
	a := f.server(t, "127.0.0.29", tds.Config{Encryption: tds.On})
	for _, port := range []uint16{0, 1433} {
		a.SetRoute(&tds.Route{Server: `\INST`, Port: port})
		c, err := New(firstURL("127.0.0.29", a, "encrypt=true;trustStore="+f.trust))
		require.NoError(t, err)
		_, err = connectOnce(t, c)
		require.ErrorIs(t, err, kind.Network)
		require.Contains(t, err.Error(), "the server at 127.0.0.29:"+strconv.Itoa(a.Port())+" routed the connection to no host")
	}
}
