package sqlserver

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dbtls/dbtls/conformance/jdbc"
	"github.com/dbtls/dbtls/kind"
)

// Agreement is the result of running the matrix through mssql-jdbc and
// through dbtls on the same servers.
type Agreement struct {
	Rows        []RowAgreement
	Hosts       []RowAgreement // the naming dimension: Row is a value of Hosts
	Divergences map[string]int // known divergence → cases it explains
	Unexplained []string       // disagreements no listed divergence explains
}

// RowAgreement counts one scenario-table row.
type RowAgreement struct {
	Row                 string
	Cases, Agree, Known int
}

// Differential runs every kept case through Microsoft's mssql-jdbc (via
// conformance/jdbc) and through dbtls's connector, against the same TDS
// servers, and compares them case by case: both connect, or both refuse
// with the same kind (or two kinds the spec allows for the case). The JVM's
// default trust store is the fixture's, as the host's pool is for dbtls.
func Differential(ctx context.Context, m *Matrix) (*Agreement, error) {
	kept, _ := Cases()
	dbtls := make([]Attempt, len(kept))
	jcases := make([]jdbc.Case, len(kept))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, c := range kept {
		srv := m.Servers.ForCase(c)
		jcases[i] = m.JVMCase(c, srv.Port(), fmt.Sprintf("diff-jdbc-%d", i))
		jcases[i].ID = fmt.Sprint(i)
		u := m.JDBCURL(c, srv.Port(), fmt.Sprintf("diff-dbtls-%d", i))
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, u string) {
			defer wg.Done()
			defer func() { <-sem }()
			dbtls[i] = ViaConnector(ctx, u)
		}(i, u)
	}
	wg.Wait()
	store := filepath.Join(m.Fixture.JavaHome, "lib", "security", "jssecacerts")
	outs, err := jdbc.RunJVM(ctx, []string{"-Djavax.net.ssl.trustStore=" + store, "-Djavax.net.ssl.trustStorePassword=" + StorePassword}, jcases)
	if err != nil {
		return nil, err
	}
	ag := &Agreement{Divergences: map[string]int{}}
	rows := map[string]*RowAgreement{}
	hosts := map[string]*RowAgreement{}
	for _, h := range Hosts {
		hosts[h] = &RowAgreement{Row: h}
	}
	for _, d := range Divergences {
		ag.Divergences[d.Name] = 0
	}
	for i, c := range kept {
		row := Oracle(c).Row
		ra := rows[row]
		if ra == nil {
			ra = &RowAgreement{Row: row}
			rows[row] = ra
		}
		ha := hosts[c.HostKind()]
		ra.Cases++
		ha.Cases++
		a, o := dbtls[i], outs[i]
		switch name := knownDivergence(c, a, o); {
		case agrees(c, a, o):
			ra.Agree++
			ha.Agree++
		case name != "":
			ra.Known++
			ha.Known++
			ag.Divergences[name]++
		default:
			ag.Unexplained = append(ag.Unexplained, fmt.Sprintf("%s: dbtls %s; mssql-jdbc %s", c.Name(), describeAttempt(a), describeOutcome(o)))
		}
	}
	for _, ra := range rows {
		ag.Rows = append(ag.Rows, *ra)
	}
	for _, h := range Hosts {
		ag.Hosts = append(ag.Hosts, *hosts[h])
	}
	sort.Slice(ag.Rows, func(i, j int) bool {
		a, b := ag.Rows[i].Row, ag.Rows[j].Row
		return len(a) < len(b) || len(a) == len(b) && a < b
	})
	return ag, nil
}

