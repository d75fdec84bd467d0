package chart

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

func newChart(g common.Glyphs, w, h int, f *market.Frame, mode Mode, r Range) Model {
	m := New(panetest.Common(g))
	m.SetSize(w, h)
	m.SetSymbol("NVDA")
	m.SetCompare(panetest.Chips())
	m.SetMode(mode)
	m.SetRange(r)
	m.SetFrame(f)
	return m
}

func TestGolden(t *testing.T) {
	low := panetest.Frame(panetest.Low)
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsBlock, common.GlyphsASCII} {
		for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
			for _, r := range []Range{RangeDay, RangeWeek} {
				t.Run(fmt.Sprintf("%s_%s_%s_100x26", g, mode, r), func(t *testing.T) {
					golden.RequireEqual(t, []byte(newChart(g, 100, 26, low, mode, r).View()))
				})
			}
		}
	}
	for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
		for _, r := range []Range{RangeDay, RangeWeek} {
			t.Run(fmt.Sprintf("braille_%s_%s_60x16", mode, r), func(t *testing.T) {
				golden.RequireEqual(t, []byte(newChart(common.GlyphsBraille, 60, 16, low, mode, r).View()))
			})
		}
	}
	frames := map[string]time.Time{
		"preopen_0900": panetest.ET(27, 9, 0),
		"open_0935":    panetest.Open,
		"close_1600":   panetest.Close,
	}
	for name, at := range frames {
		for _, size := range [][2]int{{100, 26}, {60, 16}} {
			t.Run(fmt.Sprintf("%s_line_day_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(newChart(common.GlyphsBraille, size[0], size[1], panetest.Frame(at), ModeLine, RangeDay).View()))
			})
		}
	}
}

func TestTitleNumbers(t *testing.T) {
	m := newChart(common.GlyphsBraille, 100, 26, panetest.Frame(panetest.Close), ModeLine, RangeDay)
	first := strings.SplitN(m.View(), "\n", 2)[0]
	for _, want := range []string{"NVDA", "118.42", "−24.20", "−16.97%"} {
		if !strings.Contains(first, want) {
			t.Errorf("title %q lacks %q", first, want)
		}
	}
	// before the open there is no price: "no data", never 0
	m.SetFrame(panetest.Frame(panetest.ET(27, 9, 0)))
	first = strings.SplitN(m.View(), "\n", 2)[0]
	if !strings.Contains(first, "no data") || strings.Contains(first, "0.00") {
		t.Errorf("pre-open title %q", first)
	}
	// an unknown symbol
	m.SetSymbol("XXXX")
	if first = strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(first, "XXXX") || !strings.Contains(first, "no data") {
		t.Errorf("unknown symbol title %q", first)
	}
}

func TestASCIIOnly(t *testing.T) {
	for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
		for _, r := range []Range{RangeDay, RangeWeek} {
			for _, at := range []time.Time{panetest.Open, panetest.Low, panetest.Close} {
				v := newChart(common.GlyphsASCII, 120, 30, panetest.Frame(at), mode, r).View()
				for i, c := range v {
					if c > 127 {
						t.Fatalf("%s/%s at %s: non-ASCII %q at byte %d:\n%s", mode, r, at.Format("15:04"), c, i, v)
					}
				}
			}
		}
	}
}

func keyMsg(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestKeys(t *testing.T) {
	m := newChart(common.GlyphsBraille, 100, 26, panetest.Frame(panetest.Low), ModeLine, RangeDay)
	// not focused: keys are ignored
	m, _ = m.Update(keyMsg("c"))
	if m.Mode() != ModeLine {
		t.Fatalf("unfocused chart took a key")
	}
	m.Focus()
	want := []Mode{ModeCandles, ModeCompare, ModeLine}
	for _, w := range want {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg("c"))
		if cmd != nil || m.Mode() != w {
			t.Fatalf("c: mode %v, want %v", m.Mode(), w)
		}
	}
	if !strings.Contains(m.View(), "line") {
		t.Errorf("line mode not shown")
	}
	m, _ = m.Update(keyMsg("d"))
	if m.Range() != RangeWeek || !strings.Contains(m.View(), "week") {
		t.Fatalf("d: range %v", m.Range())
	}
	m, _ = m.Update(keyMsg("d"))
	if m.Range() != RangeDay {
		t.Fatalf("d twice: range %v", m.Range())
	}
	m.Blur()
	if m.Focused() {
		t.Fatal("Blur did not blur")
	}
	if len(m.ShortHelp()) != 2 || len(m.FullHelp()) != 1 {
		t.Error("help bindings")
	}
}

