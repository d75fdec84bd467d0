// Package ticker is the market-cap delta strip: the basket's total change
// pinned at the left ("AI basket −$1.17T since Fri close"), then every
// company's market-value change, biggest first, scrolling when they do not
// fit. The scroll runs on its own tick message (paused or not) and pages:
// one whole item at a time, every few seconds, never cutting a figure.
// Each pass keeps one order and starts, held for a moment, with the biggest
// mover at the left; once the last item has been shown whole the next pass
// starts, taking the order again.
package ticker

import (
	"math"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// Label names the basket in the pinned total.
const Label = "AI basket"

// gap separates items; wrapGap separates the end of the list from its
// start when it scrolls round.
const (
	gap     = "   "
	wrapGap = "     "
)

// DefaultEvery is the scroll step: one whole item every 2.5 s. It used to
// be one cell every 250 ms: 4 frames a second for ever, to every SSH
// viewer, even of a paused replay (TestPausedStripCostsLittleOverSSH).
const DefaultEvery = 2500 * time.Millisecond

// Hold is how many steps a pass stays at its start beyond the first (5 s
// in all at DefaultEvery), so the biggest mover can be read before it
// moves. The hold is one tick.
const Hold = 1

// TickMsg is the strip's scroll tick. It carries the strip's generation
// (tag): a tick of an earlier arming is dropped, so the strip never
// scrolls twice as fast.
type TickMsg struct {
	Time time.Time
	tag  int
}

// Model is the strip. It is one line high.
type Model struct {
	c     common.Common
	frame *market.Frame
	width int
	first int // the first item shown (the page); 0 at the start of a pass
	hold  int // ticks left before the pass starts moving

	every time.Duration // scroll step; 0: no scrolling by time
	tag   int
	armed bool // a tick is in flight

	order []string // this pass's symbols, in order (nil: take it again)

	pinned  string // rendered pinned total
	pinnedS string // the same without "since ..." for narrow strips
	content string // rendered items, one cycle (ends with wrapGap)
	cw      int    // width of content
	ends    []int  // cell offset in content where each item ends
	extra   string // a rendered item pinned after the total ("your portfolio ...")
}

// SetExtra pins a rendered item after the basket's total (the user's
// portfolio); "" removes it.
func (m *Model) SetExtra(s string) {
	if s != m.extra {
		m.extra = s
		m.build()
	}
}

// New returns an empty strip scrolling at DefaultEvery.
func New(c common.Common) Model { return Model{c: c, every: DefaultEvery, hold: Hold} }

// SetEvery sets the scroll step; 0 stops the scroll clock (tests of whole
// frames, where time must not move the strip).
func (m *Model) SetEvery(d time.Duration) { m.every = max(d, 0) }

// SetSize sets the width; the strip is always one line.
func (m *Model) SetSize(w, _ int) { m.width = max(w, 0) }

// Scrolls reports whether the items do not fit and the strip scrolls.
func (m Model) Scrolls() bool {
	room := m.room()
	return room > 0 && m.cw-len(wrapGap) > room
}

// Armed reports whether a scroll tick is in flight.
func (m Model) Armed() bool { return m.armed }

// Arm returns the next scroll tick when the strip scrolls and none is in
// flight, else nil. The root calls it after every message: the strip
// starts scrolling when a frame or a size first makes it overflow, and a
// strip that fits arms nothing.
func (m *Model) Arm() tea.Cmd {
	if m.armed || m.every <= 0 || !m.Scrolls() {
		return nil
	}
	m.armed = true
	m.tag++
	tag := m.tag
	d := m.Delay()
	return tea.Tick(d, func(t time.Time) tea.Msg { return TickMsg{Time: t, tag: tag} })
}

// Delay is how long the next tick waits: one step, or the whole hold at
// the start of a pass (the hold is one tick: nothing to redraw meanwhile).
func (m Model) Delay() time.Duration {
	if m.hold > 0 {
		return m.every * time.Duration(m.hold)
	}
	return m.every
}

// Tick is the message the tick in flight will deliver at t (tests drive
// the strip with it instead of waiting).
func (m Model) Tick(t time.Time) TickMsg { return TickMsg{Time: t, tag: m.tag} }

// Update takes the strip's own tick: one step, then the next tick.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	t, ok := msg.(TickMsg)
	if !ok || t.tag != m.tag || !m.armed {
		return m, nil // another strip's, or of an earlier arming
	}
	m.armed = false
	switch {
	case !m.Scrolls():
	case m.hold > 0:
		m.hold = 0 // the tick that ends the hold
	default:
		m.Advance()
	}
	return m, m.Arm()
}

