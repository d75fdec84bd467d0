package chart

import (
	"math"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// dayBar is one daily bar as the frame knows it.
type dayBar struct {
	date       string // YYYY-MM-DD
	t          time.Time
	o, h, l, c float64
	vol        int64
	future     bool // after the frame's time: replay knows it, the viewer has not reached it
	partial    bool // today, from the quote
}

// dailyOf returns symbol i's daily bars as known at the frame: complete
// bars, today's partial bar from the quote, and later bars marked future.
func dailyOf(f *market.Frame, i int) []dayBar {
	if i < 0 || i >= len(f.Daily) {
		return nil
	}
	loc := snapshots.Location()
	q := f.Quotes[i]
	cur := ""
	if s, ok := f.CurrentSession(); ok && !f.Time.Before(s.Open) {
		cur = s.Date
	}
	partial := func(b *dayBar) bool {
		if b.date != cur || !q.HasPrice {
			return false
		}
		b.partial = true
		b.c = q.Price
		b.o, b.h, b.l = q.Open, q.High, q.Low
		if b.o <= 0 {
			b.o = q.Price
		}
		if b.h <= 0 {
			b.h = math.Max(b.o, q.Price)
		}
		if b.l <= 0 {
			b.l = math.Min(b.o, q.Price)
		}
		b.vol = q.Volume
		return true
	}
	var out []dayBar
	seen := false
	for _, b := range f.Daily[i] {
		db := dayBar{date: b.Time.In(loc).Format("2006-01-02"), t: b.Time, o: b.Open, h: b.High, l: b.Low, c: b.Close, vol: b.Volume}
		if b.End().After(f.Time) {
			if !partial(&db) {
				db.future = true
			}
		}
		if db.date == cur {
			seen = true
		}
		out = append(out, db)
	}
	if !seen && cur != "" {
		// a live feed has no daily bar for today yet: add it from the quote
		t, err := time.ParseInLocation("2006-01-02", cur, loc)
		db := dayBar{date: cur, t: t}
		if err == nil && partial(&db) {
			k := len(out)
			for k > 0 && out[k-1].date > cur {
				k--
			}
			out = append(out[:k], append([]dayBar{db}, out[k:]...)...)
		}
	}
	return out
}

// hidden reports whether a day's figures stay off the week view: a day
// after the frame's in a replay without spoilers (an empty slot).
func (d *drawer) hidden(db dayBar) bool { return db.future && d.m.hide }

// week draws the daily bars around the frame's session.
func (d *drawer) week(top int) {
	f := d.frame()
	syms := []string{d.m.sym}
	if d.m.mode == ModeCompare {
		syms = append(syms, d.compareSyms()...)
	}
	// the day axis comes from the first symbol that has daily bars
	var days []dayBar
	primary := -1
	for _, s := range syms {
		if i, _, ok := d.quote(s); ok {
			if days = dailyOf(f, i); len(days) > 0 {
				primary = i
				break
			}
		}
	}
	if primary < 0 {
		d.tagRange = "week"
		d.message(top, d.g.h, "no daily bars")
		return
	}
	compare := d.m.mode == ModeCompare
	hasVol := !compare && !f.Symbols[primary].NoVolume
	p, ok := d.layout(top, compare, hasVol)
	if !ok {
		return
	}
	// a window of whole days around the frame's session
	est := d.g.w - 10
	maxN := max(1, est/3)
	if len(days) > maxN {
		cur := len(days) - 1
		for k, db := range days {
			if !db.future {
				cur = k
			}
		}
		start := common.Clamp(cur-maxN*2/3, 0, len(days)-maxN)
		days = days[start : start+maxN]
	}
	loc := snapshots.Location()
	first, last := days[0].t.In(loc), days[len(days)-1].t.In(loc)
	d.tagRange = "week " + first.Format("2 Jan") + d.txt("–") + last.Format("2 Jan")
	if first.Month() == last.Month() {
		d.tagRange = "week " + first.Format("2") + d.txt("–") + last.Format("2 Jan")
	}
	n := len(days)
	index := map[string]int{}
	for k, db := range days {
		index[db.date] = k
	}
	// p.w is known after the axis; slot geometry uses it through closures
	center := func(k int) float64 { return (float64(k) + 0.5) / float64(n) }
	pxAt := func(fr float64) int { return common.Clamp(int(fr*float64(p.w*p.sx)), 0, max(0, p.w*p.sx-1)) }
	colAt := func(fr float64) int { return common.Clamp(int(fr*float64(p.w)), 0, max(0, p.w-1)) }

	var ss []series
	lo, hi := math.Inf(1), math.Inf(-1)
	var base float64
	hasBase := false
	if compare {
		p.pct = true
		d.tagMode = "compare"
		lo, hi = 0, 0
		base, hasBase = 0, true
		for k, sym := range d.compareSyms() {
			st, ch, mark := d.seriesStyle(k)
			s := series{sym: sym, st: st, ch: ch, mark: mark}
			i, q, ok := d.quote(sym)
			if ok && q.PrevClose > 0 {
				for _, db := range dailyOf(f, i) {
					j, in := index[db.date]
					if !in || d.hidden(db) {
						continue
					}
					x := tv{t: time.Unix(int64(j), 0), v: (db.c/q.PrevClose - 1) * 100}
					if db.future {
						s.future = append(s.future, x)
					} else {
						s.pts = append(s.pts, x)
					}
					lo, hi = math.Min(lo, x.v), math.Max(hi, x.v)
				}
			}
			if _, pct, ok := q.Change(); ok {
				s.last, s.ok = pct, true
			}
			ss = append(ss, s)
		}
	} else {
		for _, db := range days {
			if d.hidden(db) {
				continue // its range would hint at its prices
			}
			lo, hi = math.Min(lo, db.l), math.Max(hi, db.h)
			if d.m.mode == ModeLine {
				lo, hi = math.Min(lo, db.c), math.Max(hi, db.c)
			}
		}
		q := f.Quotes[primary]
		base, hasBase = q.PrevClose, q.PrevClose > 0
		if math.IsInf(lo, 1) && !hasBase {
			d.message(top, d.g.h, "no daily bar reached yet")
			return
		}
		if abs, _, ok := q.Change(); ok {
			d.lineID, d.lineStyle = d.moveStyle(abs)
		}
	}
	ticks, labels := d.axis(&p, lo, hi, base, hasBase)
	d.setWeekHit(&p, days)
	if hasBase {
		d.baseline(&p, base)
	}
	d.weekEvents(&p, days, colAt)
	switch {
	case compare:
		for _, s := range ss {
			ch := rune(0)
			if s.mark {
				ch = s.ch
			}
			for pass, pts := range [][]tv{s.future, s.pts} {
				if pass == 0 && len(s.pts) > 0 && len(pts) > 0 {
					pts = append([]tv{s.pts[len(s.pts)-1]}, pts...)
				}
				dots := newDots(p.w, p.h, d.gl)
				xy := make([][2]int, len(pts))
				for k, x := range pts {
					xy[k] = [2]int{pxAt(center(int(x.t.Unix()))), p.py(x.v)}
				}
				st := s.st
				if pass == 0 {
					st = stFuture
					dots.dottedPolyline(xy)
				} else {
					dots.polyline(xy)
				}
				dots.paint(d.g, 0, p.top, d.gl, ch, st)
			}
		}
		var ends []lineEnd
		for _, s := range ss {
			if n := len(s.pts); n > 0 {
				x := s.pts[n-1]
				ends = append(ends, lineEnd{s.sym, pxAt(center(int(x.t.Unix()))) / p.sx, p.top + p.py(x.v)/p.sy, s.st})
			}
		}
		d.endLabels(&p, ends)
	case d.m.mode == ModeCandles:
		d.tagMode = "daily candles"
		cs := make([]candle, 0, n)
		for k, db := range days {
			st := stUp
			if db.c < db.o {
				st = stDown
			}
			if db.future {
				st = stFuture
			}
			if d.hidden(db) {
				continue
			}
			cs = append(cs, candle{col: colAt(center(k)), o: db.o, h: db.h, l: db.l, c: db.c, st: st})
		}
		d.candles(&p, cs)
	default:
		d.tagMode = "daily closes"
		var known, future [][2]int
		for k, db := range days {
			if d.hidden(db) {
				continue
			}
			pt := [2]int{pxAt(center(k)), p.py(db.c)}
			if db.future {
				if len(future) == 0 && len(known) > 0 {
					future = append(future, known[len(known)-1])
				}
				future = append(future, pt)
			} else {
				known = append(known, pt)
			}
		}
		fd := newDots(p.w, p.h, d.gl)
		fd.dottedPolyline(future) // dotted: the future reads as such without colour
		fd.paint(d.g, 0, p.top, d.gl, 0, stFuture)
		kd := newDots(p.w, p.h, d.gl)
		kd.polyline(known)
		kd.paint(d.g, 0, p.top, d.gl, 0, stLine)
	}
	d.drawAxis(&p, ticks, labels, base, hasBase)
	if compare {
		d.legend(&p, ss)
	}
	if p.vh > 0 {
		cols := make([]float64, p.w)
		fut := make([]bool, p.w)
		for k, db := range days {
			if d.hidden(db) {
				continue
			}
			a, b := colAt(float64(k)/float64(n)), colAt(float64(k+1)/float64(n))
			if b-a >= 3 {
				a, b = a+1, b-1
			} else {
				a = colAt(center(k))
				b = a + 1
			}
			for c := a; c < b && c < p.w; c++ {
				cols[c] = float64(db.vol)
				fut[c] = db.future
			}
		}
		d.volume(&p, cols, fut)
	}
	// x labels: "Mon 27" when there is room, else "27"
	sw := float64(p.w) / float64(n)
	var cols []int
	var labs []string
	var sts []uint8
	for k, db := range days {
		t := db.t.In(loc)
		l := t.Format("2")
		if sw >= 8 {
			l = t.Format("Mon 2")
		}
		st := stLabel
		switch {
		case db.future:
			st = stFaint
		case db.partial:
			st = stTitle
		}
		cols = append(cols, colAt(center(k)))
		labs = append(labs, l)
		sts = append(sts, st)
	}
	d.xLabels(&p, cols, labs, sts)
}

// weekEvents marks events by day: the numbers of a day's events at the
// day's slot ("5-12"); events on days without a session sit between the
// slots around them. A day is known for every precision, so no '~'.
func (d *drawer) weekEvents(p *plot, days []dayBar, colAt func(float64) int) {
	if p.marker < 0 || len(days) == 0 {
		return
	}
	f := d.frame()
	loc := snapshots.Location()
	n := len(days)
	type group struct {
		col    int
		nums   []int
		future bool // every event of the group is after the frame's time
	}
	var groups []group
	for i, e := range f.Events {
		date := e.Time.In(loc).Format("2006-01-02")
		if date < days[0].date || date > days[n-1].date {
			continue
		}
		fr := -1.0
		for k, db := range days {
			if db.date == date {
				fr = (float64(k) + 0.5) / float64(n)
				break
			}
			if db.date > date {
				fr = float64(k) / float64(n)
				break
			}
		}
		if fr < 0 {
			continue
		}
		c := colAt(fr)
		fut := f.Placed(i).After(f.Time)
		if len(groups) > 0 && groups[len(groups)-1].col == c {
			g := &groups[len(groups)-1]
			g.nums = append(g.nums, i+1)
			g.future = g.future && fut
			continue
		}
		groups = append(groups, group{col: c, nums: []int{i + 1}, future: fut})
	}
	for _, g := range groups {
		s := compress(g.nums)
		st := stEvent
		if g.future {
			st = stFuture
		}
		d.marker(p, g.col-len(s)/2, s, st)
	}
}

// setWeekHit records the week view's day slots for Model.DayAt: the plot's
// columns split evenly among days, from the marker row to the x labels.
func (d *drawer) setWeekHit(p *plot, days []dayBar) {
	y0 := p.top
	if p.marker >= 0 {
		y0 = p.marker
	}
	dates := make([]string, len(days))
	for k, db := range days {
		dates[k] = db.date
	}
	d.m.hit = hitArea{ok: true, week: true, w: p.w, sx: p.sx, y0: y0, y1: d.g.h, days: dates}
}
