package connector

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
)

// Warnings reach the user without WithLogger — through
// Connector.Warnings and slog.Default() — and a login property dbtls does
// not honour is refused, not warned about.
func TestWarningsWithoutLogger(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)

	c, err := New("jdbc:sqlserver://db.example.com;encrypt=true;trustServerCertificate=true;sendStringParametersAsUnicode=false")
	if err != nil {
		t.Fatal(err)
	}
	w := c.Warnings()
	if !slices.ContainsFunc(w, func(s string) bool { return strings.Contains(s, "sendStringParametersAsUnicode") }) {
		t.Errorf("Warnings() = %q; want the ignored property named", w)
	}
	if !strings.Contains(buf.String(), "sendStringParametersAsUnicode") {
		t.Errorf("slog.Default() got %q; want the warning logged without WithLogger", buf.String())
	}
	w[0] = "changed"
	if c.Warnings()[0] == "changed" {
		t.Error("Warnings() returns the connector's own slice")
	}

	if _, err := New("jdbc:sqlserver://db.example.com;authentication=ActiveDirectoryPassword;user=a@example.com;password=pw"); !errors.Is(err, kind.InvalidDSN) ||
		!strings.Contains(err.Error(), "authentication=ActiveDirectoryPassword") {
		t.Errorf("New with authentication=ActiveDirectoryPassword = %v; want invalid-dsn naming it", err)
	}
}
