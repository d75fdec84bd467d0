package watchlist

import (
	"math/rand/v2"
	"testing"

	"github.com/NimbleMarkets/ntcharts/sparkline"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// TestSparkRuneMatchesNtcharts: the sparkline drawn without ntcharts has
// the cells of a one-row ntcharts sparkline (maximum 1) for the heights
// spark makes (0 for an empty bucket, else in [0.125, 1]).
func TestSparkRuneMatchesNtcharts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const w = 64
	for trial := 0; trial < 200; trial++ {
		h := make([]float64, w)
		for k := range h {
			switch rng.IntN(10) {
			case 0: // empty bucket
			case 1:
				h[k] = 1
			case 2:
				h[k] = 0.125
			case 3: // on a sixteenth boundary
				h[k] = 0.125 + float64(rng.IntN(14))*0.0625
			default:
				h[k] = 0.125 + 0.875*rng.Float64()
			}
		}
		sl := sparkline.New(w, 1, sparkline.WithNoAutoMaxValue(), sparkline.WithMaxValue(1),
			sparkline.WithStyle(lipgloss.NewStyle()))
		sl.PushAll(h)
		sl.Draw()
		want := ansi.Strip(sl.View())
		got := make([]rune, 0, w)
		for _, v := range h {
			r := sparkRune(v)
			if r == 0 {
				r = ' '
			}
			got = append(got, r)
		}
		if string(got) != want {
			t.Fatalf("heights %v:\n got %q\nwant %q", h, string(got), want)
		}
	}
}
