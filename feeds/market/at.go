package market

import (
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// At returns the market as it was known at t: a pure function of the
// dataset's contents and t. Every price in the frame is the last recorded
// bar or quote at or before t; a bar's open is known at its start and its
// close, high, low and volume at its end. Intraday holds the bars of the
// frame's session completed by t (prefix slices of the shared arrays; never
// modify them), Daily all daily bars (later ones are context the chart may
// dim), Events the whole timeline.
func (d *Dataset) At(t time.Time) *Frame {
	st := d.st.Load()
	ns := t.UnixNano()
	n := len(st.symbols)
	f := &Frame{
		Time:       t.In(snapshots.Location()),
		Title:      st.title,
		Provenance: st.prov,
		Sessions:   st.sessions,
		Session:    st.sessionAtOrBefore(ns),
		Symbols:    st.symbols,
		Quotes:     make([]Quote, n),
		Intraday:   make([][]snapshots.Bar, n),
		Daily:      make([][]snapshots.Bar, n),
		Events:     st.events,
	}
	// Market state and the bound for the regular-session price.
	state := snapshots.StateClosed
	today := st.dayOf(ns)
	if today >= 0 {
		s := st.sess[today]
		switch {
		case ns >= s.pre && ns < s.open:
			state = snapshots.StatePre
		case ns >= s.open && ns < s.close:
			state = snapshots.StateRegular
		case ns >= s.close && ns < s.post:
			state = snapshots.StatePost
		}
	}
	// regBound is the latest instant <= t that lies in a regular session.
	regBound, haveReg := int64(0), false
	if today >= 0 && ns >= st.sess[today].open {
		regBound, haveReg = min(ns, st.sess[today].close), true
	} else {
		// the previous session's close
		k := sort.Search(len(st.sess), func(i int) bool { return st.sess[i].close > ns }) - 1
		if k >= 0 {
			regBound, haveReg = st.sess[k].close, true
		}
	}
	for i := range st.symbols {
		sr := st.series[i]
		f.Daily[i] = sr.daily
		q := &f.Quotes[i]
		q.Symbol = st.symbols[i].Symbol
		q.State = state
		q.Source = d.source

		last, lastT, lastOK := sr.lastObs(ns, false)
		if haveReg {
			if p, pt, ok := sr.lastObs(regBound, true); ok {
				q.Price, q.Updated, q.HasPrice = p, time.Unix(0, pt), true
			}
		}
		if lastOK && (!q.HasPrice || lastT > q.Updated.UnixNano()) && !st.regular(lastT) {
			q.ExtPrice, q.HasExt = last, true
			if lastT > q.Updated.UnixNano() {
				q.Updated = time.Unix(0, lastT)
			}
		}
		if q.HasPrice || q.HasExt {
			q.Updated = q.Updated.In(snapshots.Location())
		}
		if q.HasPrice && state == snapshots.StateRegular && d.staleAfter > 0 && ns-q.Updated.UnixNano() > int64(d.staleAfter) {
			q.Stale = true
		}
		if f.Session < 0 {
			continue
		}
		st.dayStats(sr, f.Session, ns, q, &f.Intraday[i])
		if st.symbols[i].NoVolume {
			q.Volume = 0
		}
	}
	return f
}

// lastObs returns the last price observed at or before ns, and when. With
// strictBars, a bar opening exactly at ns is not counted (ns is a regular
// close: the bar starting then belongs to the post-market).
func (sr *series) lastObs(ns int64, strictBars bool) (price float64, at int64, ok bool) {
	// intraday bars
	j := sort.Search(len(sr.start), func(i int) bool {
		if strictBars {
			return sr.start[i] >= ns
		}
		return sr.start[i] > ns
	})
	if j > 0 {
		b := j - 1
		if sr.end[b] <= ns {
			price, at, ok = sr.bars[b].Close, sr.end[b], true
		} else {
			price, at, ok = sr.bars[b].Open, sr.start[b], true
		}
		// an earlier, longer bar may complete later than b started
		if b > 0 && sr.end[b-1] <= ns && sr.end[b-1] > at {
			price, at = sr.bars[b-1].Close, sr.end[b-1]
		}
	}
	// daily bars: open known at the session open, close at the close
	k := sort.Search(len(sr.dOpen), func(i int) bool { return sr.dOpen[i] > ns })
	if k > 0 {
		b := k - 1
		p, a := sr.daily[b].Open, sr.dOpen[b]
		if sr.dEnd[b] <= ns {
			p, a = sr.daily[b].Close, sr.dEnd[b]
		}
		if !ok || a > at {
			price, at, ok = p, a, true
		}
	}
	// quotes win ties: they are recorded live
	k = sort.Search(len(sr.qt), func(i int) bool { return sr.qt[i] > ns })
	if k > 0 {
		if !ok || sr.qt[k-1] >= at {
			price, at, ok = sr.quotes[k-1].Price, sr.qt[k-1], true
		}
	}
	return price, at, ok
}

// dayStats fills the day open/high/low/volume and previous close of q for
// session si at ns, and the completed intraday bars of that session.
func (st *state) dayStats(sr *series, si int, ns int64, q *Quote, intraday *[]snapshots.Bar) {
	s := st.sess[si]
	// bars of the session's date
	lo := sort.Search(len(sr.start), func(i int) bool { return sr.start[i] >= s.day })
	hiDay := sort.Search(len(sr.start), func(i int) bool { return sr.start[i] >= s.next })
	// known: start <= ns; complete: end <= ns
	j := lo + sort.Search(hiDay-lo, func(i int) bool { return sr.start[lo+i] > ns })
	k := j
	for k > lo && sr.end[k-1] > ns {
		k--
	}
	*intraday = sr.bars[lo:k:k]
	if k > lo {
		q.Open, q.High, q.Low, q.Volume = sr.ropen[k-1], sr.rhi[k-1], sr.rlo[k-1], sr.rvol[k-1]
	}
	// bars that have opened but not completed: their open is known
	for b := k; b < j; b++ {
		if sr.start[b] >= s.open && sr.start[b] < s.close {
			if q.Open == 0 {
				q.Open = sr.bars[b].Open
			}
			q.High = maxPos(q.High, sr.bars[b].Open)
			q.Low = minPos(q.Low, sr.bars[b].Open)
		}
	}
	// quotes of the date: running regular high/low, cumulative volume
	qlo := sort.Search(len(sr.qt), func(i int) bool { return sr.qt[i] >= s.day })
	qk := sort.Search(len(sr.qt), func(i int) bool { return sr.qt[i] > ns || sr.qt[i] >= s.next })
	if qk > qlo {
		q.High = maxPos(q.High, sr.qhi[qk-1])
		q.Low = minPos(q.Low, sr.qlo[qk-1])
		q.Volume = max(q.Volume, sr.quotes[qk-1].Volume)
	}
	// the daily bar of the date, when there are no intraday bars
	if j == lo {
		d := sort.Search(len(sr.daily), func(i int) bool { return sr.daily[i].Time.UnixNano() >= s.day })
		if d < len(sr.daily) && sr.daily[d].Time.UnixNano() < s.next {
			if ns >= sr.dOpen[d] && q.Open == 0 {
				q.Open = sr.daily[d].Open
			}
			if ns >= sr.dEnd[d] {
				q.High = maxPos(q.High, sr.daily[d].High)
				q.Low = minPos(q.Low, sr.daily[d].Low)
				q.Volume = max(q.Volume, sr.daily[d].Volume)
			}
		}
	}
	q.PrevClose = st.prevClose(sr, si, q.Symbol)
}

// prevClose is the session header's previous close, or the close of the last
// daily bar before the session's date (0: unknown).
func (st *state) prevClose(sr *series, si int, sym string) float64 {
	if p := st.sessions[si].PrevClose[sym]; p > 0 {
		return p
	}
	day := st.sess[si].day
	d := sort.Search(len(sr.daily), func(i int) bool { return sr.daily[i].Time.UnixNano() >= day })
	if d > 0 {
		return sr.daily[d-1].Close
	}
	return 0
}
