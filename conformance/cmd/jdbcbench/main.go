// Command jdbcbench runs one connect loop through Microsoft's mssql-jdbc (in a
// JVM kept warm between batches), through dbtls, and through the bare
// go-mssqldb without and with a session cache, against the same TDS server
// (conformance/tds, in a child process) with the same trust, and reports each
// one's median connect (docs/performance.md, "Against mssql-jdbc"):
//
//	go run ./conformance/cmd/jdbcbench [-n 2000] [-batch 50] [-warmup 500] [-json out.json]
//
// One connect is: open a connection, run SELECT 1, read its row, close. The
// trust store is a JKS made by keytool from the JDK's own cacerts (about 150
// public roots, as a Java deployment's store holds) plus the test CA; mssql-jdbc
// and dbtls are given the very same JDBC URL, encrypt=true with trustStore and
// trustStorePassword. go-mssqldb cannot read a JKS: it is given the test CA as
// a PEM file (certificate=), the one root of the store that signed anything
// here. The clients take turns in batches, in an order that rotates, so that
// whatever else the machine does falls on all of them alike; mssql-jdbc's
// times are taken inside the JVM (System.nanoTime), the others' here.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"crypto/tls"
	"database/sql/driver"

	"github.com/dbtls/dbtls/conformance/benchsrv"
	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/truststore"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"
)

// Report is what -json writes (conformance/cmd/perfplot reads it).
type Report struct {
	Date        string   `json:"date"`
	CPUs        int      `json:"cpus"`
	Go          string   `json:"go"`
	Java        string   `json:"java"`
	MSSQLJDBC   string   `json:"mssqlJdbc"`
	StoreCerts  int      `json:"trustStoreCertificates"`
	Warmup      int      `json:"warmup"`
	Clients     []Client `json:"clients"`
	DbtlsVsJDBC float64  `json:"dbtlsOverMssqlJdbc"`
	URLRedacted string   `json:"url"`
	TLSVersion  string   `json:"tlsVersion"`
}

// Client is one client's figures, in nanoseconds.
type Client struct {
	Name   string  `json:"name"`
	N      int     `json:"n"`
	Median float64 `json:"medianNs"`
	P10    float64 `json:"p10Ns"`
	P90    float64 `json:"p90Ns"`
}

// mssqlJDBCVersion is the driver the oracle's pom.xml pins.
const mssqlJDBCVersion = "13.4.0.jre11"

func main() {
	benchsrv.MaybeServe() // the child TDS server is this program
	n := flag.Int("n", 2000, "connects per client")
	batch := flag.Int("batch", 50, "connects per turn")
	warmup := flag.Int("warmup", 500, "connects that warm the JVM first (the Go clients get a tenth)")
	jsonOut := flag.String("json", "", "write the figures as JSON to this file")
	cacerts := flag.String("cacerts", "", "the JDK cacerts to start the JKS from (default: the JDK of `java`; \"none\": the test CA alone)")
	flag.Parse()
	if err := run(*n, *batch, *warmup, *jsonOut, *cacerts); err != nil {
		fmt.Fprintln(os.Stderr, "jdbcbench:", err)
		os.Exit(1)
	}
}

