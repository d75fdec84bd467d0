package snapshots

import (
	"testing"
	"time"
)

func TestPlacement(t *testing.T) {
	loc := Location()
	at := func(d, h, m int) time.Time { return time.Date(2025, 1, d, h, m, 0, 0, loc) }
	half := []Session{{Date: "2025-01-28", Open: at(28, 9, 30), Close: at(28, 13, 0)}}
	cases := []struct {
		name string
		e    Event
		ss   []Session
		want time.Time
	}{
		{"exact", Event{Time: at(27, 14, 54)}, nil, at(27, 14, 54)},
		{"date: the close", Event{Time: at(27, 0, 0), Precision: PrecisionDate}, nil, at(27, 16, 0)},
		{"date on a half day: its close", Event{Time: at(28, 0, 0), Precision: PrecisionDate}, half, at(28, 13, 0)},
		{"morning: by noon", Event{Time: at(27, 9, 0), Precision: PrecisionMorning}, nil, at(27, 12, 0)},
		{"afternoon: by the close", Event{Time: at(27, 12, 0), Precision: PrecisionAfternoon}, nil, at(27, 16, 0)},
		{"evening: the end of the day", Event{Time: at(27, 18, 0), Precision: PrecisionEvening}, nil, at(28, 0, 0)},
	}
	for _, c := range cases {
		if got := Placement(c.e, c.ss); !got.Equal(c.want) {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
		from, to := EventSpan(c.e, c.ss)
		if p := Placement(c.e, c.ss); p.Before(from) || p.After(to) {
			t.Errorf("%s: placement %s outside its span %s-%s", c.name, p, from, to)
		}
	}
}

// TestSortEvents: by placement, so the day's afternoon statement comes after
// the 14:54 report, and a date-only event after everything timed that day
// before the close.
func TestSortEvents(t *testing.T) {
	loc := Location()
	at := func(h, m int) time.Time { return time.Date(2025, 1, 27, h, m, 0, 0, loc) }
	evs := []Event{
		{ID: "date", Time: at(0, 0), Precision: PrecisionDate},
		{ID: "open", Time: at(9, 30)},
		{ID: "pm", Time: at(12, 0), Precision: PrecisionAfternoon},
		{ID: "ts", Time: at(14, 54)},
		{ID: "close", Time: at(16, 0)},
		{ID: "ah", Time: at(16, 50)},
	}
	SortEvents(evs, nil)
	var got []string
	for _, e := range evs {
		got = append(got, e.ID)
	}
	want := []string{"open", "ts", "date", "pm", "close", "ah"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}
