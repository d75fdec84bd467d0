package deepseek

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Events are checkpoints: a price or move an event quotes for a time inside
// a reconstructed session pins the close of the 1-minute bar that ends at
// that time, anywhere within the quote's own precision. Quotes for the open
// (09:30), the close (16:00), a day without 1-minute bars or a session's
// extreme so far ("fell as much as") are checked, not pinned: the daily
// bars and the checkpoints already fix them, and the generator fails if one
// disagrees. Pre-market, after-hours and "report" quotes constrain nothing.

// bendWidth is how far (minutes) a borrowed shape is bent towards a quote:
// the proxy's anchors within it move by the quote's residual, tapering
// linearly to nothing, so the quote is not a lone spike in a borrowed path.
const bendWidth = 60

// pin is an event quote turned into a constraint on one bar's close.
type pin struct {
	min    int    // bar index whose close is the price at the quote's time
	lo, hi int64  // allowed close in cents
	id     string // the event
}

// quoteRange is the price interval (cents, rounded inward) a quote allows
// against the previous close prev (cents): the intersection of price ±
// tolerance and prev × (1 + (change ± tolerance)/100).
func quoteRange(q snapshots.EventQuote, prev int64) (lo, hi int64, err error) {
	a, b := math.Inf(-1), math.Inf(1)
	if q.Price != nil {
		a, b = max(a, *q.Price-q.Tolerance), min(b, *q.Price+q.Tolerance)
	}
	if q.ChangePct != nil {
		p := float64(prev) / 100
		a = max(a, p*(1+(*q.ChangePct-q.TolerancePct)/100))
		b = min(b, p*(1+(*q.ChangePct+q.TolerancePct)/100))
	}
	lo, hi = int64(math.Ceil(a*100-1e-6)), int64(math.Floor(b*100+1e-6))
	if math.IsInf(a, 0) || math.IsInf(b, 0) || lo > hi {
		return 0, 0, fmt.Errorf("%s: price and change disagree (no cent in %.4f..%.4f)", q.Symbol, a, b)
	}
	return lo, hi, nil
}

// prevClose is sym's close on the trading day before day (cents).
func (f *facts) prevClose(sym, day string) (int64, bool) {
	i := slices.Index(f.dates, day)
	if i < 1 {
		return 0, false
	}
	r, ok := f.row(sym, f.dates[i-1])
	return r.c, ok
}

// constrains reports whether q is a figure about the regular session that
// the reconstruction can be held to.
func constrains(q snapshots.EventQuote) bool {
	return q.Session == "" && q.Extent != snapshots.ExtentReport
}

// sessionMinute is the bar index m such that t is m minutes after 09:30 on
// its day, with ok false off a whole minute.
func sessionMinute(t time.Time) (day string, m int, ok bool) {
	et := t.In(snapshots.Location())
	day = et.Format("2006-01-02")
	if et.Second() != 0 || et.Nanosecond() != 0 {
		return day, 0, false
	}
	return day, et.Hour()*60 + et.Minute() - (9*60 + 30), true
}

// loadPins turns the quotes strictly inside a reconstructed session into
// pins on bar closes.
func (f *facts) loadPins() (map[string]map[string][]pin, error) {
	out := map[string]map[string][]pin{}
	for _, e := range f.events {
		for _, q := range e.Quotes {
			if !constrains(q) || q.Extent != snapshots.ExtentAt {
				continue
			}
			day, m, ok := sessionMinute(q.When(e))
			if !ok || !slices.Contains(SessionDays, day) || m <= 0 || m >= sessionMinutes {
				continue
			}
			prev, ok := f.prevClose(q.Symbol, day)
			if !ok {
				return nil, fmt.Errorf("event %s: no previous close for %s", e.ID, q.Symbol)
			}
			lo, hi, err := quoteRange(q, prev)
			if err != nil {
				return nil, fmt.Errorf("event %s: %v", e.ID, err)
			}
			// Keep a fifth of the range away from each edge, so that a move
			// quoted as -2.5% reads -2.47%, not -2.45% (which a display may
			// round either way).
			if m := (hi - lo) / 5; m > 0 {
				lo, hi = lo+m, hi-m
			}
			if out[day] == nil {
				out[day] = map[string][]pin{}
			}
			out[day][q.Symbol] = append(out[day][q.Symbol], pin{m - 1, lo, hi, e.ID})
		}
	}
	return out, nil
}

// interpAt is the plan's straight-line value at bar m (cents, unrounded):
// between the open (before bar 0), the anchors and the close (bar 389).
func interpAt(p plan, m int) float64 {
	pm, pv := -1, float64(p.row.o)
	pts := append(slices.Clone(p.anchors), anchor{sessionMinutes - 1, p.row.c})
	for _, a := range pts {
		if a.min == m {
			return float64(a.v)
		}
		if a.min > m {
			frac := float64(m-pm) / float64(a.min-pm)
			return pv + frac*(float64(a.v)-pv)
		}
		pm, pv = a.min, float64(a.v)
	}
	return pv
}

