// Package tui is the selloff dashboard: a bubbletea root model that owns
// layout, focus, global keys and routing, and one package per pane
// (watchlist, chart, timeline, capbars, ticker, statusbar). Market data
// arrives as feeds.Updates on a channel the caller subscribed; replay keys
// go to a feeds.Controller inside tea.Cmds. Nothing here does I/O outside a
// Cmd, reads the wall clock outside a Cmd, or keeps package-level state.
package tui

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/blotter"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/errlog"
	"github.com/selloff/selloff/tui/provenance"
	"github.com/selloff/selloff/tui/statusbar"
	"github.com/selloff/selloff/tui/theme"
	"github.com/selloff/selloff/tui/ticker"
	"github.com/selloff/selloff/tui/watchlist"
)

// Deps is what the caller (cmd, the SSH server) gives the dashboard.
type Deps struct {
	Renderer *lipgloss.Renderer  // a session's renderer over SSH; lipgloss.DefaultRenderer() locally
	Updates  <-chan feeds.Update // already subscribed by the caller; closed when the source ends
	Control  feeds.Controller    // nil for live sources
	Now      func() time.Time    // wall clock (freshness), injected
	Width    int                 // initial size (SSH: the PTY window)
	Height   int
	Glyphs   common.Glyphs // braille|block|ascii
	Logger   *log.Logger   // may be nil (discard)
	// Env is the terminal's environment (over SSH: the viewer's, with its
	// TERM), for what the caller writes to the terminal beside the
	// dashboard (an alert's notification); nil: the process's own.
	Env func(string) string
}

// Option changes how the dashboard starts.
type Option func(*Model)

// WithSpoilers shows the text of events a replay has not reached yet
// (--spoilers); by default a replay hides it. The v key toggles it.
func WithSpoilers(on bool) Option {
	return func(m *Model) { m.spoilers = on }
}

// WithStripStep sets how often the market-cap strip scrolls one step
// (0: it never scrolls, as in tests that wait for a still screen).
func WithStripStep(d time.Duration) Option {
	return func(m *Model) { m.strip.SetEvery(d) }
}

// pane ids, in focus order.
const (
	paneWatchlist = iota
	paneChart
	paneTimeline
	numPanes
)

// Model is the root model. It implements tea.Model.
type Model struct {
	c       common.Common
	updates <-chan feeds.Update
	control feeds.Controller
	nowFn   func() time.Time
	logger  *log.Logger

	keys KeyMap
	// help and gotoInput are shared by copies of the model and never
	// changed in place: a change goes to a new copy (cow). The model is
	// copied on every message, and these were half its size.
	help *help.Model

	width, height int
	lay           layout

	// Feed state.
	upd     feeds.Update
	hasData bool
	lastSeq map[string]uint64
	ended   bool
	now     time.Time // last known wall time, from messages only

	// UI state.
	focus     int
	wantFocus int // the pane the user focused last (focus while it is visible)
	showHelp  bool
	showCap   bool
	spoilers  bool // show the text of events not reached yet
	showProv  bool // the provenance view of the selected row is open (i)
	hideSum   bool // `m` hid the value-change bars under the watchlist
	gotoOpen  bool
	gotoInput *textinput.Model
	errText   string
	note      string
	tickTag   int  // generation of the wall-clock tick (live mode)
	tickArmed bool // a tick is in flight

	watch  watchlist.Model
	strip  ticker.Model
	status statusbar.Model
	// errs is the errors view (e); lastErr is the feed error taken last
	// (text and time), so each failure counts once.
	errs       errlog.Model
	showErrors bool
	lastErr    string
	panes      panes // chart, timeline, capbars (or placeholders)
	prov       provenance.Model
	money      moneyState
	paper      paperState
	tour       tourState   // a tour running the dashboard (tour.go)
	boardS     boardState  // the watch party's leaderboard (board.go)
	lesson     lessonState // the watch party's lesson (lesson.go)

	// lastStreamErr is the price stream's failure taken last (its text and
	// retry time: each failed connection sets a new retry)
	lastStreamErr string
}

