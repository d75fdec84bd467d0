package replay_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

func et(d, h, m, s int) time.Time {
	return time.Date(2025, time.January, d, h, m, s, 0, snapshots.Location())
}

var wall0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

type rig struct {
	t     *testing.T
	ds    *market.Dataset
	clock *feedstest.FakeClock
	r     *replay.Replay
	ch    <-chan feeds.Update
	done  chan struct{}
}

// newRig builds a replay of the test week; run starts its loop.
func newRig(t *testing.T, opt replay.Options, run bool) *rig {
	t.Helper()
	ds, err := market.NewDataset(feedstest.Week(1))
	if err != nil {
		t.Fatal(err)
	}
	clock := feedstest.NewFakeClock(wall0)
	r, err := replay.New(ds, clock, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g := &rig{t: t, ds: ds, clock: clock, r: r, ch: r.Subscribe(ctx), done: make(chan struct{})}
	if run {
		go func() { r.Run(ctx); close(g.done) }()
	} else {
		close(g.done)
	}
	t.Cleanup(func() {
		cancel()
		<-g.done
	})
	return g
}

// next returns the next update (bounded wait: a hang fails, it is not a
// timing assertion).
func (g *rig) next() feeds.Update {
	g.t.Helper()
	select {
	case u, ok := <-g.ch:
		if !ok {
			g.t.Fatal("channel closed")
		}
		return u
	case <-time.After(10 * time.Second):
		g.t.Fatal("no update")
	}
	return feeds.Update{}
}

// tick waits until the loop has armed its timer, then fires it.
func (g *rig) tick(d time.Duration) {
	g.t.Helper()
	if !g.clock.BlockUntil(1, 10*time.Second) {
		g.t.Fatal("the replay armed no timer")
	}
	g.clock.Advance(d)
}

func (g *rig) control(c feeds.Command) feeds.Update {
	g.t.Helper()
	if err := g.r.Control(c); err != nil {
		g.t.Fatalf("control %+v: %v", c, err)
	}
	return g.next()
}

func TestDefaults(t *testing.T) {
	g := newRig(t, replay.Options{Skipped: 3}, false)
	u := g.next()
	if !u.Frame.Time.Equal(et(27, 9, 30, 0)) {
		t.Errorf("starts at %s, want Monday's open", u.Frame.Time)
	}
	if u.Source != "replay" || u.Seq != 1 || u.Mode != feeds.ModeReplay {
		t.Errorf("update header %+v", u)
	}
	if u.Clock == nil || u.Clock.Speed != replay.DefaultSpeed || u.Clock.Paused || u.Clock.AtEnd {
		t.Errorf("clock %+v", u.Clock)
	}
	// from the first listed session (the daily bars of 21-22 Jan are
	// context, not played) to the last quote
	if !u.Clock.Start.Equal(et(23, 9, 30, 0)) || !u.Clock.End.Equal(et(28, 16, 33, 30)) {
		t.Errorf("span %s .. %s", u.Clock.Start, u.Clock.End)
	}
	if u.Health.Skipped != 3 || u.Health.State != feeds.HealthDegraded {
		t.Errorf("health %+v", u.Health)
	}
	if g.r.ID() != "replay" {
		t.Error(g.r.ID())
	}
	var _ feeds.Source = g.r
	var _ feeds.Controller = g.r
}

func TestSpeedAndPause(t *testing.T) {
	g := newRig(t, replay.Options{}, true)
	u := g.next()
	start := u.Frame.Time
	g.tick(250 * time.Millisecond) // 120x: 30 s
	u = g.next()
	if want := start.Add(30 * time.Second); !u.Frame.Time.Equal(want) {
		t.Fatalf("after 250ms at 120x: %s, want %s", u.Frame.Time, want)
	}
	if u.Seq != 2 {
		t.Errorf("seq %d, want 2", u.Seq)
	}
	u = g.control(feeds.Command{Op: feeds.OpSetSpeed, Speed: 3600})
	if u.Clock.Speed != 3600 || u.Seq != 3 {
		t.Errorf("speed update %+v seq %d", u.Clock, u.Seq)
	}
	g.tick(250 * time.Millisecond) // 3600x: 15 min
	u = g.next()
	if want := start.Add(30*time.Second + 15*time.Minute); !u.Frame.Time.Equal(want) {
		t.Fatalf("after 250ms at 3600x: %s, want %s", u.Frame.Time, want)
	}
	// faster and slower walk the steps and clamp
	u = g.control(feeds.Command{Op: feeds.OpFaster})
	if u.Clock.Speed != 3600 {
		t.Errorf("faster than max: %v", u.Clock.Speed)
	}
	u = g.control(feeds.Command{Op: feeds.OpSlower})
	if u.Clock.Speed != 1800 {
		t.Errorf("slower: %v", u.Clock.Speed)
	}
	u = g.control(feeds.Command{Op: feeds.OpSetSpeed, Speed: 0.01})
	if u.Clock.Speed != 0.25 {
		t.Errorf("clamped speed %v", u.Clock.Speed)
	}
	if err := g.r.Control(feeds.Command{Op: feeds.OpSetSpeed, Speed: -1}); err == nil {
		t.Error("negative speed accepted")
	}
	g.control(feeds.Command{Op: feeds.OpSetSpeed, Speed: 120})

	// pause: the virtual clock stops, and no timer is re-armed
	u = g.control(feeds.Command{Op: feeds.OpPause})
	paused := u.Frame.Time
	if !u.Clock.Paused {
		t.Fatal("not paused")
	}
	g.clock.Advance(time.Hour) // fires the one timer armed before the pause
	g.clock.Advance(time.Hour)
	if n := g.clock.Waiters(); n != 0 {
		t.Errorf("%d timers armed while paused", n)
	}
	if now := g.r.Now(); !now.Equal(paused) {
		t.Errorf("virtual time moved while paused: %s -> %s", paused, now)
	}
	published := g.r.HubStats().Published
	g.clock.Advance(time.Hour)
	if g.r.HubStats().Published != published {
		t.Error("published while paused")
	}
	// resume: continues from where it paused
	u = g.control(feeds.Command{Op: feeds.OpTogglePause})
	if u.Clock.Paused || !u.Frame.Time.Equal(paused) {
		t.Errorf("resume: %+v at %s", u.Clock, u.Frame.Time)
	}
	g.tick(250 * time.Millisecond)
	u = g.next()
	if want := paused.Add(30 * time.Second); !u.Frame.Time.Equal(want) {
		t.Errorf("after resume: %s, want %s", u.Frame.Time, want)
	}
}

func TestPublishesOnlyOnChange(t *testing.T) {
	g := newRig(t, replay.Options{Speed: 0.25}, true)
	g.next()
	before := g.r.HubStats().Published
	for range 4 { // 4 x 250 ms at 0.25x: 250 ms of market time
		g.tick(250 * time.Millisecond)
	}
	// the fourth tick may or may not have been processed yet; three ticks
	// within one virtual second publish nothing
	if got := g.r.HubStats().Published - before; got > 1 {
		t.Errorf("published %d frames within one virtual second", got)
	}
}

func TestStartPausedArmsNothing(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true, Start: et(24, 10, 0, 0)}, true)
	u := g.next()
	if !u.Clock.Paused || !u.Frame.Time.Equal(et(24, 10, 0, 0)) {
		t.Fatalf("%+v %s", u.Clock, u.Frame.Time)
	}
	// a control round trip proves the loop is running; it still arms nothing
	g.control(feeds.Command{Op: feeds.OpSeekBy, By: time.Minute})
	g.control(feeds.Command{Op: feeds.OpSeekBy, By: time.Minute})
	if n := g.clock.Waiters(); n != 0 {
		t.Errorf("%d timers armed while paused", n)
	}
}

