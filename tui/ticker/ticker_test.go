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
	for range Hold {
		m.Advance()
	}
	if m.View() != v0 {
		t.Fatal("the strip moved during the hold at the start of its pass")
	}
	m.Advance()
	v1 := m.View()
	// a page: the next whole item first, never a cut one ("VDA v")
	if v1 == v0 || !strings.HasPrefix(v1, "AI basket -$685.8B since Fri close | AVGO v -$199.5B") {
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

// bigFrame is frame with more equities than fit a 100-column strip.
func bigFrame(prices ...float64) *market.Frame {
	f := frame()
	sh := func(n int64) *snapshots.Shares { return &snapshots.Shares{Count: n} }
	names := []string{"TSM", "GOOGL", "MSFT", "META", "ORCL", "AMZN", "CEG", "VST"}
	for i, n := range names {
		f.Symbols = append(f.Symbols, snapshots.Symbol{Symbol: n, Kind: snapshots.KindEquity, Shares: sh(int64(1_000_000_000 * (i + 1)))})
		f.Quotes = append(f.Quotes, market.Quote{Price: 100 - float64(i), HasPrice: true, PrevClose: 100})
	}
	for i, p := range prices {
		f.Quotes[i].Price = p
	}
	return f
}

func firstItem(v string) string {
	_, after, _ := strings.Cut(v, "| ")
	return strings.Fields(after)[0]
}

// A pass keeps one order while it scrolls (items swapped places mid-read);
// the first frame shows the biggest mover whole (NVDA had scrolled to
// "VDA"); the next pass takes the order again and starts with the biggest
// mover at the left.
func TestPassOrderIsFixed(t *testing.T) {
	m := New(testCommon(common.GlyphsASCII))
	m.SetSize(100, 1)
	m.SetFrame(bigFrame())
	if !m.Scrolls() {
		t.Fatal("the strip fits; the test needs it to scroll")
	}
	if got := firstItem(m.View()); got != "NVDA" {
		t.Fatalf("first frame starts with %q, want NVDA whole:\n%s", got, m.View())
	}
	for range Hold + 3 {
		m.Advance()
	}
	// three pages on: the fourth item of the pass's order first
	if got := firstItem(m.View()); got != "VST" {
		t.Fatalf("three pages on, %q first, want VST:\n%s", got, m.View())
	}
	// AAPL's fall now dwarfs NVDA's: the order stays for this pass.
	m.SetFrame(bigFrame(10, 140))
	v := m.View()
	if got := firstItem(v); got != "VST" {
		t.Fatalf("the order changed mid-pass (%q first):\n%s", got, v)
	}
	// Run to the end of the pass: the next starts with the biggest mover
	// (AAPL now), whole, and holds.
	for i := 0; m.Offset() != 0 || i == 0; i++ {
		m.Advance()
		if i > 10000 {
			t.Fatal("the pass never ended")
		}
	}
	v = m.View()
	if got := firstItem(v); got != "AAPL" {
		t.Fatalf("the next pass starts with %q, want AAPL:\n%s", got, v)
	}
	m.Advance()
	if m.View() != v {
		t.Fatal("the new pass did not hold at its start")
	}
}

// The strip scrolls on its own tick, not on updates, so it keeps moving
// while a replay is paused; a strip that fits arms no tick, and a stale
// tick does nothing.
func TestTickScrolls(t *testing.T) {
	m := New(testCommon(common.GlyphsASCII))
	m.SetSize(100, 1)
	m.SetFrame(bigFrame())
	if cmd := m.Arm(); cmd == nil || !m.Armed() {
		t.Fatal("an overflowing strip armed no tick")
	}
	m, _ = m.Update(m.Tick(time.Time{})) // the hold is one tick
	if m.Offset() != 0 {
		t.Fatal("the hold's tick moved the strip")
	}
	m.armed = false
	if cmd := m.Arm(); cmd == nil || !m.Armed() {
		t.Fatal("an overflowing strip armed no tick")
	}
	if cmd := m.Arm(); cmd != nil {
		t.Fatal("a second tick armed while one is in flight")
	}
	tick := m.Tick(time.Time{})
	m, cmd := m.Update(tick)
	if m.Offset() != 1 || cmd == nil {
		t.Fatalf("offset %d after a tick, next armed %v", m.Offset(), cmd != nil)
	}
	if m, _ = m.Update(tick); m.Offset() != 1 {
		t.Fatal("a stale tick moved the strip")
	}
	m.SetSize(400, 1)
	m, cmd = m.Update(m.Tick(time.Time{}))
	if cmd != nil || m.Armed() {
		t.Fatal("a strip that fits re-armed its tick")
	}
	m.SetEvery(0)
	m.SetSize(100, 1)
	if m.Arm() != nil {
		t.Fatal("SetEvery(0) still arms")
	}
}

// The strip pages: every step shows whole items from the page's first
// (never a figure cut at either end), a pass shows every item, and the
// next pass starts at the biggest mover once the last has been shown.
func TestStripPagesWholeItems(t *testing.T) {
	m := New(testCommon(common.GlyphsASCII))
	m.SetSize(100, 1)
	m.SetFrame(bigFrame())
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		v := m.View()
		_, items, _ := strings.Cut(v, "| ")
		for _, it := range strings.Split(strings.TrimRight(items, " "), "   ") {
			f := strings.Fields(it)
			if len(f) != 3 || !strings.HasSuffix(f[2], "B") {
				t.Fatalf("step %d: a cut item %q in %q", i, it, v)
			}
			seen[f[0]] = true
		}
		m.Advance()
		if m.Offset() == 0 && i > 0 {
			break
		}
	}
	if len(seen) != 11 {
		t.Errorf("a pass showed %d items, want 11: %v", len(seen), seen)
	}
	if m.Offset() != 0 || firstItem(m.View()) != "NVDA" {
		t.Errorf("the next pass does not start with the biggest mover: %q", m.View())
	}
}
