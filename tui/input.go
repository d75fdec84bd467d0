// Key input: what each key does in each state, focus, and the help lists.

package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/common"
)

func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.keys
	// ctrl+c always quits.
	if key.Matches(msg, k.Interrupt) {
		m.Close()
		return m, tea.Quit
	}
	if m.paper.pending != nil {
		m, cmd, _ := m.paperKey(msg)
		return m, cmd
	}
	if m.gotoOpen {
		switch {
		case key.Matches(msg, k.GotoCancel):
			m.closeGoto()
		case key.Matches(msg, k.GotoAccept):
			at, err := parseGoto(m.gotoInput.Value(), m.upd.Frame, m.upd.Clock)
			if err != nil {
				m.note = err.Error()
				return m, nil
			}
			m.note = ""
			m.closeGoto()
			return m, m.send(feeds.Command{Op: feeds.OpSeek, At: at})
		default:
			ti, cmd := common.UpdateInput(*m.gotoInput, msg)
			m.gotoInput = &ti
			return m, cmd
		}
		return m, nil
	}
	if m.money.prompt.open {
		return m.handlePositionKey(msg)
	}
	if m.lesson.prompt != promptNone {
		return m.handleLessonPrompt(msg)
	}
	if m.watch.Filtering() {
		return m.updateWatchlist(msg)
	}
	if m.showProv {
		return m.handleProvKey(msg)
	}
	if m.showErrors {
		switch {
		case key.Matches(msg, m.errs.KeyMap.Close):
			m.showErrors = false
			m.syncKeys()
			m.relayout() // the help's height changes with the keys
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Help):
			m.showHelp = !m.showHelp
			m.help = cow(m.help, func(h *help.Model) { h.ShowAll = m.showHelp })
			m.relayout()
		default:
			m.errs, _ = m.errs.Update(msg)
		}
		return m, nil
	}
	if m, cmd, ok := m.tourKey(msg); ok {
		return m, cmd
	}
	if m, cmd, ok := m.paperKey(msg); ok {
		return m, cmd
	}
	if m, cmd, ok := m.lessonKey(msg); ok {
		return m, cmd
	}
	switch {
	case key.Matches(msg, k.Errors):
		m.showErrors = true
		m.syncKeys()
		m.relayout() // with help open, the errors' keys are fewer lines: room for the view again
		return m, nil
	case key.Matches(msg, k.Quit):
		m.Close()
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		m.help = cow(m.help, func(h *help.Model) { h.ShowAll = m.showHelp })
		m.relayout()
		return m, nil
	case key.Matches(msg, k.Close):
		m.showCap = false
		m.relayout()
		return m, nil
	case key.Matches(msg, k.CapBars):
		m.toggleValuePane()
		return m, nil
	case key.Matches(msg, k.Spoilers):
		m.spoilers = !m.spoilers
		m.syncKeys()
		return m, nil
	case key.Matches(msg, k.Sources):
		m.prov.Show(m.upd.Frame, m.watch.Selected())
		m.showProv = true
		m.syncKeys()
		m.relayout()
		return m, nil
	case key.Matches(msg, k.FocusNext):
		m.setFocus(m.nextFocus())
		return m, nil
	case key.Matches(msg, k.Focus1):
		m.setFocus(paneWatchlist)
		return m, nil
	case key.Matches(msg, k.Focus2):
		m.setFocus(paneChart)
		return m, nil
	case key.Matches(msg, k.Focus3):
		m.setFocus(paneTimeline)
		return m, nil
	case key.Matches(msg, k.Position):
		return m.openPositionPrompt()
	case key.Matches(msg, k.Board):
		return m.toggleBoard()
	case key.Matches(msg, k.Goto):
		m.gotoOpen = true
		m.gotoInput = cow(m.gotoInput, func(ti *textinput.Model) {
			ti.SetValue("")
			ti.Focus() // static cursor: no blink Cmd needed
		})
		m.note = ""
		m.syncKeys()
		m.relayout()
		return m, nil
	}
	if m.panes.claims(msg, m.focus) && m.replayable() {
		var cmd tea.Cmd
		m.panes, cmd = m.panes.update(msg, m.focus)
		return m, cmd
	}
	if (key.Matches(msg, k.NextEvent) || key.Matches(msg, k.PrevEvent)) && m.replayable() {
		// step event by event along the timeline (several events may be
		// placed at one instant), not by the clock
		m.note = ""
		var cmd tea.Cmd
		m.panes.timeline, cmd = m.panes.timeline.StepEvent(key.Matches(msg, k.NextEvent))
		return m, cmd
	}
	if c, ok := m.replayCommand(msg); ok {
		m.note = ""
		return m, m.send(c)
	}
	// The chart's c and d act from any pane (no other pane binds them):
	// the chart is what they change, wherever the focus is.
	if ck := m.panes.chart.KeyMap; m.focus != paneChart && m.lay.visible(paneChart) && !m.showCap &&
		(key.Matches(msg, ck.Mode) || key.Matches(msg, ck.Range)) {
		if key.Matches(msg, ck.Mode) {
			m.panes.chart.SetMode((m.panes.chart.Mode() + 1) % 3)
		} else {
			m.panes.chart.SetRange(1 - m.panes.chart.Range())
		}
		return m, nil
	}
	// The focused pane.
	switch m.focus {
	case paneWatchlist:
		return m.updateWatchlist(msg)
	default:
		var cmd tea.Cmd
		m.panes, cmd = m.panes.update(msg, m.focus)
		return m, cmd
	}
}

