package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
)

// Before Monday's first trade the watchlist shows Friday's close with no
// change (unknown), never a 0.00 that reads as "flat".
func TestNoChangeBeforeTheFirstTrade(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 09:15", 1))
	y := rowY(m.View(), "NVDA", m.lay.watch.w)
	if y < 0 {
		t.Fatal("NVDA not on screen")
	}
	row := ansi.Strip(strings.Split(m.View(), "\n")[y])
	if !strings.Contains(row, "142.62") || strings.Contains(row, "0.00") || strings.Contains(row, "$0.0B") {
		t.Errorf("NVDA at 09:15: %q", row)
	}
	// the market value at that price is known (142.62 x 24.49B shares)
	if !strings.Contains(row, "$3.49T") {
		t.Errorf("NVDA at 09:15 lacks its market value: %q", row)
	}
}

// Several runes in one key message (keys typed faster than one read) are
// as many presses: "jjj" moves the selection three rows, "]]" is two event
// jumps. A paste is text, not keys.
func TestBatchedRunesAreSeparateKeys(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	if m.watch.Selected() != "ASML" {
		t.Errorf(`"jjj" from NVDA selected %q, want ASML`, m.watch.Selected())
	}
	m, cmd := step(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]]")})
	runSeek(t, m, cmd)
	if _, n := ctrl.last(); n != 2 {
		t.Errorf(`"]]" sent %d commands, want 2`, n)
	}
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kk"), Paste: true})
	if m.watch.Selected() != "ASML" {
		t.Errorf("a paste moved the selection to %q", m.watch.Selected())
	}
}

// c and d change the chart from the watchlist too: the README lists them
// as dashboard keys, and no other pane binds them.
func TestChartKeysFromAnyPane(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	if m.focus != paneWatchlist {
		t.Fatalf("focus %d", m.focus)
	}
	mode, rng := m.panes.chart.Mode(), m.panes.chart.Range()
	m, _ = step(t, m, keyMsg("c"))
	m, _ = step(t, m, keyMsg("d"))
	if m.panes.chart.Mode() == mode || m.panes.chart.Range() == rng {
		t.Errorf("c and d from the watchlist: mode %v range %v", m.panes.chart.Mode(), m.panes.chart.Range())
	}
	m, _ = step(t, m, keyMsg("?"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "day/week") {
		t.Errorf("the help from the watchlist does not list d")
	}
}

// The full help never cuts a key group with "…": groups that do not fit
// beside each other wrap onto further rows, at every width from 60 up.
func TestHelpWrapsInsteadOfCutting(t *testing.T) {
	for _, sz := range [][2]int{{60, 40}, {80, 40}, {100, 30}, {160, 45}} {
		m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsBraille)
		m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
		m, _ = step(t, m, keyMsg("?"))
		h := ansi.Strip(m.helpView())
		for _, want := range []string{"pause/play", "next event", "quit", "next group", "filter", "day/week"} {
			if want == "day/week" && !m.lay.visible(paneChart) {
				continue // no chart at this size, so no chart keys
			}
			if !strings.Contains(h, want) {
				t.Errorf("%dx%d: help lacks %q:\n%s", sz[0], sz[1], want, h)
			}
		}
		for _, ln := range strings.Split(h, "\n") {
			if ansi.StringWidth(ln) > sz[0] || strings.Contains(ln, "…") {
				t.Errorf("%dx%d: help line cut or too wide: %q", sz[0], sz[1], ln)
			}
		}
	}
}

// A size that hides the focused pane moves the focus to the watchlist for
// that while; back at a size that shows it, the pane has focus again.
func TestFocusComesBackAfterResize(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	m, _ = step(t, m, keyMsg("3"))
	if m.focus != paneTimeline {
		t.Fatalf("focus %d", m.focus)
	}
	m, _ = step(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
	if m.focus != paneWatchlist {
		t.Fatalf("60x20: focus %d, want the watchlist", m.focus)
	}
	m, _ = step(t, m, tea.WindowSizeMsg{Width: 160, Height: 45})
	if m.focus != paneTimeline || !m.panes.timeline.Focused() {
		t.Fatalf("back at 160x45: focus %d", m.focus)
	}
}

// alt+d on the last character of the go-to prompt or the filter (a panic
// in bubbles v1.0.0's textinput) edits the text and keeps the program up.
func TestDeleteWordForwardDoesNotPanic(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	altD := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d"), Alt: true}
	m, _ = step(t, m, keyMsg("g"))
	m = typeText(t, m, "14")
	m, _ = step(t, m, keyMsg("left"))
	m, _ = step(t, m, altD)
	if v := m.gotoInput.Value(); v != "1" {
		t.Errorf("go-to after alt+d: %q", v)
	}
	m, _ = step(t, m, keyMsg("esc"))
	m, _ = step(t, m, keyMsg("/"))
	m = typeText(t, m, "NV")
	m, _ = step(t, m, keyMsg("left"))
	m, _ = step(t, m, altD)
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyDelete, Alt: true})
}
