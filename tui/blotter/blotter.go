// Package blotter is paper trading in a replay: the order ticket (b) for
// the selected symbol, and the blotter pane (B) with the fills, the running
// P&L at the replay's price, and how holding the first trade would have
// done. Fills are at the last regular-session trade the frame shows; with
// no such trade the order is refused, never filled at zero. The logic is
// feeds/paper; this package only keeps the ticket and draws.
package blotter

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/paper"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// RoundLot is the ticket's default quantity.
const RoundLot = 100

// maxDigits bounds the quantity typed (paper.MaxQty has 8 digits).
const maxDigits = 8

// KeyMap is the ticket's and the pane's keys.
type KeyMap struct {
	Side   key.Binding // ticket: buy <-> sell
	Fill   key.Binding // ticket: fill the order
	Cancel key.Binding // ticket: close without an order
	Delete key.Binding // ticket: delete a digit of the quantity
	Up     key.Binding // pane: scroll the fills
	Down   key.Binding
	Close  key.Binding // pane: close it
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Side:   key.NewBinding(key.WithKeys("tab", "left", "right"), key.WithHelp("tab", "buy/sell")),
		Fill:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "fill at the replay's price")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Delete: key.NewBinding(key.WithKeys("backspace"), key.WithHelp("0-9 ⌫", "quantity")),
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "earlier fills")),
		Down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "later fills")),
		Close:  key.NewBinding(key.WithKeys("esc", "B"), key.WithHelp("esc/B", "close blotter")),
	}
}

// NoteMsg is a line for the status bar: a fill, or why an order was
// refused.
type NoteMsg struct{ Text string }

func note(s string) tea.Cmd { return func() tea.Msg { return NoteMsg{Text: s} } }

// Model is the ticket and the blotter. Use New.
type Model struct {
	KeyMap KeyMap

	c      common.Common
	w, h   int
	frame  *market.Frame
	book   paper.Book
	scroll int // fills hidden below the last shown (0: the latest shown)

	ticket bool
	sym    string
	side   paper.Side
	qty    string
	typed  bool // a digit was typed: the default lot is replaced
}

// New returns an empty blotter.
func New(c common.Common) Model { return Model{KeyMap: DefaultKeyMap(), c: c} }

// SetSize sets the pane's inner size; View returns exactly h lines of w cells.
func (m *Model) SetSize(w, h int) { m.w, m.h = max(0, w), max(0, h) }

// SetFrame follows the replay: the marks are at its prices.
func (m *Model) SetFrame(f *market.Frame) { m.frame = f }

// Book is the fills so far.
func (m Model) Book() paper.Book { return m.book }

// SetBook replaces the fills (a discard after a confirmed seek).
func (m *Model) SetBook(b paper.Book) { m.book = b; m.scroll = 0 }

// TicketOpen reports whether the order ticket is open.
func (m Model) TicketOpen() bool { return m.ticket }

// Price is sym's fill price in f: the last regular-session trade, when
// this session has one.
func Price(f *market.Frame, sym string) (float64, bool) {
	if f == nil {
		return 0, false
	}
	i := f.Index(sym)
	if i < 0 || i >= len(f.Quotes) {
		return 0, false
	}
	q := f.Quotes[i]
	if !q.HasPrice || q.Carried || !(q.Price > 0) || !common.Sane(q.Price, common.MaxPrice) {
		return 0, false
	}
	return q.Price, true
}

// OpenTicket opens the ticket for sym (a buy of a round lot). It refuses,
// with the reason, when sym has no price to fill at.
func (m *Model) OpenTicket(sym string) error {
	if sym == "" {
		return errNote("no symbol selected")
	}
	if _, ok := Price(m.frame, sym); !ok {
		return errNote("no " + sym + " trade yet this session: nothing to fill at")
	}
	m.ticket, m.sym, m.side, m.qty, m.typed = true, sym, paper.Buy, strconv.Itoa(RoundLot), false
	return nil
}

type errNote string

func (e errNote) Error() string { return string(e) }

// CloseTicket closes the ticket without an order.
func (m *Model) CloseTicket() { m.ticket = false }

