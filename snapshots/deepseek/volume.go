package deepseek

import (
	"math"
	"math/rand/v2"
	"sort"
)

// spreadVolume splits the day's volume over the minutes on a U-shaped
// profile (busy open, quiet lunch, busier close and a closing-auction print
// on the 15:59 bar), with some noise and more volume on bigger moves. The
// integers sum exactly to total (largest remainder).
func spreadVolume(dp *dayPath, total int64, rng *rand.Rand, sigma float64) {
	var w [sessionMinutes]float64
	sum := 0.0
	for i := range sessionMinutes {
		x := (float64(i) - 194.5) / 194.5
		f := 0.55 + 1.1*x*x + 2.5*math.Exp(-float64(i)/6) + 1.2*math.Exp(-float64(sessionMinutes-1-i)/5)
		f *= math.Exp(0.25 * rng.NormFloat64())
		b := dp.bars[i]
		f *= 1 + 0.15*float64(b.h-b.l)/max(sigma, 1)
		w[i] = f
		sum += f
	}
	// The closing auction: about 5% of the day on the 15:59 bar.
	auction := 0.05 * sum / 0.95
	w[sessionMinutes-1] += auction
	sum += auction
	var given int64
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, sessionMinutes)
	for i := range sessionMinutes {
		exact := float64(total) * w[i] / sum
		v := int64(math.Floor(exact))
		dp.bars[i].vol = v
		given += v
		rems[i] = rem{i, exact - float64(v)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < total; k++ {
		dp.bars[rems[k%sessionMinutes].i].vol++
		given++
	}
}
