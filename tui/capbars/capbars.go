// Package capbars is the market-value pane (`m`): a horizontal bar chart of
// each equity's market-value change since the previous close, sorted by
// size, losses left of an axis and gains right of it on one scale, with
// each one's share of the basket's losses or gains and the basket total on
// top.
// Symbols without a share count are listed as such, never as zero.
package capbars

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// DefaultLabel names the basket in the header line.
const DefaultLabel = "AI basket"

// KeyMap is the pane's key bindings (scrolling when the list is long).
type KeyMap struct {
	Up   key.Binding
	Down key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:   key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "scroll up")),
		Down: key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "scroll down")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Up, k.Down}} }

// Model is the market-value bar pane. Use New.
type Model struct {
	KeyMap KeyMap

	c       common.Common
	w, h    int
	frame   *market.Frame
	label   string
	offset  int
	focused bool

	view string
}

// New returns the pane.
func New(c common.Common) Model {
	m := Model{KeyMap: DefaultKeyMap(), c: c, label: DefaultLabel}
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

// SetFrame sets the frame to chart.
func (m *Model) SetFrame(f *market.Frame) {
	m.frame = f
	m.render()
}

// SetLabel names the basket ("AI basket" by default).
func (m *Model) SetLabel(s string) {
	m.label = s
	m.render()
}

// Focus lets the pane take keys.
func (m *Model) Focus() { m.focused = true }

// Blur stops the pane taking keys.
func (m *Model) Blur() { m.focused = false }

// Focused reports whether the pane takes keys.
func (m Model) Focused() bool { return m.focused }

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// Update scrolls the list while focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	switch {
	case key.Matches(km, m.KeyMap.Up):
		m.offset--
	case key.Matches(km, m.KeyMap.Down):
		m.offset++
	default:
		return m, nil
	}
	m.render()
	return m, nil
}

// View returns the pane, rendered when its inputs last changed.
func (m Model) View() string { return m.view }

func (m *Model) txt(s string) string { return common.Text(s, m.c.Glyphs) }

// Since is the header's "since Fri close" for a frame.
func Since(f *market.Frame) string {
	if f != nil && f.Session > 0 && f.Session <= len(f.Sessions) {
		if p := f.Sessions[f.Session-1].Close; !p.IsZero() {
			return "since " + p.Format("Mon") + " close"
		}
	}
	return "since prev close"
}

func (m *Model) render() {
	if m.w <= 0 || m.h <= 0 || m.c.Styles == nil {
		m.view = ""
		return
	}
	lines := m.lines()
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	lines = lines[:m.h]
	for i, l := range lines {
		n := theme.StringWidth(l)
		if n > m.w {
			l = ansi.Truncate(l, m.w, "")
			n = theme.StringWidth(l)
		}
		lines[i] = l + strings.Repeat(" ", max(0, m.w-n))
	}
	m.view = strings.Join(lines, "\n")
}

