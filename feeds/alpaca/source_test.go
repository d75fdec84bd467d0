package alpaca_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alpaca"
	"github.com/selloff/selloff/feeds/alpaca/fakealpaca"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// the key is long and unusual so that a leak is easy to find
var key = alpaca.Key{ID: "PKTESTKEYID0123456789", Secret: "sEcReT-ab12cd34ef56gh78ij90kl12mn34op56"}

var (
	loc = snapshots.Location()
	t0  = time.Date(2025, 1, 27, 10, 30, 0, 0, loc)
)

func seed(f *fakealpaca.Server) {
	mon := time.Date(2025, 1, 27, 0, 0, 0, 0, loc)
	fri := time.Date(2025, 1, 24, 0, 0, 0, 0, loc)
	f.Set("NVDA", fakealpaca.Snap{Price: 118.42, TradeTime: t0.Add(-2 * time.Second), Daily: 118.42, DailyDate: mon, PrevClose: 142.62, PrevDate: fri})
	f.Set("AVGO", fakealpaca.Snap{Price: 199.7, TradeTime: t0.Add(-time.Second), Daily: 199.7, DailyDate: mon, PrevClose: 241.6, PrevDate: fri})
	f.Set("BRK.B", fakealpaca.Snap{Price: 470.1, TradeTime: t0.Add(-time.Second), Daily: 470.1, DailyDate: mon, PrevClose: 466, PrevDate: fri})
}

type fixture struct {
	fake  *fakealpaca.Server
	clock *feedstest.FakeClock
	src   *alpaca.Source
	sub   <-chan feeds.Update
	ctx   context.Context
	last  feeds.Update
	seen  []feeds.Update
}

func start(t *testing.T, k alpaca.Key, mutate func(*alpaca.Options, *fakealpaca.Server)) *fixture {
	t.Helper()
	fx := &fixture{fake: fakealpaca.Start(key.ID, key.Secret), clock: feedstest.NewFakeClock(t0)}
	t.Cleanup(fx.fake.Close)
	seed(fx.fake)
	opt := alpaca.Options{
		Key: k, BaseURL: fx.fake.URL(), StreamURL: fx.fake.StreamURL(), Clock: fx.clock,
		Symbols:    []snapshots.Symbol{{Symbol: "NVDA"}, {Symbol: "AVGO"}, {Symbol: "BRK-B"}, {Symbol: "^IXIC"}, {Symbol: "NOPE"}},
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Jitter:     func() float64 { return 0 },
	}
	if mutate != nil {
		mutate(&opt, fx.fake)
	}
	src, err := alpaca.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	fx.src = src
	ctx, cancel := context.WithCancel(context.Background())
	fx.ctx = ctx
	fx.sub = src.Subscribe(ctx)
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return fx
}

// until returns the first update (the last one seen included) that ok accepts.
func (fx *fixture) until(t *testing.T, ok func(feeds.Update) bool) feeds.Update {
	t.Helper()
	if fx.last.Frame != nil && ok(fx.last) {
		return fx.last
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case u, open := <-fx.sub:
			if !open {
				t.Fatal("the source stopped")
			}
			fx.last = u
			fx.seen = append(fx.seen, u)
			if ok(u) {
				return u
			}
		case <-timeout:
			t.Fatalf("no matching update; last health %+v", fx.last.Health)
		}
	}
}

func quote(t *testing.T, f *market.Frame, sym string) market.Quote {
	t.Helper()
	i := f.Index(sym)
	if i < 0 {
		t.Fatalf("no %s", sym)
	}
	return f.Quotes[i]
}

func streaming(u feeds.Update) bool {
	return u.Health.Stream.State == "streaming" && u.Health.State != feeds.HealthReauth
}

