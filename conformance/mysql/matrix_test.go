package mysql

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

func TestMatrix(t *testing.T) {
	f := getFixture(t)
	type tally struct{ cases, passed int }
	var mu sync.Mutex
	summary := map[string]*tally{}
	t.Cleanup(func() {
		var keys []string
		for k := range summary {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Logf("%-20s %3d cases, %3d as the spec says", k, summary[k].cases, summary[k].passed)
		}
	})
	for _, c := range Cases() {
		c := c
		s := server(t, f, c.Server, c.Cert)
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			want := Expect(c)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			info, status, err := Attempt(ctx, f.DSNFor(c, s))
			ok := checkOutcome(t, c, want, info, status, err)
			mu.Lock()
			if summary[c.Mode] == nil {
				summary[c.Mode] = &tally{}
			}
			summary[c.Mode].cases++
			if ok {
				summary[c.Mode].passed++
			}
			mu.Unlock()
		})
	}
}

func checkOutcome(t *testing.T, c Case, want Outcome, info connector.ConnInfo, status map[string]string, err error) bool {
	t.Helper()
	if !want.OK {
		if err == nil {
			t.Errorf("connected; the spec says %s", want.Kind)
			return false
		}
		if got := string(kind.Of(err)); got != want.Kind {
			t.Errorf("kind %q, the spec says %q: %v", got, want.Kind, err)
			return false
		}
		return true
	}
	if err != nil {
		t.Errorf("refused (%s), the spec says it connects: %v", kind.Of(err), err)
		return false
	}
	if info.Encrypted != want.Encrypted {
		t.Errorf("encrypted=%v, the spec says %v", info.Encrypted, want.Encrypted)
		return false
	}
	if !want.Encrypted {
		if status["Ssl_cipher"] != "" {
			t.Errorf("the server says the session is encrypted (%s)", status["Ssl_cipher"])
			return false
		}
		return true
	}
	if status["Ssl_version"] != info.Version || status["Ssl_cipher"] != info.CipherOpenSSL {
		t.Errorf("server says %s %s, the connection recorded %s %s", status["Ssl_version"], status["Ssl_cipher"], info.Version, info.CipherOpenSSL)
		return false
	}
	notAfter, perr := time.Parse("Jan _2 15:04:05 2006 MST", status["Ssl_server_not_after"])
	if perr != nil || len(info.Peer) == 0 || !notAfter.Equal(info.Peer[0].NotAfter.Truncate(time.Second)) {
		t.Errorf("server certificate not-after: server %q, recorded %v (%v)", status["Ssl_server_not_after"], info.Peer, perr)
		return false
	}
	return true
}
