package kind

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxForeign is how many bytes of text from the other side a message
// shows: Foreign cuts there and says how long the text was.
const MaxForeign = 256

// Foreign returns text that came from the other side of a connection — a
// SQL Browser answer, a server's error message, a certificate's subject or
// names, a driver's error text quoting them — fit to be shown (spec §8):
// every control character is made visible as an escape (\x1b, \r, \n, \t,
// \u202e for the format characters that reorder or hide text, \xff for a
// byte that is not UTF-8), so that the text can neither forge a line of
// output nor drive a terminal; and text longer than MaxForeign bytes is cut,
// with how long it was. Every place where such text enters a message or the
// CLI's output goes through Foreign; text dbtls wrote itself does not.
func Foreign(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		if b.Len() >= MaxForeign {
			fmt.Fprintf(&b, "…(cut: %d bytes in all)", len(text))
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, text[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp) || !unicode.IsPrint(r) && r != ' ':
			b.WriteString(strings.Trim(strconv.QuoteRuneToASCII(r), "'"))
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
