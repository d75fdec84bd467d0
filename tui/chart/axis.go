package chart

import (
	"math"

	"github.com/selloff/selloff/tui/common"
)

// axis sizes the y range and the right axis; it sets p.w.
func (d *drawer) axis(p *plot, lo, hi float64, base float64, hasBase bool) (ticks []float64, labels []string) {
	if hasBase {
		lo, hi = math.Min(lo, base), math.Max(hi, base)
	}
	if !(hi > lo) {
		pad := math.Max(math.Abs(hi)*0.01, 0.01)
		if p.pct {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	if p.h >= 4 {
		pad := (hi - lo) / float64(p.h-2) * 0.75
		lo, hi = lo-pad, hi+pad
	}
	p.lo, p.hi = lo, hi
	ticks, p.tickStep = niceTicks(lo, hi, max(2, p.h/3))
	w := 0
	for _, t := range ticks {
		l := d.tickLabel(t, p)
		labels = append(labels, l)
		w = max(w, len([]rune(l)))
	}
	if hasBase {
		w = max(w, len([]rune(d.baseLabel(base, p))))
	}
	aw := w + 2
	if d.g.w-aw < 16 {
		aw = 0
	}
	p.w = d.g.w - aw
	return ticks, labels
}

func (d *drawer) tickLabel(v float64, p *plot) string {
	dec := 0
	switch {
	case p.tickStep < 0.1:
		dec = 2
	case p.tickStep < 1:
		dec = 1
	}
	if p.pct {
		s := common.Number(v, dec) + "%"
		if v > 0 && s != "0%" {
			s = "+" + s
		}
		return d.txt(s)
	}
	return d.txt(common.Number(v, dec))
}

func (d *drawer) baseLabel(v float64, p *plot) string {
	if p.pct {
		return "0%"
	}
	return d.txt(common.Price(v))
}

// drawAxis draws the right axis with its ticks, the baseline label and the
// volume label.
func (d *drawer) drawAxis(p *plot, ticks []float64, labels []string, base float64, hasBase bool) {
	if p.w >= d.g.w {
		return
	}
	g := d.g
	for r := 0; r < p.h+p.vh; r++ {
		g.set(p.w, p.top+r, d.pick('│', '|'), stAxis)
	}
	baseRow := -1
	if hasBase {
		baseRow = p.row(base)
	}
	for i, t := range ticks {
		r := p.row(t)
		if r == baseRow {
			continue
		}
		g.set(p.w, p.top+r, d.pick('┤', '+'), stAxis)
		g.text(p.w+2, p.top+r, labels[i], stLabel)
	}
	if hasBase {
		g.set(p.w, p.top+baseRow, d.pick('┤', '+'), stBaseline)
		for x := p.w + 1; x < g.w; x++ {
			g.set(x, p.top+baseRow, ' ', stNone)
		}
		g.text(p.w+2, p.top+baseRow, d.baseLabel(base, p), stBaseline)
	}
	if p.vh > 0 {
		g.text(p.w+2, p.volTop+p.vh-1, "vol", stLabel)
	}
}

// baseline draws the dashed previous-close line under everything else.
func (d *drawer) baseline(p *plot, v float64) {
	r := p.top + p.row(v)
	for x := 0; x < p.w; x++ {
		if d.ascii() {
			if x%2 == 0 {
				d.g.set(x, r, '-', stBaseline)
			}
			continue
		}
		d.g.set(x, r, '╌', stBaseline)
	}
}

// niceTicks returns tick values of a 1-2-2.5-5 step between lo and hi.
func niceTicks(lo, hi float64, n int) ([]float64, float64) {
	if !(hi > lo) || n < 1 {
		return nil, 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9 && len(out) < 100; v += step {
		out = append(out, v)
	}
	return out, step
}