func run(n, batch, warmup int, jsonOut, cacerts string) error {
	if n <= 0 || batch <= 0 || warmup < 0 {
		return errors.New("-n and -batch must be positive, -warmup not negative")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "dbtls-jdbcbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The certificates of the connector benchmarks: RSA-2048, a CA and a leaf.
	nb, na := certgen.Window(time.Now(), time.Hour, 24*time.Hour)
	ca := certgen.Must(certgen.Spec{CN: "dbtls bench CA", IsCA: true, RSA: true, NotBefore: nb, NotAfter: na})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, Parent: ca, RSA: true, NotBefore: nb, NotAfter: na})
	caPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caPEM, ca.CertPEM(), 0o644); err != nil {
		return err
	}
	srv, err := benchsrv.Start(benchsrv.Config{CertPEM: leaf.CertPEM(), KeyPEM: leaf.KeyPEM(), Encryption: "on", Strict: "no"})
	if err != nil {
		return err
	}
	defer srv.Close()

	jks, count, err := makeJKS(dir, caPEM, cacerts)
	if err != nil {
		return err
	}
	const storePass = "changeit"
	url := fmt.Sprintf("jdbc:sqlserver://localhost:%d;user=sa;password=pw;encrypt=true;trustStore=%s;trustStorePassword=%s", srv.Port, jks, storePass)

	// The Go clients.
	dc, err := connector.New(url, connector.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	bareURL := fmt.Sprintf("sqlserver://sa:pw@localhost:%d?encrypt=true&certificate=%s", srv.Port, caPEM)
	bare, err := mssql.NewConnector(bareURL)
	if err != nil {
		return err
	}
	p, err := msdsn.Parse(bareURL)
	if err != nil {
		return err
	}
	p.TLSConfig.ClientSessionCache = tls.NewLRUClientSessionCache(64)
	cached := mssql.NewConnectorConfig(p)

	// The JVM.
	if err := jdbc.Build(ctx); err != nil {
		return err
	}
	jvm, err := startJVM(ctx)
	if err != nil {
		return err
	}
	defer jvm.close()

	clients := []client{
		{name: "mssql-jdbc", run: func(k int) ([]time.Duration, error) { return jvm.connect(url, k) }},
		goClient("dbtls", dc),
		goClient("bare", bare),
		goClient("bare-cache", cached),
	}
	for _, c := range clients {
		if c.db != nil {
			defer c.db.Close()
		}
	}
	fmt.Fprintf(os.Stderr, "jdbcbench: warming up (%d connects through mssql-jdbc, %d through each Go client)\n", warmup, warmup/10)
	for _, c := range clients {
		w := warmup / 10
		if c.name == "mssql-jdbc" {
			w = warmup
		}
		for done := 0; done < w; done += batch {
			if _, err := c.run(min(batch, w-done)); err != nil {
				return fmt.Errorf("%s: %v", c.name, err)
			}
		}
	}
	times := make([][]time.Duration, len(clients))
	rounds := (n + batch - 1) / batch
	for r := 0; r < rounds; r++ {
		for k := range clients {
			i := (r + k) % len(clients)
			t, err := clients[i].run(min(batch, n-r*batch))
			if err != nil {
				return fmt.Errorf("%s: %v", clients[i].name, err)
			}
			times[i] = append(times[i], t...)
		}
		if (r+1)%10 == 0 {
			fmt.Fprintf(os.Stderr, "jdbcbench: %d of %d connects per client\n", min((r+1)*batch, n), n)
		}
	}

	rep := Report{Date: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), Go: runtime.Version(), Java: javaVersion(),
		MSSQLJDBC: mssqlJDBCVersion, StoreCerts: count, Warmup: warmup, TLSVersion: "TLS 1.2 (TDS 7.x, encrypt=true)",
		URLRedacted: strings.Replace(strings.Replace(url, "password=pw", "password=…", 1), "trustStorePassword="+storePass, "trustStorePassword=…", 1)}
	for i, c := range clients {
		rep.Clients = append(rep.Clients, Client{Name: c.name, N: len(times[i]), Median: quantile(times[i], 0.5), P10: quantile(times[i], 0.1), P90: quantile(times[i], 0.9)})
	}
	rep.DbtlsVsJDBC = rep.Clients[1].Median / rep.Clients[0].Median

	fmt.Printf("connect loop: open, SELECT 1, close; %d connects per client in turns of %d; %d CPUs; %s; %s\n", n, batch, rep.CPUs, rep.Go, rep.Java)
	fmt.Printf("server: conformance/tds in a child process on localhost, %s; trust store: JKS (keytool), %d certificates\n", rep.TLSVersion, count)
	fmt.Printf("%-12s %10s %10s %10s %6s\n", "client", "median", "p10", "p90", "n")
	for _, c := range rep.Clients {
		fmt.Printf("%-12s %8.2fms %8.2fms %8.2fms %6d\n", c.Name, c.Median/1e6, c.P10/1e6, c.P90/1e6, c.N)
	}
	fmt.Printf("dbtls / mssql-jdbc (medians): %.3f\n", rep.DbtlsVsJDBC)
	if jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