func (m *Model) lines() []string {
	s := m.c.Styles
	f := m.frame
	if f == nil {
		return []string{s.P.Faint.Render("waiting for data")}
	}
	b := f.Basket(nil)
	// Painters: the pane is redrawn on every frame (it sits under the
	// watchlist), and Render's per-call work was most of its cost.
	moveSt := func(v float64) theme.Painter {
		switch {
		case v < 0:
			return s.P.Down
		case v > 0:
			return s.P.Up
		}
		return s.P.Muted
	}
	head := s.P.StripLabel.Render(m.label) + " "
	if len(b.Items) == 0 {
		head += s.P.Faint.Render("no value changes yet this session")
	} else {
		head += moveSt(b.Delta).Render(m.txt(common.Dollars(b.Delta))) + " " + s.P.Muted.Render(Since(f))
	}

	// Values a pane cannot scale (an overflowed or NaN market value from a
	// hostile file) are listed apart, never drawn or ranked.
	var items []market.ValueChange
	var unscaled []string
	for _, it := range b.Items {
		if common.Sane(it.Delta, common.MaxDollars) && common.Sane(it.Value, common.MaxDollars) {
			items = append(items, it)
		} else {
			unscaled = append(unscaled, it.Symbol)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return math.Abs(items[i].Delta) > math.Abs(items[j].Delta) })
	symW := 4
	dolW := 0
	var maxLoss, maxGain, losses, gains float64
	for _, it := range items {
		symW = max(symW, len(it.Symbol))
		dolW = max(dolW, len([]rune(common.Dollars(it.Delta))))
		if it.Delta < 0 {
			maxLoss, losses = math.Max(maxLoss, -it.Delta), losses-it.Delta
		} else {
			maxGain, gains = math.Max(maxGain, it.Delta), gains+it.Delta
		}
	}
	for _, sym := range append(b.Missing, unscaled...) {
		symW = max(symW, len(sym))
	}
	// "NVDA ▼ −$592.7B ████│       52.9% of losses": losses grow left of
	// the axis, gains right of it, on one scale.
	shareLong, shareShort := 16, 6 // "100.0% of losses", "100.0%"
	fixed := symW + 3 + dolW + 1
	shareW := shareLong
	barW := m.w - fixed - shareW - 1
	if barW < 8 {
		shareW = shareShort
		barW = m.w - fixed - shareW - 1
	}
	if barW < 3 {
		shareW = 0
		barW = max(0, m.w-fixed)
	}
	sc := newScale(maxLoss, maxGain, barW)
	if len(b.Items) > 0 {
		// With the short share column the header says what it is.
		rights := []string{"value " + common.DollarsAbs(b.Value)}
		if shareW == shareShort {
			rights = []string{"% = share of losses or gains", "share of its side", "share"}
		}
		for _, right := range rights {
			right = m.txt(right)
			if gap := m.w - theme.StringWidth(head) - len([]rune(right)); gap >= 2 {
				head += strings.Repeat(" ", gap) + s.P.Faint.Render(right)
				break
			}
		}
	}
	out := []string{head}
	var rows []string
	axis := s.P.Faint.Render(m.axisGlyph())
	for _, it := range items {
		st := moveSt(it.Delta)
		r := pad(it.Symbol, symW) + " " + st.Render(common.Arrow(it.Delta, m.c.Glyphs)) + " " +
			st.Render(padLeft(m.txt(common.Dollars(it.Delta)), dolW)) + " "
		if sc.ok {
			l, g := "", ""
			if it.Delta < 0 {
				l = m.barLeft(-it.Delta*sc.perDollar, sc.left)
			} else {
				g = m.bar(it.Delta*sc.perDollar, sc.right)
			}
			r += strings.Repeat(" ", sc.left-len([]rune(l))) + st.Render(l) + axis +
				st.Render(g) + strings.Repeat(" ", sc.right-len([]rune(g)))
		} else {
			r += strings.Repeat(" ", barW)
		}
		if shareW > 0 {
			side, of := gains, " of gains"
			if it.Delta < 0 {
				side, of = losses, " of losses"
			}
			share := padLeft(shareText(math.Abs(it.Delta)/math.Max(side, 1)), 6)
			if shareW == shareLong {
				share += of
			}
			r += " " + s.P.Muted.Render(share)
		}
		rows = append(rows, r)
	}
	for _, sym := range unscaled {
		rows = append(rows, pad(sym, symW)+"   "+s.P.Faint.Render("value out of range (price or share count)"))
	}
	for _, sym := range b.Missing {
		why := common.NoData // has a share count, no price yet
		if i := f.Index(sym); i >= 0 && f.Quotes[i].Carried {
			why = "no trade yet this session"
		}
		if !hasShares(f, sym) {
			why = "no share count"
		}
		rows = append(rows, pad(sym, symW)+"   "+s.P.Faint.Render(why))
	}
	visible := m.h - 1
	if visible <= 0 {
		return out
	}
	if len(rows) > visible {
		visible-- // room for the "more" line
	}
	m.offset = max(0, min(m.offset, len(rows)-max(visible, 1)))
	end := min(len(rows), m.offset+visible)
	out = append(out, rows[m.offset:end]...)
	if end < len(rows) || m.offset > 0 {
		more := "+" + strconv.Itoa(len(rows)-end) + " more"
		if m.offset > 0 {
			more += " (" + strconv.Itoa(m.offset) + " above)"
		}
		out = append(out, s.P.Faint.Render(more))
	}
	return out
}

