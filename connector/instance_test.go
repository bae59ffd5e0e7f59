package connector

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

const pathsCreds = "user=sa;password=Tds-s3cret;"

// pathRows are the scenario rows the path tests run (spec §2: 1 and 2 check
// nothing, 7 checks the chain and the name, 11 is strict), with the props
// that make them (TRUST: the fixture's trust store).
var pathRows = []struct{ row, props string }{
	{"1", "encrypt=false"},
	{"2", "encrypt=true;trustServerCertificate=true"},
	{"7", "encrypt=true;trustStore=TRUST"},
	{"11", "encrypt=strict;trustStore=TRUST"},
}

// jdbcProps turns "k=v;k=v" into each shape's parameter syntax.
func shapeProps(shape, props string) string {
	switch shape {
	case "url":
		return strings.ReplaceAll(props, ";", "&")
	}
	return props
}

// TestNamedInstanceShapes (spec §2.1): host\instance and instanceName= in
// every DSN shape resolve the port through SQL Browser, for rows 1, 2, 7
// and 11; the name checked is the host without the instance (the server's
// certificate carries only the address, so a check against "address\INST"
// would fail), and the record shows the browser asked and the TCP port it
// gave.
func TestNamedInstanceShapes(t *testing.T) {
	f := newPathFixture(t)
	b := f.browserAnywhere(t, tds.BrowserConfig{})
	ip := b.Host()
	srv := f.server(t, ip, tds.Config{Encryption: tds.Off, Strict: tds.StrictAlso})
	other := f.server(t, ip, tds.Config{Encryption: tds.Off})
	b.SetInstances([]tds.Instance{{Name: "OTHER", Port: other.Port()}, {Name: "INST", Port: srv.Port()}})
	shapes := []struct{ name, dsn string }{
		{"jdbc host\\instance", `jdbc:sqlserver://` + ip + `\INST;` + pathsCreds + "PROPS"},
		{"jdbc instanceName", `jdbc:sqlserver://` + ip + `;instanceName=INST;` + pathsCreds + "PROPS"},
		{"ado", `server=` + ip + `\INST;user id=sa;password=Tds-s3cret;PROPS`},
		{"url", `sqlserver://sa:Tds-s3cret@` + ip + `/INST?PROPS`},
	}
	asked := 0
	for _, row := range pathRows {
		for _, shape := range shapes {
			t.Run("row "+row.row+"/"+shape.name, func(t *testing.T) {
				before := uint64(len(srv.Records()))
				props := strings.ReplaceAll(row.props, "TRUST", f.trust)
				c, err := New(strings.ReplaceAll(shape.dsn, "PROPS", shapeProps(shape.name, props)))
				require.NoError(t, err)
				require.Equal(t, row.row, c.Strategy().Row)
				info, err := connectOnce(t, c)
				require.NoError(t, err)
				asked++
				require.Len(t, b.Requests(), asked, "SQL Browser asked once per connect")
				require.Equal(t, ip+":1434", info.BrowserAddr)
				require.Equal(t, ip+":"+strconv.Itoa(srv.Port()), info.Addr, "the TCP port SQL Browser gave for INST")
				require.Len(t, info.Hops, 1)
				hop := info.Hops[0]
				require.Equal(t, "INST", hop.Instance)
				require.Equal(t, ip+":1434", hop.BrowserAddr)
				switch row.row {
				case "1":
					require.True(t, info.LoginOnly, "row 1 vs ENCRYPT_OFF: the login only")
					require.Equal(t, "", hop.Name, "row 1 checks no name")
					require.Equal(t, "ENCRYPT_OFF", hop.Prelogin)
				case "2":
					require.True(t, info.Encrypted)
					require.Equal(t, "", hop.Name, "row 2 checks no name")
				case "7":
					require.True(t, info.Encrypted)
					require.Equal(t, ip, hop.Name, "the host without the instance")
					require.Equal(t, "ENCRYPT_ON", hop.Prelogin)
				case "11":
					require.Equal(t, "tds/8.0", info.ALPN)
					require.Equal(t, ip, hop.Name)
					require.Equal(t, "", hop.Prelogin, "strict: TLS first, no PRELOGIN answer to read")
				}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				rec, err := srv.WaitRecord(ctx, func(r tds.Record) bool { return r.ID == before+1 })
				require.NoError(t, err)
				require.True(t, rec.LoggedIn, rec.String())
				require.Equal(t, []string{"SELECT 1"}, rec.Batches)
				require.Equal(t, ip+`\INST`, rec.ServerName, "LOGIN7 names the instance")
			})
		}
	}
	require.Empty(t, other.Records(), "nothing reached the other instance")
}

