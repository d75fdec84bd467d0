// Package watchlist is the quote table: one row per symbol, grouped by tag
// with group subtotals of market-value change, sortable, filterable, with a
// day-range bar, a sparkline of the day and (for live sources) the age of
// each quote.
package watchlist

import (
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// SortMode orders the rows inside each group.
type SortMode int

const (
	SortConfig SortMode = iota // the order of the snapshot or config
	SortPct                    // % change, worst first
	SortValue                  // market-value change, largest loss first
	SortSymbol                 // alphabetical
	sortModes
)

func (s SortMode) String() string {
	switch s {
	case SortPct:
		return "% change"
	case SortValue:
		return "value change"
	case SortSymbol:
		return "symbol"
	}
	return "config"
}

// StrongMove is the % move from which rows use the strong up/down colours.
const StrongMove = 5.0

// StaleAfter is the quote age from which a live row is dimmed and marked.
const StaleAfter = 2 * time.Minute

// OtherGroup is the group of symbols without tags.
const OtherGroup = "other"

// row is one line of the table: a group header or a symbol.
type row struct {
	group  string
	header bool
	sym    int    // index into frame.Symbols (symbol rows)
	line   string // rendered without selection
	stale  bool
}

// Model is the watchlist pane.
type Model struct {
	Keys KeyMap

	c          common.Common
	frame      *market.Frame
	live       bool
	now        time.Time
	staleAfter time.Duration // the source's stale age (0: StaleAfter)
	width      int
	height     int
	focused    bool
	sortBy     SortMode

	// filter is shared by copies of the model and never changed in place:
	// a change goes to a new copy (editFilter). The model is copied on
	// every message, and the text input is most of its size.
	filter    *textinput.Model
	filtering bool

	rows     []row
	cursor   int    // index into rows; always a symbol row when any exists
	selected string // symbol under the cursor, kept across rebuilds
	offset   int    // first visible row

	cols []column

	// provenance marks (marks.go): the memo of each symbol's marks, the
	// columns that keep a cell for one, and the kinds the frame shows
	marks     *marksMemo
	markCols  markCols
	markKinds markKinds
	legend    []string // the legend's forms (legends), longest first

	hFrame int // the pane's horizontal frame size (Pane's border), taken once

	// the user's positions (positions.go) and their valuation in the frame
	positions []portfolio.Position
	held      map[string]portfolio.Row
	absent    []string // held symbols that are not in the frame
}

// New returns an empty watchlist.
func New(c common.Common) Model {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.PromptStyle = c.Styles.Prompt
	ti.TextStyle = c.Styles.Base
	ti.PlaceholderStyle = c.Styles.Faint
	ti.Cursor.Style = c.Styles.Accent
	ti.Cursor.TextStyle = c.Styles.Base
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink timer
	ti.CharLimit = 24
	return Model{Keys: DefaultKeyMap(), c: c, filter: &ti, hFrame: c.Styles.Pane.GetHorizontalFrameSize()}
}

// SetSize sets the outer size of the pane (border included).
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.rebuild()
}

// SetFrame shows a new market frame.
func (m *Model) SetFrame(f *market.Frame) {
	m.frame = f
	m.rebuild()
}

// SetLive turns the per-row freshness column on (live sources).
func (m *Model) SetLive(live bool) {
	if m.live != live {
		m.live = live
		m.rebuild()
	}
}

// SetStaleAfter sets the age from which a live row is stale (the
// source's three poll intervals); 0 keeps StaleAfter.
func (m *Model) SetStaleAfter(d time.Duration) {
	if m.staleAfter != d {
		m.staleAfter = d
		if m.live {
			m.rebuild()
		}
	}
}

// SetNow sets the wall time freshness is measured against.
func (m *Model) SetNow(t time.Time) {
	m.now = t
	if m.live {
		m.rebuild()
	}
}

// Focus, Blur and Focused implement the pane contract.
func (m *Model) Focus()       { m.focused = true }
func (m *Model) Blur()        { m.focused = false }
func (m Model) Focused() bool { return m.focused }

// Filtering reports whether the filter is being typed: the root must then
// send every key here.
func (m Model) Filtering() bool { return m.filtering }