// scale is the bars' one scale: losses take the cells left of the axis,
// gains the cells right of it, at the same dollars per cell.
type scale struct {
	ok          bool
	left, right int     // cells each side of the one-cell axis
	perDollar   float64 // cells per dollar
}

func newScale(maxLoss, maxGain float64, w int) scale {
	room := w - 1 // the axis
	if room < 2 || maxLoss+maxGain <= 0 {
		return scale{}
	}
	k := float64(room) / (maxLoss + maxGain)
	left := int(math.Round(maxLoss * k))
	if maxLoss > 0 {
		left = max(left, 1)
	}
	if maxGain > 0 {
		left = min(left, room-1)
	}
	return scale{ok: true, left: left, right: room - left, perDollar: k}
}

func (m *Model) axisGlyph() string {
	if m.c.Glyphs == common.GlyphsASCII {
		return "|"
	}
	return "│"
}

// bar draws a bar of cells (fractional) growing right, at most w cells,
// with eighth-cell ends (ntcharts' left block runes); ASCII uses '+'.
func (m *Model) bar(cells float64, w int) string {
	if w <= 0 || !(cells > 0) {
		return ""
	}
	cells = math.Min(cells, float64(w))
	full := int(cells)
	if m.c.Glyphs == common.GlyphsASCII {
		return strings.Repeat("+", max(1, int(math.Round(cells))))
	}
	b := strings.Repeat(string(runes.FullBlock), full)
	if full < w {
		if r := runes.LeftBlockElementFromFloat64(cells - float64(full)); r != runes.Null {
			b += string(r)
		} else if full == 0 {
			b += string(runes.LeftBlockOne) // a tiny move still shows
		}
	}
	return b
}

// barLeft draws a bar of cells growing left from the axis, at most w
// cells: Unicode has no left-growing eighths, so its end is a half cell
// (▐) or a sliver (▕); ASCII uses '-'.
func (m *Model) barLeft(cells float64, w int) string {
	if w <= 0 || !(cells > 0) {
		return ""
	}
	cells = math.Min(cells, float64(w))
	if m.c.Glyphs == common.GlyphsASCII {
		return strings.Repeat("-", max(1, int(math.Round(cells))))
	}
	full := int(cells)
	end := ""
	if rest := cells - float64(full); full < w && rest >= 0.75 {
		full++
	} else if full < w && rest >= 0.25 {
		end = "▐"
	} else if full == 0 {
		end = "▕" // a tiny move still shows
	}
	return end + strings.Repeat(string(runes.FullBlock), full)
}

// hasShares reports whether sym's company has a share count on any of its
// symbols (share classes keep the count on one symbol).
func hasShares(f *market.Frame, sym string) bool {
	i := f.Index(sym)
	if i < 0 {
		return false
	}
	company := f.Symbols[i].Company
	for _, s := range f.Symbols {
		same := s.Symbol == sym || (company != "" && s.Company == company)
		if same && s.Shares != nil && s.Shares.Count > 0 {
			return true
		}
	}
	return false
}

func shareText(share float64) string {
	v := share * 100
	s := strconv.FormatFloat(math.Abs(v), 'f', 1, 64) + "%"
	if v < 0 && s != "0.0%" {
		return common.Minus + s
	}
	return s
}

func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-len([]rune(s))))
}

func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(0, w-len([]rune(s)))) + s
}
