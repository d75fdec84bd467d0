package market

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// buildSeries makes a series from unsorted-safe inputs (they are sorted
// here). bars are the recorded intraday bars only: the derived ones are
// made here from the quotes.
func (st *state) buildSeries(bars, daily []snapshots.Bar, quotes []snapshots.Quote) *series {
	sr := &series{}
	sort.SliceStable(daily, func(a, b int) bool { return daily[a].Time.Before(daily[b].Time) })
	sort.SliceStable(quotes, func(a, b int) bool { return quotes[a].Time.Before(quotes[b].Time) })
	bars, sr.hidden = resolveBars(bars)
	// a later daily bar of the same date replaces an earlier one
	daily = dedupe(daily)
	der := st.derive(bars, quotes)
	// the latest derived bar stays open to change while its minute ends
	// after everything the dataset holds
	if k := len(der) - 1; k >= 0 && der[k].end > st.w &&
		(len(bars) == 0 || bars[len(bars)-1].Time.UnixNano() < der[k].m) {
		d := der[k]
		sr.tail, sr.tailM, sr.tailS, sr.tailE, sr.tailBase, sr.hasTail = d.bar, d.m, d.open, d.end, d.base, true
		sr.tailReg = st.regularBar(d.open)
		der = der[:k]
	}
	n := len(bars) + len(der)
	all, opens := bars, []int64(nil)
	sr.drv = make([]bool, n, n+1)
	if len(der) > 0 {
		all = make([]snapshots.Bar, 0, n)
		opens = make([]int64, 0, n)
		sr.drv = sr.drv[:0]
	}
	for i, j := 0, 0; len(der) > 0 && (i < len(bars) || j < len(der)); {
		if j == len(der) || (i < len(bars) && bars[i].Time.UnixNano() < der[j].m) {
			all = append(all, bars[i])
			opens = append(opens, bars[i].Time.UnixNano())
			sr.drv = append(sr.drv, false)
			i++
		} else {
			all = append(all, der[j].bar)
			opens = append(opens, der[j].open)
			sr.drv = append(sr.drv, true)
			j++
		}
	}
	sr.bars = all[:n:n]
	sr.start = make([]int64, 0, n)
	sr.end = make([]int64, 0, n)
	sr.rhi = make([]float64, 0, n)
	sr.rlo = make([]float64, 0, n)
	sr.rvol = make([]int64, 0, n)
	sr.ropen = make([]float64, 0, n)
	sr.preg = make([]int32, 0, n)
	for i := range all {
		if opens != nil {
			st.extendBar(sr, i, opens[i])
		} else {
			st.extendBar(sr, i, all[i].Time.UnixNano())
		}
	}
	sr.daily = daily[:len(daily):len(daily)]
	for i := range daily {
		st.extendDaily(sr, i)
	}
	sr.quotes = quotes[:len(quotes):len(quotes)]
	for i := range quotes {
		st.extendQuote(sr, i)
	}
	return sr
}

// derivedBar is a 1-minute bar made from quotes: minute start m, first
// quote time open, end, and the cumulative volume its volume counts from.
type derivedBar struct {
	bar          snapshots.Bar
	m, open, end int64
	base         int64
}

// derive makes the 1-minute bars of the regular-session minutes that have
// quotes and no recorded bar (recorded: sorted, non-overlapping): open is
// the minute's first quote price, high and low the highest and lowest,
// close the last; volume is the last quote's cumulative day volume minus
// the one before the minute (the previous quote of the same date; without
// one, the minute's first quote), never negative.
func (st *state) derive(recorded []snapshots.Bar, quotes []snapshots.Quote) []derivedBar {
	var out []derivedBar
	for i := 0; i < len(quotes); {
		m := minuteOf(quotes[i].Time.UnixNano())
		e := m + int64(time.Minute)
		j := i + 1
		for j < len(quotes) && quotes[j].Time.UnixNano() < e {
			j++
		}
		if st.regularBar(m) && !coveredBy(recorded, m, e) {
			base := quotes[i].Volume
			if i > 0 && sameDay(quotes[i-1].Time.UnixNano(), m) {
				base = quotes[i-1].Volume
			}
			d := derivedBar{bar: newDerived(quotes[i], m, base), m: m, open: quotes[i].Time.UnixNano(), end: e, base: base}
			for _, q := range quotes[i+1 : j] {
				growDerived(&d.bar, q, base)
			}
			out = append(out, d)
		}
		i = j
	}
	return out
}

