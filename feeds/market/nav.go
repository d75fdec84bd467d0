package market

import (
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// StepBar returns the instant n bars after t (n < 0: before): the next
// (previous) time at which any symbol's intraday bar completes. Gaps without
// data (nights, weekends) are skipped. Without intraday bars it moves by n
// minutes. The result is t itself when there is no bar further that way.
func (d *Dataset) StepBar(t time.Time, n int) time.Time {
	st := d.st.Load()
	ns := t.UnixNano()
	have := false
	for _, sr := range st.series {
		if len(sr.end) > 0 || sr.hasTail {
			have = true
			break
		}
	}
	if !have {
		return t.Add(time.Duration(n) * time.Minute)
	}
	for ; n > 0; n-- {
		best, ok := int64(0), false
		for _, sr := range st.series {
			// bar ends are sorted with bar starts when bars do not overlap
			k := sort.Search(len(sr.end), func(i int) bool { return sr.end[i] > ns })
			if k < len(sr.end) && (!ok || sr.end[k] < best) {
				best, ok = sr.end[k], true
			}
			if sr.hasTail && sr.tailE > ns && (!ok || sr.tailE < best) {
				best, ok = sr.tailE, true
			}
		}
		if !ok {
			break
		}
		ns = best
	}
	for ; n < 0; n++ {
		best, ok := int64(0), false
		for _, sr := range st.series {
			k := sort.Search(len(sr.end), func(i int) bool { return sr.end[i] >= ns }) - 1
			if k >= 0 && (!ok || sr.end[k] > best) {
				best, ok = sr.end[k], true
			}
			if sr.hasTail && sr.tailE < ns && (!ok || sr.tailE > best) {
				best, ok = sr.tailE, true
			}
		}
		if !ok {
			break
		}
		ns = best
	}
	return time.Unix(0, ns).In(snapshots.Location())
}

// EventFrom returns the placement (snapshots.Placement) of the first event
// placed after t (next) or of the last one placed before t (!next).
func (d *Dataset) EventFrom(t time.Time, next bool) (time.Time, bool) {
	st := d.st.Load()
	n := len(st.events)
	if next {
		k := sort.Search(n, func(i int) bool { return st.placed(i).After(t) })
		if k < n {
			return st.placed(k).In(snapshots.Location()), true
		}
		return time.Time{}, false
	}
	k := sort.Search(n, func(i int) bool { return !st.placed(i).Before(t) }) - 1
	if k >= 0 {
		return st.placed(k).In(snapshots.Location()), true
	}
	return time.Time{}, false
}

// DayFrom returns the regular open of the next trading session after t's
// date (next), or of the previous one (!next). From a day without a
// session (a weekend), the previous trading day is the last session before
// it: Saturday goes back to Friday and forward to Monday.
func (d *Dataset) DayFrom(t time.Time, next bool) (time.Time, bool) {
	st := d.st.Load()
	ns := t.UnixNano()
	si := st.sessionAtOrBefore(ns)
	var k int
	switch {
	case next:
		k = si + 1
	case si >= 0 && st.dayOf(ns) == si:
		k = si - 1
	default:
		k = si // not a trading day: the last session before it
	}
	if k < 0 || k >= len(st.sess) {
		return time.Time{}, false
	}
	return time.Unix(0, st.sess[k].open).In(snapshots.Location()), true
}

// NextObservation returns the first instant after t at which something new
// is known: a bar opens or completes, a daily bar opens or completes, a
// quote arrives, or an event happens. ok is false when nothing follows t.
func (d *Dataset) NextObservation(t time.Time) (time.Time, bool) {
	st := d.st.Load()
	ns := t.UnixNano()
	best, ok := int64(0), false
	see := func(xs []int64) {
		k := sort.Search(len(xs), func(i int) bool { return xs[i] > ns })
		if k < len(xs) && (!ok || xs[k] < best) {
			best, ok = xs[k], true
		}
	}
	for _, sr := range st.series {
		see(sr.start)
		see(sr.end)
		if sr.hasTail {
			see([]int64{sr.tailS, sr.tailE})
		}
		see(sr.dOpen)
		see(sr.dEnd)
		see(sr.qt)
	}
	n := len(st.events)
	k := sort.Search(n, func(i int) bool { return st.placed(i).UnixNano() > ns })
	if k < n && (!ok || st.placed(k).UnixNano() < best) {
		best, ok = st.placed(k).UnixNano(), true
	}
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, best).In(snapshots.Location()), true
}

// State returns the market state at t: pre (04:00-09:30), regular, post
// (16:00-20:00) on a session's date, closed otherwise.
func (d *Dataset) State(t time.Time) string { return marketState(d.st.Load(), t.UnixNano()) }
