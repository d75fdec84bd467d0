package tui

import (
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/blotter"
)

// paperState is the model's part for paper trading in a replay: the
// ticket and blotter, and a seek held back while the user is asked whether
// to discard the fills it would go back past (no trading with hindsight).
type paperState struct {
	blot    blotter.Model
	show    bool // the blotter is open (B, or the end of the replay)
	atEnd   bool // the end-of-replay summary was shown for this end
	pending *feeds.Command
	pendAt  time.Time // the seek's target
	pendN   int       // fills after it
}

// paperOn reports whether paper trading works: in a replay (a watch-party
// viewer's too), not on live data.
func (m *Model) paperOn() bool {
	if m.control == nil {
		return false
	}
	return !m.hasData || m.upd.Mode == feeds.ModeReplay
}

// paperLine is the ticket's or the question's line under the panes ("" none).
func (m Model) paperLine() string {
	ps := &m.paper
	switch {
	case ps.pending != nil:
		s := "discard " + strconv.Itoa(ps.pendN) + " fill"
		if ps.pendN != 1 {
			s += "s"
		}
		if ps.pendAt.IsZero() {
			s += " (all of them)? y/n" // the replay alone knows how far back
		} else {
			s += " after " + ps.pendAt.In(snapshots.Location()).Format("15:04") + "? y/n"
		}
		return m.c.Styles.Warn.Render(s)
	case ps.blot.TicketOpen():
		return ps.blot.TicketView(m.width)
	}
	return ""
}

// applyPaper follows the frame: the marks move with the replay; the clock
// going back past fills without a seek of this viewer (a loop, a watch
// party's presenter) discards them too; the end of the replay shows the
// blotter's summary once when there are trades.
func (m *Model) applyPaper(u feeds.Update) {
	ps := &m.paper
	ps.blot.SetFrame(u.Frame)
	b := ps.blot.Book()
	if n := len(b.After(u.Frame.Time)); n > 0 {
		ps.blot.SetBook(b.DiscardAfter(u.Frame.Time))
		m.note = "the replay went back to " + u.Frame.Time.In(snapshots.Location()).Format("15:04") +
			": discarded " + fills(n) + " after it"
	}
	end := u.Clock != nil && u.Clock.AtEnd
	if end && !ps.atEnd && ps.blot.Book().Len() > 0 {
		m.openBlotter()
	}
	ps.atEnd = end
}

func (m *Model) openBlotter() {
	m.paper.show = true
	m.showProv = false
	m.relayout()
}

// seekTarget is where c would move the replay's clock, when it can move
// it back: the controller says so exactly when it can (feeds.Targeter);
// otherwise a seek with a known time, or the earliest time possible (every
// fill) for a backward move whose target only the replay knows.
func (m *Model) seekTarget(c feeds.Command) (time.Time, bool) {
	if t, ok := m.control.(feeds.Targeter); ok {
		return t.Target(c)
	}
	var now time.Time
	if f := m.upd.Frame; f != nil {
		now = f.Time
	}
	switch c.Op {
	case feeds.OpSeek:
		return c.At, true
	case feeds.OpSeekBy:
		return now.Add(c.By), true
	case feeds.OpStep:
		if c.N >= 0 {
			return time.Time{}, false
		}
	case feeds.OpPrevEvent, feeds.OpPrevDay, feeds.OpOpen:
	case feeds.OpTogglePause, feeds.OpResume:
		if cl := m.upd.Clock; cl == nil || !cl.AtEnd {
			return time.Time{}, false
		}
	default:
		return time.Time{}, false
	}
	return time.Time{}, true // somewhere back: every fill is at stake
}

// holdSeek reports whether c would go back past paper fills; then it is
// held and the user asked.
func (m *Model) holdSeek(c feeds.Command) bool {
	if m.paper.blot.Book().Len() == 0 {
		return false
	}
	at, ok := m.seekTarget(c)
	if !ok {
		return false
	}
	n := len(m.paper.blot.Book().After(at))
	if n == 0 {
		return false
	}
	m.paper.pending, m.paper.pendAt, m.paper.pendN = &c, at, n
	m.note = ""
	m.relayout()
	return true
}

// paperKey handles the question, the ticket, b and B, and the open
// blotter's own keys. ok is false when the key is not theirs.
func (m Model) paperKey(msg tea.KeyMsg) (Model, tea.Cmd, bool) {
	ps := &m.paper
	k := &m.keys
	switch {
	case ps.pending != nil:
		switch {
		case key.Matches(msg, k.PaperYes):
			// The fills go when the replay's frame comes back from before
			// them (applyPaper), so a refused seek (a watch-party viewer,
			// the data's edge) loses nothing.
			c := *ps.pending
			note := "discarded " + fills(ps.pendN)
			if ps.pendAt.IsZero() {
				note = "seeking back: the fills after the new time are discarded"
			}
			ps.pending = nil
			m.note = ""
			m.relayout()
			ctl, now := m.control, m.nowFn
			return m, func() tea.Msg {
				err := ctl.Control(c)
				return controlDoneMsg{cmd: c, err: err, at: now(), note: note}
			}, true
		case key.Matches(msg, k.PaperNo):
			ps.pending = nil
			m.note = "seek cancelled: the fills are kept"
			m.relayout()
		case key.Matches(msg, k.Quit):
			return m, tea.Quit, true
		}
		return m, nil, true // answer first
	case ps.blot.TicketOpen():
		var cmd tea.Cmd
		ps.blot, cmd = ps.blot.Update(msg)
		if !ps.blot.TicketOpen() {
			m.relayout()
		}
		return m, cmd, true
	case key.Matches(msg, k.Ticket):
		if !m.paperOn() {
			m.note = "paper trading is off on live data: it trades in a replay"
			return m, nil, true
		}
		if err := ps.blot.OpenTicket(m.watch.Selected()); err != nil {
			m.note = err.Error()
			return m, nil, true
		}
		m.note = ""
		m.relayout()
		return m, nil, true
	case key.Matches(msg, k.Blotter):
		if ps.show {
			ps.show = false
			m.relayout()
		} else {
			m.openBlotter()
		}
		return m, nil, true
	case ps.show:
		bk := ps.blot.KeyMap
		switch {
		case key.Matches(msg, bk.Close):
			ps.show = false
			m.relayout()
			return m, nil, true
		case key.Matches(msg, bk.Up, bk.Down):
			ps.blot, _ = ps.blot.Update(msg)
			return m, nil, true
		}
	}
	return m, nil, false
}

// paperBusy reports whether the paper-trading UI covers the panes or waits
// for an answer (mouse clicks do not reach the panes then).
func (m *Model) paperBusy() bool {
	return m.paper.show || m.paper.pending != nil || m.paper.blot.TicketOpen()
}

// fills is "1 paper fill", "2 paper fills".
func fills(n int) string {
	if n == 1 {
		return "1 paper fill"
	}
	return strconv.Itoa(n) + " paper fills"
}
