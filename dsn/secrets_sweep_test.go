package dsn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/dsn"
	"github.com/dbtls/dbtls/internal/testutil/secretsweep"
	"github.com/dbtls/dbtls/kind"
	"github.com/stretchr/testify/require"
)

// TestSecretsSweep runs every hostile DSN of internal/testutil/secretsweep through
// everything that prints: dsn.Parse and its error, the Config (String,
// connector.RedactedDriverDSN, warnings, fmt's %v %+v %#v %s, encoding/json),
// connector.New and connector.OpenDB with PingContext against 127.0.0.1:1 (a
// closed port, so connecting fails at once), every error on the way and
// every error it wraps (Error, %v %+v %#v), every printer of each
// (secretsweep.Printed: fmt's verbs, encoding/json, log/slog, the methods,
// on the value and the pointer), and log/slog records holding the
// config, the connector and the errors as attributes, through a TextHandler
// and a JSONHandler, with the connector's own log lines. No secret may show,
// in any case or encoding (secretsweep.Variants). cmd/dbtls's
// TestSecretsSweepCLI does the same for explain and probe.
func TestSecretsSweep(t *testing.T) {
	require.GreaterOrEqual(t, len(secretsweep.Cases), 80)
	names := map[string]bool{}
	for _, tc := range secretsweep.Cases {
		require.False(t, names[tc.Name], "two cases named %q", tc.Name)
		names[tc.Name] = true
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			var shown []string
			show := func(what string, v ...any) {
				for _, x := range v {
					shown = append(shown, what+": "+printed(x))
					for _, s := range secretsweep.Printed(x) {
						if x == nil || !secretsweep.Exempt(reflect.TypeOf(x), s.Printer) {
							shown = append(shown, what+" through "+s.Printer+": "+s.Text)
						}
					}
				}
			}
			var logs bytes.Buffer
			log := slog.New(teeHandler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)})

			cfg, err := dsn.Parse(tc.DSN)
			switch tc.Want {
			case secretsweep.Parses:
				require.NoError(t, err)
				got := []string{cfg.Password, cfg.TLS.TrustStorePassword.Value, cfg.TLS.TrustCertKeyStorePassword.Value, cfg.TLS.ClientKeyStorePassword.Value}
				require.Contains(t, got, tc.Secrets[0], "the secret reads back exactly")
			case secretsweep.Refused:
				require.Error(t, err, "parsed as %v", cfg)
				require.ErrorIs(t, err, kind.InvalidDSN)
			}
			show("parse error", err)
			log.Error("parse", "dsn", cfg, "err", err)
			if cfg != nil {
				require.True(t, cfg.Net == "unix" || cfg.Host == "127.0.0.1" && cfg.Port == 1, "a case connects to 127.0.0.1:1 only")
				driverDSN, err := connector.RedactedDriverDSN(cfg)
				show("config", cfg, *cfg, cfg.String(), driverDSN, err, strings.Join(cfg.Warnings, "\n"))
				b, err := json.Marshal(cfg)
				require.NoError(t, err)
				show("json", string(b))
				log.Info("parsed", "cfg", cfg, "value", *cfg, "warnings", cfg.Warnings)
			}

			conn, err := connector.New(tc.DSN, connector.WithLogger(log))
			show("New error", err)
			log.Error("new", "err", err, "connector", conn)
			if conn != nil {
				show("connector", conn, conn.Config())
			}

			db, err := connector.OpenDB(tc.DSN, connector.WithLogger(log))
			show("OpenDB error", err)
			if db != nil {
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				err := db.PingContext(ctx)
				cancel()
				require.Error(t, err, "nothing listens on 127.0.0.1:1")
				show("ping error", err)
				log.Error("ping", "err", err)
				require.NoError(t, db.Close())
			}
			show("logs", logs.String())

			for _, s := range shown {
				if v := secretsweep.Leak(s, tc.Secrets); v != "" {
					t.Errorf("secret shown as %q in %s", v, s)
				}
			}
		})
	}
}

// printed is x in every form fmt prints it, and, for an error, every error
// it wraps.
func printed(x any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&b, verb+"\n", x)
	}
	if err, ok := x.(error); ok && err != nil {
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			fmt.Fprintf(&b, "%v\n%+v\n%#v\n", e, e, e)
		}
	}
	return b.String()
}

// teeHandler sends each record to both handlers.
type teeHandler struct{ a, b slog.Handler }

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool { return true }
func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	return errors.Join(h.a.Handle(ctx, r.Clone()), h.b.Handle(ctx, r.Clone()))
}
func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{h.a.WithAttrs(as), h.b.WithAttrs(as)}
}
func (h teeHandler) WithGroup(n string) slog.Handler {
	return teeHandler{h.a.WithGroup(n), h.b.WithGroup(n)}
}
