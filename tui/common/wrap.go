package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wordwrap wraps s to w cells at spaces, slashes and hyphens, as
// ansi.Wordwrap does, except that a minus sign (a "-" just before a digit,
// at the start of a word) is never a break: "-10.2%" split after its "-"
// reads as a rise on the next line, and the "-" left hanging one cell past
// w was cut off by the pane.
func Wordwrap(s string, w int) string {
	w = max(1, w)
	const hold = "\u2011" // a non-breaking hyphen, one cell, while wrapping
	if strings.Contains(s, hold) {
		return ansi.Wordwrap(s, w, " -/") // never seen in text: leave it be
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' &&
			(i == 0 || s[i-1] == ' ' || s[i-1] == '(' || s[i-1] == '\n') {
			b.WriteString(hold)
			continue
		}
		b.WriteByte(s[i])
	}
	return strings.ReplaceAll(ansi.Wordwrap(b.String(), w, " -/"), hold, "-")
}
