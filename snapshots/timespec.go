package snapshots

import (
	"fmt"
	"strings"
	"time"
)

// ParseTime reads a user's time for a snapshot with header h (the --at flag
// and the go-to-time box). It accepts:
//
//   - HH:MM or HH:MM:SS: exchange time on the snapshot's main day (h.MainDay,
//     else its first session);
//   - YYYY-MM-DDTHH:MM (also with a space for the T, and with :SS): exchange
//     time on that date;
//   - RFC 3339 (2025-01-27T09:30:00-05:00, ...Z): that instant;
//   - open, close: the main day's regular session open or close.
//
// The result is in exchange time. A wall-clock time that does not exist in
// New York (inside the spring-forward gap) is an error; an ambiguous one (the
// repeated hour in autumn) means the first.
func ParseTime(spec string, h Header) (time.Time, error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty time (want HH:MM, YYYY-MM-DDTHH:MM, RFC 3339, open or close)")
	}
	switch strings.ToLower(s) {
	case "open", "close":
		return sessionEdge(strings.ToLower(s), h)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(Location()), nil
	}
	if len(s) == 4 && s[1] == ':' && s[0] >= '0' && s[0] <= '9' {
		s = "0" + s // H:MM, as the go-to prompt takes it
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if _, err := time.Parse(layout, s); err == nil && len(s) == len(layout) {
			day, err := mainDay(h)
			if err != nil {
				return time.Time{}, fmt.Errorf("time %q: %w", spec, err)
			}
			return wallTime(spec, day+"T"+s, layout)
		}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return wallTime(spec, strings.Replace(s, " ", "T", 1), strings.Replace(layout, " ", "T", 1))
			}
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not HH:MM, YYYY-MM-DDTHH:MM, RFC 3339, open or close", spec)
}

// wallTime reads s (layout without the date part being optional) as
// exchange wall-clock time, refusing times skipped by daylight saving.
func wallTime(spec, s, layout string) (time.Time, error) {
	if !strings.HasPrefix(layout, "2006") {
		layout = "2006-01-02T" + layout
	}
	t, err := time.ParseInLocation(layout, s, Location())
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %v", spec, err)
	}
	// ParseInLocation moves a time in the spring-forward gap; detect it.
	if t.Format(layout) != s {
		return time.Time{}, fmt.Errorf("time %q does not exist in %s (clocks go forward that night)", spec, ExchangeZone)
	}
	return t, nil
}

// mainDay is the date HH:MM times refer to.
func mainDay(h Header) (string, error) {
	if h.MainDay != "" {
		return h.MainDay, nil
	}
	if len(h.Sessions) > 0 && h.Sessions[0].Date != "" {
		return h.Sessions[0].Date, nil
	}
	return "", fmt.Errorf("the snapshot has no main day or session to put it on; give a date (YYYY-MM-DDTHH:MM)")
}

func sessionEdge(word string, h Header) (time.Time, error) {
	day, err := mainDay(h)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", word, err)
	}
	for _, s := range h.Sessions {
		if s.Date != day {
			continue
		}
		t := s.Open
		if word == "close" {
			t = s.Close
		}
		if t.IsZero() {
			break
		}
		return t.In(Location()), nil
	}
	return time.Time{}, fmt.Errorf("%q: the snapshot has no session %s with open and close times", word, day)
}