// JVMCase is case c for mssql-jdbc: the JDBC URL of JDBCURL with its
// properties passed as connection properties. mssql-jdbc does not read an
// IPv6 literal in the URL's host part ("jdbc:sqlserver://[::1]:1433" is
// "The port number :1]:1433 is not valid"; Microsoft documents serverName
// for IPv6), so an IPv6 case gives the JVM serverName=::1 and portNumber
// instead: the same server, named by the same literal.
func (m *Matrix) JVMCase(c Case, port int, app string) jdbc.Case {
	base, props, _ := strings.Cut(m.JDBCURL(c, port, app), ";")
	jc := jdbc.Case{Driver: "mssql", URL: base, Properties: map[string]string{}, TimeoutSeconds: 15}
	for _, kv := range strings.Split(props, ";") {
		k, v, _ := strings.Cut(kv, "=")
		jc.Properties[k] = v
	}
	if c.HostKind() == "ipv6" {
		jc.URL = "jdbc:sqlserver://"
		jc.Properties["serverName"] = IPv6
		jc.Properties["portNumber"] = strconv.Itoa(port)
	}
	return jc
}

// agrees: both connected, or both refused with the same class (or two
// classes the spec allows for the case).
func agrees(c Case, a Attempt, o jdbc.Outcome) bool {
	if a.Err == nil || o.Connected {
		return a.Err == nil && o.Connected
	}
	k := kind.Of(a.Err)
	if string(k) == o.Class {
		return true
	}
	want := Oracle(c)
	return !want.Connects && want.Allows(k) && want.Allows(kind.Kind(o.Class))
}

func describeAttempt(a Attempt) string {
	if a.Err != nil {
		return fmt.Sprintf("refused (%s: %v)", kind.Of(a.Err), a.Err)
	}
	return fmt.Sprintf("connected (encrypted=%v login-only=%v)", a.Encrypted, a.LoginOnly)
}

func describeOutcome(o jdbc.Outcome) string {
	if o.Connected {
		return "connected"
	}
	return fmt.Sprintf("refused (%s: %s)", o.Class, o.Message)
}

// Divergence is a known, documented difference from mssql-jdbc
// (docs/divergences.md) and the cases it explains.
type Divergence struct {
	Name  string
	Match func(c Case, a Attempt, o jdbc.Outcome) bool
}

