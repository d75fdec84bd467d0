package tui

import (
	"fmt"

	"github.com/charmbracelet/x/exp/golden"
	"strings"
	"testing"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

var nvda100 = []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}}

func TestRenderShowsThePortfolioAtTheClose(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 16:00", 1)
	out := RenderWith(u, 160, 45, asciiRenderer(), common.GlyphsBraille, WithMoney(Money{Positions: nvda100}))
	for _, want := range []string{
		"Your portfolio  today −$2,420.00 −16.97%  total −$2,158.00 −15.41%  value $11,842.00",
		"AI basket −$1.17T since Fri close · your portfolio −$2,420.00 │",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// without positions nothing changes
	if plain := Render(u, 160, 45, asciiRenderer(), common.GlyphsBraille); strings.Contains(plain, "portfolio") {
		t.Errorf("a render without positions mentions a portfolio:\n%s", plain)
	}
	// a short, a missing symbol
	out = RenderWith(u, 240, 45, asciiRenderer(), common.GlyphsASCII, WithMoney(Money{Positions: []portfolio.Position{
		{Symbol: "NVDA", Shares: -100, Cost: 140}, {Symbol: "TSLA", Shares: 1, Cost: 400},
	}}))
	for _, want := range []string{
		"Your portfolio (partial)  today +$2,420.00 +16.97%  total +$2,158.00 +15.41%  value -$11,842.00  TSLA missing, not counted",
		"your portfolio +$2,420.00 (partial)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// every line of every size still fits
	for _, sz := range [][2]int{{30, 10}, {80, 24}, {100, 30}, {200, 60}} {
		out := RenderWith(u, sz[0], sz[1], asciiRenderer(), common.GlyphsBraille, WithMoney(Money{Positions: nvda100}))
		lines := strings.Split(out, "\n")
		if len(lines) > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for _, l := range lines {
			if w := theme.Width(l); w > sz[0] {
				t.Errorf("%dx%d: a line of %d cells: %q", sz[0], sz[1], w, l)
			}
		}
	}
}

// withFirings is u with alert firings on its timeline.
func withFirings(u feeds.Update, fs ...alert.Firing) feeds.Update {
	f := *u.Frame
	f.Events = append(append([]snapshots.Event(nil), f.Events...), alert.Events(fs)...)
	u.Frame = &f
	return u
}

func TestFiringAlertsAreAnnouncedOnceWithABell(t *testing.T) {
	a, _ := alert.Parse("NVDA < 120")
	fire := alert.Firing{Alert: a, Time: et(t, "2025-01-27 11:20"), Value: 119.5}
	rings := 0
	for _, quiet := range []bool{false, true} {
		m := newModel(Deps{Renderer: asciiRenderer(), Width: 160, Height: 45}, WithMoney(Money{Quiet: quiet, Bell: func() { rings++ }}))
		// apply as Update does for an updateMsg (whose Cmd also reads the
		// next update from the channel)
		mm := m
		mm.apply(withFirings(replayUpdate(t, "2025-01-27 11:00", 1), fire))
		if mm.note != "" || mm.bellCmd() != nil {
			t.Fatalf("before the firing: note %q", mm.note)
		}
		mm.apply(withFirings(replayUpdate(t, "2025-01-27 11:30", 2), fire))
		if want := "Alert: NVDA < 120: 119.50 at 11:20"; mm.note != want {
			t.Errorf("note %q, want %q", mm.note, want)
		}
		cmd := mm.bellCmd()
		if quiet != (cmd == nil) {
			t.Errorf("quiet %v: bell cmd %v", quiet, cmd != nil)
		}
		if cmd != nil {
			cmd()
		}
		// the next frame says nothing new and does not ring again
		mm.note = ""
		mm.apply(withFirings(replayUpdate(t, "2025-01-27 11:40", 3), fire))
		if mm.note != "" || mm.bellCmd() != nil {
			t.Errorf("announced twice: %q", mm.note)
		}
		// seeking back before it and playing past it again announces it again
		mm.apply(withFirings(replayUpdate(t, "2025-01-27 10:00", 4), fire))
		mm.apply(withFirings(replayUpdate(t, "2025-01-27 12:00", 5), fire))
		if !strings.HasPrefix(mm.note, "Alert: NVDA < 120") {
			t.Errorf("after a seek back and play: note %q", mm.note)
		}
		mm.bellCmd()
		// the status line shows it
		mm.refreshStatus()
		if v := mm.status.View(); !strings.Contains(v, "Alert: NVDA < 120: 119.50 at 11:20") {
			t.Errorf("status line %q", v)
		}
	}
	if rings != 1 {
		t.Errorf("rang %d times, want 1 (once, not when quiet)", rings)
	}
	// a notification goes out with the status line's text, quiet or not
	var notes []string
	m0 := newModel(Deps{Renderer: asciiRenderer(), Width: 160, Height: 45}, WithMoney(Money{Quiet: true, Notify: func(s string) { notes = append(notes, s) }}))
	m0.apply(withFirings(replayUpdate(t, "2025-01-27 11:00", 1), fire))
	m0.apply(withFirings(replayUpdate(t, "2025-01-27 11:30", 2), fire))
	if cmd := m0.bellCmd(); cmd == nil {
		t.Error("no notification")
	} else {
		cmd()
	}
	if m0.bellCmd() != nil || len(notes) != 1 || notes[0] != "Alert: NVDA < 120: 119.50 at 11:20" {
		t.Errorf("notifications %q", notes)
	}
	// a first frame after the firing (render --at close) names it, without a bell
	m := newModel(Deps{Renderer: asciiRenderer(), Width: 160, Height: 45}, WithMoney(Money{Bell: func() { rings++ }}))
	m.apply(withFirings(replayUpdate(t, "2025-01-27 16:00", 1), fire))
	if m.note != "Alert: NVDA < 120: 119.50 at 11:20" || m.bellCmd() != nil {
		t.Errorf("first frame: note %q", m.note)
	}
}

// The watchlist's position columns: --position NVDA:100@140
// --position AVGO:-50@220 at the close, at two sizes.
func TestGoldenPositions(t *testing.T) {
	ps := []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}, {Symbol: "AVGO", Shares: -50, Cost: 220}}
	for _, sz := range [][2]int{{160, 45}, {100, 30}} {
		t.Run(fmt.Sprintf("close_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			u := replayUpdate(t, "2025-01-27 16:00", 1)
			golden.RequireEqual(t, []byte(RenderWith(u, sz[0], sz[1], asciiRenderer(), common.GlyphsBraille, WithMoney(Money{Positions: ps}))))
		})
	}
}

func TestWatchlistPositionColumns(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 16:00", 1)
	ps := []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}, {Symbol: "AVGO", Shares: -50, Cost: 220}, {Symbol: "TSLA", Shares: 1, Cost: 400}}
	out := RenderWith(u, 240, 45, asciiRenderer(), common.GlyphsBraille, WithMoney(Money{Positions: ps}))
	for _, want := range []string{
		"HOLDING    DAY P&L DAY P&L%  TOTAL P&L",
		"   $11,842    −$2,420  −16.97%    −$2,158",
		"  −$10,106    +$2,128  +17.40%      +$894",
		"TSLA   — held, not in the snapshot",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "TSLA") && strings.Contains(out, "$0 ") {
		t.Errorf("a missing symbol priced at zero:\n%s", out)
	}
	// without positions: no position column
	if plain := Render(u, 240, 45, asciiRenderer(), common.GlyphsBraille); strings.Contains(plain, "P&L") || strings.Contains(plain, "HOLDING") {
		t.Errorf("position columns without positions:\n%s", plain)
	}
}
