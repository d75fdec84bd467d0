package ticker

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

func testCommon(g common.Glyphs) common.Common {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	return common.Common{Styles: theme.New(r, theme.DefaultPalette()), Glyphs: g}
}

func frame() *market.Frame {
	sh := func(n int64) *snapshots.Shares { return &snapshots.Shares{Count: n} }
	eq := snapshots.KindEquity
	return &market.Frame{
		Time:     time.Date(2025, 1, 27, 16, 0, 0, 0, snapshots.Location()),
		Sessions: []snapshots.Session{{Date: "2025-01-24"}, {Date: "2025-01-27"}},
		Session:  1,
		Symbols: []snapshots.Symbol{
			{Symbol: "AAPL", Kind: eq, Shares: sh(15_022_073_000)},
			{Symbol: "NVDA", Kind: eq, Shares: sh(24_490_000_000)},
			{Symbol: "AVGO", Kind: eq, Shares: sh(4_687_356_156)},
			{Symbol: "QQQ", Kind: snapshots.KindETF},
		},
		Quotes: []market.Quote{
			{Price: 229.86, HasPrice: true, PrevClose: 222.78},
			{Price: 118.42, HasPrice: true, PrevClose: 142.62},
			{Price: 202.13, HasPrice: true, PrevClose: 244.70},
			{Price: 514.21, HasPrice: true, PrevClose: 529.63},
		},
	}
}

func TestStrip(t *testing.T) {
	m := New(testCommon(common.GlyphsBraille))
	m.SetSize(200, 1)
	m.SetFrame(frame())
	v := m.View()
	want := "AI basket −$685.8B since Fri close │ NVDA ▼ −$592.7B   AVGO ▼ −$199.5B   AAPL ▲ +$106.4B"
	if !strings.HasPrefix(v, want) {
		t.Fatalf("strip\n%q\nwant prefix\n%q", v, want)
	}
	if ansi.StringWidth(v) != 200 {
		t.Fatalf("width %d", ansi.StringWidth(v))
	}
	// Everything fits: advancing does not move it.
	m.Advance()
	if m.View() != v {
		t.Fatal("a strip that fits scrolled")
	}
}

func TestStripScrollsOnlyOnAdvance(t *testing.T) {
	m := New(testCommon(common.GlyphsASCII))
	m.SetSize(60, 1)
	m.SetFrame(frame())
	v0 := m.View()
	if !strings.HasPrefix(v0, "AI basket -$685.8B since Fri close | NVDA v -$592.7B") {
		t.Fatalf("ascii strip %q", v0)
	}
	if m.View() != v0 {
		t.Fatal("View is not stable")
	}
	m.Advance()
	v1 := m.View()
	if v1 == v0 || !strings.HasPrefix(v1, "AI basket -$685.8B since Fri close | VDA v") {
		t.Fatalf("advance: %q", v1)
	}
	// A new frame keeps the scroll position.
	m.SetFrame(frame())
	if m.View() != v1 {
		t.Fatal("SetFrame reset the scroll")
	}
	for w := 0; w < 120; w++ {
		m.SetSize(w, 1)
		if got := ansi.StringWidth(m.View()); got != w {
			t.Fatalf("width %d: %d", w, got)
		}
	}
}

func TestPrevSessionDay(t *testing.T) {
	f := frame()
	if d := PrevSessionDay(f); d != "Fri" {
		t.Fatalf("%q", d)
	}
	f.Session = 0
	if d := PrevSessionDay(f); d != "" {
		t.Fatalf("%q", d)
	}
	m := New(testCommon(common.GlyphsBraille))
	m.SetSize(80, 1)
	m.SetFrame(f)
	if !strings.Contains(m.View(), "since prev close") {
		t.Fatal(m.View())
	}
}

// TestStripEndsOnWholeItem: before it scrolls, a strip that does not fit
// ends after the last whole item, never inside a number; a narrow one
// keeps the total and drops "since Fri close" rather than cut it.
func TestStripEndsOnWholeItem(t *testing.T) {
	m := New(testCommon(common.GlyphsBraille))
	m.SetFrame(frame())
	for w := 18; w <= 90; w++ {
		m.SetSize(w, 1)
		v := m.View()
		if ansi.StringWidth(v) != w {
			t.Fatalf("%d: width %d", w, ansi.StringWidth(v))
		}
		tail := strings.TrimRight(v, " ")
		if !strings.HasSuffix(tail, "B") && !strings.HasSuffix(tail, " close") {
			t.Fatalf("%d: cut inside an item or the label: %q", w, v)
		}
	}
}
