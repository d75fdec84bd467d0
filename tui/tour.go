package tui

// Tours: a storyboard (snapshots/tour) run unattended. The root model
// applies each step through the paths keys use (the watchlist's Select, the
// focus, the chart's mode and range) and sends seeks, speeds and pauses to
// the replay Controller, in order, from one command; a question's ask,
// lock, reveal and close go, in that order too, to the controller's
// feeds.LessonControl (the lesson's panes show them).

import (
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/snapshots/tour"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// WithTour runs t (resolved against the replay's snapshot) from the start.
// after is the wall clock's timer for holds (time.After; a fake clock's
// After in tests).
func WithTour(t *tour.Tour, after func(time.Duration) <-chan time.Time) Option {
	return func(m *Model) {
		if t == nil || after == nil {
			return
		}
		m.tour = tourState{
			on:    true,
			title: t.Title,
			r:     tour.NewRunner(t),
			after: after,
			seq:   &tourSeq{},
			keys: tourKeys{
				Pause: key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume the tour")),
				Skip:  key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "skip a step")),
			},
		}
	}
}

type tourKeys struct{ Pause, Skip key.Binding }

// tourState is the tour the dashboard runs (on false: none).
type tourState struct {
	on      bool
	title   string
	r       tour.Runner
	caption string
	after   func(time.Duration) <-chan time.Time
	keys    tourKeys
	seq     *tourSeq // orders the tour's controller commands
	// clockPaused is whether the replay clock was paused when space
	// paused the tour (resuming the tour resumes the clock only if not).
	clockPaused bool
}

// running reports whether the tour's keys apply (a tour not yet done).
func (t tourState) running() bool { return t.on && !t.r.Done() }

type tourMsgKind int

const (
	tourApply   tourMsgKind = iota // apply the current step
	tourApplied                    // its controller commands are done
	tourHeld                       // its hold ended
)

// tourMsg drives the tour; gen is the runner's generation when it was
// sent (an older one is ignored).
type tourMsg struct {
	kind tourMsgKind
	gen  int
	err  error
}

// tourInit starts the tour with the program.
func (m Model) tourInit() tea.Cmd {
	if !m.tour.running() {
		return nil
	}
	gen := m.tour.r.Gen()
	return func() tea.Msg { return tourMsg{kind: tourApply, gen: gen} }
}

// tourUpdate handles the tour's own messages.
func (m *Model) tourUpdate(msg tourMsg) tea.Cmd {
	t := &m.tour
	if !t.running() || t.r.Paused() || msg.gen != t.r.Gen() {
		return nil
	}
	switch msg.kind {
	case tourApply:
		if t.r.Phase() == tour.PhaseApply {
			return m.tourApply(nil)
		}
	case tourApplied:
		if msg.err != nil {
			m.note = "tour: " + msg.err.Error()
			m.logger.Warn("tour step refused", "err", msg.err)
		}
		if t.r.Phase() != tour.PhaseApply {
			return nil
		}
		t.r.Applied()
		if t.r.Phase() == tour.PhaseHold {
			return m.tourHold()
		}
	case tourHeld:
		if t.r.HoldDone(msg.gen) {
			return m.tourApply(nil)
		}
	}
	return nil
}

// tourApply applies the current step after the commands in pre (those of a
// step skipped while it played): its settings at once, its clock commands
// in one ordered command. At the end it leaves the dashboard to the user.
func (m *Model) tourApply(pre []feeds.Command) tea.Cmd {
	t := &m.tour
	s, ok := t.r.Step()
	if !ok {
		m.note = "tour ended: the keys are yours"
		m.syncKeys()
		if len(pre) > 0 && m.control != nil {
			return m.tourControlCmd(pre, -1)
		}
		return nil
	}
	m.tourSettings(s)
	// the question's ops go after the seek (an ask locks by the clock
	// there) and before the clock runs
	before, run := party.StepCommands(s)
	cs := append(append([]feeds.Command(nil), pre...), before...)
	ops := party.QuestionOps(s)
	m.relayout() // the caption line may come or go
	gen := t.r.Gen()
	if len(cs)+len(ops)+len(run) == 0 || m.control == nil {
		return func() tea.Msg { return tourMsg{kind: tourApplied, gen: gen} }
	}
	return m.tourSendCmd(tourSend{before: cs, ops: ops, after: run}, gen)
}

