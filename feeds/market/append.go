package market

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Append adds one record. Records may arrive in any order; appending in time
// order is the cheap case (a quote then updates its symbol's forming
// derived bar, held in the new version's small header). Which intraday bars
// a symbol shows is the rule of resolveBars, the same as NewDataset's: a
// bar with the same start and interval as an earlier one replaces it; of
// overlapping bars the one starting first (at equal starts, the shorter)
// is shown and the others are hidden, but kept, so the outcome does not
// depend on the order the records arrive in. A daily bar of the same date
// as an earlier one replaces it. A recorded bar replaces the bar derived
// from quotes for the minutes it covers. Frames built before the call are not affected.
// Safe for concurrent use with At and with other Appends. Records with an
// unknown symbol or kind are skipped and reported in the error.
func (d *Dataset) Append(rec snapshots.Record) error {
	return d.AppendAll([]snapshots.Record{rec})
}

// AppendAll adds several records under one new version of the dataset (a
// backfill of chart bars, say). Out-of-order records cost one merge per
// symbol per call, not one per record.
func (d *Dataset) AppendAll(recs []snapshots.Record) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.st.Load()
	st := *old // shallow copy: arrays are shared, headers are ours
	st.series = slices.Clone(old.series)
	var errs []error
	// new dates get a default session first (that rebuilds every series)
	for _, rec := range recs {
		var day time.Time
		switch {
		case rec.Kind == snapshots.RecQuote:
			day = rec.Quote.Time
		case rec.Kind == snapshots.RecBar && rec.Bar.Interval != "1d":
			day = rec.Bar.Time
		}
		if !day.IsZero() && !weekend(day) && st.dayOf(day.UnixNano()) < 0 {
			st.addSessionLocked(defaultSession(day.In(snapshots.Location()).Format(time.DateOnly)))
		}
	}
	owned := make([]bool, len(st.series))
	var pending map[int]*merge
	for _, rec := range recs {
		if err := st.apply(rec, owned, &pending); err != nil {
			errs = append(errs, err)
		}
	}
	for i, m := range pending {
		sr := st.series[i]
		bars := append(sr.recorded(), m.bars...) // arrival order: the batch last
		daily := append(slices.Clone(sr.daily), m.daily...)
		quotes := append(slices.Clone(sr.quotes), m.quotes...)
		st.series[i] = st.buildSeries(bars, daily, quotes)
		owned[i] = true
	}
	// derived bars whose minute is now behind the data cannot grow any more
	for i, sr := range st.series {
		if sr.hasTail && sr.tailE <= st.w {
			if !owned[i] {
				cp := *sr
				st.series[i] = &cp
				owned[i] = true
			}
			st.settleTail(st.series[i])
		}
	}
	d.st.Store(&st)
	return errors.Join(errs...)
}

// merge collects one symbol's out-of-order records of a batch.
type merge struct {
	bars, daily []snapshots.Bar
	quotes      []snapshots.Quote
}

func (m *merge) add(rec snapshots.Record) {
	switch {
	case rec.Kind == snapshots.RecQuote:
		m.quotes = append(m.quotes, rec.Quote)
	case rec.Bar.Interval == "1d":
		m.daily = append(m.daily, rec.Bar)
	default:
		m.bars = append(m.bars, rec.Bar)
	}
}

