package verify

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestChainCache: a chain verified once is not verified again by the same
// strategy, but every other check still runs on every handshake: the name,
// the validity of every certificate of the chain built (the intermediate's
// too), and a new strategy (what Reload makes) starts from nothing.
func TestChainCache(t *testing.T) {
	p := newPKI(t)
	s := &Strategy{Mode: ModeHostnameOverride, NameRules: SQLServerNames, ExpectedName: "db.example.com", Roots: p.root.Pool(), chains: &chainCache{}}
	chain := chainOf(p.leaf, true)

	require.NoError(t, Check(s, chain, now))
	require.Equal(t, int64(0), s.chains.hits.Load(), "the first check verifies")
	require.NoError(t, Check(s, chain, now))
	require.Equal(t, int64(1), s.chains.hits.Load(), "the second reuses the verification")

	other := *s // shares the cache, as copies of one resolved strategy do
	other.ExpectedName = "web.example.com"
	require.ErrorIs(t, Check(&other, chain, now), kind.HostnameMismatch, "the name is checked on a cache hit")

	late := p.leaf.Cert.NotAfter.Add(time.Hour)
	require.ErrorIs(t, Check(s, chain, late), kind.CertificateExpired, "validity is checked on a cache hit")

	// The key is the whole presented chain: the leaf alone, without the
	// intermediate that made it chain, is judged on its own (and refused).
	require.ErrorIs(t, Check(s, chainOf(p.leaf, false), now), kind.UntrustedCertificate)
}

// TestChainCacheAfterReload: the strategy Resolve makes for other trust
// anchors (as Reload does) refuses a chain the previous one had verified
// and cached.
func TestChainCacheAfterReload(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	trust := filepath.Join(dir, "trust.pem")
	require.NoError(t, os.WriteFile(trust, p.root.CertPEM(), 0o644))
	url := "jdbc:sqlserver://db.example.com;encrypt=true;trustStore=" + trust
	s1, err := resolve(t, url)
	require.NoError(t, err)
	require.NotNil(t, s1.chains, "ca-chain strategies cache their verifications")
	chain := chainOf(p.leaf, true)
	require.NoError(t, Check(s1, chain, now))
	require.NoError(t, Check(s1, chain, now))
	require.Equal(t, int64(1), s1.chains.hits.Load())

	require.NoError(t, os.WriteFile(trust, p.otherRoot.CertPEM(), 0o644))
	s2, err := resolve(t, url)
	require.NoError(t, err)
	require.ErrorIs(t, Check(s2, chain, now), kind.UntrustedCertificate, "the new anchors judge the chain again")

	none, err := resolve(t, "jdbc:sqlserver://db.example.com;encrypt=true;trustServerCertificate=true")
	require.NoError(t, err)
	require.Nil(t, none.chains, "no chain, no cache")
}
