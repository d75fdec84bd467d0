package replay_test

import (
	"errors"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
)

// A limit (a watch party's question locking at 14:00): playing pauses at
// it, a seek, step or resume past it is refused with a LimitError, a clock
// already past it is moved back, and clearing it frees the clock.
func TestLimit(t *testing.T) {
	g := newRig(t, replay.Options{Start: et(27, 13, 50, 0), Speed: 3600}, true)
	g.next()
	limit := et(27, 14, 0, 0)
	g.r.SetLimit(limit)
	if !g.r.Limit().Equal(limit) {
		t.Fatalf("Limit() = %s", g.r.Limit())
	}
	g.tick(250 * time.Millisecond) // 3600x: 15 min, past the limit
	u := g.next()
	if !u.Frame.Time.Equal(limit) || !u.Clock.Paused {
		t.Fatalf("playing past the limit: at %s paused=%v, want %s paused", u.Frame.Time, u.Clock.Paused, limit)
	}
	if now := g.r.Now(); !now.Equal(limit) {
		t.Errorf("Now() = %s past the limit", now)
	}

	refused := func(c feeds.Command) {
		t.Helper()
		err := g.r.Control(c)
		var le *replay.LimitError
		if !errors.As(err, &le) || !le.Limit.Equal(limit) {
			t.Errorf("%+v: err %v, want a LimitError at %s", c, err, limit)
		}
	}
	refused(feeds.Command{Op: feeds.OpSeek, At: et(27, 15, 0, 0)})
	refused(feeds.Command{Op: feeds.OpSeekBy, By: time.Minute})
	refused(feeds.Command{Op: feeds.OpStep, N: 1})
	refused(feeds.Command{Op: feeds.OpClose})
	refused(feeds.Command{Op: feeds.OpTogglePause}) // resuming at the limit
	refused(feeds.Command{Op: feeds.OpResume})
	if now := g.r.Now(); !now.Equal(limit) {
		t.Fatalf("a refused command moved the clock to %s", now)
	}
	// back is fine, and up to the limit too
	if u := g.control(feeds.Command{Op: feeds.OpSeek, At: et(27, 11, 0, 0)}); !u.Frame.Time.Equal(et(27, 11, 0, 0)) {
		t.Errorf("seek back: %s", u.Frame.Time)
	}
	g.control(feeds.Command{Op: feeds.OpSeek, At: limit})
	if err := g.r.Control(feeds.Command{Op: feeds.OpSetSpeed, Speed: 60}); err != nil {
		t.Errorf("speed at the limit: %v", err)
	}
	g.next()

	// a limit set behind the clock pulls it back, paused
	g.r.SetLimit(time.Time{})
	g.control(feeds.Command{Op: feeds.OpSeek, At: et(27, 15, 0, 0)})
	g.r.SetLimit(limit)
	if u := g.next(); !u.Frame.Time.Equal(limit) || !u.Clock.Paused {
		t.Errorf("limit set behind the clock: at %s paused=%v", u.Frame.Time, u.Clock.Paused)
	}
	// cleared: plays on
	g.r.SetLimit(time.Time{})
	u = g.control(feeds.Command{Op: feeds.OpResume})
	if u.Clock.Paused {
		t.Fatal("not playing after the limit was cleared")
	}
	g.tick(250 * time.Millisecond)
	if u := g.next(); !u.Frame.Time.After(limit) {
		t.Errorf("cleared limit: still at %s", u.Frame.Time)
	}
}