// New builds the dashboard.
func New(d Deps, opts ...Option) Model {
	return newModel(d, opts...)
}

func newModel(d Deps, opts ...Option) Model {
	r := d.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	g := d.Glyphs
	switch g {
	case common.GlyphsBraille, common.GlyphsBlock, common.GlyphsASCII:
	default:
		g = common.GlyphsBraille
	}
	now := d.Now
	if now == nil {
		now = func() time.Time { return time.Time{} }
	}
	logger := d.Logger
	if logger == nil {
		logger = log.New(io.Discard)
	}
	st := theme.New(r, theme.DefaultPalette())
	c := common.Common{Styles: st, Glyphs: g, Now: now}

	h := help.New()
	h.Styles = help.Styles{
		Ellipsis:       st.HelpSep,
		ShortKey:       st.HelpKey,
		ShortDesc:      st.HelpDesc,
		ShortSeparator: st.HelpSep,
		FullKey:        st.HelpKey,
		FullDesc:       st.HelpDesc,
		FullSeparator:  st.HelpSep,
	}
	if g == common.GlyphsASCII {
		h.Ellipsis = "..."
		h.ShortSeparator = " - "
	}

	ti := textinput.New()
	ti.Prompt = "go to (HH:MM or YYYY-MM-DDTHH:MM): "
	ti.PromptStyle = st.Prompt
	ti.TextStyle = st.Base
	ti.PlaceholderStyle = st.Faint
	ti.Placeholder = "14:50"
	ti.Cursor.Style = st.Accent
	ti.Cursor.TextStyle = st.Base
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink timer
	ti.CharLimit = 40                      // room for RFC 3339 with an offset

	m := Model{
		c:         c,
		updates:   d.Updates,
		control:   d.Control,
		nowFn:     now,
		logger:    logger,
		keys:      DefaultKeyMap(),
		help:      &h,
		width:     max(d.Width, 0),
		height:    max(d.Height, 0),
		lastSeq:   map[string]uint64{},
		gotoInput: &ti,
		watch:     watchlist.New(c),
		strip:     ticker.New(c),
		status:    statusbar.New(c),
		errs:      errlog.New(c),
		panes:     newPanes(c),
		prov:      provenance.New(c),
		paper:     paperState{blot: blotter.New(c)},
		lesson:    newLesson(c),
	}
	for _, o := range opts {
		o(&m)
	}
	m.watch.Focus()
	m.syncKeys()
	m.relayout()
	return m
}

// Close releases what the model holds outside itself. Mouse clicks are
// hit-tested against the layout (the watchlist sits at the top-left
// corner), so there is no zone worker goroutine any more and Close has
// nothing to stop; it stays so callers need not change, and it is
// idempotent.
func (m Model) Close() {}

// Messages.

// updateMsg carries one feed update and the wall time it was received.
type updateMsg struct {
	u  feeds.Update
	at time.Time
}

// feedEndedMsg says the update channel closed.
type feedEndedMsg struct{ at time.Time }

// controlDoneMsg is the result of one replay command.
type controlDoneMsg struct {
	cmd  feeds.Command
	err  error
	at   time.Time
	note string // the status line's note after it succeeded
}

// clockTickMsg is the wall-clock tick of live mode (never armed in replay).
type clockTickMsg struct {
	tag int
	t   time.Time
}

// waitUpdateCmd reads one update from ch; Update re-arms it after each.
func waitUpdateCmd(ch <-chan feeds.Update, now func() time.Time) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		u, ok := <-ch
		if !ok {
			return feedEndedMsg{at: now()}
		}
		return updateMsg{u: u, at: now()}
	}
}

// controlCmd sends one command to the replay controller.
func controlCmd(c feeds.Controller, cmd feeds.Command, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		err := c.Control(cmd)
		return controlDoneMsg{cmd: cmd, err: err, at: now()}
	}
}

func clockTickCmd(tag int) tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockTickMsg{tag: tag, t: t} })
}