// TestSizes: no size panics and the view is exactly w x h.
func TestSizes(t *testing.T) {
	f := panetest.Frame(panetest.Low)
	sizes := [][2]int{{300, 100}, {500, 200}}
	for w := 0; w <= 40; w++ {
		for h := 0; h <= 20; h++ {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
			for _, r := range []Range{RangeDay, RangeWeek} {
				m := newChart(g, 0, 0, f, mode, r)
				for _, s := range sizes {
					m.SetSize(s[0], s[1])
					panetest.CheckSize(t, m.View(), s[0], s[1])
				}
			}
		}
	}
	// nil frame, no symbol, empty compare
	m := New(panetest.Common(common.GlyphsBraille))
	for _, s := range sizes {
		m.SetSize(s[0], s[1])
		panetest.CheckSize(t, m.View(), s[0], s[1])
	}
}

// TestDaySession: the x axis is the whole session, so the line of an early
// frame stops far left and the 16:00 label is at the right edge.
func TestDaySession(t *testing.T) {
	v := newChart(common.GlyphsASCII, 100, 26, panetest.Frame(panetest.ET(27, 10, 0)), ModeLine, RangeDay).View()
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[len(lines)-1], "16:00") || !strings.HasPrefix(lines[len(lines)-1], "09:30") {
		t.Errorf("x axis %q", lines[len(lines)-1])
	}
	// nothing drawn right of 10:00 in the plot rows but event marks,
	// baseline dashes and the axis
	for _, l := range lines[2 : len(lines)-1] {
		if strings.ContainsAny(string([]rune(l)[35:85]), "'|#") {
			t.Fatalf("data drawn after the frame's time: %q", l)
		}
	}
}

func BenchmarkSetFrameView(b *testing.B) {
	c := panetest.ColorCommon(common.GlyphsBraille)
	frames := []*market.Frame{panetest.Frame(panetest.Open), panetest.Frame(panetest.Low), panetest.Frame(panetest.Close)}
	for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
		b.Run(mode.String(), func(b *testing.B) {
			m := New(c)
			m.SetSize(120, 30)
			m.SetSymbol("NVDA")
			m.SetCompare(panetest.Chips())
			m.SetMode(mode)
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				m.SetFrame(frames[n%3])
				n += len(m.View())
			}
		})
	}
}

func BenchmarkView(b *testing.B) {
	m := New(panetest.ColorCommon(common.GlyphsBraille))
	m.SetSize(120, 30)
	m.SetSymbol("NVDA")
	m.SetFrame(panetest.Frame(panetest.Low))
	for b.Loop() {
		_ = m.View()
	}
}

// TestEventMarksQuiet: at 14:50 the events the clock has passed have a
// column (the open, Janus-Pro, the low: three), the close at 16:00 has only
// its number, events placed at the close (the date-only one, the afternoon
// statement: snapshots.Placement) share its label as "~10-12", inside the
// plot, and the marker row has numbers only (no dashed band), in order.
func TestEventMarksQuiet(t *testing.T) {
	for _, g := range []common.Glyphs{common.GlyphsASCII, common.GlyphsBraille} {
		v := newChart(g, 100, 26, panetest.Frame(panetest.Low), ModeLine, RangeDay).View()
		lines := strings.Split(v, "\n")
		marks := lines[1]
		for _, tok := range strings.Fields(marks) {
			if strings.Trim(tok, "0123456789~-,") != "" {
				t.Errorf("%s: marker row %q has %q, want numbers only", g, marks, tok)
			}
		}
		fields := strings.Fields(marks)
		for _, want := range []string{"7", "8", "9", "~10-12"} {
			if !slices.Contains(fields, want) {
				t.Errorf("%s: marker row %q lacks %q", g, marks, want)
			}
		}
		checkMarksInPlot(t, string(g), lines)
		col := '┊'
		if g == common.GlyphsASCII {
			col = ':'
		}
		cols := map[int]bool{}
		axis := strings.IndexRune(lines[3], '┤')
		if g == common.GlyphsASCII {
			axis = strings.IndexRune(lines[3], '+')
		}
		for _, ln := range lines[2 : len(lines)-1] {
			for x, r := range []rune(ln) {
				if r == col && (axis < 0 || x < len([]rune(lines[3][:max(axis, 0)]))) {
					cols[x] = true
				}
			}
		}
		if len(cols) != 3 {
			t.Errorf("%s: %d event columns, want 3 (open, Janus-Pro, low; not the close):\n%s", g, len(cols), v)
		}
	}
}

