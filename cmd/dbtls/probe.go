package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

func init() {
	commands["probe"] = command{"connect once, run SELECT 1, print what was negotiated", runProbe}
}

type probeCert struct {
	Subject   string   `json:"subject"`
	Issuer    string   `json:"issuer"`
	DNSNames  []string `json:"dnsNames"`
	IPs       []string `json:"ipAddresses"`
	NotBefore string   `json:"notBefore"`
	NotAfter  string   `json:"notAfter"`
	SHA256    string   `json:"sha256"`
}

type probeTLS struct {
	Encrypted        bool        `json:"encrypted"`
	Version          string      `json:"version"`
	Cipher           string      `json:"cipher"`
	CipherOpenSSL    string      `json:"cipherOpenSSL"`
	ALPN             string      `json:"alpn,omitempty"`
	LoginOnly        bool        `json:"loginOnly"`
	Resumed          bool        `json:"resumed"`
	PeerCertificates []probeCert `json:"peerCertificates"`
}

// probeHop is one server a SQL Server connect reached (connector.Hop): the
// first, then each one a routing answer sent it to.
type probeHop struct {
	Addr        string     `json:"addr"`
	Remote      string     `json:"remote,omitempty"`
	RoutedFrom  string     `json:"routedFrom,omitempty"`
	BrowserAddr string     `json:"browserAddr,omitempty"`
	Instance    string     `json:"instance,omitempty"`
	NameChecked string     `json:"nameChecked,omitempty"`
	Prelogin    string     `json:"prelogin,omitempty"`
	Encrypted   bool       `json:"encrypted"`
	LoginOnly   bool       `json:"loginOnly"`
	Version     string     `json:"version,omitempty"`
	Cipher      string     `json:"cipher,omitempty"`
	ALPN        string     `json:"alpn,omitempty"`
	Certificate *probeCert `json:"certificate,omitempty"`
}

type probeServer struct {
	SSLVersion        string `json:"sslVersion"`
	SSLCipher         string `json:"sslCipher"`
	SSLServerNotAfter string `json:"sslServerNotAfter"`
}

// probeResult is probe's output; its JSON form is a contract
// (docs/cli/probe.schema.json, docs/cli.md). row and mode are there once the
// string is described (verify.Describe), whether or not the connect worked.
type probeResult struct {
	OK       bool         `json:"ok"`
	Family   string       `json:"family,omitempty"`
	Row      string       `json:"row,omitempty"`
	Mode     string       `json:"mode,omitempty"`
	Addr     string       `json:"addr,omitempty"`
	DialMS   float64      `json:"dialMs,omitempty"`
	TLS      *probeTLS    `json:"tls,omitempty"`
	Hops     []probeHop   `json:"hops,omitempty"`
	Server   *probeServer `json:"server,omitempty"`
	Warnings []string     `json:"warnings"`
	Error    *errorJSON   `json:"error,omitempty"`
}

const probeSynopsis = "dbtls probe [--json] [--timeout d] <connection string> | - | --dsn-env NAME"

func runProbe(c *cli, args []string) int {
	f := newFlags("probe", probeSynopsis, true)
	asJSON := f.Bool("json", false, "print one JSON object (docs/cli/probe.schema.json)")
	timeout := f.durationVar("timeout", 15*time.Second, "give up after `d` (a duration such as 30s, or seconds), for the whole probe: dial, TLS, login, SELECT 1 and the status queries")
	pos, status, ok := f.parse(c, args)
	if !ok {
		return status
	}
	s, status, ok := f.connectionString(c, pos)
	if !ok {
		return status
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := probe(ctx, s)
	var e *kind.Error
	if dl, _ := ctx.Deadline(); err != nil && !time.Now().Before(dl) && errors.As(err, &e) {
		// The deadline that ended it is the probe's own (the connection's
		// I/O deadline, the same instant, may have fired first).
		e.Fix = "check that the server answers, or raise --timeout (it was " + timeout.String() + ")"
	}
	if err != nil {
		fallback := kind.HandshakeFailed // a connect error; the connector gives them all a kind
		if res.Mode == "" {
			fallback = kind.InvalidDSN
		}
		res.Error = newErrorJSON(err, fallback)
	}
	report(c, *asJSON, res, func(w io.Writer) { printProbe(w, res) })
	return exitStatus(res.Error)
}

func probe(ctx context.Context, s string) (probeResult, error) {
	res := probeResult{Warnings: []string{}}
	cfg, err := dsn.Parse(s)
	if err != nil {
		return res, err
	}
	res.Family = string(cfg.Family)
	res.Warnings = append(res.Warnings, cfg.Warnings...)
	// What the string means, before any file is read: there even when a
	// trust store cannot be read or the connect fails.
	d, err := verify.Describe(cfg)
	if err != nil {
		return res, err
	}
	res.Row, res.Mode = d.Row, d.Mode.String()
	// The warnings are in the result (text and JSON); the connector's own
	// logging would repeat them on standard error, which carries only
	// usage errors (docs/cli.md).
	c, err := connector.NewFromConfig(cfg, connector.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		res.Warnings = append(res.Warnings, d.Warnings...)
		return res, err
	}
	st := c.Strategy()
	res.Row, res.Mode = st.Row, st.Mode.String()
	res.Warnings = append(res.Warnings, st.Warnings...)
	db := sql.OpenDB(c)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	var one int
	if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return res, afterConnect(ctx, "SELECT 1 failed", err)
	}
	info, err := connector.Info(conn)
	if err != nil {
		return res, err
	}
	res.Addr, res.DialMS = info.Addr, float64(info.DialDuration.Microseconds())/1000
	t := &probeTLS{Encrypted: info.Encrypted, Version: info.Version, Cipher: info.CipherIANA, CipherOpenSSL: info.CipherOpenSSL,
		ALPN: info.ALPN, LoginOnly: info.LoginOnly, Resumed: info.DidResume, PeerCertificates: []probeCert{}}
	for _, p := range info.Peer {
		t.PeerCertificates = append(t.PeerCertificates, newProbeCert(p))
	}
	res.TLS = t
	for _, h := range info.Hops {
		// A routing answer or SQL Browser named these: text from the other side.
		ph := probeHop{Addr: kind.Foreign(h.Addr), Remote: h.Remote, RoutedFrom: kind.Foreign(h.RoutedFrom), BrowserAddr: h.BrowserAddr,
			Instance: kind.Foreign(h.Instance), NameChecked: kind.Foreign(h.Name), Prelogin: h.Prelogin, Encrypted: h.Encrypted, LoginOnly: h.LoginOnly, Version: h.Version,
			Cipher: h.CipherIANA, ALPN: h.ALPN}
		if len(h.Peer) > 0 {
			pc := newProbeCert(h.Peer[0])
			ph.Certificate = &pc
		}
		res.Hops = append(res.Hops, ph)
	}
	if cfg.Family == dsn.MySQL {
		srv := &probeServer{}
		for name, dst := range map[string]*string{"Ssl_version": &srv.SSLVersion, "Ssl_cipher": &srv.SSLCipher, "Ssl_server_not_after": &srv.SSLServerNotAfter} {
			var k string
			if err := conn.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE '"+name+"'").Scan(&k, dst); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return res, afterConnect(ctx, "SHOW STATUS failed", err)
			}
		}
		res.Server = srv
	}
	res.OK = true
	return res, nil
}

