package verify

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestRoutedName: the name a routed hop is checked against (spec §2.1), each
// expectation written from the spec's rule and mssql-jdbc's routing
// ENVCHANGE handling, not from the code.
func TestRoutedName(t *testing.T) {
	for _, tt := range []struct {
		override, routed, want, why string
	}{
		{"", "a.tr1.westus1-a.worker.database.windows.net", "a.tr1.westus1-a.worker.database.windows.net", "no hostNameInCertificate: the routed host"},
		{"", "127.0.0.5", "127.0.0.5", "no hostNameInCertificate: an IP literal too"},
		{"", "localhost", "localhost", "no hostNameInCertificate: a single label too"},
		{"*.database.windows.net", "a.tr1.westus1-a.worker.database.windows.net", "*.tr1.westus1-a.worker.database.windows.net", "the spec's example"},
		{"*.database.windows.net", "srv.database.windows.net", "*.database.windows.net", "a suffix that matches, routed one level down: unchanged in effect"},
		{"*.database.windows.net", "a.tr1.westus1-a.worker.database.chinacloudapi.cn", "*.database.windows.net", "suffix is not the routed host's tail: kept"},
		{"*.database.windows.net", "a.tr1.westus1-a.worker.DATABASE.windows.net", "*.database.windows.net", "compared letter for letter, as mssql-jdbc"},
		{"*.database.windows.net", "localhost", "*.database.windows.net", "a routed host without a dot: kept"},
		{"*.database.windows.net", "windows.net", "*.database.windows.net", "a routed host shorter than the suffix: kept (mssql-jdbc's loop would rewrite it to *.net)"},
		{"*.b.c", "xb.c", "*.b.c", "the whole suffix, dot included, must be the tail (mssql-jdbc never compares the host's first letter)"},
		{"*db.example.com", "a.proddb.example.com", "*.proddb.example.com", "the suffix after '*' need not start with a dot"},
		{"*.0.23", "127.0.0.23", "*.0.0.23", "pure text: an IP literal's tail counts"},
		{"db.example.com", "a.tr1.db.example.com", "db.example.com", "a literal override is kept"},
		{"sql*.example.com", "a.tr1.example.com", "sql*.example.com", "a wildcard not in first position is kept"},
	} {
		require.Equal(t, tt.want, RoutedName(tt.override, tt.routed), tt.why)
	}
	// Several hops fold: the second starts from the first's result.
	first := RoutedName("*.database.windows.net", "a.tr1.westus1-a.worker.database.windows.net")
	require.Equal(t, first, RoutedName(first, "b.tr1.westus1-a.worker.database.windows.net"), "routed again inside tr1: the same name")
	require.Equal(t, first, RoutedName(first, "c.tr2.westus1-a.worker.database.windows.net"),
		"tr1's suffix is not the tail of a tr2 host: kept, as mssql-jdbc keeps the rewritten value for the rest of the login")
}

// TestHopName: which name each strategy checks on a routed hop.
func TestHopName(t *testing.T) {
	caChain := &Strategy{Mode: ModeCAChain, NameRules: SQLServerNames, ExpectedName: "gw.example.com"}
	override := &Strategy{Mode: ModeHostnameOverride, NameRules: SQLServerNames, ExpectedName: "*.example.com"}
	require.Equal(t, "a.tr1.example.com", caChain.HopName("gw.example.com", "a.tr1.example.com"))
	require.Equal(t, "*.tr1.example.com", override.HopName("*.example.com", "a.tr1.example.com"))
	require.Equal(t, "", (&Strategy{Mode: ModeNone}).HopName("", "a.tr1.example.com"), "no name check, no name")
	require.Equal(t, "", (&Strategy{Mode: ModePin}).HopName("", "a.tr1.example.com"), "a pin checks no name")
}

// TestTLSConfigHopName: with the HopName hook, VerifyConnection checks the
// hop's name, through a real handshake; the strategy itself is untouched.
func TestTLSConfigHopName(t *testing.T) {
	p := newPKI(t)
	nb, na := certgen.Window(now, 24*time.Hour, 365*24*time.Hour)
	routed := certgen.Must(certgen.Spec{CN: "*.tr1.example.com", Parent: p.mid, NotBefore: nb, NotAfter: na})
	addr := serve(t, routed, 0)
	s := &Strategy{Mode: ModeHostnameOverride, NameRules: SQLServerNames, ExpectedName: "*.example.com", ServerName: "gw.example.com", Roots: p.root.Pool()}
	clock := func() time.Time { return now }

	_, err := dial(addr, TLSConfig(s, Options{Time: clock}))
	require.ErrorIs(t, err, kind.HostnameMismatch, "without the hook the original name is checked")

	hop := ""
	var checked []string
	cfg := TLSConfig(s, Options{Time: clock, HopName: func() string { return hop }, Observe: func(cs tls.ConnectionState, err error) {
		checked = append(checked, hop)
	}})
	_, err = dial(addr, cfg)
	require.ErrorIs(t, err, kind.HostnameMismatch, "an empty hop name keeps the strategy's")
	hop = "*.tr1.example.com"
	_, err = dial(addr, cfg.Clone())
	require.NoError(t, err, "a clone (as go-mssqldb makes on routing) keeps the hook")
	hop = "*.tr2.example.com"
	_, err = dial(addr, cfg)
	var ke *kind.Error
	require.ErrorAs(t, err, &ke)
	require.Equal(t, kind.HostnameMismatch, ke.Kind)
	require.Equal(t, "*.tr2.example.com", ke.Value, "the error names the hop's name")
	require.Equal(t, "*.example.com", s.ExpectedName, "the strategy is a value the hook never changes")
	require.Equal(t, []string{"", "*.tr1.example.com", "*.tr2.example.com"}, checked)
}
