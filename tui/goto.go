package tui

import (
	"errors"
	"strings"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// parseGoto reads a time typed for "go to": "HH:MM" means that time on the
// current session's date (exchange time); "YYYY-MM-DDTHH:MM" (or with a
// space) is a full exchange date and time.
func parseGoto(s string, f *market.Frame) (time.Time, error) {
	s = strings.TrimSpace(s)
	loc := snapshots.Location()
	bad := errors.New("go to: cannot read \"" + s + "\": type HH:MM or YYYY-MM-DDTHH:MM")
	if s == "" {
		return time.Time{}, bad
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	hm, err := time.Parse("15:04", s)
	if err != nil {
		return time.Time{}, bad
	}
	if f == nil {
		return time.Time{}, errors.New("go to: no data yet; type YYYY-MM-DDTHH:MM")
	}
	var day time.Time
	if sess, ok := f.CurrentSession(); ok {
		if d, err := time.ParseInLocation("2006-01-02", sess.Date, loc); err == nil {
			day = d
		}
	}
	if day.IsZero() {
		t := f.Time.In(loc)
		day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), hm.Hour(), hm.Minute(), 0, 0, loc), nil
}
