package tui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/holdings"
)

// Money is the user's side of the dashboard: positions valued in every
// frame (a portfolio row under the watchlist, "your portfolio" pinned in
// the strip) and how a firing alert is announced. Alert firings arrive as
// timeline events (alert.IsFiring) in the frames; the dashboard announces
// each one its clock passes in the status line, with a bell.
type Money struct {
	Positions []portfolio.Position
	Quiet     bool   // no bell
	Bell      func() // rings the terminal's bell (called in a Cmd); nil: no bell
	// Notify shows a desktop notification through the terminal (called in
	// a Cmd with the status line's text, also when Quiet); nil: none.
	Notify func(text string)
}

// moneyState is the model's part for Money.
type moneyState struct {
	positions []portfolio.Position
	prompt    positionPrompt // P: add a position
	hold      holdings.Model
	quiet     bool
	bell      func()
	notify    func(string)
	last      time.Time // the time of the last frame applied
	ring      bool      // a firing was announced: ring once
	news      string    // ... and notify this once
}

// WithMoney gives the dashboard the user's positions and how to announce
// alert firings.
func WithMoney(money Money) Option {
	return func(m *Model) {
		m.money = moneyState{positions: money.Positions, hold: holdings.New(m.c, money.Positions), quiet: money.Quiet, bell: money.Bell, notify: money.Notify}
		m.watch.SetPositions(money.Positions)
	}
}

// applyMoney values the positions in f and announces alert firings the
// clock has passed since the last frame (on the first frame: the latest
// one fired so far, without a bell).
func (m *Model) applyMoney(f *market.Frame, first bool) {
	ms := &m.money
	if ms.hold.Enabled() {
		ms.hold.SetFrame(f)
		m.strip.SetExtra(ms.hold.StripItem())
	}
	prev := ms.last
	ms.last = f.Time
	var fresh []snapshots.Event
	var latest *snapshots.Event
	for i := range f.Events {
		e := &f.Events[i]
		if !alert.IsFiring(*e) || e.Time.After(f.Time) {
			continue
		}
		latest = e
		if !first && !prev.IsZero() && e.Time.After(prev) {
			fresh = append(fresh, *e)
		}
	}
	switch {
	case len(fresh) > 0:
		m.note = announce(fresh[len(fresh)-1], len(fresh)-1)
		ms.ring = ms.ring || !ms.quiet
		ms.news = m.note
	case first && latest != nil:
		m.note = announce(*latest, 0)
	}
}

// announce words a firing for the status line.
func announce(e snapshots.Event, more int) string {
	s := fmt.Sprintf("%s at %s", e.Title, e.Time.In(snapshots.Location()).Format("15:04"))
	if more > 0 {
		s += fmt.Sprintf(" (and %d more)", more)
	}
	return s
}

// bellCmd rings the bell and shows a notification once for the firings
// just announced.
func (m *Model) bellCmd() tea.Cmd {
	ms := &m.money
	bell, notify, news := ms.bell, ms.notify, ms.news
	if !ms.ring {
		bell = nil
	}
	if news == "" {
		notify = nil
	}
	ms.ring, ms.news = false, ""
	if bell == nil && notify == nil {
		return nil
	}
	return func() tea.Msg {
		if bell != nil {
			bell()
		}
		if notify != nil {
			notify(news)
		}
		return nil
	}
}

// layoutMoney takes the portfolio row's line from the bottom of the
// watchlist when the watchlist can spare it.
func (m *Model) layoutMoney(l *layout) {
	h := m.money.hold.Height()
	if h == 0 || l.watch.h-h < m.minPaneHeight() {
		return
	}
	l.watch.h -= h
	l.hold = h
	m.money.hold.SetSize(l.watch.w, h)
}