// minuteOf is the start of the minute holding ns.
func minuteOf(ns int64) int64 {
	m := ns - ns%int64(time.Minute)
	if ns < 0 && ns%int64(time.Minute) != 0 {
		m -= int64(time.Minute)
	}
	return m
}

// coveredBy reports whether a bar of bars (sorted, non-overlapping)
// overlaps [s, e).
func coveredBy(bars []snapshots.Bar, s, e int64) bool {
	k := sort.Search(len(bars), func(i int) bool { return bars[i].Time.UnixNano() >= e }) - 1
	return k >= 0 && bars[k].End().UnixNano() > s
}

// newDerived starts the derived bar of minute m with its first quote.
func newDerived(q snapshots.Quote, m, base int64) snapshots.Bar {
	return snapshots.Bar{Time: time.Unix(0, m).In(snapshots.Location()), Symbol: q.Symbol, Interval: "1m",
		Open: q.Price, High: q.Price, Low: q.Price, Close: q.Price, Volume: max(0, q.Volume-base)}
}

// growDerived adds a later quote of the same minute to a derived bar.
func growDerived(b *snapshots.Bar, q snapshots.Quote, base int64) {
	b.High = max(b.High, q.Price)
	b.Low = min(b.Low, q.Price)
	b.Close = q.Price
	b.Volume = max(0, q.Volume-base)
}

// extendBar appends the derived values for sr.bars[i] (i == len(sr.start)),
// whose open is known at s.
func (st *state) extendBar(sr *series, i int, s int64) {
	b := sr.bars[i]
	e := b.End().UnixNano()
	sr.start = append(sr.start, s)
	sr.end = append(sr.end, e)
	var hi, lo, open float64
	var vol int64
	if i > 0 && sameDay(sr.start[i-1], s) {
		hi, lo, vol, open = sr.rhi[i-1], sr.rlo[i-1], sr.rvol[i-1], sr.ropen[i-1]
	}
	preg := int32(-1)
	if i > 0 {
		preg = sr.preg[i-1]
	}
	if st.regularBar(s) {
		if open == 0 {
			open = b.Open
		}
		hi = maxPos(hi, b.High)
		lo = minPos(lo, b.Low)
		vol += b.Volume
		preg = int32(i)
	}
	sr.preg = append(sr.preg, preg)
	sr.rhi = append(sr.rhi, hi)
	sr.rlo = append(sr.rlo, lo)
	sr.rvol = append(sr.rvol, vol)
	sr.ropen = append(sr.ropen, open)
}

func (st *state) extendDaily(sr *series, i int) {
	b := sr.daily[i]
	t := b.Time.In(snapshots.Location())
	y, m, dd := t.Date()
	loc := snapshots.Location()
	open := time.Date(y, m, dd, 9, 30, 0, 0, loc).UnixNano()
	cls := time.Date(y, m, dd, 16, 0, 0, 0, loc).UnixNano()
	if k := st.dayOf(b.Time.UnixNano()); k >= 0 {
		open, cls = st.sess[k].open, st.sess[k].close
	}
	sr.dOpen = append(sr.dOpen, open)
	sr.dEnd = append(sr.dEnd, cls)
}

func (st *state) extendQuote(sr *series, i int) {
	q := sr.quotes[i]
	t := q.Time.UnixNano()
	sr.qt = append(sr.qt, t)
	var hi, lo float64
	if i > 0 && sameDay(sr.qt[i-1], t) {
		hi, lo = sr.qhi[i-1], sr.qlo[i-1]
	}
	qreg := int32(-1)
	if i > 0 {
		qreg = sr.qreg[i-1]
	}
	if st.quoteRegular(t, q.State) {
		hi = maxPos(hi, q.Price)
		lo = minPos(lo, q.Price)
		qreg = int32(i)
	}
	sr.qreg = append(sr.qreg, qreg)
	sr.qhi = append(sr.qhi, hi)
	sr.qlo = append(sr.qlo, lo)
}