func TestStep(t *testing.T) {
	g := newRig(t, replay.Options{Start: et(24, 9, 30, 0)}, false)
	g.next()
	u := g.control(feeds.Command{Op: feeds.OpStep, N: 1})
	if !u.Frame.Time.Equal(et(24, 9, 31, 0)) || !u.Clock.Paused {
		t.Fatalf("step: %s paused=%v", u.Frame.Time, u.Clock.Paused)
	}
	i := u.Frame.Index("NVDA")
	if n := len(u.Frame.Intraday[i]); n != 1 {
		t.Errorf("one bar after one step, got %d", n)
	}
	u = g.control(feeds.Command{Op: feeds.OpStep, N: 3})
	if !u.Frame.Time.Equal(et(24, 9, 34, 0)) || len(u.Frame.Intraday[i]) != 4 {
		t.Errorf("step 3: %s, %d bars", u.Frame.Time, len(u.Frame.Intraday[i]))
	}
	u = g.control(feeds.Command{Op: feeds.OpStep, N: -1})
	if !u.Frame.Time.Equal(et(24, 9, 33, 0)) {
		t.Errorf("step back: %s", u.Frame.Time)
	}
	// back across the night: Friday 09:31 -> 09:30? no bar ends at 09:30 on
	// Friday, so the previous bar end is Thursday's 16:00
	g.control(feeds.Command{Op: feeds.OpSeek, At: et(24, 9, 31, 0)})
	u = g.control(feeds.Command{Op: feeds.OpStep, N: -1})
	if !u.Frame.Time.Equal(et(23, 16, 0, 0)) {
		t.Errorf("step back over the night: %s", u.Frame.Time)
	}
}

