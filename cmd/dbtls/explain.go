package main

import (
	"io"
	"strings"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

func init() {
	commands["explain"] = command{"what a connection string means for TLS, without connecting", runExplain}
}

// explanation is explain's output; its JSON form is a contract
// (docs/cli/explain.schema.json, docs/cli.md). A field is left out until
// explain got that far: family, shape, vocabulary and dsn once the string parsed; row,
// mode, the TLS demands, name, trust, versions and suites once it is
// described (verify.Describe, which reads no file); pinSHA256,
// clientCertificate and a store's format once the files are read
// (verify.Resolve).
type explanation struct {
	Family       string     `json:"family,omitempty"`
	Shape        string     `json:"shape,omitempty"`
	Vocabulary   string     `json:"vocabulary,omitempty"`
	Row          string     `json:"row,omitempty"` // "1"–"11" (SQL Server) or the sslMode name (MySQL)
	Mode         string     `json:"mode,omitempty"`
	TLSRequired  *bool      `json:"tlsRequired,omitempty"`
	TLSDisabled  *bool      `json:"tlsDisabled,omitempty"`
	LoginOnly    *bool      `json:"loginOnlyPossible,omitempty"`
	Strict       *bool      `json:"strict,omitempty"`
	ExpectedName string     `json:"expectedName,omitempty"`
	NameRules    string     `json:"nameRules,omitempty"`
	Trust        string     `json:"trust,omitempty"`
	TrustPath    string     `json:"trustPath,omitempty"`
	PinSHA256    string     `json:"pinSHA256,omitempty"`
	MinVersion   string     `json:"minVersion,omitempty"`
	MaxVersion   string     `json:"maxVersion,omitempty"`
	CipherSuites []string   `json:"cipherSuites,omitempty"`
	ALPN         []string   `json:"alpnOffered,omitempty"`
	ClientCert   string     `json:"clientCertificate,omitempty"`
	AnchorExpiry *anchorExp `json:"earliestAnchorExpiry,omitempty"`
	DSN          string     `json:"dsn,omitempty"`
	DriverDSN    string     `json:"driverDSN,omitempty"`
	Warnings     []string   `json:"warnings"`
	Error        *errorJSON `json:"error,omitempty"`
}

// anchorExp is the trust anchor read from a file that expires first.
type anchorExp struct {
	Subject  string `json:"subject"`
	NotAfter string `json:"notAfter"`
	DaysLeft int    `json:"daysLeft"`
}

const explainSynopsis = "dbtls explain [--json] <connection string> | - | --dsn-env NAME"

func runExplain(c *cli, args []string) int {
	f := newFlags("explain", explainSynopsis, true)
	asJSON := f.Bool("json", false, "print one JSON object (docs/cli/explain.schema.json)")
	pos, status, ok := f.parse(c, args)
	if !ok {
		return status
	}
	s, status, ok := f.connectionString(c, pos)
	if !ok {
		return status
	}
	ex, err := explain(s)
	if err != nil {
		ex.Error = newErrorJSON(err, kind.InvalidDSN)
	}
	report(c, *asJSON, ex, func(w io.Writer) { printExplanation(w, ex) })
	return exitStatus(ex.Error)
}

// explain parses s and says what it means (verify.Describe), then reads the
// files it names (verify.Resolve). On failure the explanation holds what was
// learnt before the error: a trust store that cannot be read is an error
// beside the row, mode and TLS demand the string resolved to.
func explain(s string) (explanation, error) {
	ex := explanation{Warnings: []string{}}
	cfg, err := dsn.Parse(s)
	if err != nil {
		return ex, err
	}
	ex.Family, ex.Shape, ex.Vocabulary, ex.DSN = string(cfg.Family), string(cfg.Shape), cfg.Vocabulary(), cfg.String()
	ex.Warnings = append(ex.Warnings, cfg.Warnings...)
	described, err := verify.Describe(cfg)
	if err != nil {
		return ex, err
	}
	// What the connector hands the driver, built from the fields as New
	// builds it (never parsed back by the driver), redacted.
	if ex.DriverDSN, err = connector.RedactedDriverDSN(cfg); err != nil {
		fillStrategy(&ex, described)
		return ex, err
	}
	st, err := verify.Resolve(cfg)
	if err != nil {
		fillStrategy(&ex, described)
		return ex, err
	}
	fillStrategy(&ex, st)
	return ex, nil
}

func fillStrategy(ex *explanation, st *verify.Strategy) {
	ex.Row, ex.Mode = st.Row, st.Mode.String()
	ex.TLSRequired, ex.TLSDisabled, ex.LoginOnly, ex.Strict = &st.TLSRequired, &st.Disabled, &st.LoginOnlyPossible, &st.Strict
	ex.ExpectedName = st.ExpectedName
	ex.NameRules = nameRules[st.NameRules]
	ex.Trust, ex.TrustPath = st.Trust.Source, st.Trust.Path
	if st.Pin != nil {
		ex.PinSHA256 = sha256Hex(st.Pin.Raw)
	}
	if !st.Disabled {
		ex.MinVersion, ex.MaxVersion = verify.VersionName(st.MinVersion), verify.VersionName(st.MaxVersion)
		if ex.MinVersion == "" {
			ex.MinVersion = "TLSv1.2"
		}
		if ex.MaxVersion == "" {
			ex.MaxVersion = "TLSv1.3"
		}
	}
	for _, id := range st.CipherSuites {
		ex.CipherSuites = append(ex.CipherSuites, verify.OpenSSLName(id))
	}
	ex.ALPN = st.NextProtos
	if st.ClientCertificate != nil && st.ClientCertificate.Leaf != nil {
		ex.ClientCert = st.ClientCertificate.Leaf.Subject.String()
	}
	if a := st.EarliestAnchor(); a != nil {
		ex.AnchorExpiry = &anchorExp{Subject: a.Subject.String(), NotAfter: a.NotAfter.UTC().Format(time.RFC3339), DaysLeft: connector.DaysLeft(a.NotAfter, time.Now())}
	}
	ex.Warnings = append(ex.Warnings, st.Warnings...)
}

// nameRules are the values of nameRules (docs/cli.md).
var nameRules = map[verify.NameRules]string{
	verify.NoName:         "",
	verify.SQLServerNames: "sqlserver (CN, then SAN DNS, then SAN IP)",
	verify.MySQLNames:     "mysql (SANs when present, else CN)",
}

// explainWidth is the width of explain's text labels.
const explainWidth = 19

// printExplanation is explain's text output: the JSON's fields, one line
// each, labelled with the field's words (docs/cli.md has the table).
func printExplanation(w io.Writer, ex explanation) {
	line := func(k, v string) { textLine(w, explainWidth, k, v) }
	line("family", ex.Family)
	line("shape", ex.Shape)
	line("vocabulary", ex.Vocabulary)
	line("row", ex.Row)
	line("mode", ex.Mode)
	if ex.TLSRequired != nil {
		tls := "optional (as the server asks)"
		switch {
		case *ex.TLSDisabled:
			tls = "never"
		case *ex.Strict:
			tls = "required, strict (TDS 8.0: TLS first)"
		case *ex.TLSRequired:
			tls = "required"
		case *ex.LoginOnly:
			tls = "optional (the login packet is always encrypted when the server can)"
		}
		line("tls", tls)
	}
	line("expected name", ex.ExpectedName)
	line("name rules", ex.NameRules)
	line("trust", ex.Trust)
	line("trust path", ex.TrustPath)
	line("pin sha-256", ex.PinSHA256)
	if ex.MinVersion != "" {
		line("versions", ex.MinVersion+" to "+ex.MaxVersion)
	}
	line("cipher suites", strings.Join(ex.CipherSuites, ":"))
	line("alpn offered", strings.Join(ex.ALPN, ", "))
	line("client certificate", ex.ClientCert)
	if a := ex.AnchorExpiry; a != nil {
		line("anchors expire", a.NotAfter+" ("+a.Subject+", "+daysLeftText(a.DaysLeft)+")")
	}
	line("dsn", ex.DSN)
	line("driver dsn", ex.DriverDSN)
	for _, warn := range ex.Warnings {
		line("warning", warn)
	}
	printError(w, explainWidth, ex.Error)
}
