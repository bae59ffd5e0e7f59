package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
)

func init() {
	commands["probe"] = command{"probe [--json] [--timeout d] <dsn>: connect, run SELECT 1, print what was negotiated", runProbe}
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

type probeResult struct {
	OK       bool         `json:"ok"`
	Family   string       `json:"family,omitempty"`
	Row      any          `json:"row,omitempty"`
	Mode     string       `json:"mode,omitempty"`
	Addr     string       `json:"addr,omitempty"`
	DialMS   float64      `json:"dialMs,omitempty"`
	TLS      *probeTLS    `json:"tls,omitempty"`
	Hops     []probeHop   `json:"hops,omitempty"`
	Server   *probeServer `json:"server,omitempty"`
	Warnings []string     `json:"warnings"`
	Error    *errorJSON   `json:"error,omitempty"`
}

func runProbe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: dbtls probe [--json] [--timeout d] <dsn-or-jdbc-url>")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := probe(ctx, fs.Arg(0))
	if err != nil {
		res.Error = &errorJSON{Kind: string(kindOf(err)), Message: err.Error()}
	}
	return report(stdout, stderr, *asJSON, res, func(w io.Writer) { printProbe(w, res) }, err)
}

func probe(ctx context.Context, s string) (probeResult, error) {
	res := probeResult{Warnings: []string{}}
	cfg, err := dsn.Parse(s)
	if err != nil {
		return res, err
	}
	res.Family = string(cfg.Family)
	res.Warnings = append(res.Warnings, cfg.Warnings...)
	c, err := connector.NewFromConfig(cfg)
	if err != nil {
		return res, err
	}
	st := c.Strategy()
	res.Mode, res.Row = st.Mode.String(), st.Row
	if n, err := strconv.Atoi(st.Row); err == nil {
		res.Row = n
	}
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
		return res, &kind.Error{Kind: kind.ServerRefused, What: "SELECT 1 failed", Why: err.Error(), Err: err}
	}
	info, err := connector.Info(conn)
	if err != nil {
		return res, err
	}
	res.Addr, res.DialMS = info.Addr, float64(info.DialDuration.Microseconds())/1000
	t := &probeTLS{Encrypted: info.Encrypted, Version: info.Version, Cipher: info.CipherIANA, CipherOpenSSL: info.CipherOpenSSL,
		ALPN: info.ALPN, LoginOnly: info.LoginOnly, Resumed: info.DidResume, PeerCertificates: []probeCert{}}
	for _, p := range info.Peer {
		t.PeerCertificates = append(t.PeerCertificates, probeCert{Subject: p.Subject, Issuer: p.Issuer, DNSNames: p.DNSNames, IPs: p.IPAddresses,
			NotBefore: p.NotBefore.UTC().Format(time.RFC3339), NotAfter: p.NotAfter.UTC().Format(time.RFC3339), SHA256: p.SHA256})
	}
	res.TLS = t
	for _, h := range info.Hops {
		ph := probeHop{Addr: h.Addr, Remote: h.Remote, RoutedFrom: h.RoutedFrom, BrowserAddr: h.BrowserAddr, Instance: h.Instance,
			NameChecked: h.Name, Prelogin: h.Prelogin, Encrypted: h.Encrypted, LoginOnly: h.LoginOnly, Version: h.Version,
			Cipher: h.CipherIANA, ALPN: h.ALPN}
		if len(h.Peer) > 0 {
			p := h.Peer[0]
			ph.Certificate = &probeCert{Subject: p.Subject, Issuer: p.Issuer, DNSNames: p.DNSNames, IPs: p.IPAddresses,
				NotBefore: p.NotBefore.UTC().Format(time.RFC3339), NotAfter: p.NotAfter.UTC().Format(time.RFC3339), SHA256: p.SHA256}
		}
		res.Hops = append(res.Hops, ph)
	}
	if cfg.Family == dsn.MySQL {
		srv := &probeServer{}
		for name, dst := range map[string]*string{"Ssl_version": &srv.SSLVersion, "Ssl_cipher": &srv.SSLCipher, "Ssl_server_not_after": &srv.SSLServerNotAfter} {
			var k string
			if err := conn.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE '"+name+"'").Scan(&k, dst); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return res, &kind.Error{Kind: kind.ServerRefused, What: "SHOW STATUS failed", Why: err.Error(), Err: err}
			}
		}
		res.Server = srv
	}
	res.OK = true
	return res, nil
}

func printProbe(w io.Writer, r probeResult) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-16s %s\n", k+":", v)
		}
	}
	line("ok", strconv.FormatBool(r.OK))
	line("family", r.Family)
	if r.Row != nil {
		line("row", fmt.Sprint(r.Row))
	}
	line("strategy", r.Mode)
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
	if r.Error != nil {
		line("error", r.Error.Kind)
	}
}