// Filter returns the current filter text.
func (m Model) Filter() string { return m.filter.Value() }

// Sort returns the sort mode.
func (m Model) Sort() SortMode { return m.sortBy }

// Selected returns the selected symbol ("" when none).
func (m Model) Selected() string {
	if m.cursor >= 0 && m.cursor < len(m.rows) && !m.rows[m.cursor].header && m.frame != nil {
		return m.frame.Symbols[m.rows[m.cursor].sym].Symbol
	}
	return ""
}

// SelectedGroup returns the group of the selected symbol and all symbols of
// that group (in frame order), for the chart's compare mode.
func (m Model) SelectedGroup() (string, []string) {
	if m.frame == nil || m.cursor < 0 || m.cursor >= len(m.rows) {
		return "", nil
	}
	g := m.rows[m.cursor].group
	var syms []string
	for _, s := range m.frame.Symbols {
		if groupOf(s.Groups) == g {
			syms = append(syms, s.Symbol)
		}
	}
	return g, syms
}

// Select moves the cursor to sym if it is visible.
func (m *Model) Select(sym string) {
	for i, r := range m.rows {
		if !r.header && m.frame.Symbols[r.sym].Symbol == sym {
			m.setCursor(i)
			return
		}
	}
}

// ShortHelp and FullHelp implement help.KeyMap.
func (m Model) ShortHelp() []key.Binding  { return m.Keys.ShortHelp() }
func (m Model) FullHelp() [][]key.Binding { return m.Keys.FullHelp() }

func (m *Model) updateKeys() {
	m.Keys.Accept.SetEnabled(m.filtering)
	m.Keys.Cancel.SetEnabled(m.filtering || m.filter.Value() != "")
	m.Keys.Filter.SetEnabled(!m.filtering)
	nav := !m.filtering
	for _, b := range []*key.Binding{&m.Keys.Up, &m.Keys.Down, &m.Keys.PageUp, &m.Keys.PageDown, &m.Keys.NextGroup, &m.Keys.Sort} {
		b.SetEnabled(nav)
	}
}

// Init implements the pane contract.
func (m Model) Init() tea.Cmd { return nil }

// Update handles keys (when focused) and mouse events.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if !m.focused {
			return m, nil
		}
		return m.handleKey(msg)
	case tea.MouseMsg:
		m.handleMouse(msg)
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	if m.filtering {
		switch {
		case key.Matches(msg, m.Keys.Accept):
			m.filtering = false
			m.editFilter(func(ti *textinput.Model) { ti.Blur() })
		case key.Matches(msg, m.Keys.Cancel):
			m.filtering = false
			m.editFilter(func(ti *textinput.Model) { ti.Blur(); ti.SetValue("") })
		default:
			ti, cmd := common.UpdateInput(*m.filter, msg)
			m.filter = &ti
			m.rebuild()
			m.updateKeys()
			return m, cmd
		}
		m.rebuild()
		m.updateKeys()
		return m, nil
	}
	switch {
	case key.Matches(msg, m.Keys.Up):
		m.move(-1)
	case key.Matches(msg, m.Keys.Down):
		m.move(1)
	case key.Matches(msg, m.Keys.PageUp):
		m.move(-max(m.bodyHeight()-1, 1))
	case key.Matches(msg, m.Keys.PageDown):
		m.move(max(m.bodyHeight()-1, 1))
	case key.Matches(msg, m.Keys.NextGroup):
		m.nextGroup()
	case key.Matches(msg, m.Keys.Sort):
		m.sortBy = (m.sortBy + 1) % sortModes
		m.rebuild()
	case key.Matches(msg, m.Keys.Filter):
		m.filtering = true
		m.editFilter(func(ti *textinput.Model) { ti.Focus() }) // static cursor: the returned blink Cmd is not needed
	case key.Matches(msg, m.Keys.Cancel):
		m.editFilter(func(ti *textinput.Model) { ti.SetValue("") })
		m.rebuild()
	}
	m.updateKeys()
	return m, nil
}

// editFilter changes a new copy of the filter input (copies of the model
// share the old one).
func (m *Model) editFilter(f func(*textinput.Model)) {
	ti := *m.filter
	f(&ti)
	m.filter = &ti
}

