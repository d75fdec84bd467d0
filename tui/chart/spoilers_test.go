package chart

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// withFuture returns f with every daily bar after f's time scaled by k:
// another future, the same past.
func withFuture(f *market.Frame, k float64) *market.Frame {
	g := *f
	g.Daily = make([][]snapshots.Bar, len(f.Daily))
	for i, bs := range f.Daily {
		for _, b := range bs {
			if b.End().After(f.Time) {
				b.Open, b.High, b.Low, b.Close = b.Open*k, b.High*k, b.Low*k, b.Close*k
				b.Volume *= 3
			}
			g.Daily[i] = append(g.Daily[i], b)
		}
	}
	return &g
}

// TestWeekHidesLaterDays: in a replay without spoilers the week view does
// not depend on the days after the frame's: their prices and volumes are
// not drawn (nor stretch the axis), only their date labels, so another
// future draws the same frame (at 10:02 on 28 Jan `d` drew 29-31 Jan's
// closes dimmed, and the rebound's direction with them). With spoilers
// they are drawn, dimmed. The golden is the line mode without spoilers.
func TestWeekHidesLaterDays(t *testing.T) {
	f := panetest.Frame(panetest.Low)
	other := withFuture(f, 1.3)
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
			view := func(f *market.Frame, hide bool) string {
				m := newChart(g, 100, 26, f, mode, RangeWeek)
				m.SetHideFuture(hide)
				return m.View()
			}
			name := fmt.Sprintf("%s %s", g, mode)
			if view(f, true) != view(other, true) {
				t.Errorf("%s: without spoilers the week view draws the later days:\n%s\n%s", name, view(f, true), view(other, true))
			}
			if view(f, false) == view(other, false) {
				t.Errorf("%s: with spoilers the week view does not draw the later days", name)
			}
		}
	}
	m := newChart(common.GlyphsASCII, 100, 26, f, ModeLine, RangeWeek)
	m.SetHideFuture(true)
	golden.RequireEqual(t, []byte(m.View()))
}
