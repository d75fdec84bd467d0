// Package provenance is the provenance view: for one watchlist row, each
// figure (price, shares and market value, volume, intraday path) with its
// basis, how approximate it is, and its source (file header field, fact
// sheet line, outlet and link), from snapshots.FigureNotes. The root opens
// it with `i` over the main area and closes it with esc or `i`.
package provenance

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// KeyMap is the view's keys.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Close    key.Binding
}

// DefaultKeyMap returns the view's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn", "page down")),
		Close:    key.NewBinding(key.WithKeys("esc", "i"), key.WithHelp("esc/i", "close sources")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Close} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Close}}
}

// Model is the provenance view. Use New.
type Model struct {
	KeyMap KeyMap

	c      common.Common
	w, h   int
	frame  *market.Frame
	sym    int // index into frame.Symbols (-1: none)
	scroll int
	hide   bool // a replay without spoilers: texts naming a later event are hidden
}

// SetHideFuture applies the spoiler rule: with on, a text (a note, the
// file's source) that names an event by its id or title shows only once
// that event is placed at or before the frame's time (snapshots.Placement).
// An id counts as named in parentheses ("(thestreet-midafternoon)"), a
// title whole.
func (m *Model) SetHideFuture(on bool) { m.hide = on }

// New returns an empty view.
func New(c common.Common) Model { return Model{KeyMap: DefaultKeyMap(), c: c, sym: -1} }

// SetSize sets the inner size; View returns exactly h lines of w cells.
func (m *Model) SetSize(w, h int) { m.w, m.h = max(0, w), max(0, h) }

// Show points the view at symbol sym of f, from its top.
func (m *Model) Show(f *market.Frame, sym string) {
	m.frame, m.sym, m.scroll = f, -1, 0
	if f != nil {
		m.sym = f.Index(sym)
	}
}

// SetFrame follows the replay (the marks depend on the time: a modelled
// volume is exact from the close) and keeps the symbol and the scroll.
func (m *Model) SetFrame(f *market.Frame) {
	if f == nil || m.frame == nil || m.sym < 0 || m.sym >= len(m.frame.Symbols) {
		m.frame = f
		return
	}
	sym := m.frame.Symbols[m.sym].Symbol
	m.frame, m.sym = f, f.Index(sym)
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// Update scrolls the view.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	n := len(m.lines())
	page := max(1, m.h-2)
	switch {
	case key.Matches(km, m.KeyMap.Up):
		m.scroll--
	case key.Matches(km, m.KeyMap.Down):
		m.scroll++
	case key.Matches(km, m.KeyMap.PageUp):
		m.scroll -= page
	case key.Matches(km, m.KeyMap.PageDown):
		m.scroll += page
	}
	m.scroll = common.Clamp(m.scroll, 0, max(0, n-m.bodyRows()))
	return m, nil
}

// bodyRows is the number of lines above the footer.
func (m Model) bodyRows() int {
	if m.h > 2 {
		return m.h - 1
	}
	return m.h
}

// View renders the view.
func (m Model) View() string {
	if m.w <= 0 || m.h <= 0 || m.c.Styles == nil {
		return ""
	}
	body := m.lines()
	rows := m.bodyRows()
	scroll := common.Clamp(m.scroll, 0, max(0, len(body)-rows))
	end := min(len(body), scroll+rows)
	lines := append([]string(nil), body[scroll:end]...)
	for len(lines) < rows {
		lines = append(lines, "")
	}
	if m.h > 2 {
		foot := "esc/i close"
		if end < len(body) {
			foot = "↓ " + strconv.Itoa(len(body)-end) + " more · j/k scroll · " + foot
		} else if scroll > 0 {
			foot = "↑ j/k scroll · " + foot
		}
		lines = append(lines, m.c.Styles.Faint.Render(common.Text(foot, m.c.Glyphs)))
	}
	for i, l := range lines {
		lines[i] = fit(l, m.w)
	}
	return strings.Join(lines, "\n")
}

func fit(s string, w int) string {
	n := theme.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "")
		n = theme.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, w-n))
}

// figureTitle names a figure as the row shows it.
var figureTitle = map[string]string{
	snapshots.FigurePrice:    "Price (LAST, CHG)",
	snapshots.FigureShares:   "Shares (VALUE, ΔVALUE)",
	snapshots.FigureVolume:   "Volume (VOLUME)",
	snapshots.FigureIntraday: "Intraday path (chart, INTRADAY)",
}

