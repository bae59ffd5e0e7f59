package mariadb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/go-sql-driver/mysql"
)

// Options is one server configuration.
type Options struct {
	TLS                    bool          // false: --skip-ssl
	Cert                   *certgen.Cert // the server's leaf (its chain is sent); required with TLS
	ClientCA               *certgen.Cert // ssl-ca: the CA client certificates must chain to (REQUIRE X509 / SUBJECT)
	RequireSecureTransport bool          // require_secure_transport=ON
	TLSVersion             string        // tls_version, e.g. "TLSv1.2"; "" = the server's default
	SSLCipher              string        // ssl-cipher, OpenSSL names joined by ':', e.g. "AES128-SHA" (an old server's RSA key exchange); "" = the server's default
	// IPv6 makes the server listen on [::1] as well as on 127.0.0.1, on the
	// same port (bind-address=127.0.0.1,::1, MariaDB 10.11 and later), so
	// that a DSN can name it by either literal.
	IPv6 bool
}

// The test users every server has; passwords are test-only.
const (
	PlainUser, PlainPassword = "plain", "plain-pw"
	SSLUser, SSLPassword     = "ssluser", "ssl-pw"
	X509User, X509Password   = "x509user", "x509-pw"
	SubjUser, SubjPassword   = "subjuser", "subj-pw"
	// ClientSubject is the subject REQUIRE SUBJECT asks of subjuser.
	ClientSubject = "/O=dbtls/CN=dbtls client"
)

// Server is a running mariadbd.
type Server struct {
	Host       string
	Port       int
	Addr       string // host:port
	Dir        string
	SocketPath string
	opts       Options
	cmd        *exec.Cmd
	done       chan struct{}
}

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// binary finds mariadbd.
func binary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin", "/usr/local/mysql/bin"} {
		if p := filepath.Join(d, name); fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("mariadb: %s not found (run scripts/install-mariadb.sh)", name)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// template initialises one data directory per process; servers copy it.
func template() (string, error) {
	templateOnce.Do(func() {
		install, err := binary("mariadb-install-db")
		if err != nil {
			templateErr = err
			return
		}
		// Each attempt gets its own data and temporary directories: the
		// bootstrap's temporary tables otherwise go to the shared /tmp, where
		// installs running at once (two test packages, -p 2) have been seen
		// to fail ("Unknown table 'mysql.tmp_user_sys'"). A failed attempt
		// is tried once more.
		var out []byte
		for attempt := 0; attempt < 2; attempt++ {
			var dir, tmp string
			if dir, err = os.MkdirTemp("", "dbtls-mariadb-template-"); err != nil {
				break
			}
			if tmp, err = os.MkdirTemp("", "dbtls-mariadb-tmp-"); err != nil {
				break
			}
			out, err = exec.Command(install, "--no-defaults", "--datadir="+dir, "--tmpdir="+tmp, "--user=root",
				"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
			os.RemoveAll(tmp)
			if err == nil {
				templateDir = dir
				return
			}
			os.RemoveAll(dir)
		}
		if out != nil {
			err = fmt.Errorf("mariadb-install-db: %v\n%s", err, tail(out))
		}
		templateErr = err
	})
	return templateDir, templateErr
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// freePort finds a port free on 127.0.0.1 and, with ipv6, also on [::1].
func freePort(ipv6 bool) (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !ipv6 {
			return port, nil
		}
		l6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(port)))
		if err == nil {
			l6.Close()
			return port, nil
		}
	}
	return 0, errors.New("mariadb: no port free on both 127.0.0.1 and [::1]")
}