// Init starts reading updates.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitUpdateCmd(m.updates, m.nowFn), m.tourInit())
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// Keys typed faster than one read (a held key, a fast typist, an SSH
	// session's buffering) arrive as one message with several runes:
	// "jjj" is three presses, never one unknown key.
	if km, ok := msg.(tea.KeyMsg); ok && km.Type == tea.KeyRunes && len(km.Runes) > 1 && !km.Paste {
		var cmds []tea.Cmd
		var tm tea.Model = m
		for _, r := range km.Runes {
			var cmd tea.Cmd
			tm, cmd = tm.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: km.Alt})
			cmds = append(cmds, cmd)
		}
		return tm, tea.Batch(cmds...)
	}
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 0), max(msg.Height, 0)
		m.relayout()
	case updateMsg:
		cmds = append(cmds, waitUpdateCmd(m.updates, m.nowFn))
		if !msg.at.IsZero() {
			m.now = msg.at
		}
		if m.apply(msg.u) {
			cmds = append(cmds, m.armTick(), m.bellCmd(), m.tourClock())
		}
	case feedEndedMsg:
		m.ended = true
		if !msg.at.IsZero() {
			m.now = msg.at
		}
		m.syncKeys()
	case controlDoneMsg:
		if !msg.at.IsZero() {
			m.now = msg.at
		}
		if msg.err != nil {
			// A refused command (no later event, not the presenter) is an
			// answer to the key just pressed, not a fault of the feed: a
			// note beside the health, not an error against it.
			m.note = strings.TrimPrefix(msg.err.Error(), "replay: ")
			m.logger.Warn("replay command refused", "op", msg.cmd.Op, "err", msg.err)
		} else {
			m.note = msg.note
		}
	case clockTickMsg:
		if msg.tag != m.tickTag {
			break // a tick of an earlier generation
		}
		m.tickArmed = false
		m.now = msg.t
		m.watch.SetNow(m.now)
		cmds = append(cmds, m.armTick())
	case ticker.TickMsg:
		var cmd tea.Cmd
		m.strip, cmd = m.strip.Update(msg)
		cmds = append(cmds, cmd)
	case common.ControlMsg:
		cmds = append(cmds, m.send(msg.Cmd))
	case common.SeekEventMsg:
		cmds = append(cmds, m.seekEvent(msg))
	case blotter.NoteMsg:
		m.note = msg.Text
	case lessonDoneMsg:
		if msg.err != nil {
			m.note = msg.err.Error()
			m.logger.Warn("lesson op refused", "err", msg.err)
		} else if msg.note != "" {
			m.note = msg.note
		}
	case tourMsg:
		cmds = append(cmds, m.tourUpdate(msg))
	case tea.KeyMsg:
		var cmd tea.Cmd
		m, cmd = m.handleKey(msg)
		cmds = append(cmds, cmd)
	case tea.MouseMsg:
		cmds = append(cmds, m.handleMouse(msg))
	default:
		var cmd tea.Cmd
		m.panes, cmd = m.panes.update(msg, m.focus)
		cmds = append(cmds, cmd)
	}
	cmds = append(cmds, m.partyUpdate(), m.lessonUpdate())
	m.refreshStatus()
	cmds = append(cmds, m.strip.Arm()) // the strip scrolls on its own tick, paused or not
	return m, tea.Batch(cmds...)
}

// hideFuture reports whether events not reached yet keep their text
// hidden: in a replay without spoilers. A live feed has no future.
func (m *Model) hideFuture() bool {
	switch {
	case m.spoilers:
		return false
	case !m.hasData:
		return m.control != nil // a replay to come
	}
	return m.upd.Mode == feeds.ModeReplay // a watch-party viewer's too
}

// apply takes a feed update into the model. It reports whether it was
// accepted (stale updates from an earlier Seq of the same source are
// dropped).
// seatChanged reports whether two clocks differ in a watch party's seat:
// who presents, whether this viewer follows or presents, how many watch,
// or in the lesson (a paused party republishes its last frame when the
// presenter moves, captions or asks: without this a follower took none of
// it until the clock moved on).
func seatChanged(a, b *feeds.ClockStatus) bool {
	if a == nil || b == nil {
		return false
	}
	return a.Party != b.Party || a.Presenter != b.Presenter || a.Presenting != b.Presenting ||
		a.Watchers != b.Watchers || a.Follows != b.Follows || !sameBoard(a.Board, b.Board) ||
		lessonChanged(a.Lesson, b.Lesson)
}

