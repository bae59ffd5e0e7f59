package mysql

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dbtls/dbtls/connector"
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
	if e := Check(want, info, status, err); e != nil {
		t.Error(e)
		return false
	}
	return true
}