// tourSettings applies a step's caption, selection, focus, chart mode
// and range, through the paths keys use.
func (m *Model) tourSettings(s tour.Step) {
	if s.Caption != nil {
		m.tour.caption = *s.Caption
	}
	if s.Select != "" {
		m.watch.Select(s.Select)
		m.syncSelection()
	}
	if s.Focus != "" {
		m.setFocus(map[string]int{"watchlist": paneWatchlist, "chart": paneChart, "timeline": paneTimeline}[s.Focus])
	}
	if s.Chart != "" {
		m.panes.chart.SetMode(map[string]chart.Mode{"line": chart.ModeLine, "candles": chart.ModeCandles, "compare": chart.ModeCompare}[s.Chart])
	}
	if s.Range != "" {
		m.panes.chart.SetRange(map[string]chart.Range{"day": chart.RangeDay, "week": chart.RangeWeek}[s.Range])
	}
}

// RenderTour is RenderWith for a moment of a tour: the dashboard as step
// (1-based, within the tour) of t leaves it, with the selections, panes,
// chart and caption of the steps up to it and the tour line at that step.
// u is the frame at that step's clock (the caller finds it: FrameTime).
func RenderTour(u feeds.Update, t *tour.Tour, step, width, height int, r *lipgloss.Renderer, g common.Glyphs, opts ...Option) string {
	never := func(time.Duration) <-chan time.Time { return nil } // nothing waits: one frame
	m := newModel(Deps{Renderer: r, Width: width, Height: height, Glyphs: g}, append(opts, WithTour(t, never))...)
	m.apply(u)
	for i := 0; i < step && m.tour.running(); i++ {
		if i > 0 {
			m.tour.r.Skip()
		}
		if s, ok := m.tour.r.Step(); ok {
			m.tourSettings(s)
		}
	}
	m.refreshStatus()
	m.relayout()
	return m.View()
}

// tourSeq runs the tour's controller commands in the order Update made
// them: each command takes a ticket there (Update runs on one goroutine)
// and waits for its turn, so a skip's seek never overtakes the step
// before it. A ticket is always served: a command waits only for
// commands made before it.
type tourSeq struct {
	mu     sync.Mutex
	cond   *sync.Cond
	issued int
	served int
}

func (q *tourSeq) take() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.issued++
	return q.issued - 1
}

func (q *tourSeq) run(ticket int, f func()) {
	q.mu.Lock()
	if q.cond == nil {
		q.cond = sync.NewCond(&q.mu)
	}
	for q.served != ticket {
		q.cond.Wait()
	}
	q.mu.Unlock()
	f()
	q.mu.Lock()
	q.served++
	q.cond.Broadcast()
	q.mu.Unlock()
}

// tourControlCmd sends cs to the controller in order, after every tour
// command made before it, and reports the first refusal.
func (m Model) tourControlCmd(cs []feeds.Command, gen int) tea.Cmd {
	return m.tourSendCmd(tourSend{before: cs}, gen)
}

// tourSend is what one step sends: clock commands, then lesson ops (a
// question's ask, lock, reveal, close), then clock commands.
type tourSend struct {
	before []feeds.Command
	ops    []feeds.LessonOp
	after  []feeds.Command
}

// errNoLesson: a tour's question needs a controller that carries lesson
// ops (a party's; the terminal's tour is a party of one).
var errNoLesson = errors.New("this dashboard cannot ask the tour's question")

// tourSendCmd sends x to the controller in order, after every tour
// command made before it, and reports the first refusal. Lesson ops go
// through the controller's feeds.LessonControl.
func (m Model) tourSendCmd(x tourSend, gen int) tea.Cmd {
	c, q := m.control, m.tour.seq
	lc, _ := c.(feeds.LessonControl)
	ticket := q.take()
	return func() tea.Msg {
		var first error
		note := func(err error) {
			if err != nil && first == nil {
				first = err
			}
		}
		q.run(ticket, func() {
			for _, cmd := range x.before {
				note(c.Control(cmd))
			}
			for _, op := range x.ops {
				if lc == nil {
					note(errNoLesson)
					break
				}
				note(lc.Lesson(op))
			}
			for _, cmd := range x.after {
				note(c.Control(cmd))
			}
		})
		return tourMsg{kind: tourApplied, gen: gen, err: first}
	}
}

// tourHold waits the current step's hold on the injected timer.
func (m *Model) tourHold() tea.Cmd {
	s, _ := m.tour.r.Step()
	gen, after, d := m.tour.r.Gen(), m.tour.after, s.Hold
	return func() tea.Msg {
		if d > 0 {
			<-after(d)
		}
		return tourMsg{kind: tourHeld, gen: gen}
	}
}

