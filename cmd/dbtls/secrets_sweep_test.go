package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dbtls/dbtls/internal/testutil/secretsweep"
	"github.com/stretchr/testify/require"
)

// TestSecretsSweepCLI: every hostile DSN of internal/testutil/secretsweep through
// explain and probe (against 127.0.0.1:1, a closed port), as text and as
// JSON: no secret shows on stdout or stderr, in any case or encoding. A DSN
// dsn.Parse refuses is an invalid-dsn failure (exit status 3); every JSON
// output holds to its schema (docs/cli/). package dsn's
// TestSecretsSweep covers the library's printing and logging.
func TestSecretsSweepCLI(t *testing.T) {
	require.GreaterOrEqual(t, len(secretsweep.Cases), 80)
	for _, tc := range secretsweep.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			for _, args := range [][]string{
				{"explain", tc.DSN},
				{"explain", "--json", tc.DSN},
				{"probe", "--timeout", "3s", tc.DSN},
				{"probe", "--json", "--timeout", "3s", tc.DSN},
			} {
				var out, errb bytes.Buffer
				code := run(args, &out, &errb)
				if v := secretsweep.Leak(out.String()+errb.String(), tc.Secrets); v != "" {
					t.Errorf("%v: secret shown as %q in:\n%s%s", args[:len(args)-1], v, out.String(), errb.String())
				}
				requireContract(t, args, code, out.String())
				switch {
				case tc.Want == secretsweep.Refused:
					require.Equal(t, 3, code, "invalid-dsn (docs/cli.md)")
				case args[0] == "probe":
					require.NotEqual(t, 0, code, "nothing listens on 127.0.0.1:1")
				}
				if len(args) > 2 && args[1] == "--json" {
					var got struct {
						Error *struct{ Kind, Message string }
					}
					require.NoError(t, json.Unmarshal(out.Bytes(), &got), out.String())
					if tc.Want == secretsweep.Refused {
						require.NotNil(t, got.Error)
						require.Equal(t, "invalid-dsn", got.Error.Kind)
					}
				}
			}
		})
	}
}
