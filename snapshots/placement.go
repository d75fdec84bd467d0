package snapshots

import (
	"sort"
	"time"
)

// The placement rule. An event whose time is only partly known (a date, a
// part of the day) is placed at one instant, the same for the chart, the
// timeline, `[` / `]` and the "current event": the earliest moment at which
// it is known to have happened, so that a replay never shows an event
// before it could have been known.
//
//	exact       its time
//	morning     12:00 (it happened by noon); a pre-market report
//	            (session "pre") at the session's open
//	afternoon   the session's close (16:00): afternoon means the trading
//	            afternoon, 12:00 to the close; later is "evening"
//	evening     24:00, the end of its day (after the close and the
//	            post-market: no day chart draws it)
//	date        the session's close (16:00): an outcome of the day (a
//	            close, a day's move) is known then, and news of unknown
//	            time is shown there too, marked "(date)"
// The close is the session's own close when the session is given (a half
// day closes at 13:00), else 16:00 exchange time.

// Placement is the instant an event is placed at (see the rule above).
// sessions may be nil.
func Placement(e Event, sessions []Session) time.Time {
	_, to := EventSpan(e, sessions)
	if e.Precision == PrecisionDate {
		return closeOf(e.Time, sessions)
	}
	return to
}

// EventSpan is the part of the day an event may have happened in: from ==
// to for an exact time. A date-only event spans its whole day.
func EventSpan(e Event, sessions []Session) (from, to time.Time) {
	loc := Location()
	t := e.Time.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	at := func(h int) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), h, 0, 0, 0, loc) }
	switch e.Precision {
	case PrecisionExact:
		return t, t
	case PrecisionMorning:
		if e.Session == StatePre {
			return at(4), openOf(t, sessions) // a pre-market report is known by the open
		}
		return day, at(12)
	case PrecisionAfternoon:
		c := closeOf(t, sessions)
		if !c.After(at(12)) {
			return at(12), at(12) // a half day closed by noon
		}
		return at(12), c
	case PrecisionEvening:
		return closeOf(t, sessions), day.AddDate(0, 0, 1)
	}
	return day, day.AddDate(0, 0, 1)
}

// closeOf is the close of the session on t's date: the session's own close
// when it is listed, else 16:00 exchange time.
func closeOf(t time.Time, sessions []Session) time.Time {
	loc := Location()
	t = t.In(loc)
	for _, s := range sessions {
		if c := s.Close.In(loc); !s.Close.IsZero() && sameDate(c, t) {
			return c // a session's close falls on its date (the reader checks)
		}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 16, 0, 0, 0, loc)
}

// openOf is the open of the session on t's date: the session's own open
// when it is listed, else 09:30 exchange time.
func openOf(t time.Time, sessions []Session) time.Time {
	loc := Location()
	t = t.In(loc)
	for _, s := range sessions {
		if o := s.Open.In(loc); !s.Open.IsZero() && sameDate(o, t) {
			return o
		}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 9, 30, 0, 0, loc)
}

// sameDate reports whether a and b (in one location) fall on one date,
// without formatting either (this runs for every event of every frame).
func sameDate(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// SortEvents orders events by placement, keeping the order of events
// placed at the same instant (their order by Time, then in the file).
func SortEvents(evs []Event, sessions []Session) {
	keys := make([]int64, len(evs))
	for i := range evs {
		keys[i] = Placement(evs[i], sessions).UnixNano()
	}
	idx := make([]int, len(evs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if ka != kb {
			return ka < kb
		}
		return evs[idx[a]].Time.Before(evs[idx[b]].Time)
	})
	out := make([]Event, len(evs))
	for k, i := range idx {
		out[k] = evs[i]
	}
	copy(evs, out)
}