// handleMouse takes mouse events in pane coordinates (the root places the
// pane at the terminal's top-left corner): the wheel moves the selection,
// a click selects the row under it.
func (m *Model) handleMouse(msg tea.MouseMsg) {
	if msg.X < 0 || msg.Y < 0 || msg.X >= m.width || msg.Y >= m.height {
		return
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp && msg.Action == tea.MouseActionPress:
		m.move(-1)
	case msg.Button == tea.MouseButtonWheelDown && msg.Action == tea.MouseActionPress:
		m.move(1)
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease:
		if i := m.RowAt(msg.Y); i >= 0 {
			m.setCursor(i)
		}
	}
}

// RowAt maps a pane row y (0 is the top border) to the index of the symbol
// row drawn there, or -1 for the border, the title, the column header, a
// group header or blank space. It mirrors View's layout.
func (m Model) RowAt(y int) int {
	if m.frame == nil || y < 0 || y >= m.height {
		return -1
	}
	top := m.c.Styles.Pane.GetBorderTopSize()
	k := y - top - 2 // title and column header
	if k < 0 || k >= m.bodyHeight() {
		return -1
	}
	i := m.offset + k
	if i >= len(m.rows) || m.rows[i].header {
		return -1
	}
	return i
}

// move moves the cursor by n symbol rows (skipping group headers).
func (m *Model) move(n int) {
	if len(m.rows) == 0 {
		return
	}
	i := m.cursor
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for ; n > 0; n-- {
		j := i + step
		for j >= 0 && j < len(m.rows) && m.rows[j].header {
			j += step
		}
		if j < 0 || j >= len(m.rows) {
			break
		}
		i = j
	}
	m.setCursor(i)
}

func (m *Model) nextGroup() {
	if len(m.rows) == 0 {
		return
	}
	cur := m.rows[m.cursor].group
	n := len(m.rows)
	for k := 1; k <= n; k++ {
		j := (m.cursor + k) % n
		if !m.rows[j].header && m.rows[j].group != cur {
			m.setCursor(j)
			return
		}
	}
}

func (m *Model) setCursor(i int) {
	if i < 0 || i >= len(m.rows) || m.rows[i].header {
		return
	}
	m.cursor = i
	m.selected = m.frame.Symbols[m.rows[i].sym].Symbol
	m.scrollTo()
}

