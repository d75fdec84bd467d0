// Mouse input: clicks focus and select, the chart seeks, the wheel scrolls.

package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// handleMouse routes a mouse event to the pane under it, in that pane's
// coordinates; a click also focuses the pane it lands in. A click on the
// day chart's plot, once the chart has focus, replays from the time under
// it (the first click only focuses, so a click meant for focus never moves
// the clock).
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	l := m.lay
	if m.watch.Filtering() || l.kind == kindTooSmall || l.helpOnly || m.showErrors || m.paperBusy() || m.lesson.showQuiz {
		return nil
	}
	if m.showProv {
		// the sources view covers the panes: the wheel scrolls it, a click
		// does not reach what is hidden under it
		if msg.Action == tea.MouseActionPress && (msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown) {
			k := tea.KeyMsg{Type: tea.KeyDown}
			if msg.Button == tea.MouseButtonWheelUp {
				k = tea.KeyMsg{Type: tea.KeyUp}
			}
			m.prov, _ = m.prov.Update(k)
		}
		return nil
	}
	pane := m.c.Styles.Pane
	click := msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease
	in := func(x0, y0 int, r rect) bool {
		return msg.X >= x0 && msg.X < x0+r.w && msg.Y >= y0 && msg.Y < y0+r.h
	}
	chartY, timelineY := 0, 0
	if l.showChart {
		timelineY = l.chart.h
	}
	switch {
	case in(0, 0, l.watch):
		// The watchlist is drawn at the top-left corner, so terminal
		// coordinates are its own.
		before := m.watch.Selected()
		m.watch, _ = m.watch.Update(msg)
		if click {
			m.setFocus(paneWatchlist)
		}
		if m.watch.Selected() != before {
			m.syncSelection()
		}
	case l.showTimeline && in(l.watch.w, timelineY, l.timeline):
		msg.X -= l.watch.w + pane.GetBorderLeftSize()
		msg.Y -= timelineY + pane.GetBorderTopSize()
		m.panes.timeline, _ = m.panes.timeline.Update(msg)
		if click {
			m.setFocus(paneTimeline)
		}
	case l.showChart && in(l.watch.w, chartY, l.chart):
		if !click {
			break
		}
		focused := m.focus == paneChart
		m.setFocus(paneChart)
		if !focused || m.showCap || m.control == nil {
			break
		}
		x := msg.X - l.watch.w - pane.GetBorderLeftSize()
		y := msg.Y - chartY - pane.GetBorderTopSize()
		if at, ok := m.panes.chart.TimeAt(x, y); ok {
			return m.send(feeds.Command{Op: feeds.OpSeek, At: at})
		}
		if date, ok := m.panes.chart.DayAt(x, y); ok {
			return m.seekDay(date)
		}
	}
	return nil
}

// seekDay replays the day clicked in the week view at the time of day on
// screen, when the snapshot has that session; a day with only its daily
// bar gets a note instead.
func (m *Model) seekDay(date string) tea.Cmd {
	f := m.upd.Frame
	if f == nil {
		return nil
	}
	loc := snapshots.Location()
	day, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return nil
	}
	for _, s := range f.Sessions {
		if s.Date == date {
			t := f.Time.In(loc)
			at := time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
			return m.send(feeds.Command{Op: feeds.OpSeek, At: at})
		}
	}
	m.note = "no intraday data for " + day.Format("Mon 2 Jan") + " (its daily bar only)"
	return nil
}

// seekEvent replays from an event's placement (the timeline's enter), or
// says the event is outside the data rather than land on the data's edge
// as if it were there.
func (m *Model) seekEvent(msg common.SeekEventMsg) tea.Cmd {
	if !m.replayable() {
		return nil
	}
	if c := m.upd.Clock; c != nil && !c.Start.IsZero() && !c.End.IsZero() &&
		(msg.At.Before(c.Start) || msg.At.After(c.End)) {
		m.note = "that event (" + msg.When + ") is outside the data"
		return nil
	}
	m.note = ""
	return m.send(feeds.Command{Op: feeds.OpSeek, At: msg.At})
}
