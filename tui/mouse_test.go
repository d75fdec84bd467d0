package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
)

func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionRelease}
}

func wheel(down bool) tea.MouseMsg {
	b := tea.MouseButtonWheelUp
	if down {
		b = tea.MouseButtonWheelDown
	}
	return tea.MouseMsg{X: 5, Y: 5, Button: b, Action: tea.MouseActionPress}
}

// rowY is the screen row on which the watchlist (the left w cells) shows
// sym, or -1.
func rowY(v, sym string, w int) int {
	for y, ln := range strings.Split(v, "\n") {
		left := ansi.Strip(ansi.Truncate(ln, w, ""))
		if strings.Contains(left, " "+sym+" ") || strings.Contains(left, "▸"+sym+" ") {
			return y
		}
	}
	return -1
}

// Clicking a watchlist row selects it (and charts it); the wheel moves the
// selection; clicks elsewhere change nothing. Hits are computed from the
// layout, so the test needs no zone worker and no waiting.
func TestMouseSelects(t *testing.T) {
	for _, sz := range [][2]int{{160, 45}, {100, 30}, {80, 24}, {60, 20}} {
		m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsBraille)
		m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
		ww := m.lay.watch.w
		for _, sym := range []string{"AVGO", "CEG", "NVDA", "VST"} {
			y := rowY(m.View(), sym, ww)
			if y < 0 {
				t.Fatalf("%dx%d: %s not on screen", sz[0], sz[1], sym)
			}
			m, _ = step(t, m, click(3, y))
			if m.watch.Selected() != sym || m.panes.chart.Symbol() != sym {
				t.Fatalf("%dx%d: click on %s (row %d) selected %q, chart %q", sz[0], sz[1], sym, y, m.watch.Selected(), m.panes.chart.Symbol())
			}
		}
		// group headers, the title, the border and other panes are not rows
		before := m.watch.Selected()
		for _, y := range []int{0, 1, 2, 3, sz[1] - 1} {
			m, _ = step(t, m, click(3, y))
		}
		m, _ = step(t, m, click(ww+3, 6))
		if m.watch.Selected() != before {
			t.Fatalf("%dx%d: a click off the rows selected %q", sz[0], sz[1], m.watch.Selected())
		}
		// the wheel moves the selection and scrolls; clicks still hit the
		// row drawn under the pointer
		m, _ = step(t, m, click(3, rowY(m.View(), "NVDA", ww)))
		m, _ = step(t, m, wheel(true))
		if m.watch.Selected() != "AVGO" {
			t.Fatalf("%dx%d: wheel down from NVDA: %q", sz[0], sz[1], m.watch.Selected())
		}
		m, _ = step(t, m, wheel(false))
		if m.watch.Selected() != "NVDA" {
			t.Fatalf("%dx%d: wheel up: %q", sz[0], sz[1], m.watch.Selected())
		}
		for range 30 {
			m, _ = step(t, m, wheel(true))
		}
		if m.watch.Selected() != "^SOX" {
			t.Fatalf("%dx%d: wheel to the end: %q", sz[0], sz[1], m.watch.Selected())
		}
		y := rowY(m.View(), "SPY", ww)
		m, _ = step(t, m, click(3, y))
		if m.watch.Selected() != "SPY" {
			t.Fatalf("%dx%d: click on SPY after scrolling: %q", sz[0], sz[1], m.watch.Selected())
		}
	}
	// too small: nothing to hit, nothing breaks
	m := newTestModel(t, 10, 4, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	sel := m.watch.Selected()
	m, _ = step(t, m, click(1, 1))
	m, _ = step(t, m, wheel(true))
	if m.watch.Selected() != sel {
		t.Fatalf("mouse acted on a hidden watchlist: %q", m.watch.Selected())
	}
}

// A click in the timeline focuses it and selects the event under the
// pointer (a second click opens its detail); a click in the chart or the
// watchlist focuses that pane. Where the layout has no timeline, clicks
// there do nothing.
func TestMouseTimelineAndFocus(t *testing.T) {
	for _, sz := range [][2]int{{160, 45}, {110, 40}} {
		m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsBraille)
		m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
		if !m.lay.showTimeline {
			t.Fatalf("%dx%d: no timeline", sz[0], sz[1])
		}
		ww := m.lay.watch.w
		// the screen row showing "16 11:08" in the right-hand column
		y := -1
		for i, ln := range strings.Split(m.View(), "\n") {
			right := ansi.Strip(ansi.TruncateLeft(ln, ww, ""))
			if strings.Contains(right, "16 11:08 ") {
				y = i
			}
		}
		if y < 0 {
			t.Fatalf("%dx%d: event 16 not on screen:\n%s", sz[0], sz[1], ansi.Strip(m.View()))
		}
		m, _ = step(t, m, click(ww+8, y))
		if m.focus != paneTimeline || m.panes.timeline.Selected() != 15 || m.panes.timeline.Detail() {
			t.Fatalf("%dx%d: click on event 16: focus %d selected %d detail %v", sz[0], sz[1], m.focus, m.panes.timeline.Selected()+1, m.panes.timeline.Detail())
		}
		m, _ = step(t, m, click(ww+8, y))
		if !m.panes.timeline.Detail() || !strings.Contains(ansi.Strip(m.View()), "Bloomberg") {
			t.Fatalf("%dx%d: second click did not open the detail", sz[0], sz[1])
		}
		m, _ = step(t, m, click(ww+8, 3))
		if m.focus != paneChart {
			t.Fatalf("%dx%d: click in the chart: focus %d", sz[0], sz[1], m.focus)
		}
		sel := m.watch.Selected()
		m, _ = step(t, m, click(3, 0))
		if m.focus != paneWatchlist || m.watch.Selected() != sel {
			t.Fatalf("%dx%d: click on the watchlist's border: focus %d selected %q", sz[0], sz[1], m.focus, m.watch.Selected())
		}
	}
	m := newTestModel(t, 80, 24, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	before := m.panes.timeline.Selected()
	for y := range 24 {
		m, _ = step(t, m, click(70, y))
	}
	if m.panes.timeline.Selected() != before || m.focus == paneTimeline {
		t.Fatalf("80x24 has no timeline, yet a click reached it")
	}
}
