package verify

import (
	"crypto/tls"
	"sort"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// cipher is one TLS 1.2 suite that crypto/tls implements, under its OpenSSL
// and IANA names.
type cipher struct {
	openssl, iana string
	id            uint16
}

// ciphers is THE table of TLS 1.2 suites that can be asked for.
var ciphers = []cipher{
	{"ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
	{"ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
	{"ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384},
	{"ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
	{"ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256},
	{"ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256},
	{"ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256},
	{"ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256},
	{"ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA},
	{"ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA},
	{"ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA},
	{"ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA},
	{"AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", tls.TLS_RSA_WITH_AES_128_GCM_SHA256},
	{"AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", tls.TLS_RSA_WITH_AES_256_GCM_SHA384},
	{"AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", tls.TLS_RSA_WITH_AES_128_CBC_SHA256},
	{"AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", tls.TLS_RSA_WITH_AES_128_CBC_SHA},
	{"AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", tls.TLS_RSA_WITH_AES_256_CBC_SHA},
}

// tls13Suites are the TLS 1.3 suites crypto/tls implements; it always
// offers all three and cannot be told otherwise.
var tls13Suites = map[string]uint16{
	"TLS_AES_128_GCM_SHA256":       tls.TLS_AES_128_GCM_SHA256,
	"TLS_AES_256_GCM_SHA384":       tls.TLS_AES_256_GCM_SHA384,
	"TLS_CHACHA20_POLY1305_SHA256": tls.TLS_CHACHA20_POLY1305_SHA256,
}

// notInGo are permitted MySQL suites that crypto/tls does not implement.
var notInGo = []string{
	"DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
	"ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES256-SHA256", "DHE-RSA-AES128-SHA256",
	"ECDHE-ECDSA-AES128-CCM", "ECDHE-ECDSA-AES256-CCM", "DHE-RSA-AES256-CCM", "DHE-RSA-AES128-CCM",
	"AES256-SHA256", "DHE-RSA-AES128-SHA", "DHE-RSA-AES256-SHA", "CAMELLIA128-SHA", "CAMELLIA256-SHA",
	"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256",
}

// restricted are MySQL's refused categories (seed 000_…), as OpenSSL
// keywords and as fragments of suite names.
var restricted = []struct{ category, fragment string }{
	{"aNULL", "ANULL"}, {"aNULL", "ADH"}, {"aNULL", "AECDH"}, {"aNULL", "_ANON_"}, {"eNULL", "ENULL"}, {"eNULL", "NULL"},
	{"EXPORT", "EXP"}, {"LOW", "LOW"}, {"MD5", "MD5"}, {"3DES", "3DES"}, {"3DES", "DES-CBC3"}, {"DES", "DES"},
	{"RC2", "RC2"}, {"RC4", "RC4"}, {"PSK", "PSK"}, {"static DH", "DH-RSA"}, {"static DH", "DH-DSS"},
	{"static DH", "TLS_DH_"}, {"static DH", "ECDH-RSA"}, {"static DH", "ECDH-ECDSA"}, {"static DH", "TLS_ECDH_"},
}

// OpenSSLName returns the OpenSSL name of a suite ("" when unknown); TLS 1.3
// suites have the same name in both.
func OpenSSLName(id uint16) string {
	for _, c := range ciphers {
		if c.id == id {
			return c.openssl
		}
	}
	for n, v := range tls13Suites {
		if v == id {
			return n
		}
	}
	return ""
}

// ParseCiphers reads a TLS 1.2 cipher list in OpenSSL or IANA names.
func ParseCiphers(key string, list []string) ([]uint16, error) {
	var out []uint16
	for _, name := range list {
		n := strings.ToUpper(strings.TrimSpace(name))
		id, err := lookupCipher(key, name, n)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

func lookupCipher(key, name, n string) (uint16, error) {
	for _, c := range ciphers {
		if n == c.openssl || n == c.iana {
			return c.id, nil
		}
	}
	if _, ok := tls13Suites[n]; ok {
		return 0, nil // a TLS 1.3 suite in a TLS 1.2 list: always enabled in Go, nothing to restrict
	}
	for _, r := range restricted {
		if strings.Contains(n, strings.ToUpper(r.fragment)) {
			return 0, &kind.Error{Kind: kind.InvalidDSN, What: "refused cipher suite", Key: key, Value: name,
				Why: "it is in MySQL's restricted category " + r.category, Fix: "remove it from " + key}
		}
	}
	for _, m := range notInGo {
		if n == m {
			return 0, &kind.Error{Kind: kind.InvalidDSN, What: "cipher suite not available", Key: key, Value: name,
				Why: "Go's crypto/tls does not implement it", Fix: "choose from: " + knownCiphers()}
		}
	}
	return 0, &kind.Error{Kind: kind.InvalidDSN, What: "unknown cipher suite", Key: key, Value: name,
		Why: "known suites: " + knownCiphers(), Fix: "fix " + key}
}

func knownCiphers() string {
	var names []string
	for _, c := range ciphers {
		names = append(names, c.openssl)
	}
	return strings.Join(names, ", ")
}

// CheckTLS13Suites accepts a tls-ciphersuites list only when it asks for all
// of Go's TLS 1.3 suites (any order): crypto/tls cannot restrict them, and
// asking for less must not be silently ignored.
func CheckTLS13Suites(key string, list []string) error {
	got := map[string]bool{}
	for _, name := range list {
		n := strings.ToUpper(strings.TrimSpace(name))
		if _, ok := tls13Suites[n]; !ok {
			why := "crypto/tls implements only TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256"
			if strings.Contains(n, "CCM") {
				why = "Go's crypto/tls does not implement " + name + "; " + why
			}
			return &kind.Error{Kind: kind.InvalidDSN, What: "TLS 1.3 suite not available", Key: key, Value: name, Why: why, Fix: "remove " + key + " or list exactly those three"}
		}
		got[n] = true
	}
	if len(got) != len(tls13Suites) {
		var all []string
		for n := range tls13Suites {
			all = append(all, n)
		}
		sort.Strings(all)
		return &kind.Error{Kind: kind.InvalidDSN, What: "TLS 1.3 suites cannot be restricted", Key: key, Value: strings.Join(list, ":"),
			Why: "Go's crypto/tls always offers all of " + strings.Join(all, ", ") + " and cannot be told to offer fewer",
			Fix: "remove " + key + ", or disable TLS 1.3 with tls-version=TLSv1.2"}
	}
	return nil
}
