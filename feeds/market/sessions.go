package market

import (
	"slices"
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// weekend reports whether t falls on a Saturday or Sunday, exchange time:
// data stamped then (a poll on a Sunday) gets no default session.
func weekend(t time.Time) bool {
	wd := t.In(snapshots.Location()).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func defaultSession(day string) snapshots.Session {
	loc := snapshots.Location()
	t, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return snapshots.Session{Date: day}
	}
	return snapshots.Session{
		Date:  day,
		Open:  time.Date(t.Year(), t.Month(), t.Day(), 9, 30, 0, 0, loc),
		Close: time.Date(t.Year(), t.Month(), t.Day(), 16, 0, 0, 0, loc),
	}
}

func (st *state) setSessions(sessions []snapshots.Session) {
	sort.SliceStable(sessions, func(a, b int) bool { return sessions[a].Date < sessions[b].Date })
	st.sessions = sessions
	st.sess = make([]sessTimes, len(sessions))
	loc := snapshots.Location()
	for i, x := range sessions {
		t, err := time.ParseInLocation(time.DateOnly, x.Date, loc)
		if err != nil {
			t = x.Open.In(loc)
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		}
		y, m, dd := t.Date()
		open, cls := x.Open, x.Close
		if open.IsZero() {
			open = time.Date(y, m, dd, 9, 30, 0, 0, loc)
		}
		if cls.IsZero() {
			cls = time.Date(y, m, dd, 16, 0, 0, 0, loc)
		}
		st.sess[i] = sessTimes{
			day:   t.UnixNano(),
			next:  time.Date(y, m, dd+1, 0, 0, 0, 0, loc).UnixNano(),
			pre:   time.Date(y, m, dd, 4, 0, 0, 0, loc).UnixNano(),
			open:  open.UnixNano(),
			close: cls.UnixNano(),
			post:  time.Date(y, m, dd, 20, 0, 0, 0, loc).UnixNano(),
		}
	}
}

// dayOf returns the index of the session whose date contains ns, or -1.
func (st *state) dayOf(ns int64) int {
	i := sort.Search(len(st.sess), func(i int) bool { return st.sess[i].next > ns })
	if i < len(st.sess) && st.sess[i].day <= ns {
		return i
	}
	return -1
}

// sessionAtOrBefore returns the latest session whose date is on or before
// the date of ns, or -1.
func (st *state) sessionAtOrBefore(ns int64) int {
	return sort.Search(len(st.sess), func(i int) bool { return st.sess[i].day > ns }) - 1
}

// regularBar reports whether a bar starting at ns belongs to a regular
// session: open <= start < close.
func (st *state) regularBar(ns int64) bool {
	i := st.dayOf(ns)
	return i >= 0 && ns >= st.sess[i].open && ns < st.sess[i].close
}

// quoteRegular reports whether a quote observed at ns with the given state
// is a regular-session price: observed during a regular session [open,
// close], or stamped "regular" later on a session's date (the official
// closing price, which a feed reports a little after the bell).
func (st *state) quoteRegular(ns int64, state string) bool {
	i := st.dayOf(ns)
	if i < 0 || ns < st.sess[i].open {
		return false
	}
	return ns <= st.sess[i].close || state == snapshots.StateRegular
}

func sameDay(a, b int64) bool {
	loc := snapshots.Location()
	ta, tb := time.Unix(0, a).In(loc), time.Unix(0, b).In(loc)
	ya, ma, da := ta.Date()
	yb, mb, db := tb.Date()
	return ya == yb && ma == mb && da == db
}

// AddSession adds a trading session (or replaces the one with the same
// date). The live source uses it for today's session and its previous
// closes.
func (d *Dataset) AddSession(s snapshots.Session) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.st.Load()
	st := *old
	st.addSessionLocked(s)
	d.st.Store(&st)
}

// addSessionLocked installs a new session list and rebuilds every series
// (their derived values depend on the sessions).
func (st *state) addSessionLocked(s snapshots.Session) {
	sessions := slices.Clone(st.sessions)
	replaced := false
	for i := range sessions {
		if sessions[i].Date == s.Date {
			sessions[i] = s
			replaced = true
		}
	}
	if !replaced {
		sessions = append(sessions, s)
	}
	st.setSessions(sessions)
	// a session's close places date-only and afternoon events: sort again
	st.events = slices.Clone(st.events)
	snapshots.SortEvents(st.events, st.sessions)
	ser := make([]*series, len(st.series))
	for i, sr := range st.series {
		ser[i] = st.buildSeries(sr.recorded(), slices.Clone(sr.daily), slices.Clone(sr.quotes))
	}
	st.series = ser
}

// Sessions returns the trading sessions sorted by date. Do not modify.
func (d *Dataset) Sessions() []snapshots.Session { return d.st.Load().sessions }

// MainSession returns the index of the header's MainDay session (the first
// session when MainDay is empty or unknown), or -1 without sessions.
func (d *Dataset) MainSession() int {
	st := d.st.Load()
	if len(st.sessions) == 0 {
		return -1
	}
	for i, s := range st.sessions {
		if s.Date == st.mainDay {
			return i
		}
	}
	return 0
}

// SessionTimes returns the regular open and close of session i.
func (d *Dataset) SessionTimes(i int) (open, close time.Time, ok bool) {
	st := d.st.Load()
	if i < 0 || i >= len(st.sess) {
		return time.Time{}, time.Time{}, false
	}
	loc := snapshots.Location()
	return time.Unix(0, st.sess[i].open).In(loc), time.Unix(0, st.sess[i].close).In(loc), true
}

// SessionIndex returns the index of the session t belongs to: the latest
// session whose date is on or before t's exchange date (-1: none).
func (d *Dataset) SessionIndex(t time.Time) int {
	return d.st.Load().sessionAtOrBefore(t.UnixNano())
}
