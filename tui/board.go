package tui

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/paper"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// The watch party's leaderboard. Each viewer's dashboard reports its paper
// P&L to the party (feeds.Party, the SSH server's controller) from a Cmd
// whenever the figure changes; the presenter's L shows the ranked board
// to every viewer, in ClockStatus.Board, over the strip, until the
// presenter presses L again.

// maxBoardLines bounds the board's lines (its title and the top rows).
const maxBoardLines = 8

// boardState is the model's part for the leaderboard.
type boardState struct {
	last feeds.PaperScore // the last score reported
	sent bool
	want int // the lines the board asked for at the last layout
	h    int // the lines it got
}

// board is the leaderboard shown now (nil: none).
func (m *Model) board() []feeds.BoardRow {
	if cl := m.upd.Clock; cl != nil && cl.Party {
		return cl.Board
	}
	return nil
}

// boardWant is the lines the board would take with room enough.
func (m *Model) boardWant() int {
	b := m.board()
	if b == nil {
		return 0
	}
	return min(len(b)+1, maxBoardLines)
}

// layoutBoard gives the board its lines out of room (the lines the panes
// can spare); it returns the lines taken.
func (m *Model) layoutBoard(room int) int {
	m.boardS.want = m.boardWant()
	m.boardS.h = max(0, min(m.boardS.want, room))
	return m.boardS.h
}

// partyUpdate, after every message: the L key is on in a watch party, the
// layout follows the board, and a changed paper score goes to the party.
func (m *Model) partyUpdate() tea.Cmd {
	cl := m.upd.Clock
	in := cl != nil && cl.Party
	m.keys.Board.SetEnabled(in)
	if m.boardWant() != m.boardS.want {
		m.relayout()
	}
	p, ok := m.control.(feeds.Party)
	if !in || !ok || m.upd.Frame == nil {
		return nil
	}
	pnl, _ := m.paper.blot.Mark()
	sc := feeds.PaperScore{At: m.upd.Frame.Time, PnL: pnl.Total, Trades: pnl.Trades, Unpriced: len(pnl.Unpriced)}
	if m.boardS.sent && sc == m.boardS.last {
		return nil
	}
	m.boardS.last, m.boardS.sent = sc, true
	return func() tea.Msg {
		p.ReportPaper(sc)
		return nil
	}
}

// toggleBoard is L: the presenter shows or closes the board for every
// viewer; anyone else is told who can.
func (m Model) toggleBoard() (Model, tea.Cmd) {
	cl := m.upd.Clock
	p, ok := m.control.(feeds.Party)
	switch {
	case cl == nil || !cl.Party || !ok:
		m.note = "the leaderboard is for a watch party (selloff serve --watch-party)"
		return m, nil
	case !cl.Presenting:
		m.note = "only the presenter can show the leaderboard"
		return m, nil
	}
	on := cl.Board == nil
	note := "leaderboard shown to every viewer (L closes it)"
	if !on {
		note = "leaderboard closed"
	}
	now := m.nowFn
	return m, func() tea.Msg {
		err := p.ShowBoard(on)
		return controlDoneMsg{err: err, at: now(), note: note}
	}
}

// boardView is the board's lines, W wide: a title with the replay time,
// then the rows ranked by paper P&L.
func (m Model) boardView() string {
	b := m.board()
	if b == nil || m.boardS.h <= 0 {
		return ""
	}
	st := m.c.Styles
	W := m.width
	title := "Leaderboard · paper P&L"
	if f := m.upd.Frame; f != nil {
		title += " at " + f.Time.In(snapshots.Location()).Format("15:04")
	}
	title += " · replay prices, no fees"
	if m.upd.Clock.Presenting {
		title += " · L closes"
	}
	lines := []string{st.Title.Render(title)}
	nameW := 4
	for _, r := range b {
		nameW = max(nameW, len([]rune(r.Name)))
	}
	rows := m.boardS.h - 1
	for i, r := range b {
		if i >= rows {
			break
		}
		if i == rows-1 && len(b) > rows {
			lines = append(lines, st.Faint.Render("… "+strconv.Itoa(len(b)-i)+" more"))
			break
		}
		pnl := paper.Money(r.PnL)
		if strings.HasPrefix(pnl, "-") {
			pnl = common.Minus + pnl[1:]
		} else if r.PnL > 0.005 {
			pnl = "+" + pnl
		}
		s := strconv.Itoa(i+1) + ". " + r.Name + strings.Repeat(" ", nameW-len([]rune(r.Name))) +
			"  " + strings.Repeat(" ", max(0, 14-len([]rune(pnl)))) + pnl
		trades := strconv.Itoa(r.Trades) + " trades"
		if r.Trades == 1 {
			trades = "1 trade"
		}
		s += "  " + trades
		if r.Unpriced > 0 {
			s += " (" + strconv.Itoa(r.Unpriced) + " unpriced, left out)"
		}
		switch {
		case r.You:
			s = st.Bold.Render(s + "  ← you")
		case r.PnL > 0.005:
			s = st.Up.Render(s)
		case r.PnL < -0.005:
			s = st.Down.Render(s)
		}
		lines = append(lines, s)
	}
	return clipLines(common.Text(strings.Join(lines, "\n"), m.c.Glyphs), W, m.boardS.h)
}

// sameBoard reports whether two boards read the same.
func sameBoard(a, b []feeds.BoardRow) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