// tourClock tells the tour the replay's time after an update: a step that
// plays reaches its play_to (or the data's end) and the clock stops there.
func (m *Model) tourClock() tea.Cmd {
	t := &m.tour
	if !t.running() || t.r.Phase() != tour.PhasePlay || !m.hasData || m.upd.Frame == nil {
		return nil
	}
	s, _ := t.r.Step()
	now := m.upd.Frame.Time
	if m.upd.Clock != nil && m.upd.Clock.AtEnd {
		now = s.PlayToTime // the data ends before play_to: stop where it ends
	}
	if !t.r.Clock(now) {
		return nil
	}
	var stop tea.Cmd
	if m.control != nil {
		stop = m.tourControlCmd(party.StopAt(s.PlayToTime), -1)
	}
	return tea.Batch(stop, m.tourHold())
}

// tourKey handles space and → while a tour runs (ok false: not a tour key).
func (m Model) tourKey(msg tea.KeyMsg) (Model, tea.Cmd, bool) {
	t := &m.tour
	if !t.running() {
		return m, nil, false
	}
	switch {
	case key.Matches(msg, m.keys.Ticket) && !m.paper.blot.TicketOpen():
		// A tour seeks back and forth: a paper fill would be traded with
		// hindsight, so there is no ticket until the tour ends.
		m.note = "no paper orders while a tour runs (it seeks back and forth)"
		return m, nil, true
	case key.Matches(msg, t.keys.Pause):
		if !t.r.Paused() {
			t.clockPaused = m.upd.Clock != nil && m.upd.Clock.Paused
			t.r.SetPaused(true)
			m.note = ""
			return m, m.tourControl(feeds.Command{Op: feeds.OpPause}), true
		}
		t.r.SetPaused(false)
		var cmds []tea.Cmd
		if t.r.Phase() == tour.PhasePlay || !t.clockPaused {
			cmds = append(cmds, m.tourControl(feeds.Command{Op: feeds.OpResume}))
		}
		switch t.r.Phase() {
		case tour.PhaseApply:
			cmds = append(cmds, m.tourApply(nil))
		case tour.PhaseHold:
			cmds = append(cmds, m.tourHold())
		}
		return m, tea.Batch(cmds...), true
	case key.Matches(msg, t.keys.Skip):
		var pre []feeds.Command
		if s, ok := t.r.Step(); ok && !s.PlayToTime.IsZero() && t.r.Phase() != tour.PhaseHold {
			// skipping a step that plays lands where it would have
			pre = party.StopAt(s.PlayToTime)
		}
		t.r.Skip()
		return m, m.tourApply(pre), true
	}
	return m, nil, false
}

func (m Model) tourControl(c feeds.Command) tea.Cmd {
	if m.control == nil {
		return nil
	}
	return m.tourControlCmd([]feeds.Command{c}, -1)
}

// tourHelp is the tour's key group while it runs (nil otherwise).
func (m Model) tourHelp() [][]key.Binding {
	if !m.tour.running() {
		return nil
	}
	return [][]key.Binding{{m.tour.keys.Pause, m.tour.keys.Skip}}
}

// tourLine is the caption line above the strip ("" with no tour): where the
// tour is, and the caption, cut with an ellipsis to width w.
func (m Model) tourLine(w int) string {
	t := m.tour
	if !t.on || w <= 0 {
		return ""
	}
	st := m.c.Styles
	ascii := m.c.Glyphs == common.GlyphsASCII
	var head string
	switch {
	case t.r.Done():
		head = "tour ended"
	case t.r.Paused():
		head = "tour paused (space resumes)"
		if ascii {
			head = "|| " + head
		} else {
			head = "⏸ " + head
		}
	default:
		head = "tour " + strconv.Itoa(t.r.Index()+1) + "/" + strconv.Itoa(t.r.Len())
		if ascii {
			head = "> " + head
		} else {
			head = "▶ " + head
		}
	}
	line := st.Accent.Render(head)
	if t.caption != "" {
		line += st.Faint.Render(" │ ") + st.Base.Render(t.caption)
		if ascii {
			line = st.Accent.Render(head) + st.Faint.Render(" | ") + st.Base.Render(t.caption)
		}
	}
	if hint := st.Faint.Render(tourHint(ascii)); !t.r.Done() && !t.r.Paused() && theme.Width(line)+theme.Width(hint) <= w {
		line += hint // the keys, for a first-time viewer, only when they fit whole
	}
	if theme.Width(line) > w {
		tail := "…"
		if ascii {
			tail = "..."
		}
		line = ansi.Truncate(line, w, tail)
	}
	return line
}

func tourHint(ascii bool) string {
	if ascii {
		return "  (space pauses, -> skips)"
	}
	return "  (space pauses, → skips)"
}
