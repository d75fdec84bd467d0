package tui

import (
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// dailyOnly reports whether f's session, closed, had daily bars and no
// intraday ones for any symbol (an import of daily downloads).
func dailyOnly(f *market.Frame) bool {
	if f == nil {
		return false
	}
	if s, ok := f.CurrentSession(); ok && !s.Close.IsZero() && f.Time.Before(s.Close) {
		return false // before the close: no bar complete yet is not "none"
	}
	daily := false
	for i := range f.Symbols {
		if i < len(f.Intraday) && len(f.Intraday[i]) > 0 {
			return false
		}
		daily = daily || i < len(f.Daily) && len(f.Daily[i]) > 0
	}
	return daily
}

// dailyStep is where n (next) and p step to on a daily-only frame: the
// close of the next or previous session, where its daily bar is complete.
// The replay's own day step lands on the open, where a daily bar gives the
// day's open as the last price, hours before the close is known. ok is
// false when f is not daily-only or there is no such session.
func dailyStep(f *market.Frame, next bool) (time.Time, bool) {
	if !dailyOnly(f) {
		return time.Time{}, false
	}
	loc := snapshots.Location()
	var at time.Time
	found := false
	for _, s := range f.Sessions {
		c := s.Close
		if c.IsZero() {
			d, err := time.ParseInLocation(time.DateOnly, s.Date, loc)
			if err != nil {
				continue
			}
			c = d.Add(16 * time.Hour)
		}
		switch {
		case next && c.After(f.Time) && (!found || c.Before(at)):
			at, found = c, true
		case !next && c.Before(f.Time) && (!found || c.After(at)):
			at, found = c, true
		}
	}
	return at, found
}

// dayCommand is n (next) or p: the replay's day step, or on a daily-only
// frame a seek from close to close.
func dayCommand(f *market.Frame, next bool) feeds.Command {
	if at, ok := dailyStep(f, next); ok {
		return feeds.Command{Op: feeds.OpSeek, At: at}
	}
	if next {
		return feeds.Command{Op: feeds.OpNextDay}
	}
	return feeds.Command{Op: feeds.OpPrevDay}
}
