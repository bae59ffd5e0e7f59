package tidb

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/go-sql-driver/mysql"
)

// Options is one server configuration.
type Options struct {
	TLS                    bool          // false: no ssl-cert / ssl-key, TiDB serves no TLS
	Cert                   *certgen.Cert // the server's leaf (its chain is sent); required with TLS
	ClientCA               *certgen.Cert // ssl-ca: the CA client certificates must chain to (REQUIRE X509 / SUBJECT / ISSUER / SAN)
	RequireSecureTransport bool          // SET GLOBAL require_secure_transport = ON once started
	// TLSVersion is [security] tls-version, TiDB's minimum version: TiDB
	// accepts "TLSv1.2" and "TLSv1.3"; any other value is logged as invalid
	// and the default (TLSv1.2) is used. "" = the default.
	TLSVersion string
}

// The test users every server has: MariaDB's (same names and passwords, so
// that one DSN serves both servers) and the two whose REQUIRE clauses only
// the TiDB matrix uses. Passwords are test-only.
const (
	PlainUser, PlainPassword   = mariadb.PlainUser, mariadb.PlainPassword
	SSLUser, SSLPassword       = mariadb.SSLUser, mariadb.SSLPassword
	X509User, X509Password     = mariadb.X509User, mariadb.X509Password
	SubjUser, SubjPassword     = mariadb.SubjUser, mariadb.SubjPassword
	IssuerUser, IssuerPassword = "issueruser", "issuer-pw"
	SANUser, SANPassword       = "sanuser", "san-pw"
	// ClientSubject is the subject REQUIRE SUBJECT asks of subjuser, in the
	// X509_NAME_oneline form TiDB compares with.
	ClientSubject = mariadb.ClientSubject
)

// ClientIssuer is the issuer REQUIRE ISSUER asks of issueruser, and
// ClientSAN the names REQUIRE SAN asks of sanuser (TiDB's syntax:
// comma-separated TYPE:value, each type matched against the certificate's
// SAN entries of that type). Settable before servers start.
var (
	ClientIssuer = "/CN=client CA"
	ClientSAN    = "DNS:client.dbtls.test"
)

// Server is a running tidb-server with embedded storage (unistore).
type Server struct {
	Host       string
	Port       int
	Addr       string // host:port
	Dir        string
	SocketPath string
	opts       Options
	cmd        *exec.Cmd
	done       chan struct{}
	logPath    string
}

// freePort finds a port free on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts a server in o's configuration and creates the test users.
// It waits for the tidb-server binary first (Binary), however long its build
// takes; ctx bounds the rest, so a caller that may meet a build in progress
// calls Binary before it makes ctx.
func Start(ctx context.Context, o Options) (*Server, error) {
	if _, err := Binary(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dbtls-tidb-")
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, SocketPath: filepath.Join(dir, "tidb.sock"), opts: o,
		logPath: filepath.Join(dir, "tidb.log")}
	var lastErr error
	for range 3 { // another process may take the port between freePort and TiDB's bind
		port, err := freePort()
		if err != nil {
			s.Stop()
			return nil, err
		}
		s.Port, s.Addr = port, net.JoinHostPort(s.Host, strconv.Itoa(port))
		if lastErr = s.start(ctx); lastErr == nil {
			break
		}
		s.kill()
		if !strings.Contains(lastErr.Error(), "address already in use") {
			break
		}
	}
	if lastErr != nil {
		s.Stop()
		return nil, lastErr
	}
	if err := s.createUsers(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// config writes tidb.toml for the options.
func (s *Server) config() (string, error) {
	o := s.opts
	var b strings.Builder
	fmt.Fprintf(&b, "temp-dir = %q\ntmp-storage-path = %q\n", filepath.Join(s.Dir, "tmp"), filepath.Join(s.Dir, "tmp-storage"))
	b.WriteString("[log]\nlevel = \"warn\"\n[performance]\nrun-auto-analyze = false\n[security]\n")
	if o.TLS {
		if o.Cert == nil {
			return "", errors.New("tidb: TLS needs Options.Cert")
		}
		certPath, keyPath, err := o.Cert.WriteFiles(s.Dir, "server")
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "ssl-cert = %q\nssl-key = %q\n", certPath, keyPath)
		if o.ClientCA != nil {
			caPath := filepath.Join(s.Dir, "client-ca.pem")
			if err := os.WriteFile(caPath, o.ClientCA.CertPEM(), 0o644); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "ssl-ca = %q\n", caPath)
		}
		if o.TLSVersion != "" {
			fmt.Fprintf(&b, "tls-version = %q\n", o.TLSVersion)
		}
	}
	p := filepath.Join(s.Dir, "tidb.toml")
	return p, os.WriteFile(p, []byte(b.String()), 0o644)
}