func maxPos(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

func minPos(a, b float64) float64 {
	if b <= 0 {
		return a
	}
	if a <= 0 || b < a {
		return b
	}
	return a
}

// recorded returns a new slice of every recorded (not derived) intraday bar
// the series holds, the hidden ones included. No two have the same start
// and end, so their order does not matter to resolveBars.
func (sr *series) recorded() []snapshots.Bar {
	out := make([]snapshots.Bar, 0, len(sr.bars)+len(sr.hidden))
	for i, b := range sr.bars {
		if !sr.drv[i] {
			out = append(out, b)
		}
	}
	return append(out, sr.hidden...)
}

// settleTail moves the tail into the bar arrays (appending in place: the
// slots past the old length are seen by no earlier version).
func (st *state) settleTail(sr *series) {
	if !sr.hasTail {
		return
	}
	sr.bars = append(sr.bars, sr.tail)
	sr.drv = append(sr.drv, true)
	st.extendBar(sr, len(sr.bars)-1, sr.tailS)
	sr.tail, sr.hasTail = snapshots.Bar{}, false
}

// resolveBars decides which of a symbol's recorded intraday bars are shown
// (used: sorted by start, none overlapping another, so that what is known
// at t is a prefix of the array) and which are hidden. bars are in arrival
// order (file order, then append order); the rule depends on that order
// only to replace a bar by a later one with the same start and interval:
//
//  1. Of bars with the same start and the same end (the same interval: a
//     forming live bar sent again), the last to arrive is the bar.
//  2. The rest are taken in (start, end) order, and a bar is used when it
//     starts at or after the end of the last used bar; otherwise it is
//     hidden. So of overlapping bars the one starting first wins, and at
//     equal starts the shorter one (a 1m bar over a 5m bar).
//
// Hidden bars stay in the series: a later record can change which bars are
// used (a 1m bar at the start of a 5m bar that hid later 1m bars), and the
// result is the same whether the records came in one file, one batch or one
// by one, in any order. bars is reordered; used aliases it, hidden is new.
func resolveBars(bars []snapshots.Bar) (used, hidden []snapshots.Bar) {
	if len(bars) == 0 {
		return bars, nil
	}
	type key struct{ s, e int64 }
	keys := make([]key, len(bars))
	sorted := true
	for i, b := range bars {
		keys[i] = key{b.Time.UnixNano(), b.End().UnixNano()}
		if i > 0 && (keys[i].s < keys[i-1].s || keys[i].s == keys[i-1].s && keys[i].e < keys[i-1].e) {
			sorted = false
		}
	}
	if !sorted { // stable: equal keys stay in arrival order
		perm := make([]int, len(bars))
		for i := range perm {
			perm[i] = i
		}
		slices.SortStableFunc(perm, func(a, b int) int {
			if c := cmp.Compare(keys[a].s, keys[b].s); c != 0 {
				return c
			}
			return cmp.Compare(keys[a].e, keys[b].e)
		})
		sb, sk := make([]snapshots.Bar, len(bars)), make([]key, len(bars))
		for i, j := range perm {
			sb[i], sk[i] = bars[j], keys[j]
		}
		copy(bars, sb)
		keys = sk
	}
	used = bars[:0]
	var end int64
	for i, b := range bars {
		k := keys[i]
		if i+1 < len(bars) && keys[i+1] == k {
			continue // replaced by a later arrival
		}
		if len(used) > 0 && k.s < end {
			hidden = append(hidden, b)
			continue
		}
		used = append(used, b)
		end = k.e
	}
	return used, hidden
}

// dedupe keeps the last of daily bars with the same start (bars are sorted
// stably, so the last is the most recently added).
func dedupe(bars []snapshots.Bar) []snapshots.Bar {
	out := bars[:0]
	for i, b := range bars {
		if i+1 < len(bars) && bars[i+1].Time.Equal(b.Time) {
			continue
		}
		out = append(out, b)
	}
	return out
}
