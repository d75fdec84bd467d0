package chart

import (
	"math"
	"time"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// day draws the frame's regular session.
func (d *drawer) day(top int) {
	f := d.frame()
	sess, ok := f.CurrentSession()
	if !ok {
		d.message(top, d.g.h, "no session at this time")
		return
	}
	loc := snapshots.Location()
	t0, t1 := sess.Open, sess.Close
	if t0.IsZero() || !t1.After(t0) {
		day, err := time.ParseInLocation("2006-01-02", sess.Date, loc)
		if err != nil {
			d.message(top, d.g.h, "bad session "+sess.Date)
			return
		}
		t0, t1 = day.Add(9*time.Hour+30*time.Minute), day.Add(16*time.Hour)
	}
	d.tagRange = "day " + t0.In(loc).Format("Mon 2 Jan")
	if d.m.mode == ModeCompare {
		d.dayCompare(top, t0, t1)
		return
	}
	sym := d.m.sym
	i, q, ok := d.quote(sym)
	if !ok {
		d.message(top, d.g.h, sym+" is not in this snapshot")
		return
	}
	var bars []snapshots.Bar
	if i < len(f.Intraday) {
		bars = f.Intraday[i]
	}
	hasVol := false
	if !f.Symbols[i].NoVolume {
		for _, b := range bars {
			if b.Volume > 0 {
				hasVol = true
				break
			}
		}
	}
	p, ok := d.layout(top, false, hasVol)
	if !ok {
		return
	}
	p.t0, p.t1 = t0, t1
	base, hasBase := q.PrevClose, q.PrevClose > 0
	lo, hi := math.Inf(1), math.Inf(-1)
	var hiT, loT time.Time
	for _, b := range bars {
		if b.High > hi {
			hi, hiT = b.High, b.Time
		}
		if b.Low < lo {
			lo, loT = b.Low, b.Time
		}
	}
	if len(bars) == 0 {
		if !hasBase && !q.HasPrice {
			d.message(top, d.g.h, "no intraday data for "+sym)
			return
		}
		lo, hi = base, base
		if !hasBase {
			lo, hi = q.Price, q.Price
		}
	}
	// The last price is on the chart even before the first bar closes (at
	// 09:30 the open print is known, the 09:30-09:35 bar is not).
	lastDot := len(bars) == 0 && q.HasPrice && !f.Time.Before(t0) && f.Time.Before(t1)
	if lastDot {
		lo, hi = math.Min(lo, q.Price), math.Max(hi, q.Price)
	}
	pre := d.prePoints(sym, t0, base)
	ylo, yhi := lo, hi // the price axis holds the reported points too; H and L stay the session's
	for _, pt := range pre {
		ylo, yhi = math.Min(ylo, pt.price), math.Max(yhi, pt.price)
	}
	ticks, labels := d.axis(&p, ylo, yhi, base, hasBase)
	preK := 0
	if len(pre) > 0 {
		preK = preCols(p.w)
	}
	if preK > 0 {
		// a narrow pre-market area left of the open: the session keeps
		// its own time scale from column preK
		p.open = t0
		p.t0 = t0.Add(-t1.Sub(t0) * time.Duration(preK) / time.Duration(p.w-preK))
	}
	d.setHit(&p) // p.w is known once the axis is
	if hasBase {
		d.baseline(&p, base)
	}
	d.dayEvents(&p)
	if preK > 0 {
		d.drawPre(&p, pre, preK)
	}
	if abs, _, ok := q.Change(); ok {
		d.lineID, d.lineStyle = d.moveStyle(abs)
	}
	if d.m.mode == ModeCandles {
		d.dayCandles(&p, bars)
	} else {
		dots := newDots(p.w, p.h, d.gl)
		pts := make([][2]int, 0, len(bars)+1)
		for k, b := range bars {
			if k == 0 {
				pts = append(pts, [2]int{p.px(b.Time), p.py(b.Open)})
			}
			pts = append(pts, [2]int{p.px(b.End()), p.py(b.Close)})
		}
		if lastDot {
			pts = append(pts, [2]int{p.px(f.Time), p.py(q.Price)})
		}
		dots.polyline(pts)
		dots.paint(d.g, 0, p.top, d.gl, 0, stLine)
		d.tagMode = "line"
	}
	if len(bars) > 0 {
		d.extremeLabel(&p, "H "+d.txt(common.Price(hi)), p.col(hiT), p.row(hi), true, stHigh)
		d.extremeLabel(&p, "L "+d.txt(common.Price(lo)), p.col(loT), p.row(lo), false, stLow)
	}
	if len(bars) == 0 && f.Time.Before(t0) {
		d.message(p.top, p.top+p.h, "waiting for the open")
	}
	if preK > 0 {
		d.labelPre(&p, pre, preK)
	}
	d.drawAxis(&p, ticks, labels, base, hasBase)
	if p.vh > 0 {
		cols := make([]float64, p.w)
		for _, b := range bars {
			c := p.col(b.Time.Add(b.End().Sub(b.Time) / 2))
			cols[c] += float64(b.Volume)
		}
		d.volume(&p, cols, nil)
	}
	d.dayXLabels(&p)
}

// setHit records where p's time axis is, for Model.TimeAt: every row from
// the plot's top to the x labels.
func (d *drawer) setHit(p *plot) {
	y0, y1 := p.top, d.g.h
	if p.marker >= 0 {
		y0 = p.marker
	}
	d.m.hit = hitArea{ok: true, w: p.w, sx: p.sx, y0: y0, y1: y1, t0: p.t0, t1: p.t1}
}

// candleMinutes picks the candle width: 5 minutes when the pane has room,
// else the first of 10, 15, 30, 60 minutes that fits one candle a column.
func candleMinutes(session time.Duration, cols int) int {
	mins := int(session / time.Minute)
	for _, k := range []int{5, 10, 15, 30, 60} {
		if (mins+k-1)/k <= cols {
			return k
		}
	}
	if cols <= 0 {
		return mins
	}
	return (mins + cols - 1) / cols
}

func (d *drawer) dayCandles(p *plot, bars []snapshots.Bar) {
	t0 := p.t0
	if !p.open.IsZero() {
		t0 = p.open // candles of the session, right of the pre-market area
	}
	k := candleMinutes(p.t1.Sub(t0), p.col(p.t1)-p.col(t0)+1)
	d.tagMode = itoa(k) + "m candles"
	step := time.Duration(k) * time.Minute
	var cs []candle
	cur := -1
	for _, b := range bars {
		if b.Time.Before(t0) || !b.Time.Before(p.t1) {
			continue
		}
		n := int(b.Time.Sub(t0) / step)
		if n != cur {
			mid := t0.Add(time.Duration(n)*step + step/2)
			cs = append(cs, candle{col: p.col(mid), o: b.Open, h: b.High, l: b.Low, c: b.Close})
			cur = n
			continue
		}
		c := &cs[len(cs)-1]
		c.h, c.l, c.c = math.Max(c.h, b.High), math.Min(c.l, b.Low), b.Close
	}
	for i := range cs {
		cs[i].st = stUp
		if cs[i].c < cs[i].o {
			cs[i].st = stDown
		}
	}
	d.candles(p, cs)
}

func (d *drawer) dayCompare(top int, t0, t1 time.Time) {
	f := d.frame()
	p, ok := d.layout(top, true, false)
	if !ok {
		return
	}
	p.t0, p.t1, p.pct = t0, t1, true
	d.tagMode = "compare"
	var ss []series
	lo, hi := 0.0, 0.0
	for k, sym := range d.compareSyms() {
		st, ch, mark := d.seriesStyle(k)
		s := series{sym: sym, st: st, ch: ch, mark: mark}
		i, q, ok := d.quote(sym)
		if ok && q.PrevClose > 0 && i < len(f.Intraday) {
			for n, b := range f.Intraday[i] {
				if n == 0 {
					s.pts = append(s.pts, tv{b.Time, (b.Open/q.PrevClose - 1) * 100})
				}
				s.pts = append(s.pts, tv{b.End(), (b.Close/q.PrevClose - 1) * 100})
			}
		}
		if _, pct, ok := q.Change(); ok {
			s.last, s.ok = pct, true
		}
		for _, x := range s.pts {
			lo, hi = math.Min(lo, x.v), math.Max(hi, x.v)
		}
		ss = append(ss, s)
	}
	ticks, labels := d.axis(&p, lo, hi, 0, true)
	d.setHit(&p)
	d.baseline(&p, 0)
	d.dayEvents(&p)
	for _, s := range ss {
		dots := newDots(p.w, p.h, d.gl)
		pts := make([][2]int, len(s.pts))
		for n, x := range s.pts {
			pts[n] = [2]int{p.px(x.t), p.py(x.v)}
		}
		dots.polyline(pts)
		ch := rune(0)
		if s.mark {
			ch = s.ch
		}
		dots.paint(d.g, 0, p.top, d.gl, ch, s.st)
	}
	var ends []lineEnd
	for _, s := range ss {
		if n := len(s.pts); n > 0 {
			x := s.pts[n-1]
			ends = append(ends, lineEnd{s.sym, p.px(x.t) / p.sx, p.top + p.py(x.v)/p.sy, s.st})
		}
	}
	d.endLabels(&p, ends)
	d.drawAxis(&p, ticks, labels, 0, true)
	d.legend(&p, ss)
	d.dayXLabels(&p)
}

// legend writes "━ NVDA −16.97%" per series (ASCII: the series character).
func (d *drawer) legend(p *plot, ss []series) {
	if p.legend < 0 {
		return
	}
	// With the values when every series fits; else marks and symbols
	// only (the values are in the watchlist), so no series goes unnamed;
	// "…" only when even that does not fit.
	compact := false
	width := 0
	for _, s := range ss {
		width += len([]rune(d.legendMark(s)+" "+s.sym+" "+d.legendValue(s))) + 2
	}
	if width-2 > d.g.w {
		compact = true
	}
	x := 0
	for _, s := range ss {
		mark := d.legendMark(s)
		val := d.legendValue(s)
		entry := mark + " " + s.sym
		if !compact {
			entry += " " + val
		}
		n := len([]rune(entry))
		if x+n > d.g.w {
			if x+1 <= d.g.w {
				d.g.text(x, p.legend, d.txt("…"), stFaint)
			}
			return
		}
		d.g.text(x, p.legend, mark, s.st)
		d.g.text(x+len([]rune(mark))+1, p.legend, s.sym, s.st)
		if !compact {
			vst := stFaint
			if s.ok {
				vst, _ = d.moveStyle(s.last)
			}
			d.g.text(x+len([]rune(mark))+2+len(s.sym), p.legend, val, vst)
		}
		x += n + 2
	}
}

func (d *drawer) legendMark(s series) string {
	if s.mark {
		return string(s.ch)
	}
	return "━"
}

func (d *drawer) legendValue(s series) string {
	if s.ok {
		return d.txt(common.Pct(s.last))
	}
	return common.NoData
}

func (d *drawer) dayXLabels(p *plot) {
	loc := snapshots.Location()
	var cols []int
	var labels []string
	start := p.t0
	if !p.open.IsZero() {
		// the pre-market area: its label, then the open
		cols = append(cols, 0)
		labels = append(labels, "pre")
		start = p.open
	}
	cols = append(cols, p.col(start))
	labels = append(labels, start.In(loc).Format("15:04"))
	t := start.In(loc).Truncate(time.Hour).Add(time.Hour)
	for ; !t.After(p.t1); t = t.Add(time.Hour) {
		cols = append(cols, p.col(t))
		labels = append(labels, t.Format("15:04"))
	}
	d.xLabels(p, cols, labels, nil)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