func (s *Server) start(ctx context.Context) error {
	bin, err := Binary()
	if err != nil {
		return err
	}
	cfg, err := s.config()
	if err != nil {
		return err
	}
	_ = os.Remove(s.logPath)
	// The status HTTP server is off (-report-status=false): the tests need
	// only the MySQL port, bound to loopback, and the unix socket for root.
	s.cmd = exec.Command(bin, "-P", strconv.Itoa(s.Port), "-host", s.Host, "-report-status=false",
		"-store", "unistore", "-path", filepath.Join(s.Dir, "store"), "-socket", s.SocketPath,
		"-config", cfg, "-log-file", s.logPath, "-log-slow-query", filepath.Join(s.Dir, "slow.log"), "-L", "warn")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := os.Create(filepath.Join(s.Dir, "stdout.log"))
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		out.Close()
		return err
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); out.Close(); close(s.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("tidb: tidb-server exited at start:\n%s", s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("tidb: not ready (%v):\n%s", ctx.Err(), s.logTail())
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := os.Stat(s.SocketPath); err != nil {
			continue
		}
		if db, err := s.Admin(); err == nil {
			err = db.PingContext(ctx)
			db.Close()
			if err == nil {
				if err := s.checkTLS(ctx); err != nil {
					return err
				}
				return s.requireSecureTransport(ctx)
			}
		}
	}
	return fmt.Errorf("tidb: not ready after 90s:\n%s", s.logTail())
}

// checkTLS: TiDB starts without TLS when its certificate cannot be loaded
// ("secure connection is NOT ENABLED"); a server asked for TLS that has
// none would turn the matrix's TLS cases into plaintext ones.
func (s *Server) checkTLS(ctx context.Context) error {
	have, err := s.Variable(ctx, "have_ssl")
	if err != nil {
		return err
	}
	if want := map[bool]string{true: "YES", false: "DISABLED"}[s.opts.TLS]; have != want {
		return fmt.Errorf("tidb: have_ssl=%s, the configuration asks for %s:\n%s", have, want, s.logTail())
	}
	return nil
}

// requireSecureTransport sets require_secure_transport as the options say.
// TiDB no longer reads it from its configuration file (removed there), and
// sets it ON only from a connection that is itself secure by TLS (not the
// unix socket): root connects over TLS, without checks, for that one
// statement.
//
// The value persists in the server's storage: after a Restart it may be ON
// already (and TiDB may then demand a client certificate even of root, see
// TestClientCertificateDemanded), or must be set OFF, which any connection
// may do.
func (s *Server) requireSecureTransport(ctx context.Context) error {
	now, err := s.Variable(ctx, "require_secure_transport")
	if err != nil {
		return err
	}
	switch want := s.opts.RequireSecureTransport; {
	case want == (now == "ON"):
		return nil
	case !want:
		return s.Exec(ctx, "SET GLOBAL require_secure_transport = OFF")
	}
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr = "root", "tcp", s.Addr
	c.TLS = &tls.Config{InsecureSkipVerify: true} // the harness's own admin connection, not a case
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	if _, err := db.ExecContext(ctx, "SET GLOBAL require_secure_transport = ON"); err != nil {
		return fmt.Errorf("tidb: SET GLOBAL require_secure_transport = ON: %w", err)
	}
	return nil
}

