package theme

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Width is lipgloss.Width (the widest line of styled text, in cells)
// without its grapheme scan for what the dashboard draws: StringWidth,
// and lipgloss.Width itself for text of several lines.
func Width(s string) int {
	if strings.IndexByte(s, '\n') >= 0 {
		return lipgloss.Width(s)
	}
	return StringWidth(s)
}

// StringWidth is ansi.StringWidth (the cells of styled text) without its
// grapheme scan for what the dashboard draws. SGR sequences count zero,
// printable ASCII and the single-cell runes of narrowCell one each;
// anything else (another escape, a control character, a rune that might
// be wide or join a cluster) falls back to ansi.StringWidth for the whole
// string, so the answer is always theirs.
func StringWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b:
			// CSI: ESC [ parameters (0x30-0x3f), intermediates (0x20-0x2f), final (0x40-0x7e).
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return ansi.StringWidth(s)
			}
			j++
			for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
				j++
			}
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j >= len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !narrowCell(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		default:
			return ansi.StringWidth(s)
		}
	}
	return n
}

// narrowCell reports runes that are one cell wide on their own and never
// join a neighbour into one cluster: Latin-1 and Latin Extended letters
// and signs, general punctuation (dashes, ellipsis), arrows, the minus
// sign, box drawing, block elements, geometric shapes (but the two with
// emoji presentation) and braille. TestWidthMatchesAnsi checks each.
func narrowCell(r rune) bool {
	switch {
	case r >= 0xa0 && r <= 0x24f && r != 0xad: // soft hyphen is zero wide
		return true
	case r >= 0x2010 && r <= 0x2027:
		return true
	case r >= 0x2190 && r <= 0x21ff:
		return true
	case r == 0x2212:
		return true
	case r >= 0x2500 && r <= 0x25fc:
		return true
	case r >= 0x2800 && r <= 0x28ff:
		return true
	}
	return false
}
