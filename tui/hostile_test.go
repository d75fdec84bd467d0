package tui

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// hostileValues are what a reader might let through: huge finite prices
// (whose market value overflows to Inf), infinities and NaN.
var hostileValues = []float64{1e300, math.Inf(1), math.NaN(), math.Inf(-1), -1e300, 1e300, math.MaxFloat64}

// hostileUpdate is the replay update at s with every symbol's price, its
// bars and, for some, the share count made hostile. The dataset's own
// slices are copied, never changed.
func hostileUpdate(t testing.TB, s string) feeds.Update {
	t.Helper()
	u := replayUpdate(t, s, 1)
	f := *u.Frame
	f.Symbols = append([]snapshots.Symbol(nil), f.Symbols...)
	f.Quotes = append([]market.Quote(nil), f.Quotes...)
	f.Intraday = append([][]snapshots.Bar(nil), f.Intraday...)
	f.Daily = append([][]snapshots.Bar(nil), f.Daily...)
	for i := range f.Quotes {
		v := hostileValues[i%len(hostileValues)]
		q := &f.Quotes[i]
		q.Price, q.HasPrice = v, true
		q.Open, q.High, q.Low = v, v, v
		if i%3 == 0 {
			q.PrevClose = v
		}
		q.ExtPrice, q.HasExt = v, i%4 == 0
		q.Volume = math.MaxInt64
		if i%2 == 0 {
			sym := f.Symbols[i]
			sym.Shares = &snapshots.Shares{Count: math.MaxInt64, Source: "hostile"}
			f.Symbols[i] = sym
		}
		for _, bars := range []*[]snapshots.Bar{&f.Intraday[i], &f.Daily[i]} {
			cp := append([]snapshots.Bar(nil), (*bars)...)
			for k := range cp {
				w := hostileValues[(i+k)%len(hostileValues)]
				if k%5 == 0 {
					w = cp[k].Close // some plain bars among them
				}
				cp[k].Open, cp[k].High, cp[k].Low, cp[k].Close = w, w, w, w
				cp[k].Volume = math.MaxInt64
			}
			*bars = cp
		}
	}
	u.Frame = &f
	c := *u.Clock
	c.Speed = math.NaN()
	u.Clock = &c
	return u
}

// garbage matches figures no pane may print: NaN, Inf, exponents, and
// numbers of more digits than any real price or value has.
var garbage = regexp.MustCompile(`NaN|Inf|[0-9][eE]\+[0-9]|[0-9][0-9,]{24,}`)

// Every pane, at every size and in every mode, draws a dataset of huge,
// infinite and NaN prices without a panic and without a garbage figure:
// such values show as missing or as an overflow mark.
func TestHostileValuesEverywhere(t *testing.T) {
	sizes := [][2]int{{220, 60}, {160, 45}, {140, 40}, {120, 40}, {100, 30}, {80, 24}, {60, 20}, {40, 12}, {20, 5}}
	for _, at := range []string{"2025-01-27 14:50", "2025-01-27 09:30", "2025-01-24 16:00"} {
		for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
			u := hostileUpdate(t, at)
			for _, sz := range sizes {
				name := fmt.Sprintf("%s/%s/%dx%d", strings.ReplaceAll(at, " ", "T"), g, sz[0], sz[1])
				t.Run(name, func(t *testing.T) {
					check := func(what, v string) {
						t.Helper()
						if m := garbage.FindString(v); m != "" {
							t.Errorf("%s: garbage figure %q in\n%s", what, m, v)
						}
					}
					check("render", Render(u, sz[0], sz[1], asciiRenderer(), g))
					m := newTestModel(t, sz[0], sz[1], &fakeController{}, g)
					m = withUpdate(t, m, u)
					check("model", m.View())
					// every chart mode and range, the value-change pane,
					// each pane focused, compare mode, sorting
					for _, k := range []string{"c", "c", "c", "d", "c", "d", "m", "tab", "j", "m", "2", "c", "s", "s", "s", "tab", "j", "j", "3", "1", "s", "j", "j"} {
						m, _ = step(t, m, keyMsg(k))
						check("after "+k, m.View())
					}
					m, _ = step(t, m, tea.WindowSizeMsg{Width: sz[1], Height: sz[0] / 3})
					check("resized", m.View())
				})
			}
		}
	}
}
