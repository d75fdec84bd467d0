package natsfeed

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// SubscriberOptions.ReplayEvents is asked once for a replay run, with the
// run's whole dataset, and its events join the node's timeline at their
// time (in every frame's events, as a replay's own: the dashboard shows
// each when its clock passes it), whatever the relay's seeks; the
// relay's frames are not changed.
func TestReplayEventsJoinTheNodesTimeline(t *testing.T) {
	ctx, url := serverFor(t)
	r := startRelay(t, ctx, url, "day")
	loc := snapshots.Location()
	mark := time.Date(2025, 1, 27, 11, 20, 0, 0, loc)
	var calls atomic.Int32
	sub, err := NewSubscriber(connect(t, url), "day", feeds.RealClock{}, SubscriberOptions{
		ReplayEvents: func(ds *market.Dataset) []snapshots.Event {
			calls.Add(1)
			if _, end, ok := ds.Span(); !ok || end.Before(mark) {
				t.Errorf("ReplayEvents got a dataset ending %v: want the run's records all read", end)
			}
			return []snapshots.Event{{ID: "test-1", Time: mark, Title: "marked", Outlet: "test"}}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(ctx)
	ch := sub.Subscribe(ctx)
	has := func(f *market.Frame) bool {
		for _, e := range f.Events {
			if e.ID == "test-1" {
				return e.Time.Equal(mark) && e.Title == "marked"
			}
		}
		return false
	}
	for _, to := range []time.Time{mark.Add(-10 * time.Minute), mark.Add(10 * time.Minute), mark.Add(-5 * time.Minute)} {
		want := r.seek(t, ctx, to)
		got := waitFor(t, ch, "the node's frame at "+to.Format("15:04"), at(to)).Frame
		if !has(got) {
			t.Fatalf("frame at %s: no added event", to.Format("15:04"))
		}
		if has(want) {
			t.Fatal("the relay's own frame has the node's event")
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("ReplayEvents called %d times for one run, want 1", n)
	}
}
