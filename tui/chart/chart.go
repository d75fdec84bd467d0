// Package chart is the dashboard's chart pane: the selected symbol's
// intraday line (or 5-minute candles, or a % comparison of its group) over
// the whole regular session, the previous close as a baseline, the session
// high and low, volume, and every event of the timeline at its time; `d`
// switches to the daily bars of the snapshot's week.
//
// Drawing uses ntcharts' primitives (Bresenham rasterising, braille
// patterns, candlestick and block runes) into a cell grid that is rendered
// once per change, so View only returns a string.
package chart

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/common"
)

// Mode is what the chart draws.
type Mode int

const (
	ModeLine    Mode = iota // the selected symbol's price line
	ModeCandles             // 5-minute candles (wider when the pane is narrow)
	ModeCompare             // the group's symbols as % change from the previous close
)

func (m Mode) String() string {
	switch m {
	case ModeCandles:
		return "candles"
	case ModeCompare:
		return "compare"
	}
	return "line"
}

// Range is the time span of the chart.
type Range int

const (
	RangeDay  Range = iota // the frame's regular session, 09:30-16:00 ET
	RangeWeek              // the daily bars around the frame's session
)

func (r Range) String() string {
	if r == RangeWeek {
		return "week"
	}
	return "day"
}

// Model is the chart pane. The zero value is not usable: call New.
type Model struct {
	KeyMap KeyMap

	c       common.Common
	w, h    int
	frame   *market.Frame
	sym     string
	compare []string
	mode    Mode
	rng     Range
	rngSet  bool // the range was chosen (d); else a daily-only session shows the week
	focused bool
	hide    bool // a replay without spoilers: days after the frame's are empty slots

	view string  // rendered by every setter; View returns it
	hit  hitArea // where the day plot's time axis is, as last rendered

	// wr is the wrapper table of the styles table (stLine: Accent) and
	// accent Accent's, probed once in New instead of on every render.
	wr     []wrapper
	accent wrapper
	allOK  bool             // every style of the table wraps: renders need no table
	table  []lipgloss.Style // the table of New (only its length is read when allOK)
}

// New returns a chart drawing with c's styles and glyphs.
func New(c common.Common) Model {
	m := Model{KeyMap: DefaultKeyMap(), c: c}
	if c.Styles != nil {
		d := drawer{m: &m, lineStyle: c.Styles.Accent, lineID: lineAccent}
		m.table = d.styles()
		m.wr = wrappers(m.table)
		m.accent = m.wr[stLine]
		m.allOK = true
		for _, w := range m.wr {
			m.allOK = m.allOK && w.ok
		}
	}
	m.render()
	return m
}

// Init implements tea.Model-like components; the chart needs no command.
func (m Model) Init() tea.Cmd { return nil }

// SetSize sets the pane's outer size in cells; View returns exactly h lines
// of w cells.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(0, w), max(0, h)
	m.render()
}

// Size returns the size last set.
func (m Model) Size() (w, h int) { return m.w, m.h }

// SetFrame sets the market frame to draw (nil: nothing yet).
func (m *Model) SetFrame(f *market.Frame) {
	m.frame = f
	m.render()
}

// SetHideFuture applies the spoiler rule to the week view: with on (a
// replay without spoilers), the days after the frame's day are drawn as
// empty slots (their date labels stay), never their prices or volumes;
// with off they are drawn dimmed, as the timeline shows future events.
func (m *Model) SetHideFuture(on bool) {
	if m.hide == on {
		return
	}
	m.hide = on
	m.render()
}

// SetSymbol selects the symbol of the line and candle modes.
func (m *Model) SetSymbol(sym string) {
	if sym == m.sym {
		return
	}
	m.sym = sym
	m.render()
}

// Symbol returns the selected symbol.
func (m Model) Symbol() string { return m.sym }

// SetCompare sets the symbols of compare mode (the selected group).
func (m *Model) SetCompare(syms []string) {
	if slices.Equal(syms, m.compare) {
		return
	}
	m.compare = slices.Clone(syms)
	m.render()
}

// SetMode sets the drawing mode (the `c` key cycles it).
func (m *Model) SetMode(mode Mode) {
	m.mode = mode
	m.render()
}

// Mode returns the drawing mode.
func (m Model) Mode() Mode { return m.mode }

// SetRange sets day or week (the `d` key toggles it).
func (m *Model) SetRange(r Range) {
	m.rng, m.rngSet = r, true
	m.render()
}

// Range returns the time span shown: the week, until a range is chosen,
// when the frame's session has daily bars and no intraday ones (an import
// of daily downloads: its day chart was empty).
func (m Model) Range() Range {
	if m.autoWeek() {
		return RangeWeek
	}
	return m.rng
}

