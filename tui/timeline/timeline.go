// Package timeline is the events pane: the snapshot's timeline in the order
// of snapshots.Placement, numbered as on the chart, the current event (the
// last one placed at or before the frame's time) highlighted as the replay
// clock passes it, a detail view with outlet and link, `enter` to replay
// from the selected event and `[` / `]` to jump the replay. In a replay an
// event not reached yet shows its time and kind only, never its text,
// unless spoilers are on.
package timeline

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// Model is the timeline pane. Use New.
type Model struct {
	KeyMap KeyMap

	c       common.Common
	w, h    int
	frame   *market.Frame
	events  []snapshots.Event
	current int  // last event at or before the frame's time (-1: none)
	sel     int  // selected event (-1: none)
	follow  bool // the selection follows the current event
	offset  int  // first list row shown
	detail  bool
	scroll  int // first line of the detail shown
	focused bool

	// seek: enter replays from the selected event (a replay that can be
	// moved). hide: the text of events not reached yet is hidden (a replay
	// without spoilers); a live feed has no future to hide.
	seek, hide bool
	placed     []time.Time // snapshots.Placement of each event
	placedKey  placedKey

	view   string
	lineEv []int    // the event drawn on each line of the list (-1: none); nil in the detail
	memo   listMemo // the list as last rendered, and what it was rendered from
}

// listMemo keeps the rendered list with the inputs it depends on, so a
// frame that moves no event across the frame's time (most frames) draws
// nothing again. future[i] is whether event i was after the frame's time.
type listMemo struct {
	ok     bool
	key    listKey
	future []bool
	view   string
	lineEv []int
	offset int // the offset the render left
}

type listKey struct {
	w, h, n                      int
	events                       *snapshots.Event
	current, sel, offset, scroll int
	focused, hasFrame, hide      bool
}

// placedKey is what the placements were computed from.
type placedKey struct {
	events   *snapshots.Event
	n        int
	sessions *snapshots.Session
	ns       int
}

// New returns an empty timeline.
func New(c common.Common) Model {
	m := Model{KeyMap: DefaultKeyMap(), c: c, current: -1, sel: -1, follow: true}
	m.render()
	return m
}

// Init returns no command.
func (m Model) Init() tea.Cmd { return nil }

// SetSize sets the pane's size; View returns exactly h lines of w cells.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(0, w), max(0, h)
	m.render()
}

// SetFrame sets the frame whose events and time the pane shows.
func (m *Model) SetFrame(f *market.Frame) {
	m.frame = f
	m.events = nil
	if f != nil {
		m.events = f.Events
	}
	m.place()
	m.current = -1
	if f != nil {
		m.current = market.CurrentEvent(f)
	}
	before := m.sel
	defer func() {
		if m.sel != before {
			m.scroll = 0 // another event's detail starts at its top
		}
	}()
	if m.follow && m.sel >= 0 && m.sel <= m.current && m.current < len(m.placed) &&
		m.placed[m.sel].Equal(m.placed[m.current]) {
		// stepped onto one of several events placed at the same instant
		// (`]` from 20 to 21 when 21 and 22 are both at 16:00): the
		// selection stays there while the clock does not move
	} else if m.follow || m.sel >= len(m.events) {
		m.sel = m.current
		if m.sel < 0 && len(m.events) > 0 && !m.follow {
			m.sel = 0
		}
	}
	m.render()
}

// place computes each event's placement when the events or the sessions
// changed (the same slices come with every frame of a replay).
func (m *Model) place() {
	var k placedKey
	if len(m.events) > 0 {
		k.events, k.n = &m.events[0], len(m.events)
	}
	var sess []snapshots.Session
	if m.frame != nil {
		sess = m.frame.Sessions
	}
	if len(sess) > 0 {
		k.sessions, k.ns = &sess[0], len(sess)
	}
	if k == m.placedKey && len(m.placed) == len(m.events) {
		return
	}
	m.placedKey = k
	m.placed = make([]time.Time, len(m.events))
	for i, e := range m.events {
		m.placed[i] = snapshots.Placement(e, sess)
	}
}

