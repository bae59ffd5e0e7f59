package sqlserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/kind"
)

// Matrix is a running matrix: the fixture and its servers.
type Matrix struct {
	Fixture *Fixture
	Servers *Servers
	seq     atomic.Int64
}

// NewMatrix makes the fixture in dir, points the process's default trust
// at it (see Fixture.UseAsDefaults) and starts the servers.
func NewMatrix(dir string) (*Matrix, error) {
	f, err := NewFixture(dir, time.Now())
	if err != nil {
		return nil, err
	}
	if err := f.UseAsDefaults(); err != nil {
		return nil, err
	}
	s, err := StartServers(f)
	if err != nil {
		return nil, err
	}
	return &Matrix{Fixture: f, Servers: s}, nil
}

// Close stops the servers.
func (m *Matrix) Close() { m.Servers.Close() }

// Attempt is what one connection attempt showed on the client's side.
type Attempt struct {
	Err       error // nil: logged in and SELECT 1 returned 1
	Encrypted bool  // TLS for the whole session
	LoginOnly bool  // TLS for the LOGIN7 packet only
	Strategy  string
	Row       string
	Version   string // "TLSv1.2", "TLSv1.3" when encrypted
	Cipher    string // IANA name when encrypted
}

// Connect makes one attempt with a JDBC URL and reports it.
type Connect func(ctx context.Context, jdbcURL string) Attempt

// JDBCURL is the case as the JDBC URL a Java service would have used,
// aimed at port, with applicationName set to app so the server's record
// can be found. The host is the case's: localhost, 127.0.0.1 or [::1]
// (mssql-jdbc takes an IPv6 literal only as serverName; see JVMCase).
func (m *Matrix) JDBCURL(c Case, port int, app string) string {
	f := m.Fixture
	props := []string{"user=sa", "password=pw", "applicationName=" + app, "loginTimeout=5"}
	add := func(k, v string) {
		if v != "" {
			props = append(props, k+"="+v)
		}
	}
	add("encrypt", c.Encrypt)
	add("trustServerCertificate", c.TSC)
	switch c.HostName {
	case "matching":
		add("hostNameInCertificate", Matching)
	case "not-matching":
		add("hostNameInCertificate", NotMatching)
	}
	add("trustStore", f.Stores[c.Store])
	switch c.Password {
	case "right":
		add("trustStorePassword", StorePassword)
	case "wrong":
		add("trustStorePassword", WrongPassword)
	}
	switch c.ServerCert {
	case "same":
		add("serverCertificate", f.Pins[c.Cert])
	case "another":
		add("serverCertificate", f.Pins["another"])
	}
	return fmt.Sprintf("jdbc:sqlserver://%s;%s", net.JoinHostPort(HostName(c.HostKind()), strconv.Itoa(port)), strings.Join(props, ";"))
}

// Check runs case c with connect and compares what happened, on both the
// client's and the server's side, with the oracle. It returns nil when they
// agree and otherwise an error describing the difference.
func (m *Matrix) Check(ctx context.Context, c Case, connect Connect) error {
	want := Oracle(c)
	srv := m.Servers.ForCase(c)
	app := fmt.Sprintf("case-%d", m.seq.Add(1))
	url := m.JDBCURL(c, srv.Port(), app)
	got := connect(ctx, url)
	if got.Row != "" && got.Row != want.Row {
		return fmt.Errorf("resolved to row %s, the table says row %s", got.Row, want.Row)
	}
	if got.Strategy != "" && got.Strategy != want.Strategy {
		return fmt.Errorf("resolved to strategy %s, the table says %s", got.Strategy, want.Strategy)
	}
	if !want.Connects {
		if got.Err == nil {
			return fmt.Errorf("connected (encrypted=%v login-only=%v); want refused with %s (%s)", got.Encrypted, got.LoginOnly, want.Short(), want.Why)
		}
		if k := kind.Of(got.Err); !want.Allows(k) {
			return fmt.Errorf("refused with kind %q; want %s (%s); error: %v", k, want.Short(), want.Why, got.Err)
		}
		return nil
	}
	if got.Err != nil {
		return fmt.Errorf("refused (kind %q): %v; want a %s connection (%s)", kind.Of(got.Err), got.Err, want.Encryption, want.Why)
	}
	var clientSaw string
	switch {
	case got.LoginOnly:
		clientSaw = "login-only"
	case got.Encrypted:
		clientSaw = "full"
	default:
		clientSaw = "none"
	}
	wantClient := want.Encryption
	if wantClient == "strict" {
		wantClient = "full"
	}
	if clientSaw != wantClient {
		return fmt.Errorf("client reports %s encryption; want %s (%s)", clientSaw, wantClient, want.Why)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rec, err := srv.WaitRecord(wctx, func(r tds.Record) bool { return r.AppName == app })
	if err != nil {
		return fmt.Errorf("connected, but the server has no finished record for applicationName=%s: %w", app, err)
	}
	if string(rec.Negotiated) != want.Encryption {
		return fmt.Errorf("server logged %s encryption; want %s (%s)", rec.Negotiated, want.Encryption, want.Why)
	}
	if !rec.LoggedIn {
		return errors.New("server logged no login")
	}
	return nil
}