func TestSourcePollAndStream(t *testing.T) {
	fx := start(t, key, nil)
	u := fx.until(t, streaming)
	f := u.Frame
	nv := quote(t, f, "NVDA")
	if !nv.HasPrice || nv.Price != 118.42 || nv.PrevClose != 142.62 || nv.Source != "alpaca-iex" {
		t.Fatalf("NVDA %+v", nv)
	}
	if _, pct, ok := nv.Change(); !ok || pct > -16 {
		t.Fatalf("NVDA change %v %v", pct, ok)
	}
	if q := quote(t, f, "BRK-B"); q.Price != 470.1 {
		t.Fatalf("BRK-B (BRK.B on Alpaca) %+v", q)
	}
	// rows without a price say why
	if q := quote(t, f, "^IXIC"); q.HasPrice || q.Note != "no index quotes on Alpaca" {
		t.Fatalf("^IXIC %+v", q)
	}
	if q := quote(t, f, "NOPE"); q.HasPrice || !strings.Contains(q.Note, "no data for NOPE") {
		t.Fatalf("NOPE %+v", q)
	}
	if u.Health.State != feeds.HealthDegraded || !strings.Contains(u.Health.Detail, "NOPE") {
		t.Fatalf("health %+v", u.Health)
	}
	// volume is IEX's sliver: unknown, not shown as the day's
	if i := f.Index("NVDA"); !f.Symbols[i].NoVolume || nv.Volume != 0 {
		t.Fatalf("volume shown: %+v", nv)
	}

	// a streamed trade moves the price with no poll
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !fx.fake.WaitSubscribed(ctx, "NVDA") {
		t.Fatal("never subscribed")
	}
	polls := fx.fake.Snapshots()
	fx.fake.SendTrade("NVDA", 117.05, t0)
	fx.until(t, func(u feeds.Update) bool { return quote(t, u.Frame, "NVDA").Price == 117.05 })
	if fx.fake.Snapshots() != polls {
		t.Fatal("the streamed price needed a poll")
	}
	// garbage is counted, not fatal
	fx.fake.SendRaw([]byte("not json"))
	fx.fake.SendRaw([]byte(`[{"T":"q","S":"NVDA"},{"T":"t","S":"NVDA","p":-1,"t":"2025-01-27T15:30:00Z"}]`))
	fx.fake.SendTrade("AVGO", 200.01, t0)
	u = fx.until(t, func(u feeds.Update) bool { return quote(t, u.Frame, "AVGO").Price == 200.01 })
	if u.Health.Stream.Bad != 3 || u.Health.Stream.State != "streaming" || fx.fake.Connects() != 1 {
		t.Fatalf("after garbage: %+v, %d connects", u.Health.Stream, fx.fake.Connects())
	}
}

func TestSourceDropFallsBackAndComesBack(t *testing.T) {
	fx := start(t, key, nil)
	fx.until(t, streaming)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !fx.fake.WaitSubscribed(ctx, "NVDA") {
		t.Fatal("never subscribed")
	}
	polls := fx.fake.Snapshots()
	fx.fake.Set("NVDA", fakealpaca.Snap{Price: 116.9, TradeTime: t0, Daily: 116.9, DailyDate: t0, PrevClose: 142.62, PrevDate: t0.AddDate(0, 0, -3)})
	fx.fake.Drop()
	// the drop polls at once (no clock move) and shows the stream down
	u := fx.until(t, func(u feeds.Update) bool { return quote(t, u.Frame, "NVDA").Price == 116.9 })
	if fx.fake.Snapshots() != polls+1 {
		t.Fatalf("snapshots %d -> %d", polls, fx.fake.Snapshots())
	}
	u = fx.until(t, func(u feeds.Update) bool {
		return u.Health.Stream.State == "down" || u.Health.Stream.State == "connecting"
	})
	// the reconnect brings the stream back
	for i := 0; i < 100 && !streaming(fx.last); i++ {
		fx.clock.Advance(time.Second)
		select {
		case u := <-fx.sub:
			fx.last = u
		case <-time.After(20 * time.Millisecond):
		}
	}
	fx.until(t, streaming)
	if fx.fake.Connects() < 2 {
		t.Fatalf("%d connects", fx.fake.Connects())
	}
	_ = u
}