func TestSeek(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true}, false)
	start := g.next().Frame.Time
	u := g.control(feeds.Command{Op: feeds.OpSeekBy, By: -90 * time.Minute})
	if !u.Frame.Time.Equal(start.Add(-90 * time.Minute)) {
		t.Errorf("seek by: %s", u.Frame.Time)
	}
	u = g.control(feeds.Command{Op: feeds.OpSeek, At: et(1, 0, 0, 0)})
	if !u.Frame.Time.Equal(u.Clock.Start) {
		t.Errorf("seek before the data: %s, want clamped to %s", u.Frame.Time, u.Clock.Start)
	}
	u = g.control(feeds.Command{Op: feeds.OpSeek, At: et(31, 0, 0, 0)})
	if !u.Frame.Time.Equal(u.Clock.End) {
		t.Errorf("seek after the data: %s, want %s", u.Frame.Time, u.Clock.End)
	}
	if got, want := u.Frame, g.ds.At(u.Clock.End); got.Quotes[0] != want.Quotes[0] {
		t.Error("published frame is not At(t)")
	}
}

func TestEvents(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true}, false) // Monday 09:30
	g.next()
	steps := []struct {
		op   feeds.Op
		want time.Time
	}{
		{feeds.OpNextEvent, et(27, 16, 0, 0)},
		{feeds.OpNextEvent, et(28, 9, 30, 0)},
		{feeds.OpPrevEvent, et(27, 16, 0, 0)},
		{feeds.OpPrevEvent, et(27, 9, 30, 0)},
		{feeds.OpPrevEvent, et(27, 4, 0, 0)},
		// an afternoon event is placed at the close, when it is known to
		// have happened (snapshots.Placement), not at its 12:00 sort key
		{feeds.OpPrevEvent, et(24, 16, 0, 0)},
	}
	for _, s := range steps {
		u := g.control(feeds.Command{Op: s.op})
		if !u.Frame.Time.Equal(s.want) {
			t.Fatalf("op %d: %s, want %s", s.op, u.Frame.Time, s.want)
		}
	}
	// Jan 20 is before the first session: refused with its date, the clock
	// stays (it used to land on the data's first instant as if it were the
	// event)
	err := g.r.Control(feeds.Command{Op: feeds.OpPrevEvent})
	if err == nil || !strings.Contains(err.Error(), "the previous event (Mon 20 Jan 2025) is outside the data") {
		t.Errorf("an event before the data: %v", err)
	}
	if now := g.r.Now(); !now.Equal(et(24, 16, 0, 0)) {
		t.Errorf("the clock moved to %s", now)
	}
	g.control(feeds.Command{Op: feeds.OpSeek, At: et(28, 10, 0, 0)})
	if err := g.r.Control(feeds.Command{Op: feeds.OpNextEvent}); err == nil {
		t.Error("no event after the last, want an error")
	}
}

