package market

import (
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// At returns the market as it was known at t: a pure function of the
// dataset's contents and t. Every price in the frame is the last recorded
// bar or quote at or before t; a bar's open is known at its start (a bar
// derived from quotes: at its first quote) and its close, high, low and
// volume at its end. Intraday holds the bars of the
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
		Source:     st.source,
		Provenance: st.prov,
		Sessions:   st.sessions,
		Session:    st.sessionAtOrBefore(ns),
		Symbols:    st.symbols,
		Quotes:     make([]Quote, n),
		Intraday:   make([][]snapshots.Bar, n),
		Daily:      make([][]snapshots.Bar, n),
		Events:     st.events,
	}
	state := marketState(st, ns)
	for i := range st.symbols {
		sr := st.series[i]
		f.Daily[i] = sr.daily
		q := &f.Quotes[i]
		q.Symbol = st.symbols[i].Symbol
		q.State = state
		q.Source = d.source

		reg := sr.lastObs(ns, true)
		last := sr.lastObs(ns, false)
		if reg.ok {
			q.Price, q.HasPrice, q.Updated = reg.price, true, time.Unix(0, reg.at).In(snapshots.Location())
		}
		if last.ok && !last.regular && (!reg.ok || last.at > reg.at) {
			q.ExtPrice, q.HasExt, q.Updated = last.price, true, time.Unix(0, last.at).In(snapshots.Location())
		}
		if q.HasPrice && state == snapshots.StateRegular && d.staleAfter > 0 && ns-q.Updated.UnixNano() > int64(d.staleAfter) {
			q.Stale = true
		}
		if f.Session < 0 {
			continue
		}
		q.Carried = reg.ok && reg.at < st.sess[f.Session].day
		st.dayStats(sr, f.Session, ns, q, &f.Intraday[i])
		if st.symbols[i].NoVolume {
			q.Volume = 0
		}
	}
	return f
}

type obs struct {
	price   float64
	at      int64
	ok      bool
	regular bool // observed during a regular session
}

// lastObs returns the last price observed at or before ns (regOnly: the last
// one observed during a regular session). At equal times a quote wins over
// a bar, a bar over a daily bar, and a bar's open over the previous bar's
// close.
func (sr *series) lastObs(ns int64, regOnly bool) (o obs) {
	// intraday bars; the tail (a derived bar still forming) follows them all
	j := sort.Search(len(sr.start), func(i int) bool { return sr.start[i] > ns })
	if sr.hasTail && sr.tailS <= ns && (sr.tailReg || !regOnly) {
		if sr.tailE <= ns {
			o = obs{price: sr.tail.Close, at: sr.tailE, ok: true, regular: sr.tailReg}
		} else {
			o = obs{price: sr.tail.Open, at: sr.tailS, ok: true, regular: sr.tailReg}
		}
	} else if j > 0 {
		b := j - 1
		if regOnly {
			b = int(sr.preg[b])
		}
		if b >= 0 {
			o.regular = int(sr.preg[b]) == b
			if sr.end[b] <= ns {
				o.price, o.at, o.ok = sr.bars[b].Close, sr.end[b], true
			} else {
				o.price, o.at, o.ok = sr.bars[b].Open, sr.start[b], true
			}
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
		if !o.ok || a > o.at {
			o = obs{price: p, at: a, ok: true, regular: true}
		}
	}
	// quotes win ties: they are recorded live
	k = sort.Search(len(sr.qt), func(i int) bool { return sr.qt[i] > ns })
	if k > 0 {
		b := k - 1
		if regOnly {
			b = int(sr.qreg[b])
		}
		if b >= 0 && (!o.ok || sr.qt[b] >= o.at) {
			o = obs{price: sr.quotes[b].Price, at: sr.qt[b], ok: true, regular: int(sr.qreg[b]) == b}
		}
	}
	return o
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
	if k > lo {
		*intraday = sr.bars[lo:k:k]
	}
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
	// the tail: after every bar above, a bar of the date
	tail := sr.hasTail && sr.tailS <= ns && sr.tailS >= s.day && sr.tailS < s.next
	if tail {
		t := &sr.tail
		if sr.tailReg && q.Open == 0 {
			q.Open = t.Open
		}
		if sr.tailE <= ns { // complete: the frame gets a copy with it at the end
			if sr.tailReg {
				q.High, q.Low, q.Volume = maxPos(q.High, t.High), minPos(q.Low, t.Low), q.Volume+t.Volume
			}
			bars := make([]snapshots.Bar, 0, k-lo+1)
			bars = append(append(bars, sr.bars[lo:k]...), *t)
			*intraday = bars
		} else if sr.tailReg {
			q.High, q.Low = maxPos(q.High, t.Open), minPos(q.Low, t.Open)
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
	if j == lo && !tail {
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