func TestKeyNeverShown(t *testing.T) {
	leak := func(t *testing.T, what, s string) {
		t.Helper()
		if strings.Contains(s, key.ID) || strings.Contains(s, key.Secret) {
			t.Fatalf("%s shows the key: %q", what, s)
		}
	}
	check := func(t *testing.T, fx *fixture) {
		t.Helper()
		for _, u := range fx.seen {
			leak(t, "health", fmt.Sprintf("%+v", u.Health))
		}
		for _, u := range fx.fake.URLs() {
			leak(t, "a request URL", u)
		}
	}
	t.Run("wrong_key", func(t *testing.T) {
		bad := alpaca.Key{ID: key.ID, Secret: key.Secret + "x"}
		fx := start(t, bad, nil)
		u := fx.until(t, func(u feeds.Update) bool {
			return u.Health.LastErr != "" && u.Health.Stream.State == "down"
		})
		if !strings.Contains(u.Health.LastErr, "refused the key") || !strings.Contains(u.Health.Stream.LastErr, "auth failed") {
			t.Fatalf("health %+v", u.Health)
		}
		// a refused key is not hammered: the next tries wait minutes
		if d := u.Health.RetryAt.Sub(t0); d < time.Minute {
			t.Fatalf("retry in %s", d)
		}
		if d := u.Health.Stream.RetryAt.Sub(t0); d < time.Minute {
			t.Fatalf("stream retry in %s", d)
		}
		check(t, fx)
	})
	t.Run("server_faults", func(t *testing.T) {
		fx := start(t, key, func(o *alpaca.Options, _ *fakealpaca.Server) { o.NoStream = true })
		fx.fake.FailREST(http.StatusTooManyRequests, 1)
		u := fx.until(t, func(u feeds.Update) bool { return strings.Contains(u.Health.LastErr, "429") })
		fx.fake.FailREST(http.StatusInternalServerError, 1)
		fx.clock.BlockUntil(1, 5*time.Second) // the poll waits for its retry
		fx.clock.Advance(u.Health.RetryAt.Sub(fx.clock.Now()))
		u = fx.until(t, func(u feeds.Update) bool { return strings.Contains(u.Health.LastErr, "500") })
		fx.clock.BlockUntil(1, 5*time.Second)
		fx.clock.Advance(u.Health.RetryAt.Sub(fx.clock.Now()))
		fx.until(t, func(u feeds.Update) bool { return u.Health.LastErr == "" && quote(t, u.Frame, "NVDA").HasPrice })
		check(t, fx)
	})
	t.Run("offline", func(t *testing.T) {
		fx := start(t, key, func(o *alpaca.Options, _ *fakealpaca.Server) {
			o.BaseURL, o.StreamURL = "http://127.0.0.1:1", "ws://127.0.0.1:1/v2/iex"
		})
		u := fx.until(t, func(u feeds.Update) bool { return u.Health.LastErr != "" && u.Health.Stream.State == "down" })
		if !strings.Contains(u.Health.LastErr, "cannot reach Alpaca") {
			t.Fatalf("health %+v", u.Health)
		}
		check(t, fx)
	})
	t.Run("printing", func(t *testing.T) {
		opt := alpaca.Options{Key: key}
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			leak(t, f, fmt.Sprintf(f, opt))
			leak(t, f, fmt.Sprintf(f, key))
		}
	})
}

