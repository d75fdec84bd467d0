package watchlist

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
	"github.com/selloff/selloff/tui/theme"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func testCommon(g common.Glyphs) common.Common {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	return common.Common{Styles: theme.New(r, theme.DefaultPalette()), Glyphs: g}
}

var loc = snapshots.Location()

// testFrame is a small hand-built frame: two chip stocks (one without any
// price yet), a power stock and an index without volume.
func testFrame() *market.Frame {
	open := time.Date(2025, 1, 27, 9, 30, 0, 0, loc)
	at := time.Date(2025, 1, 27, 12, 0, 0, 0, loc)
	sh := func(n int64) *snapshots.Shares { return &snapshots.Shares{Count: n} }
	syms := []snapshots.Symbol{
		{Symbol: "NVDA", Name: "NVIDIA", Kind: snapshots.KindEquity, Groups: []string{"chips"}, Shares: sh(24_490_000_000)},
		{Symbol: "NEWCO", Name: "New Co", Kind: snapshots.KindEquity, Groups: []string{"chips"}, Shares: sh(1_000_000_000)},
		{Symbol: "VST", Name: "Vistra", Kind: snapshots.KindEquity, Groups: []string{"power", "chips"}, Shares: sh(344_788_634)},
		{Symbol: "^SOX", Name: "PHLX Semiconductor", Kind: snapshots.KindIndex, Groups: []string{"benchmarks"}, NoVolume: true},
	}
	bar := func(sym string, k int, c float64) snapshots.Bar {
		return snapshots.Bar{Symbol: sym, Interval: "5m", Time: open.Add(time.Duration(k) * 5 * time.Minute), Open: c, High: c, Low: c, Close: c}
	}
	var nv, vs, sx []snapshots.Bar
	for k := 0; k < 30; k++ {
		nv = append(nv, bar("NVDA", k, 125-float64(k)*0.2))
		vs = append(vs, bar("VST", k, 150+float64(k%5)))
		sx = append(sx, bar("^SOX", k, 5000-float64(k)*5))
	}
	return &market.Frame{
		Time:     at,
		Sessions: []snapshots.Session{{Date: "2025-01-24"}, {Date: "2025-01-27", Open: open, Close: time.Date(2025, 1, 27, 16, 0, 0, 0, loc)}},
		Session:  1,
		Symbols:  syms,
		Quotes: []market.Quote{
			{Symbol: "NVDA", Price: 119.2, HasPrice: true, PrevClose: 142.62, Open: 124.8, High: 128.4, Low: 119, Volume: 400_000_000, Updated: at},
			{Symbol: "NEWCO"},
			{Symbol: "VST", Price: 154, HasPrice: true, PrevClose: 190.07, High: 156, Low: 131.87, Volume: 10_000_000, Updated: at.Add(-5 * time.Minute)},
			{Symbol: "^SOX", Price: 4855, HasPrice: true, PrevClose: 5341.94, High: 5045, Low: 4785, Updated: at},
		},
		Intraday: [][]snapshots.Bar{nv, nil, vs, sx},
		Daily:    make([][]snapshots.Bar, 4),
	}
}

func newList(t *testing.T, g common.Glyphs, w, h int) Model {
	t.Helper()
	m := New(testCommon(g))
	m.SetSize(w, h)
	m.SetFrame(testFrame())
	m.Focus()
	return m
}

func rowOf(v, sym string) string {
	for _, ln := range strings.Split(v, "\n") {
		if strings.Contains(ln, " "+sym+" ") || strings.Contains(ln, "▸"+sym+" ") || strings.Contains(ln, ">"+sym+" ") {
			return ln
		}
	}
	return ""
}