// Update handles the ticket's keys while it is open, and the pane's
// scrolling otherwise.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if !m.ticket {
		switch {
		case key.Matches(km, m.KeyMap.Up):
			m.scroll = min(m.scroll+1, max(0, m.book.Len()-1))
		case key.Matches(km, m.KeyMap.Down):
			m.scroll = max(m.scroll-1, 0)
		}
		return m, nil
	}
	switch {
	case key.Matches(km, m.KeyMap.Cancel):
		m.ticket = false
		return m, note("order cancelled")
	case key.Matches(km, m.KeyMap.Side):
		if m.side == paper.Buy {
			m.side = paper.Sell
		} else {
			m.side = paper.Buy
		}
	case key.Matches(km, m.KeyMap.Delete):
		if !m.typed {
			m.qty, m.typed = "", true
		} else if m.qty != "" {
			m.qty = m.qty[:len(m.qty)-1]
		}
	case key.Matches(km, m.KeyMap.Fill):
		return m.fill()
	case km.Type == tea.KeyRunes && len(km.Runes) == 1 && km.Runes[0] >= '0' && km.Runes[0] <= '9':
		if !m.typed {
			m.qty, m.typed = "", true
		}
		if len(m.qty) < maxDigits && (m.qty != "" || km.Runes[0] != '0') {
			m.qty += string(km.Runes)
		}
	}
	return m, nil
}

func (m Model) fill() (Model, tea.Cmd) {
	qty, _ := strconv.ParseInt(m.qty, 10, 64)
	px, ok := Price(m.frame, m.sym)
	if !ok {
		return m, note("no " + m.sym + " trade yet this session: order not filled")
	}
	b, f, err := m.book.Fill(m.sym, m.side, qty, px, m.frame.Time)
	if err != nil {
		return m, note("order not filled: " + err.Error())
	}
	m.book, m.ticket, m.scroll = b, false, 0
	return m, note("paper " + strings.ToLower(f.Side.String()) + " " + strconv.FormatInt(f.Qty, 10) + " " +
		f.Symbol + " at " + px2(f.Price) + " (" + clock(f.Time) + ")")
}

