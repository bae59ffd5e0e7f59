package connector

import (
	"net"
	"testing"
	"time"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/stretchr/testify/require"
)

// TestExpiryWarnings (spec §7): a verified server certificate and the trust
// anchor it chained to, expiring within the window (30 days unless
// WithExpiryWarning changes it), are in the connection's record and logged
// once per certificate per day, not once per connection.
func TestExpiryWarnings(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	ca := certgen.Must(certgen.Spec{CN: "soon CA", IsCA: true, NotBefore: now.Add(-day), NotAfter: now.Add(20*day + time.Hour)})
	leaf := certgen.Must(certgen.Spec{CN: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")},
		Parent: ca, NotBefore: now.Add(-day), NotAfter: now.Add(10*day + time.Hour)})
	srv := startTDS(t, leaf)
	trust := writePlain(t, t.TempDir(), "trust.pem", ca.CertPEM())
	for _, tc := range []struct {
		name string
		opts []Option
		want []Expiring
	}{
		{"default window", nil, []Expiring{
			{Role: "server", Subject: "CN=localhost", NotAfter: leaf.Cert.NotAfter, DaysLeft: 10},
			{Role: "anchor", Subject: "CN=soon CA", NotAfter: ca.Cert.NotAfter, DaysLeft: 20},
		}},
		{"15 days", []Option{WithExpiryWarning(15 * day)}, []Expiring{
			{Role: "server", Subject: "CN=localhost", NotAfter: leaf.Cert.NotAfter, DaysLeft: 10},
		}},
		{"5 days", []Option{WithExpiryWarning(5 * day)}, nil},
		{"off", []Option{WithExpiryWarning(0)}, nil},
		{"the row validates nothing", []Option{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBuffer
			props := "encrypt=true;trustStore=" + trust
			if tc.name == "the row validates nothing" {
				props = "encrypt=true;trustServerCertificate=true"
			}
			c, err := New(srv.url(props), append(tc.opts, WithLogger(logs.logger()))...)
			require.NoError(t, err)
			for range 3 {
				info, err := connectOnce(t, c)
				require.NoError(t, err)
				require.Equal(t, tc.want, info.Expiring)
			}
			for _, e := range tc.want {
				require.Len(t, logs.lines("level=WARN", "role="+e.Role, "expires in"), 1, logs.String())
			}
			if tc.want == nil {
				require.Empty(t, logs.lines("level=WARN", "expires in"))
			}
		})
	}
}

func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{
		{0, 0}, {time.Hour, 0}, {24 * time.Hour, 1}, {47 * time.Hour, 1}, {-time.Hour, -1}, {-24 * time.Hour, -1}, {-25 * time.Hour, -2},
	} {
		require.Equal(t, tc.want, DaysLeft(now.Add(tc.after), now), tc.after)
	}
}
