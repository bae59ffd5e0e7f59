package tidb

import (
	"fmt"
	"strings"

	"github.com/dbtls/dbtls/conformance/mysql"
)

// AgreementMarkdown renders the Connector/J differential against TiDB
// (mysql.DifferentialCases over Cases) as its part of docs/agreement.md.
func AgreementMarkdown(ag *mysql.Agreement) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("| sslMode | cases | agree | known divergence | disagree |\n|---|---|---|---|---|\n")
	for _, m := range ag.Modes {
		p("| %s | %d | %d | %d | %d |\n", m.Mode, m.Cases, m.Agree, m.Known, m.Disagree)
	}
	p("\n| host | cases | agree | known divergence | disagree |\n|---|---|---|---|---|\n")
	for _, h := range ag.Hosts {
		if h.Cases > 0 {
			p("| %s (`%s`) | %d | %d | %d | %d |\n", h.Mode, mysql.HostName(h.Mode), h.Cases, h.Agree, h.Known, h.Disagree)
		}
	}
	var known []string
	for _, d := range mysql.Divergences {
		if n := ag.Divergences[d.Name]; n > 0 {
			known = append(known, fmt.Sprintf("| %s | %d |\n", d.Name, n))
		}
	}
	if len(known) > 0 {
		p("\n| divergence (docs/divergences.md) | cases |\n|---|---|\n%s", strings.Join(known, ""))
	}
	return b.String()
}

// ComparisonMarkdown renders the comparison of the two servers as its part
// of docs/agreement.md.
func ComparisonMarkdown(c *Comparison) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%d cases of the matrix run against both servers through dbtls (every TiDB case that MariaDB can serve:\n", c.Cases)
	p("the same case, and MariaDB's `tls12` for TiDB's `min-tls12`). In every one the error kind is the one the spec\n")
	p("gives for that server's configuration (`mysql.Expect`). Where both connect with the same TLS version (%d\n", c.SameVersion)
	p("cases), `Ssl_version` and `Ssl_cipher` are the same in %d. Where the servers answer differently:\n\n", c.SameCipher)
	p("| what differs | MariaDB | TiDB | cases | for example |\n|---|---|---|---|---|\n")
	for _, d := range c.Differences {
		p("| %s | %s | %s | %d | `%s` |\n", d.What, d.MariaDB, d.TiDB, d.Cases, d.Example)
	}
	p("\n%s", beyondTheMatrix)
	return b.String()
}

// beyondTheMatrix lists the differences the matrix's cases do not show, each
// with the test of conformance/tidb that pins it against both servers.
const beyondTheMatrix = `Beyond the matrix, each pinned by a test of ` + "`conformance/tidb`" + `:

| what | MariaDB | TiDB | pinned by |
|---|---|---|---|
| ` + "`tls-version`" + ` setting | ` + "`tls_version`" + ` is the list of versions served | ` + "`tls-version`" + ` is the minimum (TLSv1.2 also serves TLSv1.3); TLSv1.0 and TLSv1.1, which TiDB's TLS page still lists, are refused ("Invalid TLS version, using default instead") and TLSv1.2 and up are served | ` + "`TestServerConfigurations/tls-version`" + `; the matrix's ` + "`min-tls12`" + ` and ` + "`tls11-ignored`" + ` cases |
| ` + "`require_secure_transport`" + ` | a server option | a global variable only (no longer read from the configuration file), set ON only from a connection secured by TLS; refusal 3159 before authentication | ` + "`TestServerConfigurations/require-secure-transport`" + ` |
| ` + "`require_secure_transport`" + ` with ` + "`ssl-ca`" + ` | no client certificate asked | once TiDB (re)loads its TLS material with it ON (a restart, ` + "`ALTER INSTANCE RELOAD TLS`" + `), every client must present a certificate from the CA, whatever its account's REQUIRE clause (TLS alert ` + "`certificate_required`" + ` after the handshake). dbtls reports kind ` + "`network`" + ` there, where spec §8 gives TLS failures ` + "`handshake-failed`" + `: a known connector defect, the test skips while it stands | ` + "`TestClientCertificateDemanded`" + ` |
| ` + "`REQUIRE SAN`" + ` | no such clause (` + "`CREATE USER … REQUIRE SAN`" + ` is error 1064) | enforced: the client certificate must carry the SAN (the matrix's ` + "`sanuser`" + ` cases) | ` + "`TestRequireSANOnlyTiDB`" + ` |
| ` + "`Ssl_server_not_after`" + ` of an open connection after a certificate reload | the certificate that connection got | the server's current certificate: the server's view and the record of an older connection differ | ` + "`TestNotAfterOfAnOpenConnection`" + ` |
`