// autoWeek reports whether the week is shown for want of intraday bars.
func (m Model) autoWeek() bool {
	f := m.frame
	if m.rngSet || m.rng != RangeDay || f == nil {
		return false
	}
	// Before the close an empty session may just have no bar complete
	// yet (09:32 on 5-minute bars): only a closed session with no
	// intraday bar has none.
	if s, ok := f.CurrentSession(); ok && !s.Close.IsZero() && f.Time.Before(s.Close) {
		return false
	}
	daily := false
	for i := range f.Symbols {
		if i < len(f.Intraday) && len(f.Intraday[i]) > 0 {
			return false
		}
		daily = daily || i < len(f.Daily) && len(f.Daily[i]) > 0
	}
	return daily
}

// Focus lets the chart take keys.
func (m *Model) Focus() { m.focused = true }

// Blur stops the chart taking keys.
func (m *Model) Blur() { m.focused = false }

// Focused reports whether the chart takes keys.
func (m Model) Focused() bool { return m.focused }

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// Update handles the chart's keys while focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	switch {
	case key.Matches(km, m.KeyMap.Mode):
		m.mode = (m.mode + 1) % 3
		m.render()
	case key.Matches(km, m.KeyMap.Range):
		m.SetRange(1 - m.Range()) // from the shown range (the week a daily-only day shows)
	}
	return m, nil
}

// View returns the chart, rendered when its inputs last changed.
func (m Model) View() string { return m.view }

// DayAt is the date (YYYY-MM-DD) of the week view's day under cell
// (x, y); ok is false off the plot and in the day view.
func (m Model) DayAt(x, y int) (string, bool) {
	h := m.hit
	if !h.ok || !h.week || len(h.days) == 0 || x < 0 || x >= h.w || y < h.y0 || y >= h.y1 {
		return "", false
	}
	return h.days[min(x*len(h.days)/h.w, len(h.days)-1)], true
}

// hitArea maps the day view's columns back to times: columns [0, w) span
// t0..t1, each sx braille dots wide, on rows [y0, y1).
type hitArea struct {
	ok     bool
	w, sx  int
	y0, y1 int
	t0, t1 time.Time
	week   bool     // the week view: columns are days, not times
	days   []string // week view: the dates of the slots, left to right
}

// TimeAt is the time, to the minute, under cell (x, y) of the view when it
// falls on the day view's plot (the time axis, not the price labels or the
// title); ok is false elsewhere and in the week view.
func (m Model) TimeAt(x, y int) (time.Time, bool) {
	h := m.hit
	n := h.w*h.sx - 1
	if !h.ok || h.week || n <= 0 || x < 0 || x >= h.w || y < h.y0 || y >= h.y1 {
		return time.Time{}, false
	}
	// the middle dot of the column, as plot.px maps times to dots; the
	// first and last columns are the open and the close themselves
	f := float64(x*h.sx+h.sx/2) / float64(n)
	switch x {
	case 0:
		f = 0
	case h.w - 1:
		f = 1
	}
	t := h.t0.Add(time.Duration(f * float64(h.t1.Sub(h.t0)))).Truncate(time.Minute)
	if t.Before(h.t0) {
		t = h.t0
	}
	if t.After(h.t1) {
		t = h.t1
	}
	return t, true
}

func (m *Model) render() {
	if m.w <= 0 || m.h <= 0 || m.c.Styles == nil {
		m.view = ""
		return
	}
	m.hit = hitArea{}
	g := newGrid(m.w, m.h)
	d := drawer{m: m, g: g, gl: m.c.Glyphs, lineStyle: m.c.Styles.Accent, lineID: lineAccent}
	d.draw()
	styles := m.table
	if !m.allOK || len(styles) == 0 {
		styles = d.styles() // 14 styles copied: only when one must be rendered
	}
	wr := m.wr
	if len(wr) != len(styles) {
		wr = wrappers(styles) // a model not made by New
	} else {
		wr = slices.Clone(wr)
		if int(d.lineID) < len(wr) {
			wr[stLine] = wr[d.lineID]
		} else {
			wr[stLine] = m.accent
		}
	}
	m.view = strings.Join(g.renderWith(styles, wr), "\n")
}

// lineAccent is drawer.lineID for the Accent line style.
const lineAccent = 255

// styles builds the style table of the grid's style ids.
func (d *drawer) styles() []lipgloss.Style {
	s := d.m.c.Styles
	t := make([]lipgloss.Style, int(stSeries)+len(s.Series))
	t[stAxis] = s.Axis
	t[stLabel] = s.Muted
	t[stLine] = d.lineStyle
	t[stBaseline] = s.Baseline
	t[stEvent] = s.EventMarker
	t[stHigh] = s.Up
	t[stLow] = s.Down
	t[stUp] = s.Up
	t[stDown] = s.Down
	t[stVolume] = s.Faint
	t[stFuture] = s.Future
	t[stTitle] = s.Title
	t[stFaint] = s.Faint
	t[stEventCol] = s.EventColumn
	for i, st := range s.Series {
		t[int(stSeries)+i] = st
	}
	return t
}
