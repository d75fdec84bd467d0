package chart

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// TestWrappersMatchRender: styling a run by its wrapper gives the bytes
// lipgloss would render, in colour.
func TestWrappersMatchRender(t *testing.T) {
	c := panetest.ColorCommon(common.GlyphsBraille)
	m := New(c)
	d := drawer{m: &m, lineStyle: c.Styles.Down}
	styles := d.styles()
	wr := wrappers(styles)
	for id, st := range styles {
		for _, s := range []string{"a", "NVDA −16.97%", "  ⠉⠒ ", "┊"} {
			want := st.Render(s)
			if !wr[id].ok {
				t.Fatalf("style %d has no wrapper", id)
			}
			if got := wr[id].pre + s + wr[id].post; got != want {
				t.Errorf("style %d %q: %q, want %q", id, s, got, want)
			}
		}
	}
	if !strings.Contains(wr[stDown].pre, "\x1b[") {
		t.Errorf("colour renderer produced no escape codes: %q", wr[stDown].pre)
	}
}

// TestCandleColumnMatchesNtcharts: candleColumn draws what ntcharts'
// DrawCandlestickBottomToTop draws.
func TestCandleColumnMatchesNtcharts(t *testing.T) {
	const h = 12
	for i := 0; i < 2000; i++ {
		// deterministic pseudo-random heights l <= bl <= bh <= hi
		v := []float64{float64(i%97) / 97 * h, float64(i*7%89) / 89 * h, float64(i*13%83) / 83 * h, float64(i*31%79) / 79 * h}
		slices.Sort(v)
		for k := range v {
			v[k] = math.Min(v[k], h-0.001)
		}
		cv := canvas.New(1, h)
		graph.DrawCandlestickBottomToTop(&cv, canvas.Point{X: 0, Y: h - 1}, v[0], v[1], v[2], v[3], lipgloss.Style{})
		col := make([]rune, h)
		candleColumn(col, v[0], v[1], v[2], v[3])
		for y := 0; y < h; y++ {
			if want := cv.Cell(canvas.Point{X: 0, Y: y}).Rune; col[y] != want {
				t.Fatalf("%v row %d: %q, want %q", v, y, col[y], want)
			}
		}
	}
}