// Height is the strip's height in lines.
func (m Model) Height() int { return lipgloss.Height(m.View()) }

// SetFrame recomputes the strip from a frame. The scroll position (the
// first item shown) is kept.
func (m *Model) SetFrame(f *market.Frame) {
	m.frame = f
	m.build()
}

// Advance scrolls the strip by one step (one whole item), after the hold
// at the start of a pass. Once the last item has been shown whole, the
// order is taken again (biggest mover first) and the next pass starts at
// the left, held.
func (m *Model) Advance() {
	if m.cw <= 0 || len(m.ends) == 0 {
		return
	}
	if m.hold > 0 {
		m.hold--
		return
	}
	if m.ends[len(m.ends)-1]-m.start() <= m.room() || m.first+1 >= len(m.ends) {
		m.first, m.hold, m.order = 0, Hold, nil
		m.build()
		return
	}
	m.first++
}

// Offset is the scroll position: the index of the first item shown (0 at
// the start of a pass).
func (m Model) Offset() int { return m.first }

// start is the cell in content where the first item shown begins.
func (m Model) start() int {
	if m.first <= 0 || m.first > len(m.ends) {
		return 0
	}
	return m.ends[m.first-1] + len(gap)
}

// PrevSessionDay names the previous session's weekday ("Fri") for the
// pinned label, or "" when the frame has no earlier session.
func PrevSessionDay(f *market.Frame) string {
	if f == nil || f.Session < 1 || f.Session >= len(f.Sessions) {
		return ""
	}
	d, err := time.Parse("2006-01-02", f.Sessions[f.Session-1].Date)
	if err != nil {
		return ""
	}
	return d.Format("Mon")
}

func (m *Model) build() {
	st := m.c.Styles
	g := m.c.Glyphs
	if !m.Scrolls() || m.first == 0 {
		// a still strip (one that fits, or a pass that has not moved
		// yet) ranks on every frame: after a seek it shows the new ranking
		m.order = nil
	}
	m.pinned, m.pinnedS, m.content, m.cw, m.ends = "", "", "", 0, m.ends[:0:0] // a new array: copies of the model share the old one
	f := m.frame
	if f == nil {
		return
	}
	b := f.Basket(nil)
	since := "since prev close"
	if d := PrevSessionDay(f); d != "" {
		since = "since " + d + " close"
	}
	total := common.Text(common.Missing, g)
	tstyle := st.Muted
	if len(b.Items) > 0 {
		total = common.Text(common.Dollars(b.Delta), g)
		tstyle = st.Move(b.Delta, math.Inf(1)).Bold(true)
	}
	m.pinnedS = st.P.StripLabel.Render(Label+" ") + tstyle.Render(total)
	m.pinned = m.pinnedS + st.P.Muted.Render(" "+since)
	if m.extra != "" {
		sep := st.P.Faint.Render(" · ")
		if g == common.GlyphsASCII {
			sep = st.P.Faint.Render(" - ")
		}
		m.pinned += sep + m.extra
		m.pinnedS += sep + m.extra
	}

	items := m.passOrder(b.Items)
	var sb strings.Builder
	w := 0
	for i, it := range items {
		if i > 0 {
			sb.WriteString(gap)
			w += len(gap)
		}
		pct := 0.0
		if it.Value-it.Delta > 0 {
			pct = it.Delta / (it.Value - it.Delta) * 100
		}
		txt := common.Arrow(it.Delta, g) + " " + common.Text(common.Dollars(it.Delta), g)
		if !sane(it) {
			txt, pct = common.Text(common.Dollars(it.Delta), g), 0 // "—" or "####", no arrow
		}
		sb.WriteString(st.P.Bold.Render(it.Symbol))
		sb.WriteString(" ")
		sb.WriteString(st.MovePaint(pct, 5).Render(txt))
		w += theme.Width(it.Symbol) + 1 + theme.Width(txt)
		m.ends = append(m.ends, w)
	}
	if len(items) > 0 {
		sb.WriteString(wrapGap)
		w += len(wrapGap)
	}
	m.content = sb.String()
	m.cw = w
	if m.first >= len(m.ends) {
		m.first = max(len(m.ends)-1, 0) // items gone mid-pass
	}
}