// SetReplay says what the pane is showing: seek, a replay that enter can
// move to the selected event; hide, a replay whose events not reached yet
// keep their text hidden (no spoilers). A live feed sets neither.
func (m *Model) SetReplay(seek, hide bool) {
	if m.seek == seek && m.hide == hide {
		return
	}
	m.seek, m.hide = seek, hide
	m.KeyMap.setDetail(m.detail, m.seek)
	m.render()
}

// Hidden reports whether event i's text is hidden: a replay without
// spoilers that has not reached the event's placement.
func (m Model) Hidden(i int) bool { return m.hide && m.isFuture(i) }

// Current returns the index in Frame.Events of the current event (-1: none).
func (m Model) Current() int { return m.current }

// Selected returns the index in Frame.Events of the selected event (-1: none).
func (m Model) Selected() int { return m.sel }

// Detail reports whether the detail view is open.
func (m Model) Detail() bool { return m.detail }

// DetailID is the ID of the event whose detail is open ("" none, or an
// event with no ID).
func (m Model) DetailID() string {
	if !m.detail || m.sel < 0 || m.sel >= len(m.events) {
		return ""
	}
	return m.events[m.sel].ID
}

// OpenDetail selects the event with ID id and opens its detail, without
// moving the replay (a watch party's follower: the clock is shared
// already). It reports whether there is such an event.
func (m *Model) OpenDetail(id string) bool {
	if id == "" {
		return false
	}
	for i, e := range m.events {
		if e.ID == id {
			if m.sel != i || !m.detail {
				m.scroll = 0
			}
			m.sel, m.detail, m.follow = i, true, false
			m.KeyMap.setDetail(m.detail, m.seek)
			m.render()
			return true
		}
	}
	return false
}

// CloseDetail closes the detail view (the list shows again).
func (m *Model) CloseDetail() {
	if !m.detail {
		return
	}
	m.detail = false
	m.KeyMap.setDetail(m.detail, m.seek)
	m.render()
}

// Focus lets the pane take keys.
func (m *Model) Focus() { m.focused = true; m.render() }

// Blur stops the pane taking keys.
func (m *Model) Blur() { m.focused = false; m.render() }

// Focused reports whether the pane takes keys.
func (m Model) Focused() bool { return m.focused }

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

func control(op feeds.Op) tea.Cmd {
	return func() tea.Msg { return common.ControlMsg{Cmd: feeds.Command{Op: op}} }
}

// Update handles the pane's keys while focused, and mouse events in pane
// coordinates (0,0 is the view's top-left cell). `[` and `]` return a Cmd
// producing a common.ControlMsg for the replay.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok {
		return m.handleMouse(mm), nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	var cmd tea.Cmd
	switch {
	case m.detail && key.Matches(km, m.KeyMap.Up):
		// scroll a long detail first, then go to the previous event
		if m.scroll > 0 {
			m.scroll--
		} else if m.sel > 0 {
			m.sel--
			m.follow = m.sel == m.current
		}
	case m.detail && key.Matches(km, m.KeyMap.Down):
		if m.scroll < m.maxScroll() {
			m.scroll++
		} else if m.sel < len(m.events)-1 {
			m.sel++
			m.scroll = 0
			m.follow = m.sel == m.current
		}
	case m.detail && key.Matches(km, m.KeyMap.PageUp):
		m.scroll = max(0, m.scroll-max(1, m.detailRows()-1))
	case m.detail && key.Matches(km, m.KeyMap.PageDown):
		m.scroll = min(m.maxScroll(), m.scroll+max(1, m.detailRows()-1))
	case key.Matches(km, m.KeyMap.Up):
		if m.sel > 0 {
			m.sel--
		} else if m.sel < 0 && len(m.events) > 0 {
			m.sel = 0
		}
		m.follow = m.sel == m.current
	case key.Matches(km, m.KeyMap.Down):
		if m.sel < len(m.events)-1 {
			m.sel++
		}
		m.follow = m.sel == m.current
	case key.Matches(km, m.KeyMap.PageUp), key.Matches(km, m.KeyMap.PageDown):
		if len(m.events) == 0 {
			return m, nil
		}
		n := max(1, m.h-2)
		if key.Matches(km, m.KeyMap.PageUp) {
			n = -n
		}
		m.sel = common.Clamp(max(m.sel, 0)+n, 0, len(m.events)-1)
		m.follow = m.sel == m.current
	case key.Matches(km, m.KeyMap.Detail):
		m.detail = !m.detail && m.sel >= 0
		m.scroll = 0
		if m.detail && m.seek {
			// read about it, then watch it happen: the replay goes to the
			// event's placement; the selection stays on it
			m.follow = false
			sel := m.sel
			e, at := m.events[sel], m.placed[sel]
			cmd = func() tea.Msg { return common.SeekEventMsg{At: at, When: When(e)} }
		}
	case key.Matches(km, m.KeyMap.Back):
		m.detail = false
	case key.Matches(km, m.KeyMap.Prev):
		cmd = m.step(false)
	case key.Matches(km, m.KeyMap.Next):
		cmd = m.step(true)
	default:
		return m, nil
	}
	m.KeyMap.setDetail(m.detail, m.seek)
	m.render()
	return m, cmd
}

