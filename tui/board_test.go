package tui

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/common"
)

// partyCtl is a watch party's controller as the SSH server gives it.
type partyCtl struct {
	fakeController
	mu      sync.Mutex
	reports []feeds.PaperScore
	shown   []bool
}

func (p *partyCtl) ReportPaper(s feeds.PaperScore) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reports = append(p.reports, s)
}

func (p *partyCtl) ShowBoard(on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shown = append(p.shown, on)
	return nil
}

func partyUpdate(t *testing.T, seq uint64, presenting bool, board []feeds.BoardRow) feeds.Update {
	u := replayUpdate(t, "2025-01-27 10:00", seq)
	c := *u.Clock
	c.Party, c.Presenting, c.Presenter, c.Board = true, presenting, "alice", board
	c.Follows = !presenting
	u.Clock = &c
	return u
}

// A long board keeps the dashboard within the terminal at every size (its
// title and top rows, "… N more"), and the status bar stays.
func TestBoardFitsTheTerminal(t *testing.T) {
	var board []feeds.BoardRow
	for i := range 20 {
		board = append(board, feeds.BoardRow{Name: "viewer " + strconv.Itoa(i+1), PaperScore: feeds.PaperScore{PnL: float64(100 - i*10), Trades: i}})
	}
	board[3].You = true
	for _, sz := range [][2]int{{120, 40}, {80, 24}, {40, 12}, {30, 8}, {10, 4}} {
		m := newTestModel(t, sz[0], sz[1], &partyCtl{}, common.GlyphsASCII)
		m, _ = step(t, m, updateMsg{u: partyUpdate(t, 1, false, board), at: fixedNow})
		v := m.View()
		if n := strings.Count(v, "\n") + 1; n > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], n)
		}
		if sz[1] >= 24 {
			if !strings.Contains(v, "Leaderboard") || !strings.Contains(v, "more") || !strings.Contains(v, "REPLAY") {
				t.Errorf("%dx%d: board or status bar missing:\n%s", sz[0], sz[1], v)
			}
		}
	}
}

// Each change of the viewer's paper P&L goes to the party once; L is the
// presenter's, and refused to a viewer in words.
func TestBoardReportsAndL(t *testing.T) {
	ctl := &partyCtl{}
	m := newTestModel(t, 120, 40, ctl, common.GlyphsASCII)
	m, _ = step(t, m, updateMsg{u: partyUpdate(t, 1, false, nil), at: fixedNow})
	if !m.keys.Board.Enabled() {
		t.Fatal("L is off in a watch party")
	}
	run := func(cmd tea.Cmd) {
		if cmd != nil {
			if msg := cmd(); msg != nil {
				m, _ = step(t, m, msg)
			}
		}
	}
	run(m.partyUpdate()) // nothing new: no second report
	m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'L'}})
	if !strings.Contains(m.note, "only the presenter") {
		t.Errorf("a viewer's L: note %q", m.note)
	}
	ctl.mu.Lock()
	if len(ctl.reports) != 0 || len(ctl.shown) != 0 {
		t.Errorf("reports before running the Cmd, or a viewer's L reached the party: %v %v", ctl.reports, ctl.shown)
	}
	ctl.mu.Unlock()

	m = newTestModel(t, 120, 40, ctl, common.GlyphsASCII)
	nm, cmd := m.Update(updateMsg{u: partyUpdate(t, 1, true, nil), at: fixedNow})
	m = nm.(Model)
	runAll(cmd)
	nm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'L'}})
	m = nm.(Model)
	runAll(cmd)
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	if len(ctl.reports) != 1 || ctl.reports[0].Trades != 0 || ctl.reports[0].PnL != 0 {
		t.Errorf("reports: %+v", ctl.reports)
	}
	if len(ctl.shown) != 1 || !ctl.shown[0] {
		t.Errorf("the presenter's L: %v", ctl.shown)
	}
}

// runAll runs cmd and the Cmds of its batches (none here blocks).
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}