func TestDays(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true, Start: et(24, 11, 0, 0)}, false)
	g.next()
	steps := []struct {
		name string
		c    feeds.Command
		want time.Time
	}{
		{"friday close", feeds.Command{Op: feeds.OpClose}, et(24, 16, 0, 0)},
		{"friday open", feeds.Command{Op: feeds.OpOpen}, et(24, 9, 30, 0)},
		{"fri to mon", feeds.Command{Op: feeds.OpNextDay}, et(27, 9, 30, 0)},
		{"mon to fri", feeds.Command{Op: feeds.OpPrevDay}, et(24, 9, 30, 0)},
		{"to saturday", feeds.Command{Op: feeds.OpSeek, At: et(25, 12, 0, 0)}, et(25, 12, 0, 0)},
		{"saturday open is friday's", feeds.Command{Op: feeds.OpOpen}, et(24, 9, 30, 0)},
		{"back to saturday", feeds.Command{Op: feeds.OpSeek, At: et(25, 12, 0, 0)}, et(25, 12, 0, 0)},
		{"sat prev day is fri", feeds.Command{Op: feeds.OpPrevDay}, et(24, 9, 30, 0)},
		{"sunday", feeds.Command{Op: feeds.OpSeek, At: et(26, 20, 0, 0)}, et(26, 20, 0, 0)},
		{"sun next day is mon", feeds.Command{Op: feeds.OpNextDay}, et(27, 9, 30, 0)},
		{"mon to tue", feeds.Command{Op: feeds.OpNextDay}, et(28, 9, 30, 0)},
	}
	for _, s := range steps {
		u := g.control(s.c)
		if !u.Frame.Time.Equal(s.want) {
			t.Fatalf("%s: %s, want %s", s.name, u.Frame.Time, s.want)
		}
	}
	if err := g.r.Control(feeds.Command{Op: feeds.OpNextDay}); err == nil {
		t.Error("no day after Tuesday, want an error")
	}
	u := g.control(feeds.Command{Op: feeds.OpSeek, At: et(25, 12, 0, 0)})
	if u.Frame.Quotes[0].State != snapshots.StateClosed {
		t.Errorf("Saturday state %s", u.Frame.Quotes[0].State)
	}
	if cs, _ := u.Frame.CurrentSession(); cs.Date != "2025-01-24" {
		t.Errorf("Saturday's session %s", cs.Date)
	}
}

func TestEndAndLoop(t *testing.T) {
	g := newRig(t, replay.Options{}, true)
	g.next()
	end := g.r.Status().End
	u := g.control(feeds.Command{Op: feeds.OpSeek, At: end.Add(-10 * time.Second)})
	g.tick(250 * time.Millisecond) // 30 s at 120x: past the end
	u = g.next()
	if !u.Clock.AtEnd || !u.Frame.Time.Equal(end) {
		t.Fatalf("at end: %+v %s", u.Clock, u.Frame.Time)
	}
	g.clock.Advance(time.Hour)
	if n := g.clock.Waiters(); n != 0 {
		t.Errorf("%d timers armed at the end", n)
	}
	// resuming at the end starts again from the start option
	u = g.control(feeds.Command{Op: feeds.OpTogglePause})
	if u.Clock.AtEnd || !u.Frame.Time.Equal(et(27, 9, 30, 0)) {
		t.Errorf("restart: %+v %s", u.Clock, u.Frame.Time)
	}
	// loop: passing the end starts again
	u = g.control(feeds.Command{Op: feeds.OpToggleLoop})
	if !u.Clock.Loop {
		t.Fatal("loop not set")
	}
	g.control(feeds.Command{Op: feeds.OpSeek, At: end.Add(-10 * time.Second)})
	g.tick(250 * time.Millisecond)
	u = g.next()
	if u.Clock.AtEnd || !u.Frame.Time.Equal(et(27, 9, 30, 0)) {
		t.Errorf("loop: %+v %s", u.Clock, u.Frame.Time)
	}
}