// StepEvent is `]` (next) or `[` (!next) wherever the focus is: the
// selection moves one event along the timeline's order and the replay goes
// to that event's placement. Several events placed at the same instant are
// stepped one by one: the selection moves while the clock stays. An event
// the user selected (j/k, a click) that lies that way from the clock is
// itself the target: `]` on a later event, `[` on an earlier one. With no
// event that way the replay is asked for one (and says there is none).
func (m Model) StepEvent(next bool) (Model, tea.Cmd) {
	cmd := m.step(next)
	m.KeyMap.setDetail(m.detail, m.seek)
	m.render()
	return m, cmd
}

func (m *Model) step(next bool) tea.Cmd {
	op := feeds.OpPrevEvent
	if next {
		op = feeds.OpNextEvent
	}
	if m.frame == nil || len(m.events) == 0 || len(m.placed) != len(m.events) {
		m.follow = true
		return control(op)
	}
	now := m.frame.Time
	target := m.sel
	switch {
	case m.follow || m.sel < 0:
		target = m.sel + map[bool]int{true: 1, false: -1}[next]
	case next && !m.placed[m.sel].After(now):
		target = m.sel + 1
	case !next && !m.placed[m.sel].Before(now):
		target = m.sel - 1
	}
	if target < 0 || target >= len(m.events) {
		m.follow = true
		return control(op) // the replay says there is no event that way
	}
	if target != m.sel {
		m.scroll = 0
	}
	m.sel, m.follow = target, true
	at := m.placed[target]
	if at.Equal(now) {
		return nil // the clock is there already: only the selection moves
	}
	e := m.events[target]
	return func() tea.Msg { return common.SeekEventMsg{At: at, When: When(e)} }
}

// handleMouse: the wheel moves the selection (or scrolls a detail), a
// click selects the event under it, and a click on the selected event opens
// its detail (once the pane has focus: the root focuses the pane a click
// lands in).
func (m Model) handleMouse(msg tea.MouseMsg) Model {
	if msg.X < 0 || msg.Y < 0 || msg.X >= m.w || msg.Y >= m.h || len(m.events) == 0 {
		return m
	}
	wheel := msg.Action == tea.MouseActionPress &&
		(msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown)
	switch {
	case wheel && m.detail:
		if msg.Button == tea.MouseButtonWheelUp {
			m.scroll = max(0, m.scroll-1)
		} else {
			m.scroll = min(m.maxScroll(), m.scroll+1)
		}
	case wheel:
		if msg.Button == tea.MouseButtonWheelUp {
			m.sel = max(0, m.sel-1)
		} else {
			m.sel = min(len(m.events)-1, m.sel+1)
		}
		m.follow = m.sel == m.current
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease && !m.detail:
		i := m.EventAt(msg.Y)
		if i < 0 {
			return m
		}
		if i == m.sel && m.focused {
			m.detail, m.scroll = true, 0
		}
		m.sel = i
		m.follow = m.sel == m.current
	default:
		return m
	}
	m.KeyMap.setDetail(m.detail, m.seek)
	m.render()
	return m
}

