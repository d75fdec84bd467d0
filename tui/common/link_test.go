package common

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/tui/theme"
)

// TestLinkLines: a URL that fits the width is never cut (on the label's line
// or on its own); a longer one breaks only after a separator and its pieces
// join back into the URL; with a colour renderer each piece is an OSC 8
// hyperlink to the whole URL, with the Ascii profile (tests, NO_COLOR) none.
func TestLinkLines(t *testing.T) {
	const url = "https://www.cnbc.com/2025/01/27/nvidia-calls-chinas-deepseek-r1-model-an-excellent-ai-advancement.html"
	ascii := theme.New(lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii)), theme.DefaultPalette())
	for _, w := range []int{20, 40, 60, len(url), len(url) + 6, 200} {
		lines := LinkLines(ascii, "Link:", url, w)
		joined := ""
		for k, l := range lines {
			if theme.StringWidth(l) > w {
				t.Errorf("w=%d: line %q wider than the pane", w, l)
			}
			if k == 0 {
				l = strings.TrimPrefix(strings.TrimPrefix(l, "Link:"), " ")
			}
			joined += l
		}
		if joined != url {
			t.Errorf("w=%d: pieces %q do not make the URL", w, lines)
		}
		if w >= len(url) {
			whole := false
			for _, l := range lines {
				whole = whole || strings.HasSuffix(l, url)
			}
			if !whole {
				t.Errorf("w=%d: the URL fits but is cut: %q", w, lines)
			}
		}
		if strings.Contains(strings.Join(lines, ""), "\x1b]8;") {
			t.Errorf("w=%d: OSC 8 with the Ascii profile", w)
		}
	}
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.TrueColor))
	r.SetColorProfile(termenv.TrueColor)
	color := theme.New(r, theme.DefaultPalette())
	for _, l := range LinkLines(color, "Link:", url, 40)[1:] {
		if !strings.Contains(l, "\x1b]8;;"+url) {
			t.Errorf("piece %q is not a hyperlink to the whole URL", ansi.Strip(l))
		}
	}
}