func TestMissingIsNeverZero(t *testing.T) {
	m := newList(t, common.GlyphsBraille, 140, 20)
	v := m.View()
	row := rowOf(v, "NEWCO")
	if row == "" {
		t.Fatalf("no NEWCO row:\n%s", v)
	}
	if strings.Contains(row, "0.00") || strings.Contains(row, "$0") {
		t.Fatalf("a symbol without a price shows a zero: %q", row)
	}
	if strings.Count(row, "—") < 5 {
		t.Fatalf("missing values not shown as —: %q", row)
	}
	sox := rowOf(v, "^SOX")
	if !strings.HasSuffix(strings.TrimRight(sox, "│┃ "), "—") {
		t.Fatalf("index without volume should end with —: %q", sox)
	}
	// ascii glyphs
	m = newList(t, common.GlyphsASCII, 140, 20)
	if row := rowOf(m.View(), "NEWCO"); !strings.Contains(row, "--") || strings.ContainsAny(row, "—−") {
		t.Fatalf("ascii row %q", row)
	}
}

func TestGroupsAndSubtotals(t *testing.T) {
	m := newList(t, common.GlyphsBraille, 140, 20)
	v := m.View()
	ci, pi, bi := strings.Index(v, "CHIPS"), strings.Index(v, "POWER"), strings.Index(v, "BENCHMARKS")
	if ci < 0 || pi < ci || bi < pi {
		t.Fatalf("groups out of order (first group wins):\n%s", v)
	}
	// chips subtotal: NVDA only (NEWCO has no price): (119.2-142.62)*24.49B = -573.6B
	var chips string
	for _, ln := range strings.Split(v, "\n") {
		if strings.Contains(ln, "CHIPS") {
			chips = ln
		}
	}
	if !strings.Contains(chips, "−$573.6B") {
		t.Fatalf("chips subtotal: %q", chips)
	}
}

func TestSortModes(t *testing.T) {
	m := newList(t, common.GlyphsBraille, 140, 20)
	order := func() string {
		var s []string
		for _, r := range m.rows {
			if !r.header {
				s = append(s, m.frame.Symbols[r.sym].Symbol)
			}
		}
		return strings.Join(s, ",")
	}
	want := map[SortMode]string{
		SortConfig: "NVDA,NEWCO,VST,^SOX",
		SortPct:    "NVDA,NEWCO,VST,^SOX", // NVDA -16.4% only priced chip; missing last
		SortValue:  "NVDA,NEWCO,VST,^SOX",
		SortSymbol: "NEWCO,NVDA,VST,^SOX",
	}
	for mode := SortConfig; mode < sortModes; mode++ {
		if got := order(); got != want[mode] {
			t.Errorf("sort %v: %s, want %s", mode, got, want[mode])
		}
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")})
	}
}

func TestFreshnessWhenLive(t *testing.T) {
	m := newList(t, common.GlyphsBraille, 160, 20)
	if strings.Contains(m.View(), "AGE") {
		t.Fatal("age column shown for a replay")
	}
	m.SetLive(true)
	at := testFrame().Time
	m.SetNow(at.Add(30 * time.Second))
	v := m.View()
	if !strings.Contains(v, "AGE") || !strings.Contains(rowOf(v, "NVDA"), "30s") {
		t.Fatalf("no age:\n%s", v)
	}
	// VST's quote is 5m30s old: stale, marked.
	if row := rowOf(v, "VST"); !strings.Contains(row, "!5m") {
		t.Fatalf("stale row not marked: %q", row)
	}
	// The source's limit (three 2 s polls): 30 s is stale, measured on
	// the UI's own clock, with no new frame needed.
	m.SetStaleAfter(6 * time.Second)
	if row := rowOf(m.View(), "NVDA"); !strings.Contains(row, "!30s") {
		t.Fatalf("30 s past a 6 s limit not marked: %q", row)
	}
}

func TestNarrowWidthsFit(t *testing.T) {
	for w := 1; w <= 200; w++ {
		for _, h := range []int{1, 3, 5, 12} {
			m := newList(t, common.GlyphsBraille, w, h)
			v := m.View()
			if v == "" {
				continue
			}
			panetest.CheckSize(t, v, w, h)
		}
	}
}

