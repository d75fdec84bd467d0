package replay_test

import (
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
)

// Target says where each command would move the clock, and Control then
// moves it exactly there: the dashboard's no-hindsight check relies on it.
func TestTargetMatchesControl(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true, Start: et(27, 14, 45, 0)}, false)
	g.next()
	var _ feeds.Targeter = g.r
	cmds := []feeds.Command{
		{Op: feeds.OpStep, N: -1},
		{Op: feeds.OpStep, N: 1},
		{Op: feeds.OpSeekBy, By: -30 * time.Minute},
		{Op: feeds.OpSeek, At: et(27, 10, 0, 0)},
		{Op: feeds.OpNextEvent},
		{Op: feeds.OpPrevEvent},
		{Op: feeds.OpClose},
		{Op: feeds.OpOpen},
		{Op: feeds.OpNextDay},
		{Op: feeds.OpPrevDay},
		{Op: feeds.OpSeek, At: et(1, 0, 0, 0)}, // clamped to the start
	}
	for _, c := range cmds {
		want, ok := g.r.Target(c)
		if !ok {
			t.Fatalf("%+v: no target", c)
		}
		if err := g.r.Control(c); err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if got := g.next().Frame.Time; !got.Equal(want) {
			t.Errorf("%+v: Target said %s, Control went to %s", c, want, got)
		}
	}
	if _, ok := g.r.Target(feeds.Command{Op: feeds.OpFaster}); ok {
		t.Error("a speed change has a target")
	}
	if _, ok := g.r.Target(feeds.Command{Op: feeds.OpTogglePause}); ok {
		t.Error("resuming mid-data has a target")
	}
	// at the end, resuming restarts from the start: a seek back
	g.control(feeds.Command{Op: feeds.OpSeek, At: et(30, 0, 0, 0)})
	want, ok := g.r.Target(feeds.Command{Op: feeds.OpTogglePause})
	if !ok {
		t.Fatal("resuming at the end has no target")
	}
	if got := g.control(feeds.Command{Op: feeds.OpTogglePause}).Frame.Time; !got.Equal(want) {
		t.Errorf("resume at end: Target said %s, Control went to %s", want, got)
	}
}
