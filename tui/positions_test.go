package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui/common"
)

// P opens a prompt; a position typed there joins this dashboard's
// positions (the watchlist's columns, the portfolio row, the strip); a bad
// one is refused in the status line with the parser's words.
func TestAddAPositionWithP(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 16:00", 1))
	if v := m.View(); strings.Contains(v, "DAY P&L") || strings.Contains(v, "Your portfolio") {
		t.Fatal("position columns before any position")
	}
	m, _ = step(t, m, keyMsg("P"))
	if v := m.View(); !strings.Contains(v, "add position SYM:SHARES@COST") {
		t.Fatalf("no prompt after P:\n%s", v)
	}
	m = typeText(t, m, "nvda:abc@140")
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyEnter})
	v := m.View()
	if !strings.Contains(v, `position: shares "abc": not a plain number`) || !strings.Contains(v, "add position") {
		t.Fatalf("a bad position: no error in the status line, or the prompt closed:\n%s", v)
	}
	// fix it: clear the line, type a good one
	for range "nvda:abc@140" {
		m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	m = typeText(t, m, "nvda:100@140")
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyEnter})
	v = m.View()
	for _, want := range []string{"added NVDA:100@140 (this session only)", "DAY P&L", "−$2,420", "Your portfolio", "your portfolio −$2,420.00"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q after adding NVDA:100@140:\n%s", want, v)
		}
	}
	if strings.Contains(v, "add position SYM") {
		t.Error("the prompt stayed open")
	}
	// esc closes the prompt without adding
	m, _ = step(t, m, keyMsg("P"))
	m = typeText(t, m, "AVGO:-50@220")
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyEscape})
	if v := m.View(); strings.Contains(v, "+$2,128") || strings.Contains(v, "add position SYM") {
		t.Errorf("esc added the position or left the prompt open:\n%s", v)
	}
	// keys typed in the prompt do not drive the replay
	m, _ = step(t, m, keyMsg("P"))
	m, _ = step(t, m, keyMsg("q"))
	if !m.money.prompt.open {
		t.Error("q in the prompt closed it")
	}
}

// A held symbol the snapshot does not have is listed under the table, and
// comes into view when the cursor reaches the last symbol.
func TestMissingHeldSymbolScrollsIntoView(t *testing.T) {
	m := newModel(Deps{Renderer: asciiRenderer(), Width: 80, Height: 24}, WithMoney(Money{Positions: []portfolio.Position{{Symbol: "XYZ", Shares: 5, Cost: 3}}}))
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 16:00", 1))
	if strings.Contains(m.View(), "held, not in the snapshot") {
		t.Fatal("the list is longer than the pane: XYZ should be below")
	}
	for range 40 {
		m, _ = step(t, m, keyMsg("j"))
	}
	v := m.View()
	if !strings.Contains(v, "XYZ    — held, not in the snapshot") || strings.Contains(v, "$0 ") {
		t.Errorf("XYZ not listed as missing at the bottom:\n%s", v)
	}
}