// handleProvKey: while the provenance view is open, keys scroll it; esc or
// i close it; quit and help work as anywhere.
func (m Model) handleProvKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Quit):
		m.Close()
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		m.help = cow(m.help, func(h *help.Model) { h.ShowAll = m.showHelp })
		m.relayout()
	case key.Matches(msg, m.prov.KeyMap.Close):
		m.showProv = false
		m.syncKeys()
		m.relayout()
	default:
		m.prov, _ = m.prov.Update(msg)
	}
	return m, nil
}

// updateWatchlist hands msg to the watchlist and, when the selection moved,
// points the chart at the new symbol.
func (m Model) updateWatchlist(msg tea.Msg) (Model, tea.Cmd) {
	before := m.watch.Selected()
	var cmd tea.Cmd
	m.watch, cmd = m.watch.Update(msg)
	if m.watch.Selected() != before {
		m.syncSelection()
	}
	return m, cmd
}

// replayCommand maps a replay key to its command.
func (m Model) replayCommand(msg tea.KeyMsg) (feeds.Command, bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Pause):
		return feeds.Command{Op: feeds.OpTogglePause}, true
	case key.Matches(msg, k.Faster):
		return feeds.Command{Op: feeds.OpFaster}, true
	case key.Matches(msg, k.Slower):
		return feeds.Command{Op: feeds.OpSlower}, true
	case key.Matches(msg, k.StepFwd):
		return feeds.Command{Op: feeds.OpStep, N: 1}, true
	case key.Matches(msg, k.StepBack):
		return feeds.Command{Op: feeds.OpStep, N: -1}, true
	case key.Matches(msg, k.Fwd30):
		return feeds.Command{Op: feeds.OpSeekBy, By: 30 * time.Minute}, true
	case key.Matches(msg, k.Back30):
		return feeds.Command{Op: feeds.OpSeekBy, By: -30 * time.Minute}, true
	case key.Matches(msg, k.Open):
		return feeds.Command{Op: feeds.OpOpen}, true
	case key.Matches(msg, k.CloseDay):
		return feeds.Command{Op: feeds.OpClose}, true
	case key.Matches(msg, k.NextDay):
		return dayCommand(m.upd.Frame, true), true
	case key.Matches(msg, k.PrevDay):
		return dayCommand(m.upd.Frame, false), true
	case key.Matches(msg, k.NextEvent):
		return feeds.Command{Op: feeds.OpNextEvent}, true
	case key.Matches(msg, k.PrevEvent):
		return feeds.Command{Op: feeds.OpPrevEvent}, true
	}
	return feeds.Command{}, false
}

func (m *Model) closeGoto() {
	m.gotoOpen = false
	m.gotoInput = cow(m.gotoInput, func(ti *textinput.Model) { ti.Blur() })
	m.syncKeys()
	m.relayout()
}

func (m Model) nextFocus() int {
	for k := 1; k <= numPanes; k++ {
		p := (m.focus + k) % numPanes
		if m.lay.visible(p) {
			return p
		}
	}
	return paneWatchlist
}

// setFocus focuses pane p, as the user asked: it is remembered, so a
// layout that hides p for a while gives the focus back when p returns.
func (m *Model) setFocus(p int) {
	if !m.lay.visible(p) {
		return
	}
	m.wantFocus = p
	m.applyFocus(p)
}

func (m *Model) applyFocus(p int) {
	m.focus = p
	if p == paneWatchlist {
		m.watch.Focus()
	} else {
		m.watch.Blur()
	}
	m.panes.focus(p)
}

// Help implements help.KeyMap for the whole program: the global keys and
// the focused pane's.
func (m Model) ShortHelp() []key.Binding {
	return m.keys.ShortHelp()
}

// FullHelp is the global key groups followed by the focused pane's.
func (m Model) FullHelp() [][]key.Binding {
	groups := m.keys.FullHelp()
	switch {
	case m.paper.pending != nil:
		return [][]key.Binding{{m.keys.PaperYes, m.keys.PaperNo}}
	case m.paper.blot.TicketOpen():
		return m.paper.blot.FullHelp()
	case m.paper.show:
		return append(m.paper.blot.FullHelp(), groups...)
	case m.gotoOpen:
		return [][]key.Binding{{m.keys.GotoAccept, m.keys.GotoCancel}}
	case m.money.prompt.open:
		return m.positionPromptHelp()
	case m.lesson.prompt != promptNone:
		return [][]key.Binding{{m.lesson.keys.Accept, m.lesson.keys.Cancel}}
	case m.showProv:
		return append(m.prov.FullHelp(), []key.Binding{m.keys.Help, m.keys.Quit})
	case m.showErrors:
		return append(m.errs.FullHelp(), []key.Binding{m.keys.Help, m.keys.Quit})
	case m.focus == paneWatchlist:
		groups = append(groups, m.watch.FullHelp()...)
	default:
		groups = append(groups, m.panes.fullHelp(m.focus)...)
	}
	groups = append(m.tourHelp(), groups...) // space and → while a tour runs
	groups = append(groups, m.lessonHelp()...)
	if m.lesson.showQuiz {
		groups = append(m.lesson.quiz.FullHelp(), groups...)
	}
	if !m.gotoOpen && m.focus != paneChart && m.lay.visible(paneChart) && !m.showCap {
		groups = append(groups, m.panes.chart.FullHelp()...) // c and d act from any pane
	}
	return groups
}