// TicketView is the ticket's one line, w cells wide.
func (m Model) TicketView(w int) string {
	st := m.c.Styles
	if !m.ticket || st == nil {
		return ""
	}
	side := st.Up.Render("[BUY]") + " sell"
	if m.side == paper.Sell {
		side = "buy " + st.Down.Render("[SELL]")
	}
	qty := m.qty
	if qty == "" {
		qty = "_"
	}
	s := st.Prompt.Render("order "+m.sym+": ") + side + " " + st.Bold.Render(qty)
	if px, ok := Price(m.frame, m.sym); ok {
		s += " at " + px2(px)
		if n, err := strconv.ParseInt(m.qty, 10, 64); err == nil && n > 0 {
			s += " = " + money(float64(n)*px)
		}
	}
	for _, hint := range []string{"  tab buy/sell · 0-9 qty · enter fill · esc cancel", "  tab · 0-9 · enter · esc"} {
		if theme.StringWidth(s+hint) <= w {
			s += st.Faint.Render(hint)
			break
		}
	}
	return fit(common.Text(s, m.c.Glyphs), w)
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	if m.ticket {
		return []key.Binding{m.KeyMap.Side, m.KeyMap.Delete, m.KeyMap.Fill, m.KeyMap.Cancel}
	}
	return []key.Binding{m.KeyMap.Up, m.KeyMap.Down, m.KeyMap.Close}
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Mark is the book at the frame's prices.
func (m Model) Mark() (paper.PnL, paper.Hold) {
	price := func(s string) (float64, bool) { return Price(m.frame, s) }
	fills := m.book.Fills()
	return paper.Mark(fills, price), paper.BuyAndHold(fills, price)
}

// View draws the blotter: the fills (latest at the bottom), then the
// summary: trades, realised, unrealised and total P&L at the replay's
// price, and holding the first trade instead.
func (m Model) View() string {
	if m.w <= 0 || m.h <= 0 || m.c.Styles == nil {
		return ""
	}
	st := m.c.Styles
	title := "Paper trading"
	if m.frame != nil && !m.frame.Time.IsZero() {
		title += " · " + m.frame.Time.In(snapshots.Location()).Format("Mon 2 Jan 15:04")
	}
	head := []string{st.Title.Render(title) + st.Faint.Render(" · replay prices, no fees or slippage")}
	sum := m.summary()
	fills := m.book.Fills()
	var body []string
	if len(fills) == 0 {
		body = append(body, st.Faint.Render("no orders yet: b on a row opens a ticket"))
	} else {
		body = append(body, st.Header.Render(row("TIME", "SIDE", "QTY", "SYMBOL", "PRICE", "VALUE")))
		rows := max(1, m.h-len(head)-len(sum)-3) // the header, a blank line, the footer
		end := len(fills) - min(m.scroll, len(fills)-1)
		start := max(0, end-rows)
		if start > 0 {
			start++ // room for the "earlier" line
			body = append(body, st.Faint.Render("↑ "+strconv.Itoa(start)+" earlier fills (k)"))
		}
		for _, f := range fills[start:end] {
			side := st.Up.Render(pad(f.Side.String(), 5))
			if f.Side == paper.Sell {
				side = st.Down.Render(pad(f.Side.String(), 5))
			}
			body = append(body, pad(clock(f.Time), 12)+" "+side+" "+
				row2(strconv.FormatInt(f.Qty, 10), f.Symbol, px2(f.Price), money(f.Value())))
		}
	}
	lines := append(head, body...)
	lines = append(lines, "")
	lines = append(lines, sum...)
	if len(lines) < m.h {
		for len(lines) < m.h-1 {
			lines = append(lines, "")
		}
		lines = append(lines, st.Faint.Render("b order · k/j earlier/later fills · esc/B close"))
	}
	if len(lines) > m.h {
		// a short pane keeps the title and the summary's figures
		keep := append([]string{lines[0]}, sum...)
		lines = keep[:min(len(keep), m.h)]
	}
	for i, l := range lines {
		lines[i] = fit(common.Text(l, m.c.Glyphs), m.w)
	}
	return strings.Join(lines, "\n")
}

// summary is the pane's last lines.
func (m Model) summary() []string {
	st := m.c.Styles
	p, hold := m.Mark()
	at := "now"
	if m.frame != nil {
		at = m.frame.Time.In(snapshots.Location()).Format("15:04")
		if s, ok := m.frame.CurrentSession(); ok && !s.Close.IsZero() && !m.frame.Time.Before(s.Close) {
			at = "the close"
		}
	}
	signed := func(x float64) string {
		s := money(x)
		switch {
		case x > 0.005:
			return st.Up.Render("+" + s)
		case x < -0.005:
			return st.Down.Render(s)
		}
		return s
	}
	var open []string
	for _, pos := range p.Positions {
		if pos.Shares != 0 {
			open = append(open, pos.Symbol+" "+strings.Replace(strconv.FormatInt(pos.Shares, 10), "-", common.Minus, 1)+" @ "+px2(pos.AvgCost))
		}
	}
	holding := "flat"
	if len(open) > 0 {
		holding = strings.Join(open, ", ")
	}
	out := []string{
		"Trades " + strconv.Itoa(p.Trades) + " · open: " + holding,
		"P&L " + signed(p.Total) + "  realised " + signed(p.Realized) + " · unrealised " + signed(p.Unrealized) + " at " + at,
	}
	if len(p.Unpriced) > 0 {
		out[1] += st.Warn.Render(" (no price: " + strings.Join(p.Unpriced, ", ") + ", left out)")
	}
	if p.Trades > 0 {
		first := "the first trade"
		if len(p.Positions) > 1 {
			first = "each symbol's first trade"
		}
		s := "Holding " + first + " to " + at + ": " + signed(hold.PnL)
		if len(hold.Unpriced) == 0 {
			d := p.Total - hold.PnL
			switch {
			case d > 0.005:
				s += " (trading did " + money(d) + " better)"
			case d < -0.005:
				s += " (trading did " + money(-d) + " worse)"
			}
		} else {
			s += st.Warn.Render(" (no price: " + strings.Join(hold.Unpriced, ", ") + ")")
		}
		out = append(out, s)
	}
	return out
}

func clock(t time.Time) string { return t.In(snapshots.Location()).Format("Mon 2 15:04") }

func px2(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// money is a dollar figure with a typographic minus, as the watchlist
// writes them.
func money(x float64) string {
	s := paper.Money(x)
	if strings.HasPrefix(s, "-") {
		s = common.Minus + s[1:]
	}
	return s
}

func row(time, side, qty, sym, price, value string) string {
	return pad(time, 12) + " " + pad(side, 5) + " " + row2(qty, sym, price, value)
}

func row2(qty, sym, price, value string) string {
	return lpad(qty, 8) + "  " + pad(sym, 6) + " " + lpad(price, 9) + " " + lpad(value, 14)
}

func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-theme.StringWidth(s)))
}

func lpad(s string, n int) string {
	return strings.Repeat(" ", max(0, n-theme.StringWidth(s))) + s
}

func fit(s string, w int) string {
	n := theme.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "")
		n = theme.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, w-n))
}