// lessonChanged: the party's lesson moved on (a caption, a question, an
// answer, the presenter's view, the counts), which the party tells again
// with the same update while its clock is paused.
func lessonChanged(a, b *feeds.Lesson) bool {
	switch {
	case a == b:
		return false
	case a == nil || b == nil:
		return true
	}
	qa, qb := a.Question, b.Question
	if (qa == nil) != (qb == nil) || (qa != nil && (qa.ID != qb.ID || qa.Locked != qb.Locked || qa.Revealed != qb.Revealed)) {
		return true
	}
	return a.ViewSeq != b.ViewSeq || a.Caption != b.Caption || a.Answered != b.Answered ||
		a.Watching != b.Watching || a.Following != b.Following || a.Follow != b.Follow ||
		a.MyAnswer != b.MyAnswer || (a.Result == nil) != (b.Result == nil)
}

// presenterChanged: who presents, or whether this viewer does, changed.
func presenterChanged(a, b *feeds.ClockStatus) bool {
	return a != nil && b != nil &&
		(a.Presenter != b.Presenter || a.Presenting != b.Presenting || a.Follows != b.Follows)
}

func (m *Model) apply(u feeds.Update) bool {
	if u.Frame == nil {
		return false
	}
	if last, ok := m.lastSeq[u.Source]; ok && u.Seq <= last {
		if u.Seq == last && seatChanged(m.upd.Clock, u.Clock) {
			// A watch party's seat changed (the presenter left, another
			// took over, a viewer came): the same update, told again.
			if presenterChanged(m.upd.Clock, u.Clock) {
				m.note = "" // a refusal from the old seat no longer holds
			}
			m.upd.Clock = u.Clock
		}
		return false
	}
	if presenterChanged(m.upd.Clock, u.Clock) {
		m.note = ""
	}
	m.lastSeq[u.Source] = u.Seq
	if h := u.Health; h.LastErr != "" {
		at := h.ErrAt
		if at.IsZero() {
			at = m.now
		}
		if k := h.LastErr + "\x00" + at.String(); k != m.lastErr {
			m.lastErr = k
			m.errs.Add(h.LastErr, at)
		}
	}
	if st := u.Health.Stream; st.LastErr != "" && !st.RetryAt.IsZero() {
		// the stream's own failures (refused, dropped) reach the errors
		// view too: the status bar only says "stream down". Taken while
		// down (the error stays set while it connects again)
		if k := st.LastErr + "\x00" + st.RetryAt.String(); k != m.lastStreamErr {
			m.lastStreamErr = k
			text := st.LastErr
			if !strings.HasPrefix(text, "stream") {
				text = "stream: " + text
			}
			m.errs.Add(text, m.now)
		}
	}
	if !m.hasData && u.Frame.Time.IsZero() && len(u.Frame.Quotes) == 0 {
		// no data yet, only why (a node whose relay is not there): the
		// waiting screen says so, and nothing is drawn as a frame
		m.errText = u.Health.LastErr
		return false
	}
	m.errText = ""
	first := !m.hasData
	m.upd = u
	m.hasData = true
	live := u.Mode == feeds.ModeLive || u.Mode == feeds.ModeRecording
	m.watch.SetLive(live)
	m.watch.SetStaleAfter(u.Health.StaleAfter)
	m.watch.SetNow(m.now)
	before := m.watch.Selected()
	natural := m.watch.NaturalHeight()
	m.watch.SetFrame(u.Frame)
	m.strip.SetFrame(u.Frame)
	m.panes.setFrame(u.Frame)
	m.applyMoney(u.Frame, first)
	m.applyPaper(u)
	if m.showProv {
		m.prov.SetFrame(u.Frame)
	}
	if first || m.watch.Selected() != before {
		m.syncSelection()
	}
	m.syncKeys()
	if first || m.watch.NaturalHeight() != natural {
		m.relayout()
	}
	return true
}