func TestNewNeedsAKey(t *testing.T) {
	_, err := alpaca.New(alpaca.Options{Clock: feedstest.NewFakeClock(t0), Symbols: []snapshots.Symbol{{Symbol: "NVDA"}}})
	if err == nil || !strings.Contains(err.Error(), "APCA_API_KEY_ID") {
		t.Fatalf("err %v", err)
	}
	_, err = alpaca.New(alpaca.Options{Key: key, Clock: feedstest.NewFakeClock(t0), Symbols: []snapshots.Symbol{{Symbol: "^GSPC"}}})
	if err == nil || !strings.Contains(err.Error(), "none of the symbols") {
		t.Fatalf("err %v", err)
	}
}

func TestSourceRollsToTheNextSession(t *testing.T) {
	fx := start(t, key, func(o *alpaca.Options, _ *fakealpaca.Server) { o.NoStream = true })
	fx.until(t, func(u feeds.Update) bool { return quote(t, u.Frame, "NVDA").HasPrice })
	// the next morning: a pre-market trade, Monday's bar is now the previous one
	mon := time.Date(2025, 1, 27, 0, 0, 0, 0, loc)
	fx.fake.Set("NVDA", fakealpaca.Snap{Price: 121.5, TradeTime: time.Date(2025, 1, 28, 8, 0, 0, 0, loc), Daily: 118.42, DailyDate: mon, PrevClose: 142.62, PrevDate: mon.AddDate(0, 0, -3)})
	fx.clock.BlockUntil(1, 5*time.Second) // the poll waits for its next turn
	fx.clock.Advance(time.Date(2025, 1, 28, 8, 0, 5, 0, loc).Sub(fx.clock.Now()))
	u := fx.until(t, func(u feeds.Update) bool {
		s, ok := u.Frame.CurrentSession()
		return ok && s.Date == "2025-01-28"
	})
	q := quote(t, u.Frame, "NVDA")
	if q.PrevClose != 118.42 {
		t.Fatalf("previous close %v, want Monday's 118.42", q.PrevClose)
	}
}

func TestStreamStallReconnects(t *testing.T) {
	fx := start(t, key, func(o *alpaca.Options, _ *fakealpaca.Server) { o.StreamTimeout = 300 * time.Millisecond })
	fx.until(t, streaming)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !fx.fake.WaitSubscribed(ctx, "NVDA") {
		t.Fatal("never subscribed")
	}
	fx.fake.SetStall(true)
	defer fx.fake.SetStall(false)
	// the ping after 30 s goes unanswered
	if !fx.clock.BlockUntil(2, 5*time.Second) { // the poll and the ping
		t.Fatal("no ping timer")
	}
	fx.clock.Advance(alpaca.PingEvery)
	u := fx.until(t, func(u feeds.Update) bool { return u.Health.Stream.State == "down" })
	if !strings.Contains(u.Health.Stream.LastErr, "stalled") {
		t.Fatalf("stream %+v", u.Health.Stream)
	}
}

// Started after the bell, the row shows the day's close as the last price
// and the after-hours trade as the post-market price.
func TestSourceAfterTheClose(t *testing.T) {
	evening := time.Date(2025, 1, 27, 18, 0, 0, 0, loc)
	mon := time.Date(2025, 1, 27, 0, 0, 0, 0, loc)
	fri := time.Date(2025, 1, 24, 0, 0, 0, 0, loc)
	f := start(t, key, func(o *alpaca.Options, fake *fakealpaca.Server) {
		o.NoStream = true
		o.Clock = feedstest.NewFakeClock(evening)
		fake.Set("NVDA", fakealpaca.Snap{Price: 119.1, TradeTime: time.Date(2025, 1, 27, 17, 59, 0, 0, loc), Daily: 118.42, DailyDate: mon, PrevClose: 142.62, PrevDate: fri})
	})
	u := f.until(t, func(u feeds.Update) bool { return quote(t, u.Frame, "NVDA").HasPrice })
	q := quote(t, u.Frame, "NVDA")
	if q.Price != 118.42 || !q.HasExt || q.ExtPrice != 119.1 || q.State != snapshots.StatePost {
		t.Fatalf("NVDA after the close: %+v", q)
	}
}