// scrollTo keeps the cursor (and, when it fits, its group header) visible.
func (m *Model) scrollTo() {
	h := m.bodyHeight()
	if h <= 0 {
		m.offset = 0
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
		if m.offset > 0 && m.rows[m.offset-1].header {
			m.offset--
		}
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	if m.lastSymbolRow() == m.cursor && len(m.rows)-h <= m.cursor {
		// the last symbol: the lines under it (held symbols the snapshot
		// does not have) come into view with it
		m.offset = len(m.rows) - h
	}
	m.offset = max(0, min(m.offset, len(m.rows)-h))
}

// bodyHeight is the number of table rows that fit (title and column header
// excluded).
func (m Model) bodyHeight() int {
	fh := m.c.Styles.Pane.GetVerticalFrameSize()
	return m.height - fh - 2
}

// NaturalHeight is the outer height (border included) that shows every row
// of the frame, unfiltered, under the title and column header; 0 before the
// first frame. The root gives the rows below it to another pane, and a
// filter does not move the panes about.
func (m Model) NaturalHeight() int {
	if m.frame == nil {
		return 0
	}
	groups := map[string]bool{}
	for _, s := range m.frame.Symbols {
		groups[groupOf(s.Groups)] = true
	}
	return len(m.frame.Symbols) + len(groups) + len(m.absent) + 2 + m.c.Styles.Pane.GetVerticalFrameSize()
}

func (m Model) innerWidth() int {
	return m.width - m.hFrame
}

func groupOf(groups []string) string {
	if len(groups) == 0 || groups[0] == "" {
		return OtherGroup
	}
	return groups[0]
}

// rebuild recomputes columns, rows and their rendered text. It runs when
// the frame, size, sort, filter or clock changes, so View only slices.
func (m *Model) rebuild() {
	m.rows = make([]row, 0, len(m.rows)) // not m.rows[:0]: copies of the model share the old array
	f := m.frame
	if f == nil {
		m.cursor, m.offset = 0, 0
		return
	}
	iw := m.innerWidth()
	m.cols = layoutColumns(iw, m.live, m.hasExt(), len(m.positions) > 0)
	m.valuePositions()
	if cols, kinds := m.markedColumns(); cols != m.markCols || kinds != m.markKinds || m.legend == nil {
		m.markCols, m.markKinds = cols, kinds
		m.legend = m.legends()
	}
	needle := strings.ToLower(strings.TrimSpace(m.filter.Value()))

	var groups []string
	members := map[string][]int{}
	for i, s := range f.Symbols {
		g := groupOf(s.Groups)
		if _, ok := members[g]; !ok {
			groups = append(groups, g)
			members[g] = nil
		}
		if needle != "" && !strings.Contains(strings.ToLower(s.Symbol), needle) &&
			!strings.Contains(strings.ToLower(s.Name), needle) && !strings.Contains(g, needle) {
			continue
		}
		members[g] = append(members[g], i)
	}
	for _, g := range groups {
		idx := members[g]
		if len(idx) == 0 {
			continue
		}
		m.sortRows(idx)
		m.rows = append(m.rows, row{group: g, header: true, line: m.groupLine(g)})
		for _, i := range idx {
			line, w, stale := m.symbolLine(i)
			m.rows = append(m.rows, row{group: g, sym: i, line: fitW(line, w, iw-1), stale: stale})
		}
	}
	m.rows = append(m.rows, m.absentLines(needle, iw)...)
	// Restore the selection.
	m.cursor = -1
	for i, r := range m.rows {
		if !r.header && (m.selected == "" || f.Symbols[r.sym].Symbol == m.selected) {
			m.cursor = i
			break
		}
	}
	if m.cursor < 0 {
		for i, r := range m.rows {
			if !r.header {
				m.cursor = i
				break
			}
		}
	}
	if m.cursor < 0 {
		m.cursor = 0
	} else if m.selected == "" {
		m.selected = f.Symbols[m.rows[m.cursor].sym].Symbol
	}
	m.scrollTo()
}

func (m *Model) sortRows(idx []int) {
	f := m.frame
	key := func(i int) (float64, bool) {
		switch m.sortBy {
		case SortPct:
			_, p, ok := f.Quotes[i].Change()
			return p, ok
		case SortValue:
			vc, ok := f.MarketValue(i)
			return vc.Delta, ok
		}
		return 0, false
	}
	switch m.sortBy {
	case SortSymbol:
		sort.SliceStable(idx, func(a, b int) bool { return f.Symbols[idx[a]].Symbol < f.Symbols[idx[b]].Symbol })
	case SortPct, SortValue:
		sort.SliceStable(idx, func(a, b int) bool {
			ka, oka := key(idx[a])
			kb, okb := key(idx[b])
			if oka != okb {
				return oka // known values first
			}
			return ka < kb
		})
	}
}

// View renders the pane.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles
	iw := m.innerWidth()
	ih := m.height - st.Pane.GetVerticalFrameSize()
	if iw <= 0 || ih <= 0 {
		return ""
	}
	lines := make([]string, 0, ih)
	lines = append(lines, m.titleLine(iw))
	if ih > 1 {
		lines = append(lines, st.P.Header.Render(fit(headerLine(m.cols, m.c.Glyphs), iw)))
	}
	body := ih - len(lines)
	marker := ">"
	if m.c.Glyphs != common.GlyphsASCII {
		marker = "▸"
	}
	switch {
	case m.frame == nil && body > 0:
		lines = append(lines, st.Muted.Render(fit(" waiting for data…", iw)))
		body--
	case len(m.rows) == 0 && body > 0:
		lines = append(lines, st.Muted.Render(fit(" no symbol matches the filter", iw)))
		body--
	}
	for i := m.offset; i < len(m.rows) && body > 0; i++ {
		r := m.rows[i]
		line := r.line // exactly iw-1 cells wide (symbol rows) or iw (headers)
		if !r.header {
			if i == m.cursor {
				line = st.P.Selected.Render(marker + line)
			} else if r.stale {
				line = st.P.Stale.Render(" " + line)
			} else {
				line = " " + line
			}
		}
		lines = append(lines, line)
		body--
	}
	if body > 0 {
		blank := strings.Repeat(" ", iw)
		for ; body > 0; body-- {
			lines = append(lines, blank)
		}
	}
	pane, bs := st.Pane, st.P.Border
	if m.focused {
		pane, bs = st.PaneFocused, st.P.BorderFocused
	}
	return box(bs, pane, lines, iw, m.c.Glyphs)
}

