package kind

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// TestForeign: text from the other side shows every control character as
// an escape, the format characters that reorder or hide text too, and is
// cut at MaxForeign bytes saying how long it was; ordinary text, accents
// and Windows paths are left as they are.
func TestForeign(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Login failed for user 'app'.", "Login failed for user 'app'."},
		{"accents and backslash", `Échec: DB01\SQLEXPRESS`, `Échec: DB01\SQLEXPRESS`},
		{"ESC sequence", "\x1b[2J\x1b[1;32mok", `\x1b[2J\x1b[1;32mok`},
		{"CR LF forging a line", "x\r\nERROR: NONE (ALL GOOD)", `x\r\nERROR: NONE (ALL GOOD)`},
		{"tab, NUL, DEL, C1", "a\tb\x00c\x7fd\u009be", `a\tb\x00c\x7fd\x9be`},
		{"bidi override and zero width", "abc\u202edcb\u200b", `abc\u202edcb\u200b`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"not UTF-8", "a\xffb", `a\xffb`},
	} {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, Foreign(tc.in)) })
	}
	long := strings.Repeat("\x1b[2K\r\nERROR: NONE (ALL GOOD)", 1000)
	got := Foreign(long)
	require.LessOrEqual(t, len(got), MaxForeign+60)
	require.True(t, strings.HasSuffix(got, "…(cut: 28000 bytes in all)"), got)
	require.NotContains(t, got, "\x1b")
	require.NotContains(t, got, "\n")
	require.NotContains(t, got, "\r")
}

// FuzzForeign: whatever the text, Foreign's output holds no control
// character and no format character, and is bounded; text that needs no
// escape and is short enough comes back unchanged.
func FuzzForeign(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J\r\nERROR: NONE (ALL GOOD)", "a\u202eb", "\xff\xfe", strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Foreign(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Foreign(%q) is not UTF-8: %q", s, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("Foreign(%q) holds %U: %q", s, r, got)
			}
		}
		if len(got) > MaxForeign+len("…(cut: 18446744073709551615 bytes in all)")+10 {
			t.Fatalf("Foreign(%q) is %d bytes long", s, len(got))
		}
		clean := utf8.ValidString(s) && len(s) <= MaxForeign && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' })
		if clean && got != s {
			t.Fatalf("Foreign(%q) = %q, want it unchanged", s, got)
		}
	})
}