// Start starts a server in o's configuration and creates the test users.
func Start(ctx context.Context, o Options) (*Server, error) {
	tmpl, err := template()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dbtls-mariadb-")
	if err != nil {
		return nil, err
	}
	if out, err := exec.Command("cp", "-a", tmpl, filepath.Join(dir, "data")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("mariadb: copy data dir: %v: %s", err, out)
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, SocketPath: filepath.Join(dir, "mysqld.sock"), opts: o}
	// The port is free when freePort looks, but another process (a test
	// package running beside this one) may take it before mariadbd binds
	// it: then a new port, up to three times.
	for attempt := 0; ; attempt++ {
		port, err := freePort(o.IPv6)
		if err != nil {
			s.Stop()
			return nil, err
		}
		s.Port, s.Addr = port, net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		err = s.start(ctx)
		if err == nil {
			break
		}
		if attempt < 2 && strings.Contains(err.Error(), "Address already in use") {
			continue
		}
		s.Stop()
		return nil, err
	}
	if err := s.createUsers(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) writeTLSFiles() ([]string, error) {
	o := s.opts
	if !o.TLS {
		return []string{"--skip-ssl"}, nil
	}
	if o.Cert == nil {
		return nil, errors.New("mariadb: TLS needs Options.Cert")
	}
	certPath, keyPath, err := o.Cert.WriteFiles(s.Dir, "server")
	if err != nil {
		return nil, err
	}
	args := []string{"--ssl-cert=" + certPath, "--ssl-key=" + keyPath}
	if o.ClientCA != nil {
		caPath := filepath.Join(s.Dir, "client-ca.pem")
		if err := os.WriteFile(caPath, o.ClientCA.CertPEM(), 0o644); err != nil {
			return nil, err
		}
		args = append(args, "--ssl-ca="+caPath)
	}
	if o.TLSVersion != "" {
		args = append(args, "--tls-version="+o.TLSVersion)
	}
	if o.SSLCipher != "" {
		args = append(args, "--ssl-cipher="+o.SSLCipher)
	}
	return args, nil
}

func (s *Server) start(ctx context.Context) error {
	bin, err := binary("mariadbd")
	if err != nil {
		return err
	}
	tlsArgs, err := s.writeTLSFiles()
	if err != nil {
		return err
	}
	logPath := filepath.Join(s.Dir, "error.log")
	bind := "127.0.0.1"
	if s.opts.IPv6 {
		bind = "127.0.0.1,::1"
	}
	args := append([]string{"--no-defaults", "--user=root", "--datadir=" + filepath.Join(s.Dir, "data"),
		"--socket=" + s.SocketPath, "--port=" + strconv.Itoa(s.Port), "--bind-address=" + bind, "--tmpdir=" + s.Dir,
		"--pid-file=" + filepath.Join(s.Dir, "mysqld.pid"), "--log-error=" + logPath, "--skip-name-resolve",
		"--innodb-buffer-pool-size=16M", "--skip-log-bin", "--max-connections=200"}, tlsArgs...)
	if s.opts.RequireSecureTransport {
		args = append(args, "--require-secure-transport=ON")
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("mariadb: mariadbd exited at start:\n%s", tail(log))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if db, err := s.Admin(); err == nil {
			err = db.PingContext(ctx)
			db.Close()
			if err == nil {
				return nil
			}
		}
	}
	log, _ := os.ReadFile(logPath)
	return fmt.Errorf("mariadb: not ready after 60s:\n%s", tail(log))
}

// Admin returns root over the unix socket (no TLS), through go-sql-driver.
func (s *Server) Admin() (*sql.DB, error) { return RootOverSocket(s.SocketPath) }

// Exec runs statements as root.
func (s *Server) Exec(ctx context.Context, stmts ...string) error {
	return ExecAsRoot(ctx, s.SocketPath, "mariadb", stmts...)
}

// RootOverSocket returns root (no password) over the unix socket at path,
// through go-sql-driver: the administration connection of the test servers
// of every MySQL-protocol product (MariaDB here, TiDB in conformance/tidb).
func RootOverSocket(path string) (*sql.DB, error) {
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr = "root", "unix", path
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(2)
	return db, nil
}

// ExecAsRoot runs statements as root over the unix socket at path; an error
// names the product and the statement.
func ExecAsRoot(ctx context.Context, path, product string, stmts ...string) error {
	db, err := RootOverSocket(path)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %s: %w", product, q, err)
		}
	}
	return nil
}

func (s *Server) createUsers(ctx context.Context) error {
	var stmts []string
	for _, u := range []struct{ user, pw, require string }{
		{PlainUser, PlainPassword, ""}, {SSLUser, SSLPassword, " REQUIRE SSL"},
		{X509User, X509Password, " REQUIRE X509"}, {SubjUser, SubjPassword, " REQUIRE SUBJECT '" + ClientSubject + "'"},
	} {
		stmts = append(stmts, fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'%%' IDENTIFIED BY '%s'%s", u.user, u.pw, u.require))
	}
	return s.Exec(ctx, stmts...)
}

// ReplaceCert installs a new server certificate and reloads TLS (FLUSH SSL):
// new connections get it, open ones keep theirs.
func (s *Server) ReplaceCert(ctx context.Context, c *certgen.Cert) error {
	if _, _, err := c.WriteFiles(s.Dir, "server"); err != nil {
		return err
	}
	s.opts.Cert = c
	return s.Exec(ctx, "FLUSH SSL")
}

// Restart stops the server and starts it again on the same port and data
// with the configuration o.
func (s *Server) Restart(ctx context.Context, o Options) error {
	s.kill()
	s.opts = o
	return s.start(ctx)
}

func (s *Server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	}
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
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("a MariaDB server is needed and CI is set: %v", err)
		}
		t.Skipf("no MariaDB server: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Status returns SHOW SESSION STATUS LIKE name on db's connection conn.
func Status(ctx context.Context, conn *sql.Conn, name string) (string, error) {
	var k, v string
	err := conn.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE '"+strings.ReplaceAll(name, "'", "")+"'").Scan(&k, &v)
	return v, err
}