// basisWords says a basis in words, with the mark the row carries.
func (m Model) basisWords(n snapshots.FigureNote, marked bool) string {
	mark := ""
	if marked {
		mark = markFor(n.Basis, m.c.Glyphs) + " "
	}
	switch n.Basis {
	case snapshots.BasisSourced:
		return "sourced: as the source gives it"
	case snapshots.BasisAdjusted:
		return mark + "adjusted: not the printed price"
	case snapshots.BasisApproximate:
		return mark + "approximate"
	case snapshots.BasisModelled:
		return mark + "modelled"
	case snapshots.BasisBorrowed:
		s := mark + "borrowed shape"
		if n.From != "" {
			s += " from " + n.From
		}
		return s
	}
	return mark + n.Basis
}

// markFor is the mark the watchlist draws for a basis (watchlist/marks.go).
func markFor(basis string, g common.Glyphs) string {
	ascii := g == common.GlyphsASCII
	switch basis {
	case snapshots.BasisAdjusted:
		if ascii {
			return "a"
		}
		return "ᵃ"
	case snapshots.BasisApproximate:
		return "~"
	case snapshots.BasisBorrowed:
		if ascii {
			return "b"
		}
		return "ᵇ"
	}
	if ascii {
		return "m"
	}
	return "ᵐ"
}

// lines is the whole view before scrolling, wrapped to the width.
func (m Model) lines() []string {
	st := m.c.Styles
	w := max(1, m.w)
	var out []string
	add := func(s lipgloss.Style, text, indent string) {
		text = common.Text(text, m.c.Glyphs)
		for _, l := range strings.Split(common.Wordwrap(text, w-len(indent)), "\n") {
			out = append(out, indent+s.Render(l))
		}
	}
	f := m.frame
	if f == nil || m.sym < 0 || m.sym >= len(f.Symbols) {
		add(st.Title, "Sources", "")
		add(st.Muted, "No symbol selected.", "")
		return out
	}
	s := f.Symbols[m.sym]
	add(st.Title, "Sources · "+s.Symbol+" "+s.Name, "")
	badge := strings.ToUpper(string(f.Provenance))
	if badge == "" {
		badge = "UNKNOWN"
	}
	add(st.Muted, "File: "+badge+" · "+f.Title, "")
	ahead := m.ahead()
	const hidden = "(names an event the replay has not reached; v shows it)"
	for _, n := range snapshots.FigureNotes(s, f.Provenance) {
		if namesAny(ahead, n.Detail, n.Source, n.From, n.Link) {
			n.Detail, n.Source, n.From, n.Link = hidden, "", "", ""
		}
		out = append(out, "")
		marked := n.Marked(f.Provenance)
		title := figureTitle[n.Figure]
		if title == "" {
			title = n.Figure
		}
		add(st.Header, title, "")
		add(st.Base, "Basis: "+m.basisWords(n, marked), "  ")
		if n.Figure == snapshots.FigureVolume && n.Basis == snapshots.BasisModelled {
			add(st.Faint, "(the mark goes at the close, where the day's official total holds)", "  ")
		}
		if n.Detail != "" {
			add(st.Base, "How close: "+n.Detail, "  ")
		}
		if n.Source != "" {
			add(st.Muted, "Source: "+n.Source, "  ")
		}
		if n.Link != "" {
			for _, l := range common.LinkLines(st, "Link:", n.Link, w-2) {
				out = append(out, "  "+l)
			}
		}
	}
	if f.Source != "" {
		out = append(out, "")
		add(st.Header, "The file's source", "")
		src := f.Source
		if namesAny(ahead, src) {
			src = hidden
		}
		add(st.Muted, src, "  ")
	}
	out = append(out, "")
	g := m.c.Glyphs
	add(st.Faint, "Marks on the row: "+markFor(snapshots.BasisAdjusted, g)+" adjusted price, "+
		markFor(snapshots.BasisApproximate, g)+" approximate count or value, "+
		markFor(snapshots.BasisModelled, g)+" modelled volume (until the close), "+
		markFor(snapshots.BasisBorrowed, g)+" borrowed intraday shape.", "")
	return out
}

// ahead is the ids and titles of the events not placed at or before the
// frame's time, when the spoiler rule applies (nil otherwise).
func (m Model) ahead() []string {
	f := m.frame
	if !m.hide || f == nil {
		return nil
	}
	var out []string
	for i, e := range f.Events {
		if !f.Placed(i).After(f.Time) {
			continue
		}
		// An id is named in parentheses, "(thestreet-midafternoon)"
		// (bare, "close" or "low" is a word); a title whole.
		if e.ID != "" {
			out = append(out, "("+e.ID+")")
		}
		if len(e.Title) >= 12 {
			out = append(out, e.Title)
		}
	}
	return out
}

// namesAny reports whether any text contains any of names.
func namesAny(names []string, texts ...string) bool {
	for _, n := range names {
		for _, t := range texts {
			if t != "" && strings.Contains(t, n) {
				return true
			}
		}
	}
	return false
}