// TestDayAxisEnds: at any width the day's axis shows the open and the
// close; hours in between give way when crowded.
func TestDayAxisEnds(t *testing.T) {
	for w := 24; w <= 200; w++ {
		v := newChart(common.GlyphsASCII, w, 20, panetest.Frame(panetest.Low), ModeLine, RangeDay).View()
		lines := strings.Split(v, "\n")
		axis := lines[len(lines)-1]
		if !strings.HasPrefix(axis, "09:30") || !strings.Contains(axis, "16:00") {
			t.Fatalf("width %d: x axis %q", w, axis)
		}
	}
}

// TimeAt inverts the day view's time axis: the time it gives for column x
// is drawn in column x, for every column, glyph set, mode and size; cells
// off the plot (the title, the price labels) and the week view give none.
func TestTimeAtInvertsTheAxis(t *testing.T) {
	low := panetest.Frame(panetest.Low)
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsBlock, common.GlyphsASCII} {
		for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
			for _, size := range [][2]int{{100, 26}, {60, 16}, {30, 8}} {
				m := newChart(g, size[0], size[1], low, mode, RangeDay)
				h := m.hit
				if !h.ok || h.w <= 0 || h.w >= size[0] {
					t.Fatalf("%s %s %v: no plot to hit (%+v)", g, mode, size, h)
				}
				p := plot{w: h.w, sx: h.sx, t0: h.t0, t1: h.t1}
				prev := time.Time{}
				for x := 0; x < h.w; x++ {
					at, ok := m.TimeAt(x, h.y1-1)
					if !ok {
						t.Fatalf("%s %s %v: column %d has no time", g, mode, size, x)
					}
					if c := p.col(at); c != x {
						t.Fatalf("%s %s %v: column %d gives %s, drawn in column %d", g, mode, size, x, at.Format("15:04"), c)
					}
					if at.Before(prev) || at.Before(h.t0) || at.After(h.t1) || at.Second() != 0 {
						t.Fatalf("%s %s %v: column %d gives %s", g, mode, size, x, at)
					}
					prev = at
				}
				if first, _ := m.TimeAt(0, h.y1-1); !first.Equal(h.t0) {
					t.Errorf("%s %s %v: the first column gives %s, not the open", g, mode, size, first.Format("15:04"))
				}
				if last, _ := m.TimeAt(h.w-1, h.y1-1); !last.Equal(h.t1) {
					t.Errorf("%s %s %v: the last column gives %s, not the close", g, mode, size, last.Format("15:04"))
				}
				for _, xy := range [][2]int{{0, 0}, {h.w, h.y1 - 1}, {size[0] - 1, h.y1 - 1}, {-1, h.y0}, {0, size[1]}} {
					if at, ok := m.TimeAt(xy[0], xy[1]); ok {
						t.Errorf("%s %s %v: cell %v gives %s", g, mode, size, xy, at)
					}
				}
			}
		}
	}
	if _, ok := newChart(common.GlyphsBraille, 100, 26, low, ModeLine, RangeWeek).TimeAt(10, 10); ok {
		t.Errorf("the week view gave a time")
	}
}