// armTick arms the one-second wall-clock tick when the source is live and
// none is in flight. A replay never arms it: a paused replay does no
// periodic work at all.
func (m *Model) armTick() tea.Cmd {
	if m.tickArmed || m.ended || !m.hasData {
		return nil
	}
	if m.upd.Mode != feeds.ModeLive && m.upd.Mode != feeds.ModeRecording {
		return nil
	}
	m.tickArmed = true
	m.tickTag++
	return clockTickCmd(m.tickTag)
}

func (m *Model) syncSelection() {
	sym := m.watch.Selected()
	_, group := m.watch.SelectedGroup()
	m.panes.setSymbol(sym, group)
}

// replayable reports whether replay keys apply.
func (m Model) replayable() bool {
	if m.control == nil || m.ended {
		return false
	}
	if m.hasData && m.upd.Mode != feeds.ModeReplay && m.upd.Mode != "" {
		return false
	}
	return true
}

// syncKeys enables and disables keys after a state change, so help shows
// only what works now.
func (m *Model) syncKeys() {
	on := m.replayable() && !m.gotoOpen
	for _, b := range m.keys.replay() {
		b.SetEnabled(on)
	}
	if m.tour.running() { // space and → are the tour's (tour.go)
		m.keys.Pause.SetEnabled(false)
		m.keys.StepFwd.SetEnabled(false)
	}
	m.keys.GotoAccept.SetEnabled(m.gotoOpen)
	m.keys.GotoCancel.SetEnabled(m.gotoOpen)
	m.keys.Close.SetEnabled(m.showCap && !m.gotoOpen)
	m.keys.Focus2.SetEnabled(m.lay.visible(paneChart))
	m.keys.Focus3.SetEnabled(m.lay.visible(paneTimeline))
	m.keys.FocusNext.SetEnabled(m.lay.visible(paneChart) || m.lay.visible(paneTimeline))
	hide := m.hideFuture()
	m.keys.Spoilers.SetEnabled(hide || m.spoilers)
	if m.spoilers {
		m.keys.Spoilers.SetHelp("v", "hide future events")
	} else {
		m.keys.Spoilers.SetHelp("v", "show future events (spoilers)")
	}
	m.panes.timeline.SetReplay(on, hide)
	m.prov.SetHideFuture(hide)
	m.panes.chart.SetHideFuture(hide)
	m.keys.Sources.SetEnabled(m.hasData && !m.gotoOpen)
	if m.showProv {
		m.keys.Sources.SetHelp("i", "close sources")
	} else {
		m.keys.Sources.SetHelp("i", "sources of the row's figures")
	}
}

func (m *Model) send(c feeds.Command) tea.Cmd {
	if m.control == nil {
		m.note = "live data cannot be paused or moved"
		return nil
	}
	if m.holdSeek(c) {
		return nil // asked first: no trading with hindsight
	}
	return controlCmd(m.control, c, m.nowFn)
}

// refreshStatus feeds the status bar from the model.
func (m *Model) refreshStatus() {
	hint := "? help"
	if m.showHelp {
		hint = "? close help"
	}
	s := statusbar.State{
		HasData: m.hasData,
		Mode:    m.upd.Mode,
		Frame:   m.upd.Frame,
		Clock:   m.upd.Clock,
		Health:  m.upd.Health,
		Now:     m.now,
		Ended:   m.ended,
		Err:     m.errText,
		Note:    m.note,
		Help:    hint,
	}
	m.status.Set(s)
}

// cow returns a changed copy of *p, leaving *p (which older copies of the
// model still hold) as it was.
func cow[T any](p *T, f func(*T)) *T {
	v := *p
	f(&v)
	return &v
}

// tooSmall is the message shown below the smallest layout.
func tooSmall(needW, needH int) string {
	return "terminal too small (need " + strconv.Itoa(needW) + "x" + strconv.Itoa(needH) + ")"
}
