package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
)

// At 160x45 the watchlist shows company names, and the rows it does not
// need hold the value-change bars: no blank rows are left under it.
func TestFullLayoutUsesSpace(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 14:50", 1)
	v := Render(u, 160, 45, asciiRenderer(), common.GlyphsBraille)
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[2], "NAME") || !strings.Contains(v, "NVIDIA") {
		t.Fatalf("no NAME column at 160x45:\n%s", strings.Join(lines[:6], "\n"))
	}
	if !strings.Contains(v, "of losses") {
		t.Fatalf("no value-change bars under the watchlist:\n%s", v)
	}
	ww := strings.Index(lines[0], "╮") // the watchlist's right edge
	ww = ansi.StringWidth(lines[0][:ww]) + 1
	for i, ln := range lines[:len(lines)-2] {
		left := strings.Trim(ansi.Cut(ln, 1, ww-1), " ")
		if left == "" {
			t.Fatalf("row %d of the left column is blank:\n%s", i, v)
		}
	}
	// The bars give way to m (which hides them, never opening a second
	// copy over the chart) and to a short terminal.
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, u)
	if !m.lay.showSummary {
		t.Fatal("no summary at 160x45")
	}
	m, _ = step(t, m, keyMsg("m"))
	if m.lay.showSummary || m.showCap {
		t.Fatal("m at 160x45 left the bars under the watchlist or opened a second copy")
	}
	if strings.Count(m.View(), "since Fri close") != 1 { // the strip's only
		t.Fatalf("value-change bars still on screen after m:\n%s", m.View())
	}
	m, _ = step(t, m, keyMsg("m"))
	for _, sz := range [][2]int{{160, 36}, {100, 30}, {80, 24}} {
		m.width, m.height = sz[0], sz[1]
		m.relayout()
		if m.lay.showSummary {
			t.Fatalf("summary at %dx%d (no room)", sz[0], sz[1])
		}
	}
}

// Below the smallest layout the dashboard says so, as fully as the
// terminal allows: all of it at 10x4 (between words), "!" in one cell.
func TestTooSmallSays(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 14:50", 1)
	for _, sz := range [][2]int{{10, 4}, {20, 5}, {29, 30}, {200, 6}} {
		v := Render(u, sz[0], sz[1], asciiRenderer(), common.GlyphsBraille)
		if got := strings.Join(strings.Fields(v), " "); got != "terminal too small (need 30x7)" {
			t.Errorf("%dx%d: %q", sz[0], sz[1], v)
		}
	}
	if v := Render(u, 1, 1, asciiRenderer(), common.GlyphsBraille); v != "!" {
		t.Errorf("1x1: %q", v)
	}
	if v := Render(u, 9, 2, asciiRenderer(), common.GlyphsBraille); strings.Join(strings.Fields(v), " ") != "too small need 30x7" {
		t.Errorf("9x2: %q", v)
	}
}

// The focused pane is told by its border's weight, not only its colour.
func TestFocusVisibleWithoutColour(t *testing.T) {
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		heavy, light := "┏", "╭"
		if g == common.GlyphsASCII {
			heavy, light = "#", "+"
		}
		m := newTestModel(t, 100, 30, &fakeController{}, g)
		m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
		ww := m.lay.watch.w
		corners := func() (string, string) {
			top := []rune(strings.Split(m.View(), "\n")[0])
			return string(top[0]), string(top[ww])
		}
		if l, r := corners(); l != heavy || r != light {
			t.Fatalf("%s: watchlist focused: corners %q %q", g, l, r)
		}
		m, _ = step(t, m, keyMsg("2"))
		if l, r := corners(); l != light || r != heavy {
			t.Fatalf("%s: chart focused: corners %q %q", g, l, r)
		}
	}
}

// Help over a small terminal: at 80x24 it takes the panes' place and the
// status bar stays on the last line (it sat above five blank rows); at
// 60x20 every key is shown (tab, s and / went to a third row, cut off).
func TestHelpOnSmallTerminals(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 20}} {
		w, h := sz[0], sz[1]
		m := withUpdate(t, newTestModel(t, w, h, &fakeController{}, common.GlyphsASCII), replayUpdate(t, "2025-01-27 14:50", 1))
		m, _ = step(t, m, keyMsg("?"))
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		if len(lines) != h {
			t.Errorf("%dx%d: %d lines", w, h, len(lines))
		}
		if !strings.Contains(lines[len(lines)-1], "REPLAY") {
			t.Errorf("%dx%d: the status bar is not on the last line:\n%s", w, h, strings.Join(lines, "\n"))
		}
		all := strings.Join(lines, "\n")
		for _, k := range []string{"pause/play", "next group", "sort", "filter", "quit"} {
			if !strings.Contains(all, k) {
				t.Errorf("%dx%d: help lacks %q:\n%s", w, h, k, all)
			}
		}
	}
}

// Opening the errors view with help open at 60x20 lays out again: the
// errors' help is three lines, so the view has room (it stayed hidden behind
// the space the whole help had taken, showing blank rows).
func TestErrorsWithHelpOpenShowsTheView(t *testing.T) {
	m := withUpdate(t, newTestModel(t, 60, 20, &fakeController{}, common.GlyphsASCII), replayUpdate(t, "2025-01-27 14:50", 1))
	m, _ = step(t, m, keyMsg("?"))
	m, _ = step(t, m, keyMsg("e"))
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "Errors:") || !strings.Contains(v, "close errors") {
		t.Errorf("errors with help open:\n%s", v)
	}
	m, _ = step(t, m, keyMsg("esc"))
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "filter") || strings.Contains(v, "Errors:") {
		t.Errorf("closed errors with help open:\n%s", v)
	}
}
