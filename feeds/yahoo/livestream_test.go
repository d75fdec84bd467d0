package yahoo

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/feeds/yahoo/stream"
)

// streamFixture is a fake Yahoo, a fake streamer and a live source that
// uses both, on one fake clock.
type streamFixture struct {
	*fixture
	streamer *fakeyahoo.Streamer
	live     *Live
	waits    *countingClock // the live source's clock (the stream's is fx.clock)
	sub      <-chan feeds.Update
	done     chan error
}

func newStreamFixture(t *testing.T, withStream bool) *streamFixture {
	t.Helper()
	fx := &streamFixture{fixture: newFixture(t, Options{}), streamer: fakeyahoo.NewStreamer(), done: make(chan error, 1)}
	t.Cleanup(fx.streamer.Close)
	opt := LiveOptions{Symbols: watch("NVDA", "AVGO", "^GSPC")}
	if withStream {
		sc, err := stream.New(stream.Options{URL: fx.streamer.URL(), Symbols: []string{"NVDA", "AVGO", "^GSPC"}, Clock: fx.clock, Jitter: func() float64 { return 0 }})
		if err != nil {
			t.Fatal(err)
		}
		opt.Stream = sc
	}
	fx.waits = &countingClock{FakeClock: fx.clock}
	opt.Symbols = watch("NVDA", "AVGO", "^GSPC")
	l, err := NewLive(fx.c, fx.waits, opt)
	if err != nil {
		t.Fatal(err)
	}
	fx.live = l
	fx.sub = fx.live.Subscribe(fx.ctx)
	go func() { fx.done <- fx.live.Run(fx.ctx) }()
	t.Cleanup(func() { fx.cancel(); <-fx.done })
	// the first poll and the backfill are done, the stream is up
	next(t, fx.sub, func(u feeds.Update) bool {
		return u.Health.State == feeds.HealthOK && !strings.Contains(u.Health.Detail, "loading") &&
			(!withStream || u.Health.Stream.State == "streaming")
	})
	return fx
}

func (fx *streamFixture) waitStream(t *testing.T, state string) feeds.Update {
	t.Helper()
	return next(t, fx.sub, func(u feeds.Update) bool { return u.Health.Stream.State == state })
}

func (fx *streamFixture) subscribed(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !fx.streamer.WaitSubscribed(ctx, "NVDA", 1) {
		t.Fatal("the live source never subscribed to the stream")
	}
}

func TestLiveStreamedPricesBetweenPolls(t *testing.T) {
	fx := newStreamFixture(t, true)
	fx.subscribed(t)
	polls := fx.fake.Count(fakeyahoo.PathQuote)

	// no clock move, no poll: the price comes from the stream alone
	fx.streamer.Send(stream.Tick{Symbol: "NVDA", Price: 117.31, Hours: stream.HoursRegular, Time: t0, DayVolume: 820_000_000})
	u := next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 117.31 })
	q := quoteOf(t, u.Frame, "NVDA")
	if !q.HasPrice || q.Stale || q.PrevClose != 142.62 || q.Volume != 820_000_000 || !q.Updated.Equal(t0) {
		t.Fatalf("NVDA = %+v", q)
	}
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != polls {
		t.Fatalf("the streamed price needed a poll (%d -> %d)", polls, n)
	}
	// a symbol not watched, garbage and an overnight price change nothing
	fx.streamer.Send(stream.Tick{Symbol: "MSFT", Price: 400, Hours: stream.HoursRegular})
	fx.streamer.SendRaw([]byte("not a frame"))
	fx.streamer.Send(stream.Tick{Symbol: "AVGO", Price: 1, Hours: stream.HoursExtended})
	fx.streamer.Send(stream.Tick{Symbol: "AVGO", Price: 200.5, Hours: stream.HoursRegular})
	u = next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "AVGO").Price == 200.5 })
	if st := fx.live.Stats(); st.Streamed != 2 {
		t.Errorf("streamed %d, want 2", st.Streamed)
	}
	if u.Health.Stream.State != "streaming" {
		t.Errorf("stream health %+v", u.Health.Stream)
	}
}

func TestLiveStreamDropFallsBackToPollingAndComesBack(t *testing.T) {
	fx := newStreamFixture(t, true)
	fx.subscribed(t)

	// the poll slows to every 30 s once the stream is up (the first wait
	// may have been asked before it was)
	w := fx.waits.waitFor(t, 1)
	if w != DefaultStreamPollInterval {
		fx.clock.Advance(w)
		w = fx.waits.waitFor(t, 2)
	}
	if w != DefaultStreamPollInterval {
		t.Fatalf("waits %s while the stream is up, want %s", w, DefaultStreamPollInterval)
	}
	// counted once the source waits again: a poll the Advance above started
	// is done by then (read before it, it failed "1 -> 3" under load)
	polls := fx.fake.Count(fakeyahoo.PathQuote)
	asked := fx.waits.count()
	fx.fake.SetPrice("NVDA", 116.9, t0)
	fx.streamer.SetRefuse(503)
	fx.streamer.Drop()
	u := fx.waitStream(t, "down")
	if u.Health.Stream.LastErr == "" || u.Health.Stream.RetryAt.IsZero() {
		t.Fatalf("down without a reason or a retry time: %+v", u.Health.Stream)
	}
	// the drop makes the live source poll at once, with no clock move
	if quoteOf(t, u.Frame, "NVDA").Price != 116.9 { // updates coalesce: the poll may be in this one
		next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 116.9 })
	}
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != polls+1 {
		t.Fatalf("quote requests %d -> %d, want one more", polls, n)
	}
	// polling alone carries on at the poll interval (5 s, not 30 s)
	if w := fx.waits.waitFor(t, asked+1); w != DefaultInterval {
		t.Fatalf("waits %s after the drop, want %s", w, DefaultInterval)
	}
	fx.fake.SetPrice("NVDA", 116.5, t0)
	fx.clock.Advance(DefaultInterval)
	next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 116.5 })

	// the streamer is back: the reconnect finds it and prices flow again
	fx.streamer.SetRefuse(0)
	for i := 0; ; i++ {
		fx.clock.BlockUntil(2, 10*time.Second)
		fx.clock.Advance(time.Second)
		if fx.streamer.Open() > 0 || i > 300 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	fx.waitStream(t, "streaming")
	fx.subscribed(t)
	fx.streamer.Send(stream.Tick{Symbol: "NVDA", Price: 119.02, Hours: stream.HoursRegular})
	next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 119.02 })
}

