package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
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
		// the screen row of the 11:08 event (its number is its place in
		// the timeline, which the data decides)
		target := -1
		for i, e := range m.upd.Frame.Events {
			if e.Time.Equal(et(t, "2025-01-27 11:08")) {
				target = i
			}
		}
		row := strconv.Itoa(target+1) + " 11:08 "
		y := -1
		for i, ln := range strings.Split(m.View(), "\n") {
			right := ansi.Strip(ansi.TruncateLeft(ln, ww, ""))
			if strings.Contains(right, row) {
				y = i
			}
		}
		if target < 0 || y < 0 {
			t.Fatalf("%dx%d: event %q not on screen:\n%s", sz[0], sz[1], row, ansi.Strip(m.View()))
		}
		m, _ = step(t, m, click(ww+8, y))
		if m.focus != paneTimeline || m.panes.timeline.Selected() != target || m.panes.timeline.Detail() {
			t.Fatalf("%dx%d: click on event %d: focus %d selected %d detail %v", sz[0], sz[1], target+1, m.focus, m.panes.timeline.Selected()+1, m.panes.timeline.Detail())
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

// Once the chart has focus, a click on its plot replays from the time under
// the pointer; the click that focuses it, the value-change pane and a live
// source never move the clock.
func TestMouseChartSeeks(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	ww := m.lay.watch.w
	// the plot's bottom row and width, as the chart maps them
	y := -1
	for yy := m.lay.chart.h - 3; yy >= 0 && y < 0; yy-- {
		if _, ok := m.panes.chart.TimeAt(0, yy); ok {
			y = yy
		}
	}
	pw := 0
	for ; y >= 0; pw++ {
		if _, ok := m.panes.chart.TimeAt(pw, y); !ok {
			break
		}
	}
	if y < 0 || pw < 40 {
		t.Fatalf("no plot in the chart: bottom row %d, width %d", y, pw)
	}
	x := pw / 2 // the middle of the session, on the volume bars
	want, ok := m.panes.chart.TimeAt(x, y)
	if !ok || want.Hour() != 12 {
		t.Fatalf("the middle column of the plot is at %s (ok %v)", want.Format("15:04"), ok)
	}
	sx, sy := ww+1+x, 1+y // inside the chart's border
	m, cmd := step(t, m, click(sx, sy))
	m = runCmd(t, m, cmd)
	if m.focus != paneChart {
		t.Fatalf("focus %d after a click in the chart", m.focus)
	}
	if _, n := ctrl.last(); n != 0 {
		t.Fatalf("the focusing click sent a command")
	}
	m, cmd = step(t, m, click(sx, sy))
	m = runCmd(t, m, cmd)
	got, n := ctrl.last()
	if n != 1 || got.Op != feeds.OpSeek || !got.At.Equal(want) {
		t.Fatalf("click on the focused chart sent %+v (%d commands), want a seek to %s", got, n, want.Format("15:04"))
	}
	// the title row and the price labels are not on the time axis
	for _, xy := range [][2]int{{ww + 5, 1}, {ww + 1 + pw + 2, sy}} {
		m, cmd = step(t, m, click(xy[0], xy[1]))
		m = runCmd(t, m, cmd)
	}
	if _, n := ctrl.last(); n != 1 {
		t.Fatalf("a click off the plot sent a command")
	}
	// the value-change pane in the chart's place: no seek
	m, _ = step(t, m, keyMsg("m"))
	m, cmd = step(t, m, click(sx, sy))
	m = runCmd(t, m, cmd)
	if _, n := ctrl.last(); n != 1 {
		t.Fatalf("a click on the value-change pane sent a command")
	}
	// live: nothing to control, and no error for a click
	lm := newTestModel(t, 160, 45, nil, common.GlyphsBraille)
	lm = withUpdate(t, lm, replayUpdate(t, "2025-01-27 14:50", 1))
	lm, _ = step(t, lm, click(sx, sy))
	lm, cmd = step(t, lm, click(sx, sy))
	if cmd != nil || lm.note != "" {
		t.Fatalf("a click on a live chart: cmd %v note %q", cmd != nil, lm.note)
	}
}

// In the week view a click on a day with a session replays it at the time
// of day on screen; a day with only its daily bar gets a note.
func TestMouseWeekSeeksADay(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	m, _ = step(t, m, keyMsg("2")) // focus the chart
	m, _ = step(t, m, keyMsg("d")) // the week
	ww := m.lay.watch.w
	// find the plot's bottom row and the columns of 24 and 29 Jan
	y, fri, wed := -1, -1, -1
	for yy := m.lay.chart.h - 3; yy >= 0 && y < 0; yy-- {
		if _, ok := m.panes.chart.DayAt(0, yy); ok {
			y = yy
		}
	}
	for x := 0; x < m.lay.chart.w-2; x++ {
		switch d, _ := m.panes.chart.DayAt(x, y); d {
		case "2025-01-24":
			fri = x
		case "2025-01-29":
			wed = x
		}
	}
	if y < 0 || fri < 0 || wed < 0 {
		t.Fatalf("week slots not found: y %d fri %d wed %d", y, fri, wed)
	}
	m, cmd := step(t, m, click(ww+1+fri, 1+y))
	m = runCmd(t, m, cmd)
	got, n := ctrl.last()
	want := time.Date(2025, 1, 24, 14, 50, 0, 0, snapshots.Location())
	if n != 1 || got.Op != feeds.OpSeek || !got.At.Equal(want) {
		t.Fatalf("click on Fri 24: %+v (%d commands), want a seek to %s", got, n, want)
	}
	m, cmd = step(t, m, click(ww+1+wed, 1+y))
	m = runCmd(t, m, cmd)
	if _, n := ctrl.last(); n != 1 || !strings.Contains(m.note, "no intraday data for Wed 29 Jan") {
		t.Fatalf("click on Wed 29: %d commands, note %q", n, m.note)
	}
}