// View returns the pane, rendered when its inputs last changed.
func (m Model) View() string { return m.view }

// When formats an event's time in exchange time: "Mon 27 Jan 09:30", or
// the precision word for approximate times ("Mon 27 Jan afternoon", "Sun
// 26 Jan (date)"), never a made-up clock time.
func When(e snapshots.Event) string {
	t := e.Time.In(snapshots.Location())
	return t.Format("Mon 2 Jan") + " " + TimeOf(e) // the month too: an event may lie months from the data
}

// TimeOf is When without the day: "09:30", "afternoon", "(date)".
func TimeOf(e snapshots.Event) string {
	switch e.Precision {
	case snapshots.PrecisionExact:
		return e.Time.In(snapshots.Location()).Format("15:04")
	case snapshots.PrecisionDate:
		return "(date)"
	}
	return e.Precision
}

type row struct {
	header string // a date header when ev < 0
	ev     int
}

// day is the date header of event i.
func (m *Model) day(i int) string {
	return m.events[i].Time.In(snapshots.Location()).Format("Mon 2 Jan 2006")
}

func (m *Model) rows() []row {
	var rs []row
	last := ""
	for i := range m.events {
		d := m.day(i)
		if d != last {
			rs = append(rs, row{header: d, ev: -1})
			last = d
		}
		rs = append(rs, row{ev: i})
	}
	return rs
}

func (m *Model) styles() (base, faint, cur, sel, header, title, muted lipgloss.Style) {
	s := m.c.Styles
	return s.Base, s.Faint, s.EventMarker, s.Selected, s.Header, s.Title, s.Muted
}

func (m *Model) txt(s string) string { return common.Text(s, m.c.Glyphs) }

func (m *Model) render() {
	if m.w <= 0 || m.h <= 0 || m.c.Styles == nil {
		m.view = ""
		return
	}
	var lines []string
	list := !(m.detail && m.sel >= 0 && m.sel < len(m.events))
	var key listKey
	if list {
		var first *snapshots.Event
		if len(m.events) > 0 {
			first = &m.events[0] // the same events (they are never changed in place)
		}
		key = listKey{w: m.w, h: m.h, n: len(m.events), events: first,
			current: m.current, sel: m.sel, offset: m.offset, scroll: m.scroll,
			focused: m.focused, hasFrame: m.frame != nil, hide: m.hide}
		if m.memo.ok && m.memo.key == key && m.sameFuture(m.memo.future) {
			m.view, m.offset, m.lineEv = m.memo.view, m.memo.offset, m.memo.lineEv
			return
		}
	}
	m.lineEv = nil
	if list {
		lines = m.listLines()
	} else {
		lines = m.detailLines()
	}
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	lines = lines[:m.h]
	for i, l := range lines {
		lines[i] = fit(l, m.w)
	}
	m.view = strings.Join(lines, "\n")
	m.memo = listMemo{}
	if list {
		future := make([]bool, len(m.events))
		for i := range future {
			future[i] = m.isFuture(i)
		}
		m.memo = listMemo{ok: true, key: key, future: future, view: m.view, lineEv: m.lineEv, offset: m.offset}
	}
}

// isFuture reports whether event i is placed after the frame's time (drawn
// faint).
func (m *Model) isFuture(i int) bool {
	return m.frame != nil && i < len(m.placed) && m.placed[i].After(m.frame.Time)
}

// Kind is what a hidden event may show besides its time: the outlet that
// reported it, "price report" for an event that quotes prices, or "event".
func Kind(e snapshots.Event) string {
	switch {
	case e.Outlet != "":
		return e.Outlet
	case len(e.Quotes) > 0:
		return "price report"
	}
	return "event"
}

// sameFuture reports whether every event is on the same side of the
// frame's time as in future.
func (m *Model) sameFuture(future []bool) bool {
	if len(future) != len(m.events) {
		return false
	}
	for i, f := range future {
		if m.isFuture(i) != f {
			return false
		}
	}
	return true
}

// fit truncates or pads a styled line to exactly w cells.
func fit(s string, w int) string {
	n := theme.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "")
		n = theme.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, w-n))
}

