package capbars

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

func newBars(g common.Glyphs, w, h int, at time.Time) Model {
	m := New(panetest.Common(g))
	m.SetSize(w, h)
	m.SetFrame(panetest.Frame(at))
	return m
}

func TestGolden(t *testing.T) {
	frames := []struct {
		name string
		at   time.Time
	}{{"open_0935", panetest.Open}, {"low_1450", panetest.Low}, {"close_1600", panetest.Close}}
	for _, f := range frames {
		for _, size := range [][2]int{{80, 14}, {44, 8}} {
			t.Run(fmt.Sprintf("%s_%dx%d", f.name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(newBars(common.GlyphsBraille, size[0], size[1], f.at).View()))
			})
		}
	}
	t.Run("ascii_close_80x14", func(t *testing.T) {
		golden.RequireEqual(t, []byte(newBars(common.GlyphsASCII, 80, 14, panetest.Close).View()))
	})
	t.Run("preopen_80x14", func(t *testing.T) {
		golden.RequireEqual(t, []byte(newBars(common.GlyphsBraille, 80, 14, panetest.ET(27, 9, 0)).View()))
	})
}

func TestCloseNumbers(t *testing.T) {
	v := newBars(common.GlyphsBraille, 80, 14, panetest.Close).View()
	lines := strings.Split(v, "\n")
	if !strings.HasPrefix(lines[0], "AI basket −$") || !strings.Contains(lines[0], "since Fri close") {
		t.Errorf("header %q", lines[0])
	}
	if f := strings.Fields(lines[1]); len(f) < 4 || f[0] != "NVDA" || f[1] != "▼" || f[2] != "−$592.7B" || !strings.Contains(lines[1], "% of losses") {
		t.Errorf("first row %q", lines[1])
	}
	if !strings.Contains(v, "ARM") || !strings.Contains(v, "no share count") {
		t.Errorf("ARM must be listed without a share count:\n%s", v)
	}
	for _, l := range lines {
		if strings.Contains(l, "ARM") && strings.Contains(l, "$") {
			t.Errorf("ARM shown with a value: %q", l)
		}
	}
}

func TestASCIIOnly(t *testing.T) {
	v := newBars(common.GlyphsASCII, 80, 14, panetest.Close).View()
	for _, c := range v {
		if c > 127 {
			t.Fatalf("non-ASCII %q in\n%s", c, v)
		}
	}
}

func TestScroll(t *testing.T) {
	m := newBars(common.GlyphsBraille, 60, 5, panetest.Close)
	if !strings.Contains(m.View(), "more") {
		t.Fatalf("no more line:\n%s", m.View())
	}
	first := m.View()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if m.View() != first {
		t.Fatal("unfocused pane scrolled")
	}
	m.Focus()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if m.View() == first || !strings.Contains(m.View(), "above") {
		t.Fatalf("j did not scroll:\n%s", m.View())
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k")})
	if m.View() != first {
		t.Fatalf("k did not scroll back:\n%s", m.View())
	}
	for range 100 {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	panetest.CheckSize(t, m.View(), 60, 5)
}

func TestSizes(t *testing.T) {
	sizes := [][2]int{{300, 100}, {500, 200}}
	for w := 0; w <= 40; w++ {
		for h := 0; h <= 20; h++ {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		m := newBars(g, 0, 0, panetest.Low)
		for _, s := range sizes {
			m.SetSize(s[0], s[1])
			panetest.CheckSize(t, m.View(), s[0], s[1])
		}
	}
	empty := New(panetest.Common(common.GlyphsBraille))
	for _, s := range sizes {
		empty.SetSize(s[0], s[1])
		panetest.CheckSize(t, empty.View(), s[0], s[1])
	}
}

// TestShortShareSaysWhat: when the rows only have room for "47.5%", the
// header says what the percentage is.
func TestShortShareSaysWhat(t *testing.T) {
	for _, w := range []int{42, 50, 56} {
		lines := strings.Split(newBars(common.GlyphsBraille, w, 8, panetest.Close).View(), "\n")
		if strings.Contains(lines[1], "of losses") {
			continue // the long form fits
		}
		if !strings.Contains(lines[0], "share") {
			t.Errorf("%d: header %q does not say the %% is a share", w, lines[0])
		}
	}
}

// Gains and losses are two directions of one scale: a loser's bar ends at
// the axis from the left, a gainer's starts at it to the right, the same
// dollars take the same cells, and no share reads as a negative part of
// the move (AAPL was "−10.6% of the move", drawn like a loser).
func TestGainsAndLossesTwoDirections(t *testing.T) {
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		v := newBars(g, 80, 14, panetest.Close).View()
		axis := "│"
		if g == common.GlyphsASCII {
			axis = "|"
		}
		col := -1
		for _, l := range strings.Split(v, "\n")[1:] {
			f := strings.Fields(l)
			if len(f) < 3 || (f[1] != "▼" && f[1] != "▲" && f[1] != "v" && f[1] != "^") {
				continue
			}
			r := []rune(l)
			i := strings.Index(l, axis)
			if i < 0 {
				t.Fatalf("%s: no axis in %q", g, l)
			}
			c := len([]rune(l[:i]))
			if col >= 0 && c != col {
				t.Errorf("%s: the axis moves: column %d, then %d", g, col, c)
			}
			col = c
			gain := f[1] == "▲" || f[1] == "^"
			before, after := r[c-1] != ' ', c+1 < len(r) && r[c+1] != ' '
			if gain && (before || !after) || !gain && (!before || after) {
				t.Errorf("%s: %s's bar is on the wrong side of the axis: %q", g, f[0], l)
			}
			if strings.Contains(l, "−") && strings.Contains(l, "% of") && strings.Count(l, "−") > 1 {
				t.Errorf("%s: a negative share: %q", g, l)
			}
			want := " of losses"
			if gain {
				want = " of gains"
			}
			if !strings.Contains(l, want) {
				t.Errorf("%s: %s's share does not say %q: %q", g, f[0], want, l)
			}
		}
		if col < 0 {
			t.Fatalf("%s: no rows:\n%s", g, v)
		}
	}
	// one scale: AVGO (−$199.5B) and AAPL (+$106.4B) take cells in that ratio
	v := newBars(common.GlyphsASCII, 80, 14, panetest.Close).View()
	count := func(sym, c string) int {
		for _, l := range strings.Split(v, "\n") {
			if strings.HasPrefix(l, sym+" ") {
				return strings.Count(l[strings.Index(l, "B ")+1:], c)
			}
		}
		return -1
	}
	avgo, aapl := count("AVGO", "-"), count("AAPL", "+")
	if r := float64(avgo) / float64(aapl); r < 1.6 || r > 2.2 {
		t.Errorf("AVGO %d cells, AAPL %d: not one scale (want about 199.5/106.4)", avgo, aapl)
	}
}
