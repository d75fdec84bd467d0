package theme

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

func TestWidthMatchesAnsi(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if narrowCell(r) {
			if w := ansi.StringWidth(string(r)); w != 1 {
				t.Errorf("%U: narrowCell, but ansi.StringWidth %d", r, w)
			}
		}
	}
	pieces := []string{"a", " ", "NVDA", "−17.0%", "…", "▲", "▼", "●", "─", "│", "╭", "█", "▁", "⣿", "é", "·",
		"\x1b[38;5;81m", "\x1b[1;38;5;196;48;5;17m", "\x1b[0m", "\x1b[m", "\t", "\n", "世", "👍", "\u0301", "\ufe0f",
		"\x1b]8;;http://x\x1b\\", "\x1b", "\x1b[", "\x1b[31", "\xff", "\u00ad", "◽", "\u200d"}
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 20000; trial++ {
		var b strings.Builder
		for k := rng.IntN(12); k > 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := StringWidth(s), ansi.StringWidth(s); got != want {
			t.Fatalf("StringWidth(%q) = %d, ansi.StringWidth %d", s, got, want)
		}
		if got, want := Width(s), lipgloss.Width(s); got != want {
			t.Fatalf("Width(%q) = %d, lipgloss.Width %d", s, got, want)
		}
	}
}

func FuzzWidth(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[1mx\x1b[0m", "⣿⣿ ─●─", "世界", "e\u0301", "\x1b[38;5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := StringWidth(s), ansi.StringWidth(s); got != want {
			t.Fatalf("StringWidth(%q) = %d, ansi.StringWidth %d", s, got, want)
		}
		if got, want := Width(s), lipgloss.Width(s); got != want {
			t.Fatalf("Width(%q) = %d, lipgloss.Width %d", s, got, want)
		}
	})
}
