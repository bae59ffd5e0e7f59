package mysql

import "strings"

// The server side of the matrix, as data the oracle reads: which TLS
// versions each server configuration accepts, and what each client
// certificate carries for the accounts' REQUIRE clauses. The fixture makes
// the certificates so (TestClientCertsAsListed), and the harnesses start the
// servers so (conformance/mariadb and conformance/tidb TestServerConfigurations).

// tlsVersions are the protocol versions, lowest first.
var tlsVersions = []string{"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}

// DefaultVersions are the versions a client offers without a tls-version
// list (spec §5: TLSv1 and TLSv1.1 only when listed), and those a server
// configuration not in ServerVersions accepts.
var DefaultVersions = []string{"TLSv1.2", "TLSv1.3"}

// ServerVersions are the versions a server configuration accepts, where it
// restricts them.
var ServerVersions = map[string][]string{
	// MariaDB tls_version=TLSv1.2 / TLSv1.3: the versions listed.
	"tls12": {"TLSv1.2"},
	// MariaDB tls_version=TLSv1.3; TiDB tls-version=TLSv1.3 (TiDB's setting
	// is a minimum, and TLSv1.3 the highest).
	"tls13": {"TLSv1.3"},
	// TiDB tls-version=TLSv1.2: a minimum, so TLSv1.3 too.
	"min-tls12": {"TLSv1.2", "TLSv1.3"},
	// TiDB tls-version=TLSv1.1: TiDB refuses versions below TLSv1.2 ("Invalid
	// TLS version, using default instead") and keeps its default, TLSv1.2
	// and up, although its TLS page lists TLSv1.0 and TLSv1.1.
	"tls11-ignored": {"TLSv1.2", "TLSv1.3"},
}

// negotiated is the version spec §5 says a connection of c uses: the
// highest one both the client's list and the server accept, "" if none.
func negotiated(c Case) string {
	client := DefaultVersions
	if c.Versions != "" {
		client = strings.Split(c.Versions, ",")
	}
	server, ok := ServerVersions[c.Server]
	if !ok {
		server = DefaultVersions
	}
	for i := len(tlsVersions) - 1; i >= 0; i-- {
		v := tlsVersions[i]
		if containsFold(client, v) && containsFold(server, v) {
			return v
		}
	}
	return ""
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), v) {
			return true
		}
	}
	return false
}

// clientCert is what a client certificate carries, as the REQUIRE clauses
// compare it: subject and issuer in the X509_NAME_oneline form, SAN dNSNames.
type clientCert struct {
	Subject, Issuer string
	DNS             []string
}

// ClientCerts are the client certificates of Case.Client. keystore is the
// pem pair in a JKS key store; every certificate is issued by the client CA
// the x509 servers trust (ssl-ca).
var ClientCerts = map[string]clientCert{
	"none":              {},
	"pem":               {Subject: "/O=dbtls/CN=dbtls client", Issuer: "/CN=client CA", DNS: []string{"client.dbtls.test"}},
	"keystore":          {Subject: "/O=dbtls/CN=dbtls client", Issuer: "/CN=client CA", DNS: []string{"client.dbtls.test"}},
	"pem-other-subject": {Subject: "/O=dbtls/CN=someone else", Issuer: "/CN=client CA", DNS: []string{"someone-else.dbtls.test"}},
}

// What the accounts with a REQUIRE clause ask of the client certificate
// (Users): subjuser REQUIRE SUBJECT, issueruser REQUIRE ISSUER, sanuser
// REQUIRE SAN 'DNS:…' (TiDB only: MariaDB has no REQUIRE SAN).
const (
	RequiredSubject = "/O=dbtls/CN=dbtls client"
	RequiredIssuer  = "/CN=client CA"
	RequiredSANDNS  = "client.dbtls.test"
)