// DayAt maps the week view's columns to its days, left to right, each
// day's slot an equal share of the plot; the day view has none.
func TestDayAtSplitsTheWeek(t *testing.T) {
	low := panetest.Frame(panetest.Low)
	for _, size := range [][2]int{{100, 26}, {60, 16}} {
		m := newChart(common.GlyphsBraille, size[0], size[1], low, ModeLine, RangeWeek)
		h := m.hit
		if !h.week || len(h.days) < 3 {
			t.Fatalf("%v: no week slots (%+v)", size, h)
		}
		prev := ""
		seen := map[string]bool{}
		for x := 0; x < h.w; x++ {
			d, ok := m.DayAt(x, h.y1-1)
			if !ok || d < prev {
				t.Fatalf("%v: column %d gives %q after %q", size, x, d, prev)
			}
			prev, seen[d] = d, true
		}
		if len(seen) != len(h.days) {
			t.Errorf("%v: %d days reachable of %d", size, len(seen), len(h.days))
		}
		if _, ok := m.TimeAt(h.w/2, h.y1-1); ok {
			t.Errorf("%v: the week view gave a time", size)
		}
	}
	if _, ok := newChart(common.GlyphsBraille, 100, 26, low, ModeLine, RangeDay).DayAt(10, 10); ok {
		t.Error("the day view gave a day")
	}
}

// markNums expands a marker row's labels ("7 ~10-12 13,15") to numbers in
// the order drawn.
func markNums(row string) []int {
	var out []int
	for _, tok := range strings.Fields(row) {
		for _, part := range strings.Split(strings.TrimPrefix(tok, "~"), ",") {
			a, b, ok := strings.Cut(part, "-")
			lo, _ := strconv.Atoi(a)
			hi := lo
			if ok {
				hi, _ = strconv.Atoi(b)
			}
			for n := lo; n <= hi; n++ {
				out = append(out, n)
			}
		}
	}
	return out
}

// checkMarksInPlot: the marker row lists events in time order and no label
// reaches past the plot into the price axis' gutter.
func checkMarksInPlot(t *testing.T, name string, lines []string) {
	t.Helper()
	marks := []rune(lines[1])
	nums := markNums(lines[1])
	if !slices.IsSorted(nums) {
		t.Errorf("%s: marker row %q is not in time order", name, lines[1])
	}
	axis := -1
	for _, ln := range lines[2:] {
		for x, r := range []rune(ln) {
			if r == '┤' || r == '│' || r == '+' || r == '|' {
				axis = x
				break
			}
		}
		if axis >= 0 {
			break
		}
	}
	if axis < 0 {
		return
	}
	for x := axis; x < len(marks); x++ {
		if marks[x] != ' ' {
			t.Errorf("%s: a marker label reaches the axis gutter (column %d of %q)", name, x, lines[1])
			break
		}
	}
}

// TestEventMarksOrderWithUserEvent: a user event at 13:15 (an events file)
// is numbered and drawn in time order with the rest; the issue saw
// "17 19 ~18 20-21". Every placement of a date-only or approximate event is
// inside the plot, at every width.
func TestEventMarksOrderWithUserEvent(t *testing.T) {
	f := panetest.Frame(panetest.Close)
	f.Events = append(slices.Clone(f.Events), snapshots.Event{Time: panetest.ET(27, 13, 15), ID: "mine", Title: "my note"})
	snapshots.SortEvents(f.Events, f.Sessions)
	for _, w := range []int{40, 60, 80, 100, 160} {
		for _, g := range []common.Glyphs{common.GlyphsASCII, common.GlyphsBraille} {
			v := newChart(g, w, 20, f, ModeLine, RangeDay).View()
			checkMarksInPlot(t, fmt.Sprintf("%s/%d", g, w), strings.Split(v, "\n"))
		}
	}
}

