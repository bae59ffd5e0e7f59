package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

func init() {
	commands["explain"] = command{"explain [--json] <dsn>: the TLS strategy a connection string resolves to", runExplain}
}

// explanation is explain's output; its JSON field names are a contract.
type explanation struct {
	Family       string     `json:"family,omitempty"`
	Shape        string     `json:"shape,omitempty"`
	Row          any        `json:"row,omitempty"` // 1–11 (SQL Server) or the sslMode name (MySQL)
	Mode         string     `json:"mode,omitempty"`
	TLSRequired  bool       `json:"tlsRequired"`
	TLSDisabled  bool       `json:"tlsDisabled"`
	LoginOnly    bool       `json:"loginOnlyPossible"`
	Strict       bool       `json:"strict"`
	ExpectedName string     `json:"expectedName"`
	NameRules    string     `json:"nameRules,omitempty"`
	Trust        string     `json:"trust,omitempty"`
	PinSHA256    string     `json:"pinSHA256,omitempty"`
	MinVersion   string     `json:"minVersion,omitempty"`
	MaxVersion   string     `json:"maxVersion,omitempty"`
	CipherSuites []string   `json:"cipherSuites"`
	ALPN         []string   `json:"alpn,omitempty"`
	ClientCert   string     `json:"clientCertificate,omitempty"`
	DSN          string     `json:"dsn,omitempty"`
	DriverDSN    string     `json:"driverDSN,omitempty"`
	Warnings     []string   `json:"warnings"`
	Error        *errorJSON `json:"error,omitempty"`
}

type errorJSON struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: dbtls explain [--json] <dsn-or-jdbc-url>")
		return 2
	}
	ex, err := explain(fs.Arg(0))
	if err != nil {
		ex.Error = &errorJSON{Kind: string(kindOf(err)), Message: err.Error()}
	}
	return report(stdout, stderr, *asJSON, ex, func(w io.Writer) { printExplanation(w, ex) }, err)
}

func kindOf(err error) kind.Kind {
	if k := kind.Of(err); k != "" {
		return k
	}
	return kind.InvalidDSN
}

// explain parses and resolves a DSN; on failure the explanation holds what
// was learnt before the error.
func explain(s string) (explanation, error) {
	ex := explanation{Warnings: []string{}, CipherSuites: []string{}}
	cfg, err := dsn.Parse(s)
	if err != nil {
		return ex, err
	}
	ex.Family, ex.Shape, ex.DSN, ex.DriverDSN = string(cfg.Family), string(cfg.Shape), cfg.String(), cfg.RedactedDriverDSN()
	ex.Warnings = append(ex.Warnings, cfg.Warnings...)
	st, err := verify.Resolve(cfg)
	if err != nil {
		return ex, err
	}
	fillStrategy(&ex, st)
	return ex, nil
}

func fillStrategy(ex *explanation, st *verify.Strategy) {
	if n, err := strconv.Atoi(st.Row); err == nil {
		ex.Row = n
	} else {
		ex.Row = st.Row
	}
	ex.Mode, ex.TLSRequired, ex.TLSDisabled, ex.LoginOnly, ex.Strict = st.Mode.String(), st.TLSRequired, st.Disabled, st.LoginOnlyPossible, st.Strict
	ex.ExpectedName = st.ExpectedName
	ex.NameRules = map[verify.NameRules]string{verify.NoName: "", verify.SQLServerNames: "sqlserver (CN, then SAN DNS, then SAN IP)", verify.MySQLNames: "mysql (SANs when present, else CN)"}[st.NameRules]
	ex.Trust = st.Trust.String()
	if st.Pin != nil {
		ex.PinSHA256 = sha256Hex(st.Pin.Raw)
	}
	ex.MinVersion, ex.MaxVersion = verify.VersionName(st.MinVersion), verify.VersionName(st.MaxVersion)
	if ex.MinVersion == "" && !st.Disabled {
		ex.MinVersion = "TLSv1.2"
	}
	if ex.MaxVersion == "" && !st.Disabled {
		ex.MaxVersion = "TLSv1.3"
	}
	for _, id := range st.CipherSuites {
		ex.CipherSuites = append(ex.CipherSuites, verify.OpenSSLName(id))
	}
	ex.ALPN = st.NextProtos
	if st.ClientCertificate != nil && st.ClientCertificate.Leaf != nil {
		ex.ClientCert = st.ClientCertificate.Leaf.Subject.String()
	}
	ex.Warnings = append(ex.Warnings, st.Warnings...)
}

func printExplanation(w io.Writer, ex explanation) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-14s %s\n", k+":", v)
		}
	}
	line("family", ex.Family)
	line("shape", ex.Shape)
	if ex.Row != nil {
		line("row", fmt.Sprint(ex.Row))
	}
	line("strategy", ex.Mode)
	if ex.Family != "" && ex.Mode != "" {
		tls := "optional (as the server asks)"
		switch {
		case ex.TLSDisabled:
			tls = "never"
		case ex.Strict:
			tls = "required, strict (TDS 8.0: TLS first, ALPN tds/8.0)"
		case ex.TLSRequired:
			tls = "required"
		case ex.LoginOnly:
			tls = "optional (the login packet is always encrypted when the server can)"
		}
		line("tls", tls)
	}
	line("expected name", ex.ExpectedName)
	line("name rules", ex.NameRules)
	line("trust", ex.Trust)
	line("pin sha-256", ex.PinSHA256)
	if ex.MinVersion != "" {
		line("versions", ex.MinVersion+" to "+ex.MaxVersion)
	}
	if len(ex.CipherSuites) > 0 {
		line("tls1.2 suites", strings.Join(ex.CipherSuites, ":"))
	}
	line("client cert", ex.ClientCert)
	line("dsn", ex.DSN)
	line("driver dsn", ex.DriverDSN)
	for _, warn := range ex.Warnings {
		line("warning", warn)
	}
	if ex.Error != nil {
		line("error", ex.Error.Kind)
	}
}
