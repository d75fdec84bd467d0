package holdings

import (
	"strings"
	"testing"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
	"github.com/selloff/selloff/tui/theme"
)

func TestRow(t *testing.T) {
	c := panetest.Common(common.GlyphsBraille)
	if m := New(c, nil); m.Enabled() || m.Height() != 0 || m.View() != "" || m.StripItem() != "" {
		t.Fatal("without positions the row is empty")
	}
	m := New(c, []portfolio.Position{{Symbol: "NVDA", Shares: 10, Cost: 100}})
	m.SetSize(60, 1)
	if v := m.View(); !strings.Contains(v, "waiting for data") || theme.Width(v) != 60 {
		t.Errorf("before a frame: %q", v)
	}
	// pre-market: a price carried from Friday, today unknown (never 0.00)
	m.SetFrame(&market.Frame{
		Time: panetest.ET(27, 8, 0), Session: -1,
		Symbols: []snapshots.Symbol{{Symbol: "NVDA"}},
		Quotes:  []market.Quote{{Symbol: "NVDA", Price: 142.62, HasPrice: true, PrevClose: 147.22, Carried: true}},
	})
	v := m.View()
	if !strings.Contains(v, "today — no trade yet") || strings.Contains(v, "today $0.00") {
		t.Errorf("pre-market: %q", v)
	}
	m = New(c, []portfolio.Position{{Symbol: "ZZZZ", Shares: 10, Cost: 100}})
	m.SetSize(80, 1)
	m.SetFrame(panetest.Frame(panetest.ET(27, 12, 0)))
	if v := m.View(); !strings.Contains(v, "no position priced: ZZZZ missing") || !strings.Contains(m.StripItem(), "your portfolio —") {
		t.Errorf("nothing priced: %q / %q", v, m.StripItem())
	}
	// a missing position: the label says the totals are partial, even narrow
	m = New(c, []portfolio.Position{{Symbol: "NVDA", Shares: 10, Cost: 100}, {Symbol: "ZZZZ", Shares: 10, Cost: 100}})
	m.SetFrame(panetest.Frame(panetest.ET(27, 12, 0)))
	for _, w := range []int{44, 60, 200} {
		m.SetSize(w, 1)
		if v := m.View(); !strings.Contains(v, "(partial)  today ") {
			t.Errorf("width %d: %q", w, v)
		}
	}
	m.SetSize(200, 1)
	if v := m.View(); !strings.Contains(v, "ZZZZ missing, not counted") {
		t.Errorf("wide: %q", v)
	}
	for w := 0; w < 120; w++ {
		m.SetSize(w, 1)
		if got := theme.Width(m.View()); got != w {
			t.Fatalf("width %d: row is %d wide", w, got)
		}
	}
}
