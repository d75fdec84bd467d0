package snapshots

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	h := testHeader() // main day 2025-01-27 (EST, -05:00)
	noMain := testHeader()
	noMain.MainDay = "" // first session: 2025-01-24
	summer := Header{MainDay: "2025-07-01"}
	bare := Header{}
	tests := []struct {
		name string
		spec string
		h    Header
		want string // RFC 3339, or "error: substring"
	}{
		{"hhmm_main_day", "09:30", h, "2025-01-27T09:30:00-05:00"},
		{"h_mm_main_day", "9:30", h, "2025-01-27T09:30:00-05:00"},
		{"hhmm_spaces", "  15:55 ", h, "2025-01-27T15:55:00-05:00"},
		{"hhmmss", "15:59:30", h, "2025-01-27T15:59:30-05:00"},
		{"hhmm_first_session", "10:00", noMain, "2025-01-24T10:00:00-05:00"},
		{"hhmm_summer_edt", "09:30", summer, "2025-07-01T09:30:00-04:00"},
		{"date_time", "2025-01-28T11:15", h, "2025-01-28T11:15:00-05:00"},
		{"date_space_time", "2025-01-28 11:15", h, "2025-01-28T11:15:00-05:00"},
		{"date_time_seconds", "2025-01-28T11:15:05", bare, "2025-01-28T11:15:05-05:00"},
		{"date_time_summer", "2025-06-02T09:30", bare, "2025-06-02T09:30:00-04:00"},
		{"rfc3339_utc", "2025-01-27T14:30:00Z", bare, "2025-01-27T09:30:00-05:00"},
		{"rfc3339_offset", "2025-01-27T22:30:00+08:00", bare, "2025-01-27T09:30:00-05:00"},
		{"open", "open", h, "2025-01-27T09:30:00-05:00"},
		{"close_upper", "CLOSE", h, "2025-01-27T16:00:00-05:00"},
		{"open_first_session", "open", noMain, "2025-01-24T09:30:00-05:00"},
		{"fall_back_ambiguous_first", "2025-11-02T01:30", bare, "2025-11-02T01:30:00-04:00"},
		{"empty", "", h, "error: empty time"},
		{"garbage", "noon", h, "error: not HH:MM"},
		{"bad_hour", "25:00", h, "error: not HH:MM"},
		{"bad_date", "2025-02-30T10:00", h, "error: not HH:MM"},
		{"hhmm_no_day", "09:30", bare, "error: no main day"},
		{"open_no_session", "open", summer, `error: no session 2025-07-01`},
		{"spring_gap", "2025-03-09T02:30", bare, "error: does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTime(tc.spec, tc.h)
			if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("ParseTime(%q) = %v, %v; want error containing %q", tc.spec, got, err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tc.spec, err)
			}
			if s := got.Format(time.RFC3339); s != tc.want {
				t.Errorf("ParseTime(%q) = %s, want %s", tc.spec, s, tc.want)
			}
			if got.Location() != Location() {
				t.Errorf("not in exchange time: %v", got.Location())
			}
		})
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"09:30", "open", "close", "2025-01-27T09:30", "2025-01-27 09:30:00", "2025-01-27T14:30:00Z", "2025-03-09T02:30", "", "25:61", "2025-13-01T00:00"} {
		f.Add(s)
	}
	h := testHeader()
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := ParseTime(spec, h)
		if err == nil && got.IsZero() {
			t.Fatalf("%q: zero time without error", spec)
		}
		if err != nil && err.Error() == "" {
			t.Fatalf("%q: empty error", spec)
		}
	})
}
