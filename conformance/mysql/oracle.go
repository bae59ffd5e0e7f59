package mysql

// Case is one connection attempt of the matrix.
type Case struct {
	Mode     string // DISABLED … VERIFY_IDENTITY, or jdbc:encrypt=false / jdbc:encrypt+tsc / jdbc:encrypt=true
	Server   string // tls, off, require-secure, tls12, tls13, x509
	Cert     string // good, cn-only, san-other, wildcard, expired, untrusted, self-signed
	Trust    string // pem, jks, pkcs12, none
	Client   string // none, pem, keystore, pem-other-subject
	User     string // plain, ssluser, x509user, subjuser
	Versions string // client tls-version list, "" = default
}

// Outcome is what the spec says must happen.
type Outcome struct {
	OK        bool
	Kind      string // the error kind when !OK
	Encrypted bool   // when OK: TLS was used
}

// effectiveMode maps the JDBC vocabulary onto sslMode (spec §5).
func effectiveMode(m string) string {
	switch m {
	case "jdbc:encrypt=false":
		return "PREFERRED"
	case "jdbc:encrypt+tsc":
		return "REQUIRED"
	case "jdbc:encrypt=true":
		return "VERIFY_IDENTITY"
	}
	return m
}

// Expect is the oracle: the outcome spec §3, §5 and §8 give for c, written
// from the spec's text rule by rule.
func Expect(c Case) Outcome {
	mode := effectiveMode(c.Mode)
	serverTLS := c.Server != "off"
	wantsTLS := mode != "DISABLED"
	required := mode == "REQUIRED" || mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY"

	// §5: a server without TLS under REQUIRED and above is encryption-not-supported.
	if !serverTLS && required {
		return Outcome{Kind: "encryption-not-supported"}
	}
	encrypted := serverTLS && wantsTLS
	if encrypted {
		// §5 versions: no common version is tls-version-mismatch.
		if (c.Server == "tls12" && c.Versions == "TLSv1.3") || (c.Server == "tls13" && c.Versions == "TLSv1.2") {
			return Outcome{Kind: "tls-version-mismatch"}
		}
		// §3 / §9: validity dates are checked in every mode of the MySQL family.
		if c.Cert == "expired" {
			return Outcome{Kind: "certificate-expired"}
		}
		if mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY" {
			// §3 ca-chain: the leaf must chain to the trust anchors.
			if c.Cert == "untrusted" || c.Cert == "self-signed" {
				return Outcome{Kind: "untrusted-certificate"}
			}
		}
		if mode == "VERIFY_IDENTITY" {
			// §3 MySQL names, host 127.0.0.1: SANs decide when present, else the CN.
			switch c.Cert {
			case "san-other", "wildcard":
				return Outcome{Kind: "hostname-mismatch"}
			}
		}
	}
	// §5 server side: refusals are server-refused.
	if c.Server == "require-secure" && !encrypted {
		return Outcome{Kind: "server-refused"}
	}
	switch c.User {
	case "ssluser":
		if !encrypted {
			return Outcome{Kind: "server-refused"}
		}
	case "x509user":
		if !encrypted || c.Client == "none" {
			return Outcome{Kind: "server-refused"}
		}
	case "subjuser":
		if !encrypted || c.Client == "none" || c.Client == "pem-other-subject" {
			return Outcome{Kind: "server-refused"}
		}
	}
	return Outcome{OK: true, Encrypted: encrypted}
}
