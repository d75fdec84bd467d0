package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWordwrapKeepsMinusSigns: wrapped at any width, a negative figure
// stays whole on one line (ansi.Wordwrap broke "-10.2%" after its "-",
// one cell past the width, and the pane cut the sign off: the sources
// view showed ^SOX's −10.2% as "10.2%").
func TestWordwrapKeepsMinusSigns(t *testing.T) {
	s := "pinned to the figures events quote: -10.2% at 27 Jan 14:54 (-0.2%) and a well-known dividend-adjusted price"
	for w := 8; w <= 60; w++ {
		got := Wordwrap(s, w)
		for _, l := range strings.Split(got, "\n") {
			if strings.HasSuffix(strings.TrimRight(l, " "), " -") || strings.HasSuffix(l, "(-") || l == "-" {
				t.Errorf("width %d: a minus sign left at a line's end: %q", w, l)
			}
		}
		for _, fig := range []string{"-10.2%", "(-0.2%)"} {
			if !strings.Contains(got, fig) {
				t.Errorf("width %d: %q not kept whole:\n%s", w, fig, got)
			}
		}
		if strings.ReplaceAll(strings.ReplaceAll(got, "\n", " "), "- ", "-") == "" || ansi.Strip(got) != got {
			t.Errorf("width %d: %q", w, got)
		}
	}
	// hyphenated words still break at the hyphen
	if got := Wordwrap("dividend-adjusted", 10); got != "dividend-\nadjusted" {
		t.Errorf("hyphenated word: %q", got)
	}
}