// TestNamedInstancePortGiven: with the port given, SQL Browser is not
// asked (spec §2.1), whatever it would answer.
func TestNamedInstancePortGiven(t *testing.T) {
	f := newPathFixture(t)
	b := f.browserAnywhere(t, tds.BrowserConfig{Instances: []tds.Instance{{Name: "INST", Port: 1}}})
	ip := b.Host()
	srv := f.server(t, ip, tds.Config{Encryption: tds.On})
	port := strconv.Itoa(srv.Port())
	for _, dsn := range []string{
		`jdbc:sqlserver://` + ip + `\INST:` + port + ";" + pathsCreds,
		`jdbc:sqlserver://` + ip + `;instanceName=INST;portNumber=` + port + ";" + pathsCreds,
		`server=` + ip + `\INST,` + port + ";user id=sa;password=Tds-s3cret;",
	} {
		c, err := New(dsn + "encrypt=true;trustStore=" + f.trust)
		require.NoError(t, err)
		info, err := connectOnce(t, c)
		require.NoError(t, err, dsn)
		require.Equal(t, "", info.BrowserAddr, dsn)
		require.Equal(t, ip+":"+port, info.Addr)
		require.Equal(t, ip, info.Hops[0].Name)
	}
	require.Empty(t, b.Requests(), "SQL Browser was asked although the port was given")
}

// TestNamedInstanceBrowserUnanswered: a named instance whose port SQL
// Browser does not give is kind network, naming the instance and the UDP
// address, within the connect deadline: nothing listens on UDP 1434, a
// browser reads and never answers, a browser that does not list the
// instance, one that lists it without a TCP port (TCP disabled).
func TestNamedInstanceBrowserUnanswered(t *testing.T) {
	f := newPathFixture(t)
	none := freeLoopback(t)
	silent := f.browserAnywhere(t, tds.BrowserConfig{Silent: true, Instances: []tds.Instance{{Name: "INST", Port: 1}}}).Host()
	others := f.browserAnywhere(t, tds.BrowserConfig{Instances: []tds.Instance{{Name: "SQLEXPRESS", Port: 1}, {Name: "OTHER", Port: 2}}}).Host()
	noTCP := f.browserAnywhere(t, tds.BrowserConfig{Instances: []tds.Instance{{Name: "INST", Port: 0}}}).Host() // TCP disabled
	for _, tc := range []struct {
		name, ip string
		says     []string
	}{
		{"nothing on UDP 1434", none, []string{"SQL Browser at " + none + ":1434 (UDP) did not answer (instanceName=INST)"}},
		{"silent browser", silent, []string{"SQL Browser at " + silent + ":1434 (UDP) did not answer (instanceName=INST)", "deadline"}},
		{"instance not listed", others, []string{"SQL Browser at " + others + ":1434 (UDP) does not know the instance (instanceName=INST)", "SQLEXPRESS, OTHER"}},
		{"instance without TCP", noTCP, []string{"SQL Browser at " + noTCP + ":1434 (UDP) gave no usable TCP port for the instance (instanceName=INST)"}},
	} {
		for _, row := range pathRows {
			t.Run(tc.name+"/row "+row.row, func(t *testing.T) {
				c, err := New(`jdbc:sqlserver://` + tc.ip + `\INST;` + pathsCreds + strings.ReplaceAll(row.props, "TRUST", f.trust))
				require.NoError(t, err)
				ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
				defer cancel()
				start := time.Now()
				conn, err := c.Connect(ctx)
				took := time.Since(start)
				if conn != nil {
					conn.Close()
				}
				require.ErrorIs(t, err, kind.Network)
				require.Less(t, took, faultDeadline+faultMargin)
				for _, s := range tc.says {
					require.Contains(t, err.Error(), s)
				}
				require.NotContains(t, err.Error(), "Tds-s3cret")
			})
		}
	}
}