// Border is pane's border, or a plain ASCII one for the ascii glyph set.
func Border(pane lipgloss.Style, g common.Glyphs) lipgloss.Border {
	b := pane.GetBorderStyle()
	if g == common.GlyphsASCII {
		// A heavy border (the focused pane) becomes '=' and '#'.
		if b.Top == lipgloss.ThickBorder().Top {
			return lipgloss.Border{Top: "=", Bottom: "=", Left: "#", Right: "#",
				TopLeft: "#", TopRight: "#", BottomLeft: "#", BottomRight: "#"}
		}
		return lipgloss.Border{Top: "-", Bottom: "-", Left: "|", Right: "|",
			TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+"}
	}
	return b
}

// box draws pane's border in bs (the painter of its colour) around lines
// that are each exactly iw cells wide (built here without measuring every
// line again: View stays cheap).
func box(bs theme.Painter, pane lipgloss.Style, lines []string, iw int, g common.Glyphs) string {
	b := Border(pane, g)
	left, right := bs.Render(b.Left), bs.Render(b.Right)
	var sb strings.Builder
	top := bs.Render(b.TopLeft + strings.Repeat(b.Top, iw) + b.TopRight)
	bottom := bs.Render(b.BottomLeft + strings.Repeat(b.Bottom, iw) + b.BottomRight)
	size := len(top) + len(bottom) + 1
	for _, ln := range lines {
		size += 1 + len(left) + len(ln) + len(right)
	}
	sb.Grow(size)
	sb.WriteString(top)
	for _, ln := range lines {
		sb.WriteByte('\n')
		sb.WriteString(left)
		sb.WriteString(ln)
		sb.WriteString(right)
	}
	sb.WriteByte('\n')
	sb.WriteString(bottom)
	return sb.String()
}

func (m Model) titleLine(w int) string {
	st := m.c.Styles
	t := st.P.Title.Render("Watchlist")
	extra := common.Text(" · sort: ", m.c.Glyphs) + m.sortBy.String()
	if m.filtering {
		return fit(t+st.P.Muted.Render(extra)+"  "+m.filter.View(), w)
	}
	if v := m.filter.Value(); v != "" {
		extra += "  filter: " + v
	}
	line := t + st.P.Muted.Render(extra)
	if lw := theme.Width(line); w-lw > 3 {
		if leg := m.legendLine(w - lw - 2); leg != "" {
			line += strings.Repeat(" ", w-lw-theme.StringWidth(leg)) + st.P.Faint.Render(leg)
		}
	}
	return fit(line, w)
}

// fitW is fit for s already known to be sw cells wide.
func fitW(s string, sw, w int) string {
	if w <= 0 {
		return ""
	}
	if sw > w {
		return fit(s, w)
	}
	if d := w - sw; d > 0 {
		var b strings.Builder
		b.Grow(len(s) + d)
		b.WriteString(s)
		writeSpaces(&b, d)
		return b.String()
	}
	return s
}

// fit truncates s to w cells and pads it to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if theme.Width(s) > w {
		s = truncate(s, w)
	}
	if d := w - theme.Width(s); d > 0 {
		s += strings.Repeat(" ", d)
	}
	return s
}

// hasExt reports whether some quote of the frame has a pre- or post-market
// price (a replay of a live recording).
func (m *Model) hasExt() bool {
	if m.frame == nil {
		return false
	}
	for _, q := range m.frame.Quotes {
		if q.HasExt {
			return true
		}
	}
	return false
}
