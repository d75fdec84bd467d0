package watchlist

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// markedFrame is the fixture at t with the figures the issue names: VST's
// price dividend-adjusted, ARM's share count approximate, TSM's intraday
// shape borrowed (a note, as the generator writes them).
func markedFrame(t *testing.T, at string) *market.Frame {
	t.Helper()
	var f *market.Frame
	switch at {
	case "close":
		f = panetest.Frame(panetest.Close)
	default:
		f = panetest.Frame(panetest.Low)
	}
	g := *f
	g.Provenance = snapshots.Reconstructed
	g.Symbols = slices.Clone(f.Symbols)
	for i := range g.Symbols {
		s := &g.Symbols[i]
		switch s.Symbol {
		case "VST":
			s.PriceBasis = snapshots.BasisAdjusted
		case "ARM":
			s.Shares = &snapshots.Shares{Count: 1_060_000_000, AsOf: "2025-01-27", Source: "fact sheet", Approximate: true}
		case "TSM":
			s.Notes = []snapshots.FigureNote{{Figure: snapshots.FigureIntraday, Basis: snapshots.BasisBorrowed, From: "^SOX", Source: "checkpoints"}}
		}
	}
	return &g
}

// markedRow is the rendered row of sym.
func markedRow(v, sym string) string {
	for _, l := range strings.Split(ansi.Strip(v), "\n") {
		if f := strings.Fields(strings.Trim(l, "┃│#|▸> ")); len(f) > 0 && f[0] == sym {
			return l
		}
	}
	return ""
}

// TestProvenanceMarks: each figure further from the truth than the badge
// carries its mark on its row (and only there), the title line explains the
// marks, and a modelled volume loses its mark at the close; every size keeps
// the pane's exact size.
func TestProvenanceMarks(t *testing.T) {
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		m := New(testCommon(g))
		m.SetSize(100, 24)
		m.SetFrame(markedFrame(t, "low"))
		v := m.View()
		adj, approx, mod, bor := "ᵃ", "~", "ᵐ", "ᵇ"
		if g == common.GlyphsASCII {
			adj, mod, bor = "a", "m", "b"
		}
		// a mark right after its figure: a number, or the sparkline
		checks := []struct{ sym, mark, after string }{
			{"VST", adj, "[0-9]"}, {"ARM", approx, "[0-9]B"}, {"TSM", bor, "[_.=^▁-█-] *"}, {"NVDA", mod, "[0-9]M"}}
		for _, c := range checks {
			row := markedRow(v, c.sym)
			if !regexp.MustCompile(c.after + regexp.QuoteMeta(c.mark)).MatchString(row) {
				t.Errorf("%s: %s row lacks %q after its figure:\n%s", g, c.sym, c.mark, row)
			}
		}
		if row := markedRow(v, "NVDA"); strings.Contains(row, adj+" ") || strings.Contains(row, approx) {
			t.Errorf("%s: NVDA has marks it should not: %s", g, row)
		}
		title := strings.Split(ansi.Strip(v), "\n")[1]
		for _, w := range []string{"adjusted", "approx.", "modelled", "borrowed"} {
			if !strings.Contains(title, w) {
				t.Errorf("%s: legend lacks %q: %q", g, w, title)
			}
		}
		// at the close the day's volume is the official total: no mark
		m.SetFrame(markedFrame(t, "close"))
		if row := markedRow(m.View(), "NVDA"); strings.Contains(row, mod+" ") || strings.HasSuffix(strings.TrimRight(row, " ┃|#"), mod) {
			t.Errorf("%s: modelled volume still marked at the close: %s", g, row)
		}
		for _, sz := range [][2]int{{80, 24}, {60, 20}, {44, 12}, {30, 8}} {
			m.SetSize(sz[0], sz[1])
			m.SetFrame(markedFrame(t, "low"))
			panetest.CheckSize(t, m.View(), sz[0], sz[1])
		}
	}
}

// TestLegendAt120Columns: on a 120-column dashboard (a 67-column watchlist,
// the README's example) the title line still explains every mark the rows
// show, in a shorter form, rather than dropping the legend.
func TestLegendAt120Columns(t *testing.T) {
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		m := New(testCommon(g))
		m.SetSize(67, 30)
		m.SetFrame(markedFrame(t, "low"))
		v := m.View()
		title := strings.Split(ansi.Strip(v), "\n")[1]
		for k := range numMarks {
			if !strings.Contains(title, markGlyph(k, g)+"=") {
				t.Errorf("%s: the legend does not explain %q: %q", g, markGlyph(k, g), title)
			}
		}
		panetest.CheckSize(t, v, 67, 30)
	}
}
