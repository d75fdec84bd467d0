package theme

import (
	"io"
	"reflect"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestResolvedColoursDrawTheSame checks that styles built with colours
// resolved once for the renderer draw the same bytes as the adaptive
// tokens lipgloss would resolve on every Render, for each profile and
// background.
func TestResolvedColoursDrawTheSame(t *testing.T) {
	p := DefaultPalette()
	for _, prof := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(prof))
			r.SetColorProfile(prof)
			r.SetHasDarkBackground(dark)
			col := resolver(r)
			v := reflect.ValueOf(p)
			var tokens []lipgloss.AdaptiveColor
			for i := 0; i < v.NumField(); i++ {
				if c, ok := v.Field(i).Interface().(lipgloss.AdaptiveColor); ok {
					tokens = append(tokens, c)
				}
			}
			tokens = append(tokens, p.Series...)
			for _, c := range tokens {
				for _, mk := range []func(lipgloss.TerminalColor) lipgloss.Style{
					func(x lipgloss.TerminalColor) lipgloss.Style { return r.NewStyle().Foreground(x) },
					func(x lipgloss.TerminalColor) lipgloss.Style { return r.NewStyle().Background(x).Bold(true) },
					func(x lipgloss.TerminalColor) lipgloss.Style {
						return r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(x)
					},
				} {
					want := mk(c).Render("x y")
					if got := mk(col(c)).Render("x y"); got != want {
						t.Errorf("profile %d dark %v %v: %q, want %q", prof, dark, c, got, want)
					}
				}
			}
		}
	}
}

// TestNewHonoursBackground: the light and dark variants differ once
// resolved, and Ascii draws no colour.
func TestNewHonoursBackground(t *testing.T) {
	render := func(prof termenv.Profile, dark bool) string {
		r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(prof))
		r.SetColorProfile(prof)
		r.SetHasDarkBackground(dark)
		return New(r, DefaultPalette()).Up.Render("up")
	}
	if render(termenv.ANSI256, true) == render(termenv.ANSI256, false) {
		t.Error("ANSI256: light and dark draw the same")
	}
	if got := render(termenv.Ascii, true); got != "up" {
		t.Errorf("Ascii: %q, want plain text", got)
	}
}

// TestPaintersDrawLikeRender: each painter draws the bytes of its style's
// Render, for every profile and background, including text Render rewrites.
func TestPaintersDrawLikeRender(t *testing.T) {
	texts := []string{"", "NVDA", " 118.42", "−17.0%", "▁▂▃█ ", "a\tb", "two\nlines", "cr\r\nlf", "\x1b[31mred\x1b[0m pad"}
	for _, prof := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(prof))
			r.SetColorProfile(prof)
			r.SetHasDarkBackground(dark)
			s := New(r, DefaultPalette())
			v := reflect.ValueOf(s.P)
			for i := 0; i < v.NumField(); i++ {
				p := v.Field(i).Interface().(Painter)
				for _, txt := range texts {
					if got, want := p.Render(txt), p.Style().Render(txt); got != want {
						t.Errorf("profile %d dark %v %s %q: %q, want %q", prof, dark, v.Type().Field(i).Name, txt, got, want)
					}
				}
			}
			badge := NewPainter(s.Badge)
			if got, want := badge.Render("REPLAY"), s.Badge.Render("REPLAY"); got != want {
				t.Errorf("badge: %q, want %q", got, want)
			}
			wide := NewPainter(s.Base.Width(10))
			if got, want := wide.Render("abc"), s.Base.Width(10).Render("abc"); got != want {
				t.Errorf("width: %q, want %q", got, want)
			}
		}
	}
}