// applyQuotes adds sym's pins on day to p. The pinned close is the value
// inside the quote's range nearest to the path the other anchors imply.
// With bend (a borrowed shape) the proxy anchors nearby move towards it;
// a series' own checkpoints never move.
func (f *facts) applyQuotes(p *plan, sym, day string, bend bool) error {
	pinned := map[int]bool{}
	for _, q := range f.pins[day][sym] {
		lo, hi := max(q.lo, p.row.l), min(q.hi, p.row.h)
		if lo > hi {
			return fmt.Errorf("event %s: %s %s quote %d..%d outside the day's range %d..%d", q.id, sym, day, q.lo, q.hi, p.row.l, p.row.h)
		}
		if i := slices.IndexFunc(p.anchors, func(a anchor) bool { return a.min == q.min }); i >= 0 {
			if v := p.anchors[i].v; v < lo || v > hi {
				return fmt.Errorf("event %s: %s %s bar %d is fixed at %d, outside the quote's %d..%d", q.id, sym, day, q.min, v, lo, hi)
			}
			continue
		}
		if hi-lo >= 2 { // stay off the day's extremes unless the quote is one
			lo, hi = max(lo, min(p.row.l+1, hi)), min(hi, max(p.row.h-1, lo))
		}
		cur := interpAt(*p, q.min)
		target := min(max(int64(math.Round(cur)), lo), hi)
		if bend {
			r := float64(target) - cur
			for i, a := range p.anchors {
				w := 1 - math.Abs(float64(a.min-q.min))/bendWidth
				if w <= 0 || pinned[a.min] {
					continue
				}
				v := a.v + int64(math.Round(float64(r*w)))
				p.anchors[i].v = min(max(v, p.row.l+1), p.row.h-1)
			}
		}
		p.anchors = append(p.anchors, anchor{q.min, target})
		slices.SortStableFunc(p.anchors, func(a, b anchor) int { return a.min - b.min })
		pinned[q.min] = true
	}
	return nil
}

// checkQuotes holds the generated paths to every regular-session figure the
// events quote (sym+" "+day -> path); days without 1-minute bars are
// checked against the daily bars.
func (f *facts) checkQuotes(paths map[string]*dayPath) error {
	for _, e := range f.events {
		for _, q := range e.Quotes {
			t := q.When(e)
			day, m, ok := sessionMinute(t)
			row, hasRow := f.row(q.Symbol, day)
			prev, hasPrev := f.prevClose(q.Symbol, day)
			if !hasPrev {
				continue // outside the daily table: nothing to check against
			}
			lo, hi, err := quoteRange(q, prev)
			if err != nil {
				return fmt.Errorf("event %s: %v", e.ID, err)
			}
			if !constrains(q) {
				// A report must at least be a price the day could have had.
				if q.Session == "" && hasRow && (hi < row.l || lo > row.h) {
					return fmt.Errorf("event %s: %s reported %d..%d, outside the day's range", e.ID, q.Symbol, lo, hi)
				}
				continue
			}
			if !ok || !hasRow {
				return fmt.Errorf("event %s: %s quote at %s cannot be checked", e.ID, q.Symbol, t)
			}
			got, err := pathValue(paths[q.Symbol+" "+day], row, m, q.Extent)
			if err != nil {
				return fmt.Errorf("event %s: %s: %v", e.ID, q.Symbol, err)
			}
			if got < lo || got > hi {
				return fmt.Errorf("event %s: %s reads %d at %s, outside the quote's %d..%d", e.ID, q.Symbol, got, t.In(snapshots.Location()).Format("2006-01-02 15:04"), lo, hi)
			}
		}
	}
	return nil
}

// pathValue is the price a quote speaks of at bar index m (minutes after
// 09:30): the last price (the open at 09:30, else the close of the bar
// ending then) or the session's low or high so far. Without a path (a day
// without 1-minute bars) only 16:00 can be read, from the daily bar.
func pathValue(dp *dayPath, row dailyRow, m int, extent string) (int64, error) {
	if dp == nil {
		if m != sessionMinutes {
			return 0, fmt.Errorf("no 1-minute bars on %s to read %d minutes after the open", row.date, m)
		}
		switch extent {
		case snapshots.ExtentLow:
			return row.l, nil
		case snapshots.ExtentHigh:
			return row.h, nil
		}
		return row.c, nil
	}
	if m < 0 || m > sessionMinutes {
		return 0, fmt.Errorf("%d minutes after the open is outside the session", m)
	}
	switch extent {
	case snapshots.ExtentLow, snapshots.ExtentHigh:
		v := dp.bars[0].o
		for i := 0; i < m; i++ {
			if extent == snapshots.ExtentLow {
				v = min(v, dp.bars[i].l)
			} else {
				v = max(v, dp.bars[i].h)
			}
		}
		return v, nil
	}
	if m == 0 {
		return dp.bars[0].o, nil
	}
	return dp.bars[m-1].c, nil
}
