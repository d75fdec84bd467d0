// Package ticker is the market-cap delta strip: the basket's total change
// pinned at the left ("AI basket −$1.17T since Fri close"), then every
// company's market-value change sorted by size, scrolling one step per
// update while the market moves.
package ticker

import (
	"math"
	"sort"
	"strings"
	"time"

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

// Model is the strip. It is one line high.
type Model struct {
	c      common.Common
	frame  *market.Frame
	width  int
	offset int // scroll position in cells

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

// New returns an empty strip.
func New(c common.Common) Model { return Model{c: c} }

// SetSize sets the width; the strip is always one line.
func (m *Model) SetSize(w, _ int) { m.width = max(w, 0) }

// Height is the strip's height in lines.
func (m Model) Height() int { return lipgloss.Height(m.View()) }

// SetFrame recomputes the strip from a frame. The scroll position is kept.
func (m *Model) SetFrame(f *market.Frame) {
	m.frame = f
	m.build()
}

// Advance scrolls the strip by one step (one cell). The root calls it once
// per update received while the replay plays or the live feed runs; nothing
// else moves it, so a paused replay shows a still strip.
func (m *Model) Advance() {
	if m.cw > 0 {
		m.offset = (m.offset + 1) % m.cw
	}
}

// Offset is the scroll position (cells).
func (m Model) Offset() int { return m.offset }

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

	items := append([]market.ValueChange(nil), b.Items...)
	sort.SliceStable(items, func(i, j int) bool { return math.Abs(items[i].Delta) > math.Abs(items[j].Delta) })
	// Widths are counted from the plain text as the items are written
	// (measuring the whole strip after each item was quadratic).
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
	if m.cw > 0 {
		m.offset %= m.cw
	}
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
	if m.offset == 0 {
		// Not scrolled (yet): end at the last whole item rather than in
		// the middle of a number.
		end := 0
		for _, e := range m.ends {
			if e > room {
				break
			}
			end = e
		}
		if end == 0 {
			return fit(m.pinned, w) // not one whole item fits
		}
		return fit(left+ansi.Cut(m.content, 0, end), w)
	}
	win := ansi.Cut(m.content+m.content, m.offset, m.offset+room)
	return fit(left+win, w)
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
