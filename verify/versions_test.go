package verify

import (
	"crypto/tls"
	"testing"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

func TestParseVersions(t *testing.T) {
	for _, tt := range []struct {
		list     []string
		min, max uint16
		warn     bool
		err      string
	}{
		{[]string{"TLSv1.2", "TLSv1.3"}, tls.VersionTLS12, tls.VersionTLS13, false, ""},
		{[]string{"tlsv1.3", "TLSV1.2"}, tls.VersionTLS12, tls.VersionTLS13, false, ""}, // any case, any order
		{[]string{"TLSv1.3"}, tls.VersionTLS13, tls.VersionTLS13, false, ""},
		{[]string{"TLSv1", "TLSv1.1", "TLSv1.2"}, tls.VersionTLS10, tls.VersionTLS12, true, ""},
		{[]string{"TLSv1.1", "TLSv1.3"}, 0, 0, false, "hole"},
		{[]string{"SSLv3"}, 0, 0, false, "unknown"},
		{[]string{}, 0, 0, false, ""}, // empty: no encrypted connection
	} {
		min, max, warn, err := ParseVersions("tls-version", tt.list)
		if tt.err != "" {
			require.ErrorIs(t, err, kind.InvalidDSN, tt.list)
			require.Contains(t, err.Error(), tt.err)
			require.Contains(t, err.Error(), "tls-version")
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.min, min, tt.list)
		require.Equal(t, tt.max, max, tt.list)
		require.Equal(t, tt.warn, len(warn) > 0, tt.list)
	}
}

func TestParseCiphers(t *testing.T) {
	got, err := ParseCiphers("ssl-cipher", []string{"ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ecdhe-rsa-chacha20-poly1305"})
	require.NoError(t, err)
	require.Equal(t, []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256}, got)
	for name, want := range map[string]string{
		"RC4-SHA": "RC4", "DES-CBC3-SHA": "3DES", "EXP-RC4-MD5": "EXPORT", "NULL-SHA": "eNULL", "ADH-AES128-SHA": "aNULL",
		"PSK-AES128-CBC-SHA": "PSK", "DH-RSA-AES128-SHA": "static DH", "aNULL": "aNULL",
		"DHE-RSA-AES128-GCM-SHA256": "does not implement", "NOPE": "known suites",
	} {
		_, err := ParseCiphers("ssl-cipher", []string{name})
		require.ErrorIs(t, err, kind.InvalidDSN, name)
		require.Contains(t, err.Error(), want, name)
	}
	require.Equal(t, "ECDHE-ECDSA-AES128-GCM-SHA256", OpenSSLName(tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
	require.Equal(t, "TLS_AES_128_GCM_SHA256", OpenSSLName(tls.TLS_AES_128_GCM_SHA256))
}

func TestCheckTLS13Suites(t *testing.T) {
	require.NoError(t, CheckTLS13Suites("tls-ciphersuites", []string{"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"}))
	err := CheckTLS13Suites("tls-ciphersuites", []string{"TLS_AES_128_GCM_SHA256"})
	require.ErrorIs(t, err, kind.InvalidDSN)
	require.Contains(t, err.Error(), "cannot be restricted")
	err = CheckTLS13Suites("tls-ciphersuites", []string{"TLS_AES_128_CCM_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
	require.Contains(t, err.Error(), "does not implement")
}

func FuzzParseVersions(f *testing.F) {
	f.Add("TLSv1.2,TLSv1.3")
	f.Add("TLSv1.1,TLSv1.3")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		var list []string
		start := 0
		for i := 0; i <= len(s); i++ {
			if i == len(s) || s[i] == ',' {
				list = append(list, s[start:i])
				start = i + 1
			}
		}
		min, max, _, err := ParseVersions("tls-version", list)
		if err == nil && min > max {
			t.Fatalf("min %x > max %x", min, max)
		}
	})
}

func FuzzParseCiphers(f *testing.F) {
	f.Add("ECDHE-RSA-AES128-GCM-SHA256")
	f.Add("RC4-SHA")
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := ParseCiphers("ssl-cipher", []string{s})
		if err == nil {
			for _, id := range ids {
				if OpenSSLName(id) == "" {
					t.Fatalf("accepted %q without a name", s)
				}
			}
		}
	})
}