func (m *Model) listLines() []string {
	_, faint, curSt, selSt, header, title, muted := m.styles()
	s := m.c.Styles
	head := title.Render("Timeline")
	if m.current >= 0 {
		right := "event " + strconv.Itoa(m.current+1) + " of " + strconv.Itoa(len(m.events))
		gap := m.w - 8 - len(right)
		if gap >= 2 {
			head += strings.Repeat(" ", gap) + muted.Render(right)
		}
	}
	lines := []string{head}
	if len(m.events) == 0 {
		return append(lines, faint.Render("no events in this snapshot"))
	}
	rs := m.rows()
	visible := m.h - 1
	// keep the selection (or the current event) in view
	target := m.sel
	if target < 0 {
		target = m.current
	}
	if visible > 0 && target >= 0 {
		tr := 0
		for k, r := range rs {
			if r.ev == target {
				tr = k
			}
		}
		if tr-1 >= 0 && rs[tr-1].ev < 0 && tr-1 < m.offset {
			m.offset = tr - 1 // show the day header with it
		}
		if tr < m.offset {
			m.offset = tr
		}
		// keep up to two rows of what comes next below the target
		margin := min(2, max(0, visible-2), len(rs)-1-tr)
		if tr+margin >= m.offset+visible {
			m.offset = tr + margin - visible + 1
		}
	}
	m.offset = common.Clamp(m.offset, 0, max(0, len(rs)-visible))
	// The rows carry the time only; the day is in the date headers, and
	// when the list starts inside a day its header sticks to the top.
	if visible > 1 && m.offset < len(rs) && rs[m.offset].ev >= 0 {
		tr := -1
		for k, r := range rs {
			if target >= 0 && r.ev == target {
				tr = k
			}
		}
		// the header takes a row: keep the target and its margin in view
		if tr >= 0 && tr+min(2, max(0, visible-3), len(rs)-1-tr) >= m.offset+visible-1 {
			m.offset++
		}
		if m.offset < len(rs) && rs[m.offset].ev >= 0 {
			lines = append(lines, header.Render(m.day(rs[m.offset].ev)))
		}
	}
	digits := len(strconv.Itoa(len(m.events)))
	timeW := 9 // "afternoon"
	for k := m.offset; k < len(rs) && len(lines) < m.h; k++ {
		r := rs[k]
		if r.ev < 0 {
			if len(lines) == m.h-1 {
				break // a day header with none of its events under it
			}
			lines = append(lines, header.Render(r.header))
			continue
		}
		e := m.events[r.ev]
		selMark, curMark := " ", " "
		if r.ev == m.sel {
			selMark = m.txt("›")
		}
		if r.ev == m.current {
			curMark = m.txt("▶")
			if m.c.Glyphs == common.GlyphsASCII {
				curMark = "*"
			}
		}
		num := strconv.Itoa(r.ev + 1)
		num = strings.Repeat(" ", digits-len(num)) + num
		when := TimeOf(e)
		when += strings.Repeat(" ", max(0, timeW-len(when)))
		prefix := selMark + curMark + num + " " + when + " "
		rest := max(0, m.w-theme.StringWidth(prefix))
		ttl := truncWords(m.txt(e.Title), rest, m.txt("…"))
		if m.Hidden(r.ev) {
			ttl = truncWords(m.txt("· not yet · "+Kind(e)), rest, m.txt("…"))
		}
		st := s.Base
		switch {
		case r.ev == m.current:
			st = curSt
		case m.isFuture(r.ev):
			st = faint // not reached yet
		}
		line := st.Render(prefix + ttl)
		if r.ev == m.sel && m.focused {
			line = selSt.Render(fit(prefix+ttl, m.w))
		}
		for len(m.lineEv) < len(lines) {
			m.lineEv = append(m.lineEv, -1)
		}
		m.lineEv = append(m.lineEv, r.ev)
		lines = append(lines, line)
	}
	return lines
}

// EventAt is the index of the event drawn on line y of the pane (0 is the
// first line of the view), or -1 for a header, blank space or the detail.
func (m Model) EventAt(y int) int {
	if y < 0 || y >= len(m.lineEv) {
		return -1
	}
	return m.lineEv[y]
}