func TestScrollKeepsCursorVisible(t *testing.T) {
	m := newList(t, common.GlyphsBraille, 100, 6) // two table rows
	for range 5 {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
		if !strings.Contains(m.View(), "▸"+m.Selected()) {
			t.Fatalf("cursor on %s not visible:\n%s", m.Selected(), m.View())
		}
	}
	if m.Selected() != "^SOX" {
		t.Fatalf("selected %s", m.Selected())
	}
}

// TestRowAtMatchesView: for every pane row, RowAt names the symbol drawn
// on it (or -1 for borders, title, header, group rows and blanks), also
// after scrolling.
func TestRowAtMatchesView(t *testing.T) {
	for _, h := range []int{4, 6, 9, 20} {
		m := newList(t, common.GlyphsBraille, 100, h)
		for step := 0; step < 5; step++ {
			lines := strings.Split(m.View(), "\n")
			for y := -1; y <= h; y++ {
				i := m.RowAt(y)
				if y < 0 || y >= h {
					if i != -1 {
						t.Fatalf("h=%d y=%d outside: %d", h, y, i)
					}
					continue
				}
				var drawn string
				for _, s := range m.frame.Symbols {
					if strings.Contains(lines[y], " "+s.Symbol+" ") || strings.Contains(lines[y], "▸"+s.Symbol+" ") {
						drawn = s.Symbol
					}
				}
				got := ""
				if i >= 0 {
					got = m.frame.Symbols[m.rows[i].sym].Symbol
				}
				if got != drawn {
					t.Fatalf("h=%d offset=%d y=%d: RowAt says %q, the view draws %q:\n%s", h, m.offset, y, got, drawn, m.View())
				}
			}
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
		}
	}
}

// TestColumnLayout: at every width the columns fit with a cell to spare
// before the border, no header is cut, numbers keep their full width, and
// the 160-column dashboard's watchlist (88 cells inside) shows the name.
func TestColumnLayout(t *testing.T) {
	minW := map[colKind]int{colLast: 9, colChg: 8, colPct: 8, colDVal: 9, colMVal: 8, colVol: 7, colName: nameMin, colSpark: sparkMin}
	for w := 1; w <= 300; w++ {
		cols := layoutColumns(w, w%2 == 0, w%3 == 0, w%5 == 0)
		n := -1
		for _, c := range cols {
			n += c.width + 1
			if c.width < minW[c.kind] {
				t.Fatalf("w=%d: %s is %d wide, below %d", w, c.title, c.width, minW[c.kind])
			}
		}
		if w >= 27 && n > w-2 { // SYM, LAST and %CHG are never dropped: below that, View cuts
			t.Fatalf("w=%d: columns take %d cells", w, n)
		}
		h := headerLine(cols, common.GlyphsBraille)
		for _, c := range cols {
			title := c.title
			if c.kind == colSpark && c.width < len(title) {
				continue // a narrow sparkline has a shorter title
			}
			if !strings.Contains(h, title) {
				t.Fatalf("w=%d: header %q cuts %q", w, h, title)
			}
		}
	}
	var names bool
	for _, c := range layoutColumns(88, false, false, false) {
		names = names || c.kind == colName
	}
	if !names {
		t.Fatal("no NAME column at 88 cells")
	}
}