func TestSkipsGaps(t *testing.T) {
	g := newRig(t, replay.Options{Start: et(24, 16, 0, 0)}, true)
	g.next()
	g.tick(250 * time.Millisecond) // 16:00:30 Friday: nothing until Monday 04:00
	u := g.next()
	lead := time.Duration(replay.DefaultSpeed) * time.Second
	if want := et(27, 4, 0, 0).Add(-lead); !u.Frame.Time.Equal(want) {
		t.Errorf("gap: %s, want %s", u.Frame.Time, want)
	}
	// with KeepGaps the night plays at speed
	k := newRig(t, replay.Options{Start: et(24, 16, 0, 0), KeepGaps: true}, true)
	k.next()
	k.tick(250 * time.Millisecond)
	if u := k.next(); !u.Frame.Time.Equal(et(24, 16, 0, 30)) {
		t.Errorf("keep gaps: %s", u.Frame.Time)
	}
}

func TestWatchParty(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true}, false)
	g.next()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	viewers := make([]<-chan feeds.Update, 3)
	for i := range viewers {
		viewers[i] = g.r.Subscribe(ctx)
		<-viewers[i] // the current frame
	}
	u := g.control(feeds.Command{Op: feeds.OpNextDay})
	for i, ch := range viewers {
		v := <-ch
		if v.Seq != u.Seq || !v.Frame.Time.Equal(u.Frame.Time) {
			t.Errorf("viewer %d got seq %d at %s, want %d at %s", i, v.Seq, v.Frame.Time, u.Seq, u.Frame.Time)
		}
	}
}

func TestSeqIncrements(t *testing.T) {
	g := newRig(t, replay.Options{Paused: true}, false)
	last := g.next().Seq
	for _, op := range []feeds.Op{feeds.OpNextDay, feeds.OpPrevDay, feeds.OpStep, feeds.OpFaster, feeds.OpToggleLoop} {
		u := g.control(feeds.Command{Op: op})
		if u.Seq != last+1 {
			t.Fatalf("seq %d after %d", u.Seq, last)
		}
		last = u.Seq
	}
}

func TestRunExitsAndLeaksNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	ds, err := market.NewDataset(feedstest.Week(1))
	if err != nil {
		t.Fatal(err)
	}
	clock := feedstest.NewFakeClock(wall0)
	ctx, cancel := context.WithCancel(context.Background())
	var chans []<-chan feeds.Update
	for range 10 {
		r, err := replay.New(ds, clock, replay.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r.Start(ctx)
		for range 5 {
			sctx, scancel := context.WithCancel(ctx)
			defer scancel()
			chans = append(chans, r.Subscribe(sctx))
		}
	}
	clock.BlockUntil(10, 10*time.Second)
	clock.Advance(time.Second)
	cancel()
	for _, ch := range chans {
		for range ch { // closed when the replay stops
		}
	}
	waitGoroutines(t, before)
}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	var got int
	for range 500 {
		got = runtime.NumGoroutine()
		if got <= want {
			return
		}
		runtime.Gosched()
		time.Sleep(2 * time.Millisecond) // polling a count, not synchronising
	}
	buf := make([]byte, 1<<16)
	t.Errorf("goroutines: %d before, %d after\n%s", want, got, buf[:runtime.Stack(buf, true)])
}

func TestRunOnceAndStop(t *testing.T) {
	ds, err := market.NewDataset(feedstest.Week(1))
	if err != nil {
		t.Fatal(err)
	}
	r, err := replay.New(ds, feedstest.NewFakeClock(wall0), replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := r.Subscribe(context.Background())
	errc := make(chan error, 2)
	go func() { errc <- r.Run(ctx) }()
	go func() { errc <- r.Run(ctx) }()
	if err := <-errc; err != replay.ErrRunning {
		t.Fatalf("second Run: %v, want ErrRunning", err)
	}
	cancel()
	if err := <-errc; err != context.Canceled {
		t.Fatalf("Run: %v", err)
	}
	for range ch { // closed when Run ends
	}
	if err := r.Control(feeds.Command{Op: feeds.OpPause}); err != replay.ErrStopped {
		t.Errorf("control after stop: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := replay.New(nil, feedstest.NewFakeClock(wall0), replay.Options{}); err == nil {
		t.Error("nil dataset accepted")
	}
	s := feedstest.Week(1)
	s.Bars, s.Quotes = nil, nil
	ds, _ := market.NewDataset(s)
	if _, err := replay.New(ds, feedstest.NewFakeClock(wall0), replay.Options{}); err != replay.ErrEmpty {
		t.Errorf("empty dataset: %v", err)
	}
}
