package connector

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbtls/dbtls/conformance/tds"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// Helpers for the tests of trust material that lives (spec §7): the three
// ways a file changes on disk, a TDS server that restarts with a new
// certificate on the same port, and a logger to count warnings in.

// afterChange is the spec's bound: a connection that starts this long after
// a material file changed uses the new content.
const afterChange = time.Second

// rotation issues server certificates for 127.0.0.1/localhost from one of
// two CAs.
type rotation struct {
	oldCA, newCA *certgen.Cert
	nb, na       time.Time
}

func newRotation() *rotation {
	nb, na := certgen.Window(time.Now(), time.Hour, 90*24*time.Hour) // beyond the expiry warning's 30 days
	return &rotation{
		oldCA: certgen.Must(certgen.Spec{CN: "old CA", IsCA: true, NotBefore: nb, NotAfter: na}),
		newCA: certgen.Must(certgen.Spec{CN: "new CA", IsCA: true, NotBefore: nb, NotAfter: na}),
		nb:    nb, na: na,
	}
}

func (r *rotation) leaf(ca *certgen.Cert) *certgen.Cert {
	return certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")},
		Parent: ca, NotBefore: r.nb, NotAfter: r.na})
}

// restartingTDS is a TDS server that is stopped and started again on the
// same port with another certificate, as a SQL Server restarted after its
// certificate was replaced.
type restartingTDS struct {
	mu     sync.Mutex
	srv    *tds.Server
	port   int
	strict tds.Strict
}

func startTDS(t *testing.T, leaf *certgen.Cert) *restartingTDS {
	return startTDSStrict(t, leaf, tds.StrictNo)
}

// startTDSStrict also serves TDS 8.0 (StrictAlso), or only it.
func startTDSStrict(t *testing.T, leaf *certgen.Cert, strict tds.Strict) *restartingTDS {
	cert := leaf.TLS(true)
	srv, err := tds.Listen("127.0.0.1:0", tds.Config{Encryption: tds.On, Strict: strict, Certificate: &cert})
	require.NoError(t, err)
	r := &restartingTDS{srv: srv, port: srv.Port(), strict: strict}
	t.Cleanup(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.srv.Close()
	})
	return r
}

func (r *restartingTDS) restart(t *testing.T, leaf *certgen.Cert) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.srv.Close()
	cert := leaf.TLS(true)
	var err error
	for i := 0; i < 50; i++ {
		if r.srv, err = tds.Listen("127.0.0.1:"+strconv.Itoa(r.port), tds.Config{Encryption: tds.On, Strict: r.strict, Certificate: &cert}); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, err)
}

func (r *restartingTDS) url(props string) string { return sqlServerURL(r.port, props) }

// A way a file is changed on disk.
type change struct {
	name  string
	setup func(t *testing.T, dir, name string, data []byte) string // writes the first content, returns the path to give
	write func(t *testing.T, dir, name string, data []byte)
}

var changes = []change{
	{"replaced in place", writePlain, func(t *testing.T, dir, name string, data []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}},
	{"renamed over", writePlain, func(t *testing.T, dir, name string, data []byte) {
		tmp := filepath.Join(dir, "."+name+".tmp")
		require.NoError(t, os.WriteFile(tmp, data, 0o644))
		require.NoError(t, os.Rename(tmp, filepath.Join(dir, name)))
	}},
	{"..data symlink swapped", writeProjected, swapProjected},
}