// TestNamedInstanceLocalhost: a host name, not a literal: localhost\INST,
// with SQL Browser on 127.0.0.1 (the one test of the package that binds
// 127.0.0.1:1434; it does not run in parallel). The name checked is
// localhost.
func TestNamedInstanceLocalhost(t *testing.T) {
	f := newPathFixture(t)
	srv := f.server(t, "127.0.0.1", tds.Config{Encryption: tds.Req, Strict: tds.StrictAlso}, "localhost")
	f.browser(t, "127.0.0.1", tds.BrowserConfig{Instances: []tds.Instance{{Name: "INST", Port: srv.Port()}}})
	for _, props := range []string{"encrypt=true;trustStore=" + f.trust, "encrypt=strict;trustStore=" + f.trust} {
		c, err := New(`jdbc:sqlserver://localhost\INST;` + pathsCreds + props)
		require.NoError(t, err)
		info, err := connectOnce(t, c)
		require.NoError(t, err, props)
		require.Equal(t, "localhost:1434", info.BrowserAddr)
		require.Equal(t, "localhost:"+strconv.Itoa(srv.Port()), info.Addr)
		require.Equal(t, "localhost", info.Hops[0].Name)
		require.Equal(t, "127.0.0.1:"+strconv.Itoa(srv.Port()), info.Hops[0].Remote)
	}
}

// TestNamedInstanceHostName: as TestNamedInstanceLocalhost with a name that
// only the hosts file knows (see testHosts); a certificate for the name
// passes, one for the address only fails: the name checked is the host
// name, without the instance.
func TestNamedInstanceHostName(t *testing.T) {
	needHosts(t)
	f := newPathFixture(t)
	byName := f.server(t, "127.0.0.30", tds.Config{Encryption: tds.On}, "sql-a.dbtls.test")
	byIP := f.server(t, "127.0.0.30", tds.Config{Encryption: tds.On}, "127.0.0.30")
	f.browser(t, "127.0.0.30", tds.BrowserConfig{Instances: []tds.Instance{{Name: "NAMED", Port: byName.Port()}, {Name: "BYIP", Port: byIP.Port()}}})
	c, err := New(`jdbc:sqlserver://sql-a.dbtls.test\NAMED;` + pathsCreds + "encrypt=true;trustStore=" + f.trust)
	require.NoError(t, err)
	info, err := connectOnce(t, c)
	require.NoError(t, err)
	require.Equal(t, "sql-a.dbtls.test", info.Hops[0].Name)
	require.Equal(t, "sql-a.dbtls.test:1434", info.BrowserAddr)

	c, err = New(`jdbc:sqlserver://sql-a.dbtls.test;instanceName=BYIP;` + pathsCreds + "encrypt=true;trustStore=" + f.trust)
	require.NoError(t, err)
	_, err = connectOnce(t, c)
	require.ErrorIs(t, err, kind.HostnameMismatch)
	require.Contains(t, err.Error(), "sql-a.dbtls.test")
}

// TestNamedInstanceHostileBrowser: SQL Browser is unauthenticated UDP, so
// anyone on the network can answer. An answer listing 1,000 instances whose
// names carry ESC sequences and CR LF, forging a line "ERROR: NONE (ALL
// GOOD)", reaches the error escaped (no control character acted on) and
// bounded (spec §8), in every row.
func TestNamedInstanceHostileBrowser(t *testing.T) {
	f := newPathFixture(t)
	ip := f.browserAnywhere(t, tds.BrowserConfig{Raw: tds.ForgingAnswer(1000)}).Host()
	for _, row := range pathRows {
		t.Run("row "+row.row, func(t *testing.T) {
			c, err := New(`jdbc:sqlserver://` + ip + `\INST;` + pathsCreds + strings.ReplaceAll(row.props, "TRUST", f.trust))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
			defer cancel()
			conn, err := c.Connect(ctx)
			if conn != nil {
				conn.Close()
			}
			require.ErrorIs(t, err, kind.Network)
			msg := err.Error()
			require.Contains(t, msg, "does not know the instance (instanceName=INST)")
			require.Contains(t, msg, `\x1b[2K\r\nERROR: NONE (ALL GOOD)\x1b[8M0`, "the names are shown (upper-cased, as instance names compare), escaped")
			require.False(t, strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }), "a control character in %q", msg)
			require.Less(t, len(msg), 1024, "the answer's text is bounded")
			require.Contains(t, msg, "bytes in all)")
		})
	}
}
