package tui

import (
	"errors"
	"strings"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// parseGoto reads a time typed for "go to", in the forms --at takes:
// "HH:MM" (or "H:MM") means that time on the current session's date
// (exchange time); "YYYY-MM-DDTHH:MM" (or with a space) is a full exchange
// date and time; RFC 3339 is an instant; "open" and "close" are the current
// session's. A time on none of the days the data covers (clock, the
// replay's span, and the frame's sessions) is refused with what they are,
// never moved to the edge in silence.
func parseGoto(s string, f *market.Frame, clock *feeds.ClockStatus) (time.Time, error) {
	t, err := gotoTime(strings.TrimSpace(s), f)
	if err != nil {
		return time.Time{}, err
	}
	if lo, hi, ok := coveredDays(f, clock); ok && (t.Before(lo) || t.After(hi)) {
		const layout = "Mon 2 Jan 15:04"
		return time.Time{}, errors.New("go to: " + t.In(snapshots.Location()).Format(layout) +
			" is outside the data (" + lo.Format("Mon 2 Jan") + " to " + hi.Format("Mon 2 Jan") + ")")
	}
	return t, nil
}

func gotoTime(s string, f *market.Frame) (time.Time, error) {
	loc := snapshots.Location()
	bad := errors.New("go to: cannot read \"" + s + "\": type HH:MM, YYYY-MM-DDTHH:MM, open or close")
	if s == "" {
		return time.Time{}, bad
	}
	if strings.Contains(s, "-") {
		// a full date and time: exactly as --at reads it (with seconds or
		// not, RFC 3339, and a time skipped by daylight saving refused)
		t, err := snapshots.ParseTime(s, snapshots.Header{})
		if err != nil {
			return time.Time{}, errors.New("go to: " + err.Error())
		}
		return t, nil
	}
	if f == nil {
		return time.Time{}, errors.New("go to: no data yet; type YYYY-MM-DDTHH:MM")
	}
	sess, hasSess := f.CurrentSession()
	switch strings.ToLower(s) {
	case "open", "close":
		if !hasSess {
			return time.Time{}, errors.New("go to: no session here to open or close")
		}
		if strings.EqualFold(s, "open") && !sess.Open.IsZero() {
			return sess.Open, nil
		}
		if strings.EqualFold(s, "close") && !sess.Close.IsZero() {
			return sess.Close, nil
		}
		h := 9*time.Hour + 30*time.Minute
		if strings.EqualFold(s, "close") {
			h = 16 * time.Hour
		}
		if d, err := time.ParseInLocation(time.DateOnly, sess.Date, loc); err == nil {
			return d.Add(h), nil
		}
		return time.Time{}, bad
	}
	hm, err := time.Parse("15:04", s)
	if err != nil {
		if hm, err = time.Parse("15:04:05", s); err != nil {
			return time.Time{}, bad
		}
	}
	var day time.Time
	if hasSess {
		if d, err := time.ParseInLocation("2006-01-02", sess.Date, loc); err == nil {
			day = d
		}
	}
	if day.IsZero() {
		t := f.Time.In(loc)
		day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), hm.Hour(), hm.Minute(), hm.Second(), 0, loc), nil
}

// coveredDays is the span the data covers: the clock's start and end,
// widened to whole days of the frame's sessions.
func coveredDays(f *market.Frame, clock *feeds.ClockStatus) (lo, hi time.Time, ok bool) {
	if clock == nil || clock.Start.IsZero() || clock.End.IsZero() {
		return lo, hi, false
	}
	var sessions []snapshots.Session
	if f != nil {
		sessions = f.Sessions
	}
	lo, hi = market.Covered(clock.Start, clock.End, sessions)
	return lo, hi, true
}