// countingClock wraps a fake clock and remembers the waits asked for.
type countingClock struct {
	*feedstest.FakeClock
	mu    sync.Mutex
	waits []time.Duration
}

func (c *countingClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	return c.FakeClock.After(d)
}

func (c *countingClock) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waits)
}

// waitFor waits until n waits were asked for and returns the nth.
func (c *countingClock) waitFor(t *testing.T, n int) time.Duration {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		got := len(c.waits)
		var w time.Duration
		if got >= n {
			w = c.waits[n-1]
		}
		c.mu.Unlock()
		if got >= n {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("the live source asked for %d waits, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// quoteRequestsPerMinute runs a live source for ten minutes of fake time,
// a second at a time, and returns the quote requests per minute after the
// start.
func quoteRequestsPerMinute(t testing.TB, withStream bool) float64 {
	fx := newFixture(t, Options{})
	streamer := fakeyahoo.NewStreamer()
	defer streamer.Close()
	opt := LiveOptions{Symbols: watch("NVDA", "AVGO", "^GSPC", "SMH")}
	waiters := 1
	if withStream {
		sc, err := stream.New(stream.Options{URL: streamer.URL(), Symbols: []string{"NVDA"}, Clock: fx.clock})
		if err != nil {
			t.Fatal(err)
		}
		opt.Stream = sc
		waiters = 2
	}
	l, err := NewLive(fx.c, fx.clock, opt)
	if err != nil {
		t.Fatal(err)
	}
	sub := l.Subscribe(fx.ctx)
	done := make(chan error, 1)
	go func() { done <- l.Run(fx.ctx) }()
	defer func() { fx.cancel(); <-done }()
	for u := range sub {
		if (!withStream || u.Health.Stream.State == "streaming") && u.Health.State == feeds.HealthOK && !strings.Contains(u.Health.Detail, "loading") {
			break
		}
	}
	start := fx.fake.Count(fakeyahoo.PathQuote)
	for range 600 {
		if !fx.clock.BlockUntil(waiters, 10*time.Second) {
			t.Fatal("the live source stopped waiting")
		}
		fx.clock.Advance(time.Second)
	}
	fx.clock.BlockUntil(waiters, 10*time.Second)
	return float64(fx.fake.Count(fakeyahoo.PathQuote)-start) / 10
}

func TestLiveStreamSlowsThePoll(t *testing.T) {
	polling := quoteRequestsPerMinute(t, false)
	streaming := quoteRequestsPerMinute(t, true)
	t.Logf("quote requests per minute: %.1f polling only, %.1f with the stream healthy", polling, streaming)
	if polling != 12 || streaming != 2 {
		t.Fatalf("requests per minute: %.1f polling, %.1f streaming; want 12 and 2", polling, streaming)
	}
}

// BenchmarkQuoteRequestsPerMinute reports the quote requests per minute
// the live source sends with the stream healthy and polling alone, over
// ten minutes of fake time each (run with -benchtime 1x).
func BenchmarkQuoteRequestsPerMinute(b *testing.B) {
	for _, withStream := range []bool{false, true} {
		name := "polling_only"
		if withStream {
			name = "stream_healthy"
		}
		b.Run(name, func(b *testing.B) {
			var rpm float64
			for b.Loop() {
				rpm = quoteRequestsPerMinute(b, withStream)
			}
			b.ReportMetric(rpm, "req/min")
		})
	}
}

func TestLiveStreamVolumeNeverGoesBack(t *testing.T) {
	fx := newStreamFixture(t, true)
	fx.subscribed(t)
	// the poll said 818,830,900; a tick without a volume keeps it
	fx.streamer.Send(stream.Tick{Symbol: "NVDA", Price: 117.5, Hours: stream.HoursRegular})
	u := next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 117.5 })
	if v := quoteOf(t, u.Frame, "NVDA").Volume; v != 818830900 {
		t.Fatalf("volume %d after a tick without one", v)
	}
	fx.streamer.Send(stream.Tick{Symbol: "NVDA", Price: 117.6, Hours: stream.HoursRegular, DayVolume: 820_000_000})
	u = next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 117.6 })
	if v := quoteOf(t, u.Frame, "NVDA").Volume; v != 820_000_000 {
		t.Fatalf("volume %d", v)
	}
	// one counted behind does not take it back
	fx.streamer.Send(stream.Tick{Symbol: "NVDA", Price: 117.7, Hours: stream.HoursRegular, DayVolume: 810_000_000})
	u = next(t, fx.sub, func(u feeds.Update) bool { return quoteOf(t, u.Frame, "NVDA").Price == 117.7 })
	if v := quoteOf(t, u.Frame, "NVDA").Volume; v != 820_000_000 {
		t.Fatalf("volume went back to %d", v)
	}
}
