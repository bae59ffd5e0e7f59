package verify

import (
	"crypto/tls"
	"sort"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// versionNames maps the accepted spellings (any case) to versions.
var versionNames = map[string]uint16{
	"tlsv1": tls.VersionTLS10, "tlsv1.0": tls.VersionTLS10,
	"tlsv1.1": tls.VersionTLS11, "tlsv1.2": tls.VersionTLS12, "tlsv1.3": tls.VersionTLS13,
}

// VersionName returns "TLSv1.2" etc.
func VersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return ""
}

// ParseVersions reads a MySQL protocol list (tls-version, tlsVersions,
// enabledTLSProtocols): comma-separated, any case, any order. It returns the
// lowest and highest version; a list with a hole (TLSv1.1,TLSv1.3) or an
// unknown name is an error naming key. An empty list returns (0, 0, nil): no
// encrypted connection may be made. warn lists TLSv1/TLSv1.1 when named.
func ParseVersions(key string, list []string) (min, max uint16, warn []string, err error) {
	if len(list) == 0 {
		return 0, 0, nil, nil
	}
	seen := map[uint16]bool{}
	for _, name := range list {
		v, ok := versionNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return 0, 0, nil, &kind.Error{Kind: kind.InvalidDSN, What: "unknown TLS protocol version", Key: key, Value: name,
				Why: "known versions are TLSv1, TLSv1.1, TLSv1.2 and TLSv1.3", Fix: "fix " + key}
		}
		seen[v] = true
	}
	var vs []int
	for v := range seen {
		vs = append(vs, int(v))
	}
	sort.Ints(vs)
	for i := 1; i < len(vs); i++ {
		if vs[i] != vs[i-1]+1 {
			return 0, 0, nil, &kind.Error{Kind: kind.InvalidDSN, What: "TLS version list with a hole", Key: key, Value: strings.Join(list, ","),
				Why: VersionName(uint16(vs[i-1])) + " and " + VersionName(uint16(vs[i])) + " are listed but not the versions between them",
				Fix: "list a contiguous range, e.g. TLSv1.2,TLSv1.3"}
		}
	}
	for _, v := range vs {
		if v < tls.VersionTLS12 {
			warn = append(warn, key+" enables "+VersionName(uint16(v))+", which is deprecated and insecure")
		}
	}
	return uint16(vs[0]), uint16(vs[len(vs)-1]), warn, nil
}

// parseSSLProtocol reads Microsoft JDBC's sslProtocol: TLS (the default:
// TLS 1.2 and 1.3), or one version exactly.
func parseSSLProtocol(key, raw string) (min, max uint16, warn []string, err error) {
	if strings.EqualFold(strings.TrimSpace(raw), "TLS") {
		return 0, 0, nil, nil
	}
	v, ok := versionNames[strings.ToLower(strings.TrimSpace(raw))]
	if !ok {
		return 0, 0, nil, &kind.Error{Kind: kind.InvalidDSN, What: "invalid sslProtocol value", Key: key, Value: raw,
			Why: "want TLS, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3", Fix: "fix " + key}
	}
	if v < tls.VersionTLS12 {
		warn = append(warn, key+"="+raw+" enables a deprecated, insecure TLS version")
	}
	return v, v, warn, nil
}