func printProbe(w io.Writer, r probeResult) {
	line := func(k, v string) { textLine(w, probeWidth, k, v) }
	line("ok", strconv.FormatBool(r.OK))
	line("family", r.Family)
	line("row", r.Row)
	line("mode", r.Mode)
	line("address", r.Addr)
	if t := r.TLS; t != nil {
		state := "none (plaintext)"
		switch {
		case t.LoginOnly:
			state = "login packet only"
		case t.Encrypted:
			state = "full"
		}
		line("encryption", state)
		line("tls version", t.Version)
		if t.Cipher != "" {
			line("cipher", t.Cipher+" ("+t.CipherOpenSSL+")")
		}
		line("alpn", t.ALPN)
		for i, p := range t.PeerCertificates {
			line(fmt.Sprintf("certificate %d", i), p.Subject+" issued by "+p.Issuer)
			if len(p.DNSNames)+len(p.IPs) > 0 {
				line("  names", strings.Join(append(append([]string{}, p.DNSNames...), p.IPs...), ", "))
			}
			line("  valid", p.NotBefore+" to "+p.NotAfter)
			line("  sha-256", p.SHA256)
		}
	}
	// The hops of a SQL Server connect, when there is more to say than the
	// address above: a named instance, or routing.
	if len(r.Hops) > 1 || len(r.Hops) == 1 && r.Hops[0].BrowserAddr != "" {
		for i, h := range r.Hops {
			where := h.Addr
			if h.RoutedFrom != "" {
				where += " (routed there by " + h.RoutedFrom + ")"
			}
			line(fmt.Sprintf("hop %d", i+1), where)
			if h.BrowserAddr != "" {
				line("  sql browser", h.BrowserAddr+" gave instance "+h.Instance+" this port")
			}
			if h.Remote != h.Addr {
				line("  remote", h.Remote)
			}
			line("  name checked", h.NameChecked)
			line("  prelogin", h.Prelogin)
			state := "none (plaintext)"
			switch {
			case h.LoginOnly:
				state = "login packet only"
			case h.Encrypted:
				state = "full"
			}
			line("  encryption", state)
			line("  tls", strings.TrimSpace(h.Version+" "+h.Cipher+" "+h.ALPN))
			if c := h.Certificate; c != nil {
				line("  certificate", c.Subject+" issued by "+c.Issuer+", sha-256 "+c.SHA256)
			}
		}
	}
	if s := r.Server; s != nil {
		line("server says", fmt.Sprintf("Ssl_version=%q Ssl_cipher=%q Ssl_server_not_after=%q", s.SSLVersion, s.SSLCipher, s.SSLServerNotAfter))
	}
	for _, warn := range r.Warnings {
		line("warning", warn)
	}
	printError(w, probeWidth, r.Error)
}

// probeWidth is the width of probe's text labels.
const probeWidth = 16

// newProbeCert is one certificate of probe's output; its name lists are
// arrays, empty rather than null. The server chose its subject, issuer and
// names: they are shown escaped and bounded (kind.Foreign).
func newProbeCert(p connector.CertInfo) probeCert {
	names := []string{}
	for _, n := range p.DNSNames {
		names = append(names, kind.Foreign(n))
	}
	return probeCert{Subject: kind.Foreign(p.Subject), Issuer: kind.Foreign(p.Issuer),
		DNSNames: names, IPs: append([]string{}, p.IPAddresses...),
		NotBefore: p.NotBefore.UTC().Format(time.RFC3339), NotAfter: p.NotAfter.UTC().Format(time.RFC3339), SHA256: p.SHA256}
}

// afterConnect is the error of a query after the connect: kind network when
// --timeout ran out, server-refused otherwise.
func afterConnect(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return &kind.Error{Kind: kind.Network, What: what + ": --timeout ran out", Why: kind.Foreign(err.Error()), Fix: "give probe a longer --timeout", Err: err}
	}
	return &kind.Error{Kind: kind.ServerRefused, What: what, Why: kind.Foreign(err.Error()), Err: err}
}
