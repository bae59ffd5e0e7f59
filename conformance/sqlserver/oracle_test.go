package sqlserver

import (
	"testing"
)

// TestOracleRows pins the oracle to the scenario table, one hand-written
// expectation per row and per behaviour of spec §2–§4.
func TestOracleRows(t *testing.T) {
	g := func(c Case) Case {
		if c.Server == "" {
			c.Server = "on"
		}
		if c.Cert == "" {
			c.Cert = "good"
		}
		return c
	}
	cases := []struct {
		c        Case
		row      string
		strategy string
		want     string // Outcome.Short()
	}{
		{g(Case{Server: "off"}), "1", "none", "login-only"},
		{g(Case{Encrypt: "false", Server: "off", Cert: "untrusted"}), "1", "none", "login-only"},
		{g(Case{Encrypt: "false", Server: "req", Cert: "expired"}), "1", "none", "full"},
		{g(Case{Encrypt: "false", Server: "notsup"}), "1", "none", "none"},
		{g(Case{Encrypt: "false", Server: "strict-only"}), "1", "none", "refused: server-refused"},
		{g(Case{Encrypt: "true", TSC: "true", Cert: "another-host"}), "2", "none", "full"},
		{g(Case{Encrypt: "true", TSC: "true", Server: "notsup"}), "2", "none", "refused: encryption-not-supported"},
		{g(Case{Encrypt: "true", Server: "off"}), "3", "ca-chain", "full"},
		{g(Case{Encrypt: "true", Cert: "cn-only"}), "3", "ca-chain", "refused: hostname-mismatch"},
		{g(Case{Encrypt: "true", Cert: "untrusted"}), "3", "ca-chain", "refused: untrusted-certificate"},
		{g(Case{Encrypt: "true", Cert: "expired"}), "3", "ca-chain", "refused: certificate-expired"},
		{g(Case{Encrypt: "true", Cert: "clientauth-only"}), "3", "ca-chain", "refused: certificate-usage"},
		{g(Case{Encrypt: "true", HostName: "matching", Cert: "cn-only"}), "4", "hostname-override", "full"},
		{g(Case{Encrypt: "true", HostName: "matching", Cert: "partial-wildcard"}), "4", "hostname-override", "full"},
		{g(Case{Encrypt: "true", HostName: "matching", Cert: "wildcard"}), "4", "hostname-override", "full"},
		{g(Case{Encrypt: "true", Cert: "wildcard"}), "3", "ca-chain", "refused: hostname-mismatch"},
		{g(Case{Encrypt: "true", HostName: "not-matching"}), "4", "hostname-override", "refused: hostname-mismatch"},
		{g(Case{Encrypt: "true", Store: "jks", Password: "right"}), "5", "ca-chain", "full"},
		{g(Case{Encrypt: "true", Store: "pkcs12", Password: "wrong"}), "5", "ca-chain", "refused: truststore-integrity"},
		{g(Case{Encrypt: "true", Password: "right"}), "6", "ca-chain", "full"},
		{g(Case{Encrypt: "true", Password: "wrong"}), "6", "ca-chain", "refused: truststore-integrity"},
		{g(Case{Encrypt: "true", Store: "jks"}), "7", "ca-chain", "full"},
		{g(Case{Encrypt: "true", Store: "pkcs12"}), "7", "ca-chain", "refused: truststore-unreadable"},
		{g(Case{Encrypt: "true", Store: "pem"}), "7", "ca-chain", "full"},
		{g(Case{Encrypt: "true", HostName: "matching", Password: "right"}), "8", "hostname-override", "full"},
		{g(Case{Encrypt: "true", HostName: "matching", Store: "pem"}), "9", "hostname-override", "full"},
		{g(Case{Encrypt: "true", HostName: "matching", Store: "jks", Password: "right"}), "10", "hostname-override", "full"},
		{g(Case{Encrypt: "true", Server: "notsup"}), "3", "ca-chain", "refused: encryption-not-supported"},
		{g(Case{Encrypt: "strict", Server: "strict-only"}), "11", "ca-chain", "strict"},
		{g(Case{Encrypt: "strict", TSC: "true", Server: "strict-only", Cert: "untrusted"}), "11", "ca-chain", "refused: untrusted-certificate"},
		{g(Case{Encrypt: "strict", Server: "off"}), "11", "ca-chain", "refused: encryption-not-supported"},
		{g(Case{Encrypt: "strict", ServerCert: "same", Server: "strict-only", Cert: "untrusted"}), "11", "pin", "strict"},
		{g(Case{Encrypt: "strict", ServerCert: "same", Server: "strict-only", Cert: "another-host"}), "11", "pin", "strict"},
		{g(Case{Encrypt: "strict", ServerCert: "same", Server: "strict-only", Cert: "expired"}), "11", "pin", "refused: certificate-expired"},
		{g(Case{Encrypt: "strict", ServerCert: "another", Server: "strict-only"}), "11", "pin", "refused: pin-mismatch"},
	}
	for _, tc := range cases {
		o := Oracle(tc.c)
		if o.Row != tc.row || o.Strategy != tc.strategy || o.Short() != tc.want {
			t.Errorf("%s: row %s %s %q; want row %s %s %q", tc.c.Name(), o.Row, o.Strategy, o.Short(), tc.row, tc.strategy, tc.want)
		}
	}
}

// TestCasesPruning checks the case counts and that every pruning rule
// removes something and leaves a representative.
func TestCasesPruning(t *testing.T) {
	kept, pruned := Cases()
	total := len(Hosts) * len(Encrypts) * len(TSCs) * len(HostNames) * len(Stores) * len(Passwords) * len(ServerCerts) * len(Settings) * len(Certs)
	n := len(kept)
	for _, k := range pruned {
		n += k
	}
	if n != total {
		t.Errorf("kept %d + pruned = %d, want the full product %d", len(kept), n, total)
	}
	for _, rule := range []string{PruneRow1, PruneRow2, PrunePinStore, PruneNoStrict, PrunePEMPass, PruneNoTLSCert,
		PruneNameTSC, PruneNameTrust, PruneNameHNIC, PruneNameSetting, PruneNameCert, PruneNameNoCheck} {
		if pruned[rule] == 0 {
			t.Errorf("rule never applied: %s", rule)
		}
	}
	rows := map[string]int{}
	for _, c := range kept {
		o := Oracle(c)
		rows[o.Row]++
		if !o.Connects && len(o.Kinds) == 0 {
			t.Errorf("%s: refused without a kind", c.Name())
		}
	}
	for _, r := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"} {
		if rows[r] == 0 {
			t.Errorf("no kept case for row %s", r)
		}
	}
	if len(kept) > 4000 {
		t.Errorf("%d kept cases: too many for the time budget", len(kept))
	}
	t.Logf("%d of %d combinations kept; per row %v", len(kept), total, rows)
}

// TestDemoCasesConnect: every demo row is the row it claims and connects.
func TestDemoCasesConnect(t *testing.T) {
	for _, d := range DemoCases {
		o := Oracle(d.Case)
		if o.Row != d.Row || !o.Connects || Prune(d.Case) != "" {
			t.Errorf("demo row %s: oracle says row %s %s (pruned: %q)", d.Row, o.Row, o.Short(), Prune(d.Case))
		}
	}
}