// Divergences lists them; the differential test fails on one that no case
// shows, so the list cannot rot.
var Divergences = []Divergence{
	// docs/divergences.md #1: encrypt=false against a server that turns TLS
	// on (ENCRYPT_ON or ENCRYPT_REQ) gives full TLS; the documented table says
	// it is not validated, mssql-jdbc 13.x validates it.
	{"#1 row 1 full TLS: mssql-jdbc validates, the table does not", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Encrypt == "false" && (c.Server == "on" || c.Server == "req") && a.Err == nil && !o.Connected && certClass(o.Class)
	}},
	// #2: encrypt blank is false in the documented table, true in mssql-jdbc ≥ 10.
	{"#2 encrypt blank: mssql-jdbc defaults to true", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Encrypt == "" && a.Err == nil && !o.Connected && (certClass(o.Class) || o.Class == "encryption-not-supported")
	}},
	// #5: a PKCS12 store with encrypted certificates and no password.
	{"#5 PKCS12 without password: mssql-jdbc loads an empty store and fails later", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Store == "pkcs12" && c.Password == "" && kind.Of(a.Err) == kind.TruststoreUnreadable && !o.Connected &&
			(o.Class == "handshake-failed" || o.Class == "untrusted-certificate")
	}},
	// #17: PEM trust stores are beyond JDBC (spec §4); the JDK cannot load one.
	{"#17 PEM trust store: mssql-jdbc cannot read it", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Store == "pem" && !o.Connected && o.Class == "truststore-unreadable"
	}},
	// #18: trust material is read when the connector is made, mssql-jdbc
	// reads it at the handshake: against a server that refuses before TLS,
	// dbtls reports the store, mssql-jdbc the server.
	{"#18 trust store read up front: the store's error comes first", func(c Case, a Attempt, o jdbc.Outcome) bool {
		k := kind.Of(a.Err)
		return (k == kind.TruststoreUnreadable || k == kind.TruststoreIntegrity) && !o.Connected &&
			(o.Class == "encryption-not-supported" || o.Class == "network" || o.Class == "handshake-failed")
	}},
	// #19: spec §8 chooses the kind of encrypt=strict against a server
	// without TDS 8.0 (encryption-not-supported, saying SQL Server 2022+ or
	// encrypt=true); mssql-jdbc reports a failed TLS handshake.
	{"#19 strict vs a server without TDS 8.0: encryption-not-supported", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Encrypt == "strict" && c.Server != "strict-only" && kind.Of(a.Err) == kind.EncryptionNotSupported && !o.Connected
	}},
	// #20: spec §8 chooses the kind of a TDS 7.x client against a
	// strict-only server (server-refused, saying to set encrypt=strict);
	// mssql-jdbc reports the closed connection.
	{"#20 TDS 7.x vs a strict-only server: server-refused", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.Encrypt != "strict" && c.Server == "strict-only" && kind.Of(a.Err) == kind.ServerRefused && !o.Connected
	}},
	// #27: spec §2.1 matches an IP literal against a SAN iPAddress as an
	// address; mssql-jdbc compares the JDK's text of the SAN address
	// (0:0:0:0:0:0:0:1) with the host as written (::1), so a certificate
	// for ::1 never matches an IPv6 literal written short.
	{"#27 IPv6 SAN iPAddress: mssql-jdbc compares the JDK's long text with the literal", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.HostKind() == "ipv6" && c.HostName == "" && c.ServerCert == "" && carriesIP(c.Cert, IPv6) &&
			a.Err == nil && !o.Connected && o.Class == "hostname-mismatch"
	}},
	// #28: spec §2.1 matches an IP literal only letter for letter in the CN
	// and dNSNames; mssql-jdbc applies its wildcard rule to an address, so
	// a certificate for *.0.0.1 passes for 127.0.0.1.
	{"#28 wildcard over an IP literal: mssql-jdbc lets *.0.0.1 stand for 127.0.0.1", func(c Case, a Attempt, o jdbc.Outcome) bool {
		return c.HostKind() != "dns" && c.HostName == "" && c.Cert == "wildcard-ip" && kind.Of(a.Err) == kind.HostnameMismatch && o.Connected
	}},
}

// carriesIP: the certificate kind has the address ip among its SAN
// iPAddresses.
func carriesIP(cert, ip string) bool {
	for _, x := range CertNames[cert].IPs {
		if x == ip {
			return true
		}
	}
	return false
}

func certClass(c string) bool {
	switch c {
	case "hostname-mismatch", "untrusted-certificate", "certificate-expired", "certificate-usage":
		return true
	}
	return false
}

func knownDivergence(c Case, a Attempt, o jdbc.Outcome) string {
	for _, d := range Divergences {
		if d.Match(c, a, o) {
			return d.Name
		}
	}
	return ""
}

// Markdown renders the agreement as the tables of docs/agreement.md.
func (ag *Agreement) Markdown() string {
	var b strings.Builder
	b.WriteString("| row | cases | agree | known divergence |\n|---|---|---|---|\n")
	for _, r := range ag.Rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", r.Row, r.Cases, r.Agree, r.Known)
	}
	b.WriteString("\nThe same cases by how the server is named (the naming dimension of [conformance.md](conformance.md); the JVM\n")
	b.WriteString("is given `::1` as `serverName`, the form mssql-jdbc documents for IPv6; see divergence #29):\n\n")
	b.WriteString("| host | cases | agree | known divergence |\n|---|---|---|---|\n")
	for _, h := range ag.Hosts {
		fmt.Fprintf(&b, "| %s (`%s`) | %d | %d | %d |\n", h.Row, HostName(h.Row), h.Cases, h.Agree, h.Known)
	}
	b.WriteString("\n| divergence (docs/divergences.md) | cases |\n|---|---|\n")
	for _, d := range Divergences {
		fmt.Fprintf(&b, "| %s | %d |\n", d.Name, ag.Divergences[d.Name])
	}
	return b.String()
}