type client struct {
	name string
	db   *sql.DB
	run  func(k int) ([]time.Duration, error)
}

// goClient is the connect loop through database/sql: every connect dials,
// handshakes and logs in (no idle connection is kept).
func goClient(name string, c driver.Connector) client {
	db := sql.OpenDB(c)
	db.SetMaxIdleConns(0)
	return client{name: name, db: db, run: func(k int) ([]time.Duration, error) {
		ctx := context.Background()
		out := make([]time.Duration, 0, k)
		for i := 0; i < k; i++ {
			start := time.Now()
			conn, err := db.Conn(ctx)
			if err != nil {
				return nil, err
			}
			var one int
			if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
				conn.Close()
				return nil, err
			}
			if err := conn.Close(); err != nil {
				return nil, err
			}
			out = append(out, time.Since(start))
		}
		return out, nil
	}}
}

// makeJKS makes the trust store with keytool: the JDK's cacerts, then the
// test CA. It returns its path and how many certificates it holds.
func makeJKS(dir, caPEM, cacerts string) (string, int, error) {
	jks := filepath.Join(dir, "trust.jks")
	if cacerts == "" {
		java, err := exec.LookPath("java")
		if err != nil {
			return "", 0, err
		}
		real, err := filepath.EvalSymlinks(java)
		if err != nil {
			return "", 0, err
		}
		cacerts = filepath.Join(filepath.Dir(filepath.Dir(real)), "lib", "security", "cacerts")
	}
	if cacerts != "none" {
		if err := keytool("-importkeystore", "-noprompt", "-srckeystore", cacerts, "-srcstorepass", "changeit",
			"-destkeystore", jks, "-deststoretype", "JKS", "-deststorepass", "changeit"); err != nil {
			return "", 0, err
		}
	}
	if err := keytool("-importcert", "-noprompt", "-alias", "dbtls-bench-ca", "-file", caPEM,
		"-keystore", jks, "-storetype", "JKS", "-storepass", "changeit"); err != nil {
		return "", 0, err
	}
	st, err := truststore.Load(truststore.Source{Path: jks, Password: "changeit", HasPassword: true})
	if err != nil {
		return "", 0, err
	}
	return jks, len(st.Certs), nil
}

func keytool(args ...string) error {
	out, err := exec.Command("keytool", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("keytool %s: %v\n%s", args[0], err, out)
	}
	return nil
}

// jvm is the oracle's Bench loop (conformance/jdbc/oracle, Bench.java).
type jvm struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startJVM(ctx context.Context) (*jvm, error) {
	cmd := exec.CommandContext(ctx, "java", "-cp", jdbc.JarPath(), "dbtls.oracle.Bench")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &jvm{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<20)}, nil
}

func (j *jvm) connect(url string, k int) ([]time.Duration, error) {
	req, err := json.Marshal(map[string]any{"url": url, "n": k})
	if err != nil {
		return nil, err
	}
	if _, err := j.stdin.Write(append(req, '\n')); err != nil {
		return nil, err
	}
	line, err := j.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("the JVM did not answer: %v", err)
	}
	var res struct {
		Nanos []int64 `json:"nanos"`
		Error string  `json:"error"`
	}
	if err := json.Unmarshal(line, &res); err != nil {
		return nil, err
	}
	if res.Error != "" {
		return nil, errors.New(res.Error)
	}
	out := make([]time.Duration, len(res.Nanos))
	for i, v := range res.Nanos {
		out[i] = time.Duration(v)
	}
	return out, nil
}

func (j *jvm) close() {
	j.stdin.Close()
	_ = j.cmd.Wait()
}

func javaVersion() string {
	out, err := exec.Command("java", "-version").CombinedOutput()
	if err != nil {
		return "java"
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > 1 {
		return strings.TrimSpace(lines[1]) // the runtime's build
	}
	return strings.TrimSpace(lines[0])
}

func quantile(d []time.Duration, q float64) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return float64(s[int(q*float64(len(s)-1))])
}
