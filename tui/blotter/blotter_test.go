package blotter

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/paper"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

func newModel() Model {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	return New(common.Common{Styles: theme.New(r, theme.DefaultPalette()), Glyphs: common.GlyphsBraille})
}

func frame(q market.Quote) *market.Frame {
	return &market.Frame{
		Time:    time.Date(2025, 1, 27, 10, 0, 0, 0, snapshots.Location()),
		Symbols: []snapshots.Symbol{{Symbol: q.Symbol}},
		Quotes:  []market.Quote{q},
		Session: -1,
	}
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "bs":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func send(m Model, ks ...string) (Model, string) {
	var note string
	for _, k := range ks {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg(k))
		if cmd != nil {
			if n, ok := cmd().(NoteMsg); ok {
				note = n.Text
			}
		}
	}
	return m, note
}

func TestTicket(t *testing.T) {
	m := newModel()
	m.SetFrame(frame(market.Quote{Symbol: "NVDA", Price: 120.5, HasPrice: true}))
	if err := m.OpenTicket("NVDA"); err != nil {
		t.Fatal(err)
	}
	if v := m.TicketView(120); !strings.Contains(v, "[BUY] sell 100 at 120.50 = 12,050.00") {
		t.Fatalf("ticket %q", v)
	}
	// the first digit replaces the round lot; 0 cannot lead; tab sells
	m, _ = send(m, "0", "2", "5", "0", "bs", "tab")
	if v := m.TicketView(120); !strings.Contains(v, "buy [SELL] 25 at") {
		t.Fatalf("ticket %q", v)
	}
	m, note := send(m, "enter")
	if m.TicketOpen() || note != "paper sell 25 NVDA at 120.50 (Mon 27 10:00)" {
		t.Fatalf("open %v note %q", m.TicketOpen(), note)
	}
	f := m.Book().Fills()
	if len(f) != 1 || f[0].Side != paper.Sell || f[0].Qty != 25 || f[0].Price != 120.5 {
		t.Fatalf("fills %+v", f)
	}
	// an emptied quantity is refused, the ticket stays open
	_ = m.OpenTicket("NVDA")
	m, note = send(m, "bs", "enter")
	if !m.TicketOpen() || !strings.Contains(note, "quantity") || m.Book().Len() != 1 {
		t.Fatalf("empty qty: open %v note %q fills %d", m.TicketOpen(), note, m.Book().Len())
	}
	m, note = send(m, "esc")
	if m.TicketOpen() || note != "order cancelled" || m.Book().Len() != 1 {
		t.Fatalf("esc: open %v note %q", m.TicketOpen(), note)
	}
}

// No regular trade in this session (none at all, or yesterday's carried
// over): the ticket is refused, never filled at zero or at a stale price.
func TestNoPrice(t *testing.T) {
	for name, q := range map[string]market.Quote{
		"none":    {Symbol: "NVDA"},
		"carried": {Symbol: "NVDA", Price: 142.62, HasPrice: true, Carried: true},
		"zero":    {Symbol: "NVDA", Price: 0, HasPrice: true},
	} {
		m := newModel()
		m.SetFrame(frame(q))
		if err := m.OpenTicket("NVDA"); err == nil || m.TicketOpen() {
			t.Errorf("%s: a ticket opened", name)
		}
	}
	m := newModel()
	if err := m.OpenTicket("NVDA"); err == nil {
		t.Error("a ticket without a frame")
	}
}

func TestViewSizes(t *testing.T) {
	m := newModel()
	m.SetFrame(frame(market.Quote{Symbol: "NVDA", Price: 120.5, HasPrice: true}))
	var b paper.Book
	for i := 0; i < 30; i++ {
		b, _, _ = b.Fill("NVDA", paper.Side(i%2), 100, 120+float64(i), time.Date(2025, 1, 27, 10, i, 0, 0, snapshots.Location()))
	}
	m.SetBook(b)
	for _, sz := range [][2]int{{0, 0}, {5, 1}, {40, 3}, {80, 10}, {160, 40}} {
		m.SetSize(sz[0], sz[1])
		v := m.View()
		if sz[1] == 0 {
			if v != "" {
				t.Errorf("%v: %q", sz, v)
			}
			continue
		}
		lines := strings.Split(v, "\n")
		if len(lines) != sz[1] {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if w := theme.StringWidth(l); w != sz[0] {
				t.Errorf("%v: a line %d wide: %q", sz, w, l)
			}
		}
		if sz[1] == 10 && !strings.Contains(v, "earlier fills") {
			t.Errorf("%v: 30 fills do not say some are hidden", sz)
		}
	}
}
