package csvimport

import (
	"testing"
	"time"

	"github.com/selloff/selloff/snapshots"
)

func TestParseTime(t *testing.T) {
	ny := snapshots.Location()
	good := map[string]time.Time{
		"2025-01-27":                     time.Date(2025, 1, 27, 0, 0, 0, 0, ny),
		"2025-01-27 09:30":               time.Date(2025, 1, 27, 9, 30, 0, 0, ny),
		"2025-01-27T09:30:15.5":          time.Date(2025, 1, 27, 9, 30, 15, 500_000_000, ny),
		"2025-01-27 14:30:00+00:00":      time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
		"2025-01-27 09:30:00-05:00":      time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
		"2025-01-27 09:30:00 -0500":      time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
		"2025-01-27 14:30:00 UTC":        time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
		"2025-01-27T14:30:00.000000000Z": time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
		"2025-07-01 09:30:00":            time.Date(2025, 7, 1, 13, 30, 0, 0, time.UTC), // EDT
		"1/27/2025 9:30":                 time.Date(2025, 1, 27, 9, 30, 0, 0, ny),
		"20250127":                       time.Date(2025, 1, 27, 0, 0, 0, 0, ny),
		"20250127 09:30:00":              time.Date(2025, 1, 27, 9, 30, 0, 0, ny),
		"1737988200":                     time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
		"1737988200000":                  time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC),
	}
	for s, want := range good {
		_, got, ok := parseTime(s, ny)
		if !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "2025-02-30", "2025-1-27", "27.01.2025", "2025-01-27 25:00", "2025-01-27 09:30+15:00",
		"2025-01-27X", "1800-01-01", "123", "2025-01-27 09:30:00+05:00x", "13/01/2025"} {
		if _, _, ok := parseTime(s, ny); ok {
			t.Errorf("%q parsed", s)
		}
	}
}
