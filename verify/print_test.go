package verify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"github.com/dbtls/dbtls/verify"
	"github.com/stretchr/testify/require"
)

// TestStrategyPrintsNoClientKey: a Strategy holding a client certificate
// marshals, logs and prints its chain but never its private key (in
// decimal or hex), for an ECDSA and an RSA key, through encoding/json,
// log/slog's JSONHandler and fmt's verbs on the value and the pointer.
func TestStrategyPrintsNoClientKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		rsa  bool
	}{{"ecdsa", false}, {"rsa", true}} {
		t.Run(tc.name, func(t *testing.T) {
			c := certgen.Must(certgen.Spec{CN: "client", NotBefore: certgen.Clock, NotAfter: certgen.Clock.AddDate(1, 0, 0), RSA: tc.rsa})
			pair := c.TLS(false)
			var secrets []string
			switch k := c.Key.(type) {
			case *ecdsa.PrivateKey:
				secrets = []string{k.D.String(), k.D.Text(16)}
			case *rsa.PrivateKey:
				secrets = []string{k.D.String(), k.D.Text(16)}
			}
			st := verify.Strategy{Row: "REQUIRED", ClientCertificate: &pair}
			var logs bytes.Buffer
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "st", st, "p", &st)
			b, err := json.Marshal(st)
			require.NoError(t, err)
			pb, err := json.Marshal(&st)
			require.NoError(t, err)
			require.Contains(t, string(b), "REQUIRED")
			texts := []string{string(b), string(pb), logs.String()}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%d"} {
				texts = append(texts, fmt.Sprintf(verb, st), fmt.Sprintf(verb, &st))
			}
			for _, text := range texts {
				for _, secret := range secrets {
					require.NotContains(t, text, secret)
				}
				require.NotContains(t, text, `"D":`)
			}
			require.NotNil(t, st.ClientCertificate.PrivateKey, "marshalling does not change the Strategy")
		})
	}
}
