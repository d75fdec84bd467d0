package chart

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// nineChips is the real CHIPS group: more series than the palette's colours.
var nineChips = []string{"NVDA", "AVGO", "TSM", "ASML", "AMD", "ARM", "MRVL", "MU", "SMCI"}

// Compare mode tells nine series apart with or without colour: in colour
// the lines stay braille (the 9th was drawn with "=" over the braille),
// and without colour each has its own character; either way every line is
// named at its end, in the plot, not only in the legend.
func TestCompareSeriesToldApart(t *testing.T) {
	f, err := panetest.Real(panetest.Low)
	if err != nil {
		t.Skipf("embedded snapshot not available: %v", err)
	}
	for _, r := range []Range{RangeDay, RangeWeek} {
		for name, c := range map[string]common.Common{
			"colour":   panetest.ColorCommon(common.GlyphsBraille),
			"no_color": panetest.Common(common.GlyphsBraille),
			"ascii":    panetest.Common(common.GlyphsASCII),
		} {
			m := New(c)
			m.SetSize(120, 30)
			m.SetSymbol("NVDA")
			m.SetCompare(nineChips)
			m.SetMode(ModeCompare)
			m.SetRange(r)
			m.SetFrame(f)
			lines := strings.Split(ansi.Strip(m.View()), "\n")
			if len(lines) < 6 {
				t.Fatalf("%s %v: %d lines", name, r, len(lines))
			}
			// below the title, legend and markers, above the x labels, left
			// of the y axis and its labels
			var rows []string
			for _, l := range lines[3 : len(lines)-1] {
				if i := strings.LastIndexAny(l, "┤│|"); i >= 0 {
					l = l[:i]
				}
				rows = append(rows, l)
			}
			plot := strings.Join(rows, "\n")
			if name == "colour" {
				for _, ch := range asciiSeries[:len(nineChips)] {
					if strings.ContainsRune(plot, ch) {
						t.Errorf("%s %v: series character %q drawn over the braille:\n%s", name, r, ch, plot)
					}
				}
			} else {
				for _, ch := range asciiSeries[:len(nineChips)] {
					if !strings.ContainsRune(plot, ch) {
						t.Errorf("%s %v: no series drawn with %q:\n%s", name, r, ch, plot)
					}
				}
			}
			for _, sym := range nineChips {
				if !strings.Contains(plot, sym) {
					t.Errorf("%s %v: %s is not named at its line's end:\n%s", name, r, sym, plot)
				}
			}
		}
	}
}

// A long company name is shortened with an ellipsis in the title, not
// dropped (at 160 columns the chart is 68 cells and TSM's name vanished).
func TestTitleShortensLongNames(t *testing.T) {
	f, err := panetest.Real(panetest.Low)
	if err != nil {
		t.Skipf("embedded snapshot not available: %v", err)
	}
	for _, sym := range []string{"TSM", "CEG", "MRVL", "AMD"} {
		for _, w := range []int{68, 80} {
			m := New(panetest.Common(common.GlyphsBraille))
			m.SetSize(w, 24)
			m.SetSymbol(sym)
			m.SetFrame(f)
			title := strings.SplitN(m.View(), "\n", 2)[0]
			name := f.Symbols[f.Index(sym)].Name
			first := strings.Fields(name)[0]
			if !strings.Contains(title, first) {
				t.Errorf("%s at %d: the title lacks %q (%s):\n%s", sym, w, first, name, title)
			}
		}
	}
}