func sane(it market.ValueChange) bool {
	return common.Sane(it.Delta, common.MaxDollars) && common.Sane(it.Value, common.MaxDollars)
}

// passOrder arranges items in this pass's order, taking the order (biggest
// move first, values that cannot be ranked last) when a pass starts. A
// symbol new in the middle of a pass goes at its end; one gone is dropped.
func (m *Model) passOrder(in []market.ValueChange) []market.ValueChange {
	items := append([]market.ValueChange(nil), in...)
	if m.order == nil {
		// a new pass (or the first): take the order now
		sort.SliceStable(items, func(i, j int) bool {
			a, b := items[i], items[j]
			if sane(a) != sane(b) {
				return sane(a)
			}
			return math.Abs(a.Delta) > math.Abs(b.Delta)
		})
		m.order = m.order[:0:0]
		for _, it := range items {
			m.order = append(m.order, it.Symbol)
		}
		return items
	}
	rank := make(map[string]int, len(m.order))
	for i, s := range m.order {
		rank[s] = i
	}
	sort.SliceStable(items, func(i, j int) bool {
		ri, oki := rank[items[i].Symbol]
		rj, okj := rank[items[j].Symbol]
		if oki != okj {
			return oki
		}
		return ri < rj
	})
	order := m.order[:0:0]
	for _, it := range items {
		order = append(order, it.Symbol)
	}
	m.order = order
	return items
}

// room is the width left for the items beside the pinned total.
func (m Model) room() int {
	if m.width <= 0 || m.frame == nil {
		return 0
	}
	sep := " │ "
	if m.c.Glyphs == common.GlyphsASCII {
		sep = " | "
	}
	return m.width - theme.Width(m.pinned) - theme.Width(sep)
}

// View renders the strip: the pinned total, a separator, then the items,
// scrolled when they do not fit.
func (m Model) View() string {
	w := m.width
	if w <= 0 {
		return ""
	}
	st := m.c.Styles
	if m.frame == nil {
		return fit(st.Muted.Render(Label+" waiting for data"), w)
	}
	sep := " │ "
	if m.c.Glyphs == common.GlyphsASCII {
		sep = " | "
	}
	left := m.pinned + st.P.Faint.Render(sep)
	lw := theme.Width(left)
	if lw >= w {
		// Narrow: the total, without its "since" before cutting a word.
		if theme.Width(m.pinned) <= w {
			return fit(m.pinned, w)
		}
		return fit(m.pinnedS, w)
	}
	room := w - lw
	if m.cw == 0 {
		return fit(left, w)
	}
	// Everything fits (without the wrap gap): no scrolling.
	if m.cw-len(wrapGap) <= room {
		return fit(left+m.content, w)
	}
	// From the page's first item to the last whole one, never ending in
	// the middle of a number.
	start := m.start()
	end := 0
	for _, e := range m.ends[m.first:] {
		if e-start > room {
			break
		}
		end = e
	}
	if end == 0 {
		if m.first == 0 {
			return fit(m.pinned, w) // not one whole item fits
		}
		end = start + room // an item wider than the room: cut, it is the page
	}
	return fit(left+ansi.Cut(m.content, start, end), w)
}

func fit(s string, w int) string {
	if theme.Width(s) > w {
		s = ansi.Truncate(s, w, "")
	}
	if d := w - theme.Width(s); d > 0 {
		s += strings.Repeat(" ", d)
	}
	return s
}