// TestPreMarketReports: a pre-market figure an event reports (NVDA −6.9% at
// 04:06) is drawn once reached as one reported point with its value in a
// narrow area left of the open, labelled "pre" on the axis, never joined by
// a line; before its time it is not drawn (no spoilers).
func TestPreMarketReports(t *testing.T) {
	pct := -6.9
	withPre := func(at time.Time) *market.Frame {
		f := panetest.Frame(at)
		g := *f
		g.Events = append(slices.Clone(f.Events), snapshots.Event{Time: panetest.ET(27, 4, 6), ID: "pre-report",
			Title: "NVDA −6.9% pre-market", Quotes: []snapshots.EventQuote{
				{Symbol: "NVDA", ChangePct: &pct, TolerancePct: 0.05, Session: snapshots.StatePre}}})
		snapshots.SortEvents(g.Events, g.Sessions)
		return &g
	}
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		for _, mode := range []Mode{ModeLine, ModeCandles} {
			v := newChart(g, 100, 26, withPre(panetest.Low), mode, RangeDay).View()
			lines := strings.Split(v, "\n")
			if !strings.Contains(v, "04:06 "+map[common.Glyphs]string{common.GlyphsASCII: "-6.9%"}[g]) && !strings.Contains(v, "04:06 −6.9%") {
				t.Errorf("%s/%d: no reported point labelled 04:06 −6.9%%:\n%s", g, mode, v)
			}
			axis := lines[len(lines)-1]
			if !strings.HasPrefix(axis, "pre") || !strings.Contains(axis, "09:30") {
				t.Errorf("%s/%d: x axis %q, want the pre-market area then the open", g, mode, axis)
			}
			point := "◆"
			if g == common.GlyphsASCII {
				point = "*"
			}
			if n := strings.Count(v, point); n < 1 {
				t.Errorf("%s/%d: %d points drawn", g, mode, n)
			}
		}
		// at 04:00 the report has not been made: nothing drawn, no pre area
		v := newChart(g, 100, 26, withPre(panetest.ET(27, 4, 0)), ModeLine, RangeDay).View()
		if strings.Contains(v, "6.9%") {
			t.Errorf("%s: the 04:06 report drawn at 04:00:\n%s", g, v)
		}
	}
}

func TestPreMarketGolden(t *testing.T) {
	pct := -6.9
	f := panetest.Frame(panetest.Low)
	g := *f
	g.Events = append(slices.Clone(f.Events), snapshots.Event{Time: panetest.ET(27, 4, 6), ID: "pre-report",
		Title: "NVDA −6.9% pre-market", Quotes: []snapshots.EventQuote{
			{Symbol: "NVDA", ChangePct: &pct, TolerancePct: 0.05, Session: snapshots.StatePre}}})
	snapshots.SortEvents(g.Events, g.Sessions)
	golden.RequireEqual(t, []byte(newChart(common.GlyphsBraille, 100, 26, &g, ModeLine, RangeDay).View()))
}

// TestPreMarketLabelsIntact: on the embedded snapshot NVDA has two
// pre-market reports on 27 Jan (04:06 −6.9% and the morning's "over 11%",
// labelled "<−11%", never −11.5%, a figure no source gave);
// at the sizes the dashboard gives the chart, each label reads whole or is
// left out, never written over by the other label or the price line
// ("0−11.5%⡀.9%" at 120x32 before).
func TestPreMarketLabelsIntact(t *testing.T) {
	for _, at := range []time.Time{panetest.ET(27, 9, 41), panetest.Low} {
		f, err := panetest.Real(at)
		if err != nil {
			t.Skipf("embedded snapshot %s not available: %v", panetest.RealName, err)
		}
		for _, sz := range [][2]int{{51, 16}, {53, 18}, {60, 17}, {62, 20}, {70, 22}, {100, 26}} {
			m := New(panetest.Common(common.GlyphsBraille))
			m.SetSize(sz[0], sz[1])
			m.SetSymbol("NVDA")
			m.SetFrame(f)
			v := m.View()
			shown := 0
			for _, l := range strings.Split(v, "\n") {
				for _, frag := range []struct{ part, whole string }{{"6.9%", "04:06 −6.9%"}, {"04:", "04:06 −6.9%"}, {"11%", "<−11%"}} {
					if strings.Contains(l, frag.part) && !strings.Contains(l, frag.whole) {
						t.Errorf("%s %dx%d: label %q broken: %q\n%s", at.Format("15:04"), sz[0], sz[1], frag.whole, l, v)
					}
				}
				if strings.Contains(l, "11.5") {
					t.Errorf("%s %dx%d: a label more precise than its source: %q", at.Format("15:04"), sz[0], sz[1], l)
				}
				if strings.Contains(l, "04:06 −6.9%") || strings.Contains(l, "<−11%") {
					shown++
				}
			}
			if shown == 0 {
				t.Errorf("%s %dx%d: no pre-market label shown\n%s", at.Format("15:04"), sz[0], sz[1], v)
			}
		}
	}
}