func writePlain(t *testing.T, dir, name string, data []byte) string {
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// writeProjected lays a file out as Kubernetes projects a secret volume:
// dir/name → ..data/name, ..data → ..<timestamp>/.
func writeProjected(t *testing.T, dir, name string, data []byte) string {
	return projectFiles(t, dir, map[string][]byte{name: data})[name]
}

// projectFiles is writeProjected for several files of one secret, swapped
// together; it returns each file's path.
func projectFiles(t *testing.T, dir string, files map[string][]byte) map[string]string {
	swapFiles(t, dir, files)
	paths := map[string]string{}
	for name := range files {
		paths[name] = filepath.Join(dir, name)
		require.NoError(t, os.Symlink(filepath.Join("..data", name), paths[name]))
	}
	return paths
}

func swapProjected(t *testing.T, dir, name string, data []byte) {
	swapFiles(t, dir, map[string][]byte{name: data})
}

// swapFiles writes a new timestamped directory and swaps ..data to it with
// a rename, as the kubelet's atomic writer does.
func swapFiles(t *testing.T, dir string, files map[string][]byte) {
	ts := "..ts_" + strconv.FormatInt(time.Now().UnixNano(), 10)
	require.NoError(t, os.Mkdir(filepath.Join(dir, ts), 0o755))
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, ts, name), data, 0o600))
	}
	tmp := filepath.Join(dir, "..data_tmp")
	require.NoError(t, os.Symlink(ts, tmp))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, "..data")))
}

// logBuffer is a slog text log, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// lines returns the log lines holding every one of the words.
func (l *logBuffer) lines(words ...string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		all := line != ""
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			out = append(out, line)
		}
	}
	return out
}

// rotationLoad is 32 goroutines connecting through one *sql.DB, each
// connection new, while a test moves the server to a new CA (switch) and
// then the trust file (change). A connection may fail only when it
// overlapped the switch and started before one second after the change,
// and only with one of the window's kinds; one that starts later must see
// the new CA. Checked by finish.
type rotationLoad struct {
	switched, changed atomic.Int64 // unix nanoseconds; 0: not yet
	newCA             atomic.Int64 // connections that saw the new CA
	hold              atomic.Bool  // new connections wait while it is set
	stop              chan struct{}
	wg                sync.WaitGroup
	mu                sync.Mutex
	bad               []string
}

func startRotationLoad(ctx context.Context, db *sql.DB, window ...kind.Kind) *rotationLoad {
	l := &rotationLoad{stop: make(chan struct{})}
	for g := 0; g < 32; g++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				for l.hold.Load() {
					time.Sleep(time.Millisecond)
				}
				l.check(l.connectOnce(ctx, db), window)
			}
		}()
	}
	return l
}

// attemptResult is one connection of the load.
type attemptResult struct {
	start, end int64 // unix nanoseconds
	err        error
	newCA      bool
}

func (l *rotationLoad) connectOnce(ctx context.Context, db *sql.DB) attemptResult {
	a := attemptResult{start: time.Now().UnixNano()}
	conn, err := db.Conn(ctx)
	var info ConnInfo
	if err == nil {
		info, err = Info(conn)
		conn.Close()
	}
	a.end, a.err = time.Now().UnixNano(), err
	a.newCA = err == nil && info.Peer[0].Issuer == "CN=new CA"
	return a
}

func (l *rotationLoad) check(a attemptResult, window []kind.Kind) {
	sw, ch := l.switched.Load(), l.changed.Load()
	inWindow := sw != 0 && a.end >= sw && (ch == 0 || a.start < ch+int64(afterChange))
	when := time.Unix(0, a.start).Format(time.StampMicro)
	switch {
	case a.newCA:
		l.newCA.Add(1)
		return
	case ch != 0 && a.start >= ch+int64(afterChange):
		l.note("started 1 s after the change without the new CA: " + when)
	case a.err == nil:
	case inWindow && slices.ContainsFunc(window, func(k kind.Kind) bool { return errors.Is(a.err, k) }):
	default:
		l.note(when + ": " + a.err.Error())
	}
}

func (l *rotationLoad) note(s string) {
	l.mu.Lock()
	l.bad = append(l.bad, s)
	l.mu.Unlock()
}

// finish stops the load and checks it: no connection failed outside the
// rules, and some saw the new CA.
func (l *rotationLoad) finish(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	require.Empty(t, l.bad, strings.Join(l.bad, "\n"))
	require.Positive(t, l.newCA.Load())
}
