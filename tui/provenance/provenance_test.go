package provenance

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// TestSizes: the view is exactly its size at every size, down to nothing,
// scrolled anywhere, and never panics on a symbol the frame lacks.
func TestSizes(t *testing.T) {
	f := panetest.Frame(panetest.Low)
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		for _, sz := range [][2]int{{0, 0}, {10, 4}, {1, 1}, {30, 6}, {60, 18}, {78, 20}, {158, 41}} {
			m := New(panetest.Common(g))
			m.SetSize(sz[0], sz[1])
			m.Show(f, "NVDA")
			panetest.CheckSize(t, m.View(), sz[0], sz[1])
			for range 100 {
				m, _ = m.Update(keyDown())
			}
			panetest.CheckSize(t, m.View(), sz[0], sz[1])
			m.Show(f, "NOPE")
			panetest.CheckSize(t, m.View(), sz[0], sz[1])
		}
	}
}

// TestFigures: every figure of a row with its basis and source; a note's
// donor series and link show; the marks are explained.
func TestFigures(t *testing.T) {
	f := panetest.Frame(panetest.Low)
	g := *f
	g.Symbols = append([]snapshots.Symbol(nil), f.Symbols...)
	for i := range g.Symbols {
		if g.Symbols[i].Symbol == "TSM" {
			g.Symbols[i].Notes = []snapshots.FigureNote{{Figure: snapshots.FigureIntraday, Basis: snapshots.BasisBorrowed,
				From: "^SOX (27 Jan)", Source: "checkpoint sheet", Link: "https://example.org/sox", Detail: "only the daily OHLC is real"}}
		}
	}
	g.Provenance = snapshots.Reconstructed
	m := New(panetest.Common(common.GlyphsBraille))
	m.SetSize(100, 60)
	m.Show(&g, "TSM")
	v := ansi.Strip(m.View())
	for _, want := range []string{"Sources · TSM", "Price (LAST, CHG)", "Shares (VALUE, ΔVALUE)", "Volume (VOLUME)",
		"Intraday path", "ᵇ borrowed shape from ^SOX (27 Jan)", "https://example.org/sox", "only the daily OHLC is real", "Marks on the row"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
}

func keyDown() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyDown} }

// TestMinusSignsSurviveWrapping: a negative figure in a note stays whole
// at every width (at 138 columns, the 140-column dashboard, ^SOX's
// "-10.2%" was split after its "-", which fell past the edge: "10.2%").
func TestMinusSignsSurviveWrapping(t *testing.T) {
	f := panetest.Frame(panetest.Low)
	g := *f
	g.Symbols = append([]snapshots.Symbol(nil), f.Symbols...)
	detail := "the minutes between are a seeded random bridge; pinned to the figures events quote: -10.2% at 27 Jan 14:54"
	for i := range g.Symbols {
		g.Symbols[i].Notes = []snapshots.FigureNote{{Figure: snapshots.FigureIntraday, Basis: snapshots.BasisModelled,
			Source: "checkpoints", Detail: detail}}
	}
	for w := 30; w <= 140; w++ {
		m := New(panetest.Common(common.GlyphsBraille))
		m.SetSize(w, 200)
		m.Show(&g, "NVDA")
		v := ansi.Strip(m.View())
		if !strings.Contains(v, "-10.2%") && !strings.Contains(v, "−10.2%") {
			t.Fatalf("width %d: the minus sign of -10.2%% is lost:\n%s", w, v)
		}
	}
}

// TestNotesNameNoLaterEvent: in a replay without spoilers, a note or the
// file's source that names an event (by id or title) placed after the
// clock is hidden until the clock reaches it; spoilers show it (at 09:35
// on 27 Jan the view quoted the 14:46 and close events' figures). The
// golden is the 09:35 view without spoilers.
func TestNotesNameNoLaterEvent(t *testing.T) {
	at := func(tm time.Time) *market.Frame {
		f := panetest.Frame(tm)
		g := *f
		g.Symbols = append([]snapshots.Symbol(nil), f.Symbols...)
		for i := range g.Symbols {
			if g.Symbols[i].Symbol == "NVDA" {
				g.Symbols[i].Notes = []snapshots.FigureNote{
					{Figure: snapshots.FigurePrice, Basis: snapshots.BasisSourced, Source: "daily OHLC", Detail: "exact"},
					{Figure: snapshots.FigureIntraday, Basis: snapshots.BasisModelled, Source: "checkpoints",
						Detail: "pinned to the figures events quote: 116.70 (low)"}}
			}
		}
		g.Source = "Rebuilt from facts; Close: NVDA 118.42, -16.97% is a checkpoint."
		g.Provenance = snapshots.Reconstructed
		return &g
	}
	view := func(f *market.Frame, hide bool) string {
		m := New(panetest.Common(common.GlyphsASCII))
		m.SetSize(80, 30)
		m.SetHideFuture(hide)
		m.Show(f, "NVDA")
		return m.View()
	}
	early := view(at(panetest.Open), true)
	for _, leak := range []string{"116.70", "118.42"} {
		if strings.Contains(early, leak) {
			t.Errorf("09:35 without spoilers shows %q:\n%s", leak, early)
		}
	}
	if !strings.Contains(early, "exact") {
		t.Errorf("09:35: a note naming no event is hidden too:\n%s", early)
	}
	golden.RequireEqual(t, []byte(early))
	for name, v := range map[string]string{"09:35 with spoilers": view(at(panetest.Open), false),
		"16:00 without spoilers": view(at(panetest.Close), true)} {
		for _, want := range []string{"116.70", "118.42"} {
			if !strings.Contains(v, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, v)
			}
		}
	}
}
