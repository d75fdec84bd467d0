package common

import (
	"strconv"
	"time"
)

// Missing is what a value that is not known looks like in a table cell
// (Text turns it into "--" for the ascii glyph set).
const Missing = "—"

// Age formats a duration compactly for freshness columns: 4s, 3m, 2h, 5d.
func Age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}