func (s *Server) logTail() string {
	var parts []string
	for _, p := range []string{s.logPath, filepath.Join(s.Dir, "stdout.log")} {
		b, _ := os.ReadFile(p)
		if len(b) > 3000 {
			b = b[len(b)-3000:]
		}
		parts = append(parts, string(b))
	}
	return strings.Join(parts, "\n")
}

// Admin returns root (no password) over the unix socket, through
// go-sql-driver: TiDB counts a unix socket as secure transport, so root
// reaches a server with require-secure-transport too.
func (s *Server) Admin() (*sql.DB, error) { return mariadb.RootOverSocket(s.SocketPath) }

// Exec runs statements as root.
func (s *Server) Exec(ctx context.Context, stmts ...string) error {
	return mariadb.ExecAsRoot(ctx, s.SocketPath, "tidb", stmts...)
}

// Variable returns SHOW GLOBAL VARIABLES LIKE name, as root.
func (s *Server) Variable(ctx context.Context, name string) (string, error) {
	db, err := s.Admin()
	if err != nil {
		return "", err
	}
	defer db.Close()
	var k, v string
	err = db.QueryRowContext(ctx, "SHOW GLOBAL VARIABLES LIKE '"+strings.ReplaceAll(name, "'", "")+"'").Scan(&k, &v)
	return v, err
}

// Users are the test accounts and their REQUIRE clauses.
func Users() []struct{ User, Password, Require string } {
	return []struct{ User, Password, Require string }{
		{PlainUser, PlainPassword, ""},
		{SSLUser, SSLPassword, "REQUIRE SSL"},
		{X509User, X509Password, "REQUIRE X509"},
		{SubjUser, SubjPassword, "REQUIRE SUBJECT '" + ClientSubject + "'"},
		{IssuerUser, IssuerPassword, "REQUIRE ISSUER '" + ClientIssuer + "'"},
		{SANUser, SANPassword, "REQUIRE SAN '" + ClientSAN + "'"},
	}
}

func (s *Server) createUsers(ctx context.Context) error {
	var stmts []string
	for _, u := range Users() {
		stmts = append(stmts, fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'%%' IDENTIFIED BY '%s' %s", u.User, u.Password, u.Require))
	}
	return s.Exec(ctx, stmts...)
}

// ReplaceCert installs a new server certificate (the files named in
// tidb.toml) and reloads TLS (ALTER INSTANCE RELOAD TLS): new connections
// get it, open ones keep theirs.
func (s *Server) ReplaceCert(ctx context.Context, c *certgen.Cert) error {
	if _, _, err := c.WriteFiles(s.Dir, "server"); err != nil {
		return err
	}
	s.opts.Cert = c
	return s.Exec(ctx, "ALTER INSTANCE RELOAD TLS")
}

// Restart stops the server and starts it again on the same port and data
// with the configuration o.
func (s *Server) Restart(ctx context.Context, o Options) error {
	s.kill()
	s.opts = o
	return s.start(ctx)
}

func (s *Server) kill() {
	if s.cmd != nil && s.cmd.Process != nil && s.done != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	}
	s.cmd, s.done = nil, nil
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() {
	s.kill()
	_ = os.RemoveAll(s.Dir)
}

// Need starts a server for a test and stops it at the end. Without a server
// the test fails when CI is set, and is skipped otherwise.
func Need(t testing.TB, o Options) *Server {
	t.Helper()
	if _, err := Binary(); err != nil {
		Unavailable(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		Unavailable(t, err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Unavailable ends a test that needed a TiDB server and has none: it fails
// under CI and is skipped elsewhere.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("a TiDB server is needed and CI is set: %v", err)
	}
	t.Skipf("no TiDB server: %v", err)
}

// Status returns SHOW SESSION STATUS LIKE name on conn.
func Status(ctx context.Context, conn *sql.Conn, name string) (string, error) {
	return mariadb.Status(ctx, conn, name)
}