func (st *state) apply(rec snapshots.Record, owned []bool, pending *map[int]*merge) error {
	var sym string
	switch rec.Kind {
	case snapshots.RecBar:
		sym = rec.Bar.Symbol
	case snapshots.RecQuote:
		sym = rec.Quote.Symbol
	case snapshots.RecEvent:
		ev := rec.Event
		at := snapshots.Placement(ev, st.sessions)
		i := sort.Search(len(st.events), func(i int) bool { return st.placed(i).After(at) })
		if i == len(st.events) {
			st.events = append(st.events[:len(st.events):len(st.events)], ev)
		} else {
			evs := make([]snapshots.Event, 0, len(st.events)+1)
			evs = append(append(append(evs, st.events[:i]...), ev), st.events[i:]...)
			st.events = evs
		}
		return nil
	default:
		return fmt.Errorf("market: unknown record kind %q", rec.Kind)
	}
	i, ok := st.index[sym]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownSymbol, sym)
	}
	if t := rec.Time(); t.IsZero() {
		return fmt.Errorf("market: %s record for %s without time", rec.Kind, sym)
	}
	if rec.Kind == snapshots.RecBar && rec.Bar.Interval != "1d" {
		if _, err := snapshots.ParseInterval(rec.Bar.Interval); err != nil {
			return fmt.Errorf("market: bar for %s: %w", sym, err)
		}
	}
	if m := (*pending)[i]; m != nil {
		// this symbol is being merged: everything else goes with it
		m.add(rec)
		st.see(rec)
		return nil
	}
	if !owned[i] {
		cp := *st.series[i]
		st.series[i] = &cp
		owned[i] = true
	}
	sr := st.series[i]
	switch {
	case rec.Kind == snapshots.RecQuote:
		t := rec.Quote.Time.UnixNano()
		n := len(sr.qt)
		if n > 0 && sr.qt[n-1] > t {
			break // out of order: merge
		}
		plan := st.planQuote(sr, t)
		if plan == planMerge {
			break
		}
		base := rec.Quote.Volume
		if n > 0 && sameDay(sr.qt[n-1], minuteOf(t)) {
			base = sr.quotes[n-1].Volume
		}
		sr.quotes = append(sr.quotes, rec.Quote)
		st.extendQuote(sr, n)
		switch plan {
		case planGrow:
			growDerived(&sr.tail, rec.Quote, sr.tailBase)
		case planNewTail:
			st.settleTail(sr)
			m := minuteOf(t)
			sr.tail, sr.tailM, sr.tailS, sr.tailE, sr.tailBase, sr.hasTail = newDerived(rec.Quote, m, base), m, t, m+int64(time.Minute), base, true
			sr.tailReg = st.regularBar(t)
		}
		st.see(rec)
		return nil
	case rec.Bar.Interval == "1d":
		if n := len(sr.daily); n == 0 || sr.daily[n-1].Time.Before(rec.Bar.Time) {
			sr.daily = append(sr.daily, rec.Bar)
			st.extendDaily(sr, len(sr.daily)-1)
			return nil
		}
	default:
		s := rec.Bar.Time.UnixNano()
		if sr.hasTail && s < sr.tailE {
			break // it may cover the tail's minute: merge
		}
		if n := len(sr.start); n == 0 || sr.end[n-1] <= s {
			st.settleTail(sr)
			sr.bars = append(sr.bars, rec.Bar)
			sr.drv = append(sr.drv, false)
			st.extendBar(sr, len(sr.bars)-1, s)
			st.see(rec)
			return nil
		}
	}
	if *pending == nil {
		*pending = make(map[int]*merge)
	}
	m := &merge{}
	m.add(rec)
	(*pending)[i] = m
	st.see(rec)
	return nil
}

// see moves the data's reach w to cover an accepted record.
func (st *state) see(rec snapshots.Record) {
	switch {
	case rec.Kind == snapshots.RecQuote:
		st.w = max(st.w, rec.Quote.Time.UnixNano())
	case rec.Kind == snapshots.RecBar && rec.Bar.Interval != "1d":
		st.w = max(st.w, rec.Bar.End().UnixNano())
	}
}

// What a quote appended in time order does to the derived bars.
const (
	planNone    = iota // no derived bar (not a regular minute, or a recorded bar covers it)
	planGrow           // it joins the tail
	planNewTail        // it starts a new tail (after settling the old one)
	planMerge          // the bars before it must be rebuilt
)

// planQuote says what a quote at ns (not before the series' last quote)
// does to the derived bars.
func (st *state) planQuote(sr *series, ns int64) int {
	m := minuteOf(ns)
	if !st.regularBar(m) {
		return planNone
	}
	if sr.hasTail {
		if sr.tailM == m {
			return planGrow
		}
		// the tail is an earlier minute (quotes come in time order), and
		// every bar in the arrays comes before the tail
		return planNewTail
	}
	e := m + int64(time.Minute)
	k := sort.Search(len(sr.start), func(i int) bool { return sr.start[i] >= e }) - 1
	switch {
	case k >= 0 && sr.end[k] > m && sr.drv[k]:
		return planMerge // a settled derived bar of this minute would change
	case k >= 0 && sr.end[k] > m:
		return planNone // a recorded bar has this minute
	case k < len(sr.start)-1:
		return planMerge // a bar after this minute: the new one goes in between
	}
	return planNewTail
}
