package sqlserver

import (
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// Outcome is what the specification says a case must do.
type Outcome struct {
	Row      string // scenario-table row, "1" … "11"
	Strategy string // none, ca-chain, hostname-override, pin
	Connects bool
	// Encryption when it connects: none, login-only, full or strict.
	Encryption string
	// Kinds when it does not: the error kinds the specification allows.
	// One kind where the spec names it; several where it only says "an
	// error" (see Why).
	Kinds []kind.Kind
	Why   string // the rule that decided, for failure messages and docs
}

// Short is e.g. "full" or "refused: hostname-mismatch".
func (o Outcome) Short() string {
	if o.Connects {
		return o.Encryption
	}
	ks := make([]string, len(o.Kinds))
	for i, k := range o.Kinds {
		ks[i] = string(k)
	}
	return "refused: " + strings.Join(ks, " or ")
}

// Allows reports whether k is one of the kinds the outcome allows.
func (o Outcome) Allows(k kind.Kind) bool {
	for _, x := range o.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// refusedKindsStrictOnly: a TDS 7.x client against a strict-only server
// has its connection closed after PRELOGIN: server-refused, whose message
// says to set encrypt=strict (spec §8).
var refusedKindsStrictOnly = []kind.Kind{kind.ServerRefused}

// refusedKindsNoTDS8: row 11 against a server that does not serve TDS 8.0
// (it closes, or answers in TDS): encryption-not-supported, whose message
// says SQL Server 2022 or later, or encrypt=true (spec §8).
var refusedKindsNoTDS8 = []kind.Kind{kind.EncryptionNotSupported}

// Oracle is the expected outcome of c, from spec §2 (the scenario table and
// the behaviour against the PRELOGIN answer), §3 (validation) and §4 (trust
// stores). It does not call the library.
func Oracle(c Case) Outcome {
	o := rowOf(c)
	// Trust material is read before connecting, by the strategies that use
	// it (§4); rows 1 and 2 and pins use none.
	if o.Strategy == "ca-chain" || o.Strategy == "hostname-override" {
		if k, why := storeError(c); k != "" {
			return fail(o, why, k)
		}
	}
	switch o.Row {
	case "1":
		switch c.Server {
		case "off":
			return ok(o, "login-only", "row 1 vs ENCRYPT_OFF: TLS for the LOGIN7 packet only, never validated")
		case "on", "req":
			return ok(o, "full", "row 1 vs a server that requires encryption: full TLS, never validated")
		case "notsup":
			return ok(o, "none", "row 1 vs ENCRYPT_NOT_SUP: no TLS")
		default:
			return fail(o, "TDS 7.x client vs a strict-only server", refusedKindsStrictOnly...)
		}
	case "11":
		if c.Server != "strict-only" {
			return fail(o, "row 11 needs a server that accepts TLS first with TDS 8.0", refusedKindsNoTDS8...)
		}
	default: // rows 2–10
		switch c.Server {
		case "notsup":
			return fail(o, "rows 2–10 vs ENCRYPT_NOT_SUP: encryption required, the server cannot", kind.EncryptionNotSupported)
		case "strict-only":
			return fail(o, "TDS 7.x client vs a strict-only server", refusedKindsStrictOnly...)
		}
	}
	enc := "full"
	if o.Row == "11" {
		enc = "strict"
	}
	if o.Strategy == "none" {
		return ok(o, enc, "row 2: TLS required, certificate not validated")
	}
	if o.Strategy == "pin" {
		return pin(o, c, enc)
	}
	// ca-chain, with or without the name override (§3): chain, validity and
	// EKU first, then the name.
	switch c.Cert {
	case "untrusted":
		return fail(o, "the leaf does not chain to the trust anchors", kind.UntrustedCertificate)
	case "expired":
		return fail(o, "the leaf is past its NotAfter", kind.CertificateExpired)
	case "clientauth-only":
		return fail(o, "the leaf's EKU allows clientAuth only", kind.CertificateUsage)
	}
	// §2.1: with hostNameInCertificate blank the name is the host as the
	// DSN names it, an IP literal included.
	name := HostName(c.HostKind())
	switch c.HostName {
	case "matching":
		name = Matching
	case "not-matching":
		name = NotMatching
	}
	if !matchCert(CertNames[c.Cert], name) {
		return fail(o, "no name in the certificate matches "+name+" (CN, then SAN DNS, then SAN IP)", kind.HostnameMismatch)
	}
	return ok(o, enc, "chain and name "+name+" check out")
}

// rowOf finds the scenario-table row and strategy.
func rowOf(c Case) Outcome {
	hn, st, pw := c.HostName != "", c.Store != "", c.Password != ""
	strategy := "ca-chain"
	if hn {
		strategy = "hostname-override"
	}
	sub := ""
	switch {
	case !hn && !st && !pw:
		sub = "3"
	case hn && !st && !pw:
		sub = "4"
	case !hn && st && pw:
		sub = "5"
	case !hn && !st && pw:
		sub = "6"
	case !hn && st && !pw:
		sub = "7"
	case hn && !st && pw:
		sub = "8"
	case hn && st && !pw:
		sub = "9"
	default:
		sub = "10"
	}
	switch c.Encrypt {
	case "", "false":
		return Outcome{Row: "1", Strategy: "none"}
	case "true":
		if c.TSC == "true" {
			return Outcome{Row: "2", Strategy: "none"}
		}
		return Outcome{Row: sub, Strategy: strategy}
	default: // strict: trustServerCertificate is ignored (treated false)
		if c.ServerCert != "" {
			return Outcome{Row: "11", Strategy: "pin"}
		}
		return Outcome{Row: "11", Strategy: strategy}
	}
}

// storeError is §4 for the stores the matrix uses. Each holds the test CA;
// the default store file (a password without a path, rows 6 and 8) is a
// JKS found through JAVA_HOME; "blank" with no password is the host's pool.
func storeError(c Case) (kind.Kind, string) {
	switch {
	case c.Store == "" && c.Password == "wrong", c.Store == "jks" && c.Password == "wrong", c.Store == "pkcs12" && c.Password == "wrong":
		return kind.TruststoreIntegrity, "the trust store's integrity check fails with the wrong password"
	case c.Store == "pkcs12" && c.Password == "":
		return kind.TruststoreUnreadable, "a PKCS12 store whose certificates are encrypted needs a password"
	}
	return "", ""
}

func pin(o Outcome, c Case, enc string) Outcome {
	expired := c.Cert == "expired"
	switch {
	case c.ServerCert == "same" && expired:
		return fail(o, "the pinned leaf is past its NotAfter (a pin still checks validity dates)", kind.CertificateExpired)
	case c.ServerCert == "same":
		return ok(o, enc, "the leaf equals the pinned certificate; no chain, EKU or name check")
	case expired:
		return fail(o, "the leaf is neither the pinned one nor valid; the spec does not order the two checks", kind.PinMismatch, kind.CertificateExpired)
	default:
		return fail(o, "the leaf is not the pinned certificate", kind.PinMismatch)
	}
}

func ok(o Outcome, enc, why string) Outcome {
	o.Connects, o.Encryption, o.Why = true, enc, why
	return o
}

func fail(o Outcome, why string, kinds ...kind.Kind) Outcome {
	o.Connects, o.Kinds, o.Why = false, kinds, why
	return o
}