// TestFilterCopiesStayApart: the filter input is shared between copies of
// the model, so a copy taken before typing keeps its own filter and view.
func TestFilterCopiesStayApart(t *testing.T) {
	m := newList(t, common.GlyphsASCII, 100, 30)
	before, beforeView := m, m.View()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")})
	for _, r := range "nv" {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	typing := m
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if m.Filter() != "nv" || m.Filtering() {
		t.Fatalf("filter %q filtering %v, want \"nv\" accepted", m.Filter(), m.Filtering())
	}
	if before.Filter() != "" || before.Filtering() || before.View() != beforeView {
		t.Errorf("the copy before the filter changed: filter %q filtering %v", before.Filter(), before.Filtering())
	}
	if !typing.Filtering() || typing.Filter() != "nv" {
		t.Errorf("the copy while typing: filter %q filtering %v", typing.Filter(), typing.Filtering())
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if m.Filter() != "" || typing.Filter() != "nv" {
		t.Errorf("after esc: %q, the typing copy %q", m.Filter(), typing.Filter())
	}
}

// Pre- and post-market prices are shown next to the regular last, marked as
// such, for live sources; a row without one shows nothing there.
func TestExtendedHoursPricesMarked(t *testing.T) {
	f := testFrame()
	f.Quotes[0].State = snapshots.StatePost
	f.Quotes[0].ExtPrice, f.Quotes[0].HasExt = 118.19, true
	f.Quotes[2].State = snapshots.StatePre
	f.Quotes[2].ExtPrice, f.Quotes[2].HasExt = 150.5, true
	m := New(testCommon(common.GlyphsBraille))
	m.SetSize(200, 20)
	m.SetLive(true)
	m.SetNow(f.Time)
	m.SetFrame(f)
	v := m.View()
	if !strings.Contains(v, "PRE/POST") {
		t.Fatalf("no extended-hours column:\n%s", v)
	}
	if row := rowOf(v, "NVDA"); !strings.Contains(row, "119.20") || !strings.Contains(row, "post 118.19") {
		t.Errorf("NVDA row %q lacks the regular last and the marked post-market price", row)
	}
	if row := rowOf(v, "VST"); !strings.Contains(row, "pre 150.50") {
		t.Errorf("VST row %q lacks the marked pre-market price", row)
	}
	if row := rowOf(v, "^SOX"); strings.Contains(row, "post") || strings.Contains(row, "pre ") {
		t.Errorf("^SOX has no extended-hours price but shows one: %q", row)
	}
}

// A replay whose frame has pre- or post-market quotes (a live recording)
// shows the PRE/POST column, as live did; one without does not.
func TestExtColumnInReplay(t *testing.T) {
	m := newList(t, common.GlyphsBraille, 200, 20)
	if strings.Contains(m.View(), "PRE/POST") {
		t.Fatal("PRE/POST shown with no extended-hours quote")
	}
	f := *testFrame()
	f.Quotes = append([]market.Quote(nil), f.Quotes...)
	i := f.Index("NVDA")
	f.Quotes[i].ExtPrice, f.Quotes[i].HasExt = 120.17, true
	m.SetFrame(&f)
	if v := m.View(); !strings.Contains(v, "PRE/POST") || !strings.Contains(rowOf(v, "NVDA"), "120.17") {
		t.Fatalf("PRE/POST not shown for a recorded post-market quote:\n%s", v)
	}
}

func TestMissingPriceShowsTheSourcesReason(t *testing.T) {
	f := testFrame()
	f.Quotes[1].Note = "no index quotes on Alpaca"
	m := New(testCommon(common.GlyphsBraille))
	for _, w := range []int{140, 90, 60} { // with and without the name column
		m.SetSize(w, 20)
		m.SetFrame(f)
		v := m.View()
		row := rowOf(v, "NEWCO")
		if !strings.Contains(row, "no index quotes") || strings.Contains(row, "—") {
			t.Fatalf("width %d: the row does not give the reason: %q", w, row)
		}
		panetest.CheckSize(t, v, w, 20)
	}
	// a priced row keeps its name whatever the note
	f = testFrame()
	f.Quotes[0].Note = "stale note"
	m.SetSize(140, 20)
	m.SetFrame(f)
	if row := rowOf(m.View(), "NVDA"); !strings.Contains(row, "NVIDIA") || strings.Contains(row, "stale note") {
		t.Fatalf("priced row %q", row)
	}
}
