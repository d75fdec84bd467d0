package timeline

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

func newTL(g common.Glyphs, w, h int, at time.Time) Model {
	m := New(panetest.Common(g))
	m.SetSize(w, h)
	m.Focus()
	m.SetFrame(panetest.Frame(at))
	return m
}

func TestGolden(t *testing.T) {
	frames := []struct {
		name string
		at   time.Time
	}{{"open_0935", panetest.Open}, {"low_1450", panetest.Low}, {"close_1600", panetest.Close}}
	for _, f := range frames {
		for _, size := range [][2]int{{70, 14}, {36, 9}} {
			t.Run(fmt.Sprintf("%s_%dx%d", f.name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(newTL(common.GlyphsBraille, size[0], size[1], f.at).View()))
			})
		}
	}
	t.Run("ascii_low_70x14", func(t *testing.T) {
		golden.RequireEqual(t, []byte(newTL(common.GlyphsASCII, 70, 14, panetest.Low).View()))
	})
	for _, size := range [][2]int{{70, 14}, {36, 12}} {
		t.Run(fmt.Sprintf("detail_%dx%d", size[0], size[1]), func(t *testing.T) {
			// at the close, one above the close: the afternoon statement
			// (placed at the close), precision word, detail text
			m := newTL(common.GlyphsBraille, size[0], size[1], panetest.Close)
			m, _ = m.Update(keyMsg("k"))
			m, _ = m.Update(keyMsg("enter"))
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func TestWhen(t *testing.T) {
	ev := panetest.Events()
	got := map[string]string{}
	for _, e := range ev {
		got[e.ID] = When(e)
	}
	want := map[string]string{
		"open":      "Mon 27 Jan 09:30",
		"nvda-stmt": "Mon 27 Jan afternoon",
		"ddos":      "Mon 27 Jan (date)",
		"sputnik":   "Sun 26 Jan 17:16",
		"trump":     "Mon 27 Jan evening",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	// approximate events never show a clock time
	for _, e := range ev {
		if e.Approximate() && strings.Contains(When(e), ":") {
			t.Errorf("%s shows a time: %q", e.ID, When(e))
		}
	}
}

func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	return cmd()
}

func TestKeys(t *testing.T) {
	m := newTL(common.GlyphsBraille, 70, 14, panetest.Low)
	cur := m.Current()
	if cur < 0 || panetest.Frame(panetest.Low).Events[cur].ID != "low" || m.Selected() != cur {
		t.Fatalf("current %d selected %d", cur, m.Selected())
	}
	// [ and ] select the previous and next event and ask the root to seek
	// to its placement
	for k, want := range map[string]int{"[": cur - 1, "]": cur + 1} {
		m2, cmd := m.Update(keyMsg(k))
		msg, ok := runCmd(t, cmd).(common.SeekEventMsg)
		f := panetest.Frame(panetest.Low)
		if !ok || !msg.At.Equal(snapshots.Placement(f.Events[want], f.Sessions)) || m2.Selected() != want {
			t.Errorf("%s: %#v, selected %d, want %d", k, msg, m2.Selected(), want)
		}
	}
	// j/k move the selection and stop it following the clock
	m, _ = m.Update(keyMsg("k"))
	m, _ = m.Update(keyMsg("up"))
	if m.Selected() != cur-2 {
		t.Fatalf("k,up: selected %d", m.Selected())
	}
	m.SetFrame(panetest.Frame(panetest.Close))
	if m.Selected() != cur-2 {
		t.Fatalf("selection moved with the clock after the user moved it: %d", m.Selected())
	}
	if m.Current() == cur {
		t.Fatalf("current did not advance")
	}
	m, _ = m.Update(keyMsg("j"))
	m, _ = m.Update(keyMsg("down"))
	// enter toggles the detail of the selection
	m, _ = m.Update(keyMsg("enter"))
	if !m.Detail() || !strings.Contains(m.View(), "#"+fmt.Sprint(m.Selected()+1)) {
		t.Fatalf("enter: detail %v\n%s", m.Detail(), m.View())
	}
	m, _ = m.Update(keyMsg("esc"))
	if m.Detail() {
		t.Fatal("esc did not close the detail")
	}
	m, _ = m.Update(keyMsg("enter"))
	m, _ = m.Update(keyMsg("enter"))
	if m.Detail() {
		t.Fatal("enter twice left the detail open")
	}
	// ] resumes following the clock, one event at a time through events
	// placed at the same instant (the clock is at 16:00 already: no seek)
	sel := m.Selected()
	for range 5 {
		if m.Selected() == m.Current() {
			break
		}
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg("]"))
		m.SetFrame(panetest.Frame(panetest.Close))
		if cmd != nil || m.Selected() != sel+1 {
			t.Fatalf("after ] from %d: selected %d (command %v)", sel, m.Selected(), cmd != nil)
		}
		sel++
	}
	if m.Selected() != m.Current() {
		t.Fatalf("after ]: selected %d current %d", m.Selected(), m.Current())
	}
	// blurred: keys ignored
	m.Blur()
	if _, cmd := m.Update(keyMsg("]")); cmd != nil {
		t.Fatal("blurred pane produced a command")
	}
	if len(m.ShortHelp()) == 0 || len(m.FullHelp()) == 0 {
		t.Fatal("help")
	}
}

// TestCurrentHighlight: the current event moves as the clock passes events
// and stays visible in a small pane.
func TestCurrentHighlight(t *testing.T) {
	m := newTL(common.GlyphsASCII, 60, 6, panetest.ET(27, 9, 0))
	for _, at := range []time.Time{panetest.ET(27, 9, 30), panetest.ET(27, 11, 0), panetest.Low, panetest.Close} {
		m.SetFrame(panetest.Frame(at))
		want := fmt.Sprintf("*%2d", m.Current()+1)
		if !strings.Contains(m.View(), want) {
			t.Fatalf("at %s current %q not visible:\n%s", at.Format("15:04"), want, m.View())
		}
	}
}

func TestSizes(t *testing.T) {
	sizes := [][2]int{{300, 100}, {500, 200}}
	for w := 0; w <= 40; w++ {
		for h := 0; h <= 20; h++ {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, detail := range []bool{false, true} {
		m := newTL(common.GlyphsBraille, 0, 0, panetest.Low)
		if detail {
			m, _ = m.Update(keyMsg("enter"))
		}
		for _, s := range sizes {
			m.SetSize(s[0], s[1])
			panetest.CheckSize(t, m.View(), s[0], s[1])
		}
	}
	empty := New(panetest.Common(common.GlyphsBraille))
	empty.SetFrame(nil)
	for _, s := range sizes {
		empty.SetSize(s[0], s[1])
		panetest.CheckSize(t, empty.View(), s[0], s[1])
	}
}

// TestDetailScroll: a detail longer than a small pane scrolls with j/k and
// pgup/pgdn, says how much is left, and j at the end goes to the next event.
func TestDetailScroll(t *testing.T) {
	m := newTL(common.GlyphsBraille, 36, 8, panetest.Close)
	m, _ = m.Update(keyMsg("k")) // the afternoon statement: a long detail
	sel := m.Selected()
	m, _ = m.Update(keyMsg("enter"))
	v := m.View()
	if !strings.Contains(v, "more") || strings.Contains(v, "Symbols: NVDA") {
		t.Fatalf("first page of a long detail:\n%s", v)
	}
	for range 30 {
		if strings.Contains(m.View(), "Symbols: NVDA") {
			break
		}
		m, _ = m.Update(keyMsg("j"))
	}
	if m.Selected() != sel || !strings.Contains(m.View(), "Symbols: NVDA") {
		t.Fatalf("j did not scroll to the end of the detail (selected %d, want %d):\n%s", m.Selected(), sel, m.View())
	}
	if strings.Contains(m.View(), "more") {
		t.Fatalf("at the end, still says more:\n%s", m.View())
	}
	// pgup goes back to the top, pgdn to the end
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if !strings.Contains(m.View(), "#"+fmt.Sprint(sel+1)) {
		t.Fatalf("pgup: not at the top:\n%s", m.View())
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if !strings.Contains(m.View(), "Symbols: NVDA") {
		t.Fatalf("pgdn: not at the end:\n%s", m.View())
	}
	// j at the end: the next event, from its top
	m, _ = m.Update(keyMsg("j"))
	if m.Selected() != sel+1 || !m.Detail() || !strings.Contains(m.View(), "#"+fmt.Sprint(sel+2)) {
		t.Fatalf("j at the end: selected %d, detail %v:\n%s", m.Selected(), m.Detail(), m.View())
	}
	// k at the top: the previous event
	m, _ = m.Update(keyMsg("k"))
	if m.Selected() != sel {
		t.Fatalf("k at the top: selected %d, want %d", m.Selected(), sel)
	}
	// every line of every scroll position fits
	for range 12 {
		m, _ = m.Update(keyMsg("j"))
		for _, ln := range strings.Split(m.View(), "\n") {
			if lipgloss.Width(ln) != 36 {
				t.Fatalf("line width %d: %q", lipgloss.Width(ln), ln)
			}
		}
	}
}

var dayHeader = regexp.MustCompile(`^\w{3} \d{1,2} \w{3} \d{4} *$`)

// TestStickyDayHeader: rows carry only the time, so the row under the
// title is always a date header, whatever the scroll position.
func TestStickyDayHeader(t *testing.T) {
	for _, at := range []time.Time{panetest.Open, panetest.Low, panetest.Close} {
		for h := 3; h <= 20; h++ {
			m := newTL(common.GlyphsBraille, 60, h, at)
			for k := 0; k < 16; k++ {
				lines := strings.Split(m.View(), "\n")
				if !dayHeader.MatchString(lines[1]) {
					t.Fatalf("%s h=%d sel=%d: no day header under the title:\n%s", at.Format("15:04"), h, m.Selected(), m.View())
				}
				if !strings.Contains(m.View(), "›") {
					t.Fatalf("%s h=%d sel=%d: selection not visible:\n%s", at.Format("15:04"), h, m.Selected(), m.View())
				}
				key := "k"
				if k >= 8 {
					key = "j"
				}
				m, _ = m.Update(keyMsg(key))
			}
		}
	}
}

func TestTruncWords(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"The close: NVDA 118.42 (−16.97%)", 40, "The close: NVDA 118.42 (−16.97%)"},
		{"The close: NVDA 118.42 (−16.97%)", 26, "The close: NVDA 118.42…"},
		{"TheStreet: SOX −10.2%, AVGO −18.4%", 26, "TheStreet: SOX −10.2%…"},
		{"Supercalifragilistic", 8, "Superca…"}, // no space near the end: cut
	} {
		if got := truncWords(c.s, c.w, "…"); got != c.want {
			t.Errorf("truncWords(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}

// EventAt names the event drawn on each line, whatever the size, the time
// and the scroll position: every line it names shows that event's number
// and time, and every event line shown is named.
func TestEventAtMatchesTheView(t *testing.T) {
	numbered := regexp.MustCompile(`^[ ›>▶*]{2} *(\d+) `)
	for _, at := range []time.Time{panetest.Open, panetest.Low, panetest.Close} {
		for _, size := range [][2]int{{70, 14}, {36, 9}, {50, 5}, {40, 30}} {
			m := newTL(common.GlyphsBraille, size[0], size[1], at)
			for step := 0; step < 40; step++ {
				lines := strings.Split(ansi.Strip(m.View()), "\n")
				shown := 0
				for y, ln := range lines {
					i := m.EventAt(y)
					mt := numbered.FindStringSubmatch(ln)
					if (i >= 0) != (mt != nil) {
						t.Fatalf("%v %dx%d step %d line %d %q: EventAt %d", at, size[0], size[1], step, y, ln, i)
					}
					if i < 0 {
						continue
					}
					shown++
					if mt[1] != fmt.Sprint(i+1) || !strings.Contains(ln, TimeOf(m.events[i])) {
						t.Fatalf("line %d %q: EventAt says event %d", y, ln, i+1)
					}
				}
				if shown == 0 && size[1] > 3 {
					t.Fatalf("%v %dx%d: no event lines", at, size[0], size[1])
				}
				m, _ = m.Update(keyMsg("j"))
			}
		}
	}
}

func TestMouse(t *testing.T) {
	m := newTL(common.GlyphsBraille, 70, 14, panetest.Low)
	yOf := func(ev int) int {
		for y := 0; y < 14; y++ {
			if m.EventAt(y) == ev {
				return y
			}
		}
		t.Fatalf("event %d not on screen:\n%s", ev+1, ansi.Strip(m.View()))
		return -1
	}
	clickAt := func(y int) {
		m, _ = m.Update(tea.MouseMsg{X: 10, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionRelease})
	}
	wheelOnce := func(down bool) {
		b := tea.MouseButtonWheelUp
		if down {
			b = tea.MouseButtonWheelDown
		}
		m, _ = m.Update(tea.MouseMsg{X: 10, Y: 5, Button: b, Action: tea.MouseActionPress})
	}
	target := m.Current() - 2
	clickAt(yOf(target))
	if m.Selected() != target || m.Detail() {
		t.Fatalf("click: selected %d detail %v, want %d and the list", m.Selected(), m.Detail(), target)
	}
	clickAt(yOf(target))
	if !m.Detail() || !strings.Contains(ansi.Strip(m.View()), m.events[target].Outlet) {
		t.Fatalf("a click on the selected event did not open its detail:\n%s", ansi.Strip(m.View()))
	}
	wheelOnce(true) // scrolls the detail (if long), never leaves it
	if !m.Detail() || m.EventAt(3) != -1 {
		t.Fatalf("the wheel left the detail, or the detail has event lines")
	}
	m, _ = m.Update(keyMsg("esc"))
	wheelOnce(true)
	if m.Selected() != target+1 {
		t.Fatalf("wheel down: %d, want %d", m.Selected(), target+1)
	}
	for range 60 {
		wheelOnce(false)
	}
	if m.Selected() != 0 {
		t.Fatalf("wheel up to the top: %d", m.Selected())
	}
	// the title, a day header, outside the pane: nothing happens
	sel := m.Selected()
	for _, y := range []int{0, -1, 14, 99} {
		clickAt(y)
	}
	if m.Selected() != sel || m.Detail() {
		t.Fatalf("a click off the events changed the selection to %d", m.Selected())
	}
	// unfocused, a click selects but does not open the detail
	m.Blur()
	clickAt(yOf(sel + 1))
	clickAt(yOf(sel + 1))
	if m.Selected() != sel+1 || m.Detail() {
		t.Fatalf("unfocused clicks: selected %d detail %v", m.Selected(), m.Detail())
	}
}

// TestQuoteText: a quoted figure reads as it was reported, with what it
// claims (the low so far, pre-market): never rounded, and a bound as the
// source named it ("over 11%", stored as −11.5 ± 0.5 over, is "<−11%",
// not "−11.5%" or "−12%"; "nearly 8%" is ">−8%").
func TestQuoteText(t *testing.T) {
	p, pct, low, over, nearly := 199.60, -18.4, -13.0, -11.5, -7.5
	cases := []struct {
		q    snapshots.EventQuote
		want string
	}{
		{snapshots.EventQuote{Symbol: "AVGO", Price: &p, ChangePct: &pct, Tolerance: 0.005, TolerancePct: 0.05}, "AVGO 199.60 (−18.4%)"},
		{snapshots.EventQuote{Symbol: "NVDA", ChangePct: &low, TolerancePct: 0.5, Extent: snapshots.ExtentLow}, "NVDA −13%, the low so far"},
		{snapshots.EventQuote{Symbol: "NVDA", ChangePct: &pct, TolerancePct: 0.05, Session: snapshots.StatePre}, "NVDA −18.4%, pre-market"},
		{snapshots.EventQuote{Symbol: "NVDA", ChangePct: &over, TolerancePct: 0.5, Extent: snapshots.ExtentReport, Session: snapshots.StatePre, Bound: snapshots.BoundOver}, "NVDA <−11%, as reported, pre-market"},
		{snapshots.EventQuote{Symbol: "ASML", ChangePct: &nearly, TolerancePct: 0.5, Extent: snapshots.ExtentReport, Bound: snapshots.BoundUnder}, "ASML >−8%, as reported"},
	}
	for _, c := range cases {
		if got := QuoteText(c.q); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
