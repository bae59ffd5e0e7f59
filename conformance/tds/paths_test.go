package tds

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"
)

// Each SQL Browser of these tests listens on a loopback address of its own
// (ListenBrowserLoopback), so that tests, packages and test processes run
// side by side never share UDP port 1434; servers that need only a distinct
// address use 127.0.0.40–49.

func listenBrowser(t *testing.T, cfg BrowserConfig) *Browser {
	t.Helper()
	b, err := ListenBrowserLoopback(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func listen(t *testing.T, addr string, cfg Config) *Server {
	t.Helper()
	servers(t) // the shared certificate
	if cfg.Certificate == nil {
		cfg.Certificate = &sharedCert
	}
	s, err := Listen(addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ask sends one SSRP request and returns the answer, or nil when none comes
// within a short wait.
func ask(t *testing.T, addr string, msg []byte) []byte {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// TestBrowserSSRP: the answers of [MC-SQLR] 2.2.5 and 2.2.6, byte for byte
// as the specification lays them out.
func TestBrowserSSRP(t *testing.T) {
	b := listenBrowser(t, BrowserConfig{ServerName: "H", DACPort: 1444,
		Instances: []Instance{{"INST", 50001}, {"Other", 50002}}})
	all := "ServerName;H;InstanceName;INST;IsClustered;No;Version;16.0.1000.6;tcp;50001;;" +
		"ServerName;H;InstanceName;Other;IsClustered;No;Version;16.0.1000.6;tcp;50002;;"
	want := append([]byte{0x05, byte(len(all)), byte(len(all) >> 8)}, all...)
	if got := ask(t, b.Addr(), []byte{0x03}); string(got) != string(want) {
		t.Errorf("CLNT_UCAST_EX answered %q, want %q", got, want)
	}
	one := "ServerName;H;InstanceName;Other;IsClustered;No;Version;16.0.1000.6;tcp;50002;;"
	want = append([]byte{0x05, byte(len(one)), 0}, one...)
	if got := ask(t, b.Addr(), append([]byte{0x04}, "other\x00"...)); string(got) != string(want) {
		t.Errorf("CLNT_UCAST_INST other answered %q, want %q", got, want)
	}
	if got := ask(t, b.Addr(), append([]byte{0x04}, "nope\x00"...)); got != nil {
		t.Errorf("an unknown instance was answered: %q", got)
	}
	dac := ask(t, b.Addr(), append([]byte{0x0F, 0x01}, "INST\x00"...))
	if len(dac) != 6 || dac[0] != 0x05 || binary.LittleEndian.Uint16(dac[1:3]) != 6 || dac[3] != 1 || binary.LittleEndian.Uint16(dac[4:]) != 1444 {
		t.Errorf("CLNT_UCAST_DAC answered % x, want 05 06 00 01 and port 1444", dac)
	}
	reqs := b.Requests()
	if len(reqs) != 4 || reqs[1].Instance != "other" || reqs[2].Answered || !reqs[3].Answered {
		t.Errorf("requests recorded: %+v", reqs)
	}

	silent := listenBrowser(t, BrowserConfig{Silent: true, Instances: []Instance{{"INST", 50001}}})
	if got := ask(t, silent.Addr(), []byte{0x03}); got != nil {
		t.Errorf("a silent browser answered %q", got)
	}
	if reqs := silent.Requests(); len(reqs) != 1 || reqs[0].Answered {
		t.Errorf("silent browser recorded %+v, want one unanswered request", reqs)
	}
}

// openPlain runs SELECT 1 through go-mssqldb alone (no dbtls).
func openPlain(t *testing.T, dsn string) error {
	t.Helper()
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var one int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// TestGoMssqldbNamedInstance: go-mssqldb, used plainly, resolves
// host\instance through the browser and logs in on the port it announced,
// naming the server host\instance in LOGIN7.
func TestGoMssqldbNamedInstance(t *testing.T) {
	b := listenBrowser(t, BrowserConfig{})
	srv := listen(t, b.Host()+":0", Config{Encryption: On})
	b.SetInstances([]Instance{{"SQLEXPRESS", 1}, {"INST", srv.Port()}})
	err := openPlain(t, "sqlserver://sa:pw@"+b.Host()+"/inst?encrypt=true&trustServerCertificate=true&app+name=named&dial+timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec, err := srv.WaitRecord(ctx, func(r Record) bool { return r.AppName == "named" })
	if err != nil {
		t.Fatal(err)
	}
	if want := b.Host() + `\INST`; !rec.LoggedIn || !strings.EqualFold(rec.ServerName, want) {
		t.Errorf("server logged %s with LOGIN7 ServerName %q, want a login naming %s", rec, rec.ServerName, want)
	}
	if reqs := b.Requests(); len(reqs) != 1 || reqs[0].Type != ClntUcastEx || !reqs[0].Answered {
		t.Errorf("browser requests %+v, want one answered CLNT_UCAST_EX", reqs)
	}
}

// TestGoMssqldbFollowsRoute: a server that answers the login with a routing
// ENVCHANGE sends go-mssqldb, used plainly, to the server it names, which
// serves the query; with ReadOnlyOnly, only a read-only login is routed, and
// LOGIN7 carries the read-only flag.
func TestGoMssqldbFollowsRoute(t *testing.T) {
	b := listen(t, "127.0.0.43:0", Config{Encryption: On})
	a := listen(t, "127.0.0.44:0", Config{Encryption: On, Route: &Route{Server: "127.0.0.43", Port: uint16(b.Port()), ReadOnlyOnly: true}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, readOnly := range []bool{false, true} {
		app := fmt.Sprintf("route-%v", readOnly)
		q := url.Values{"encrypt": {"true"}, "trustServerCertificate": {"true"}, "app name": {app}, "database": {"orders"}}
		if readOnly {
			q.Set("applicationintent", "ReadOnly")
		}
		if err := openPlain(t, "sqlserver://sa:pw@127.0.0.44:"+fmt.Sprint(a.Port())+"?"+q.Encode()); err != nil {
			t.Fatal(err)
		}
		first, err := a.WaitRecord(ctx, func(r Record) bool { return r.AppName == app })
		if err != nil {
			t.Fatal(err)
		}
		if first.ReadOnlyIntent != readOnly || first.Database != "orders" {
			t.Errorf("first server logged %s (database %q), want read-only intent %v for database orders", first, first.Database, readOnly)
		}
		if !readOnly {
			if first.RoutedTo != "" || len(first.Batches) != 1 {
				t.Errorf("a read-write login was routed: %s", first)
			}
			continue
		}
		if want := fmt.Sprintf("127.0.0.43,%d", b.Port()); first.RoutedTo != want || len(first.Batches) != 0 {
			t.Errorf("first server logged %s, want routed to %s and no query", first, want)
		}
		routed, err := b.WaitRecord(ctx, func(r Record) bool { return r.AppName == app })
		if err != nil {
			t.Fatal(err)
		}
		if !routed.LoggedIn || !routed.ReadOnlyIntent || routed.ServerName != "127.0.0.43" || len(routed.Batches) != 1 || routed.Negotiated != NegFull {
			t.Errorf("routed server logged %s (LOGIN7 ServerName %q), want a full-TLS read-only login naming 127.0.0.43 and SELECT 1", routed, routed.ServerName)
		}
	}
}
