package yahoo

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// t0 is Monday 27 Jan 2025 10:30 ET, mid-session.
var t0 = time.Date(2025, 1, 27, 10, 30, 0, 0, snapshots.Location())

func et(h, m int) time.Time {
	return time.Date(2025, 1, 27, h, m, 0, 0, snapshots.Location())
}

// instantClock fires After at once and records the waits asked for.
type instantClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *instantClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *instantClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}
func (c *instantClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

func half() float64 { return 0.5 } // jitter factor exactly 1

// fixture is a fake Yahoo with a few symbols and a backend pointed at it.
type fixture struct {
	fake   *fakeyahoo.Server
	clock  *feedstest.FakeClock
	b      *Backend
	c      *Client
	ctx    context.Context
	cancel context.CancelFunc
}

func seedFake(f *fakeyahoo.Server) {
	f.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: 118.42, PrevClose: 142.62, Open: 124.8, High: 128.4, Low: 116.25, Volume: 818830900, Shares: 24490000000, Time: t0})
	f.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Name: "Broadcom Inc.", Price: 199.7, PrevClose: 241.6, Shares: 4690000000, Time: t0})
	f.SetQuote(fakeyahoo.Quote{Symbol: "^GSPC", Type: "INDEX", Name: "S&P 500", Price: 6012.28, PrevClose: 6101.24, Volume: 2100000000, Time: t0})
	f.SetQuote(fakeyahoo.Quote{Symbol: "SMH", Type: "ETF", Name: "VanEck Semiconductor ETF", Price: 233.1, PrevClose: 254.9, Time: t0})
	var bars []fakeyahoo.Bar
	for m := 0; m < 60; m++ {
		t := et(9, 30).Add(time.Duration(m) * time.Minute)
		p := 124.0 - float64(m)*0.1
		bars = append(bars, fakeyahoo.Bar{Time: t, Open: p, High: p + 0.2, Low: p - 0.2, Close: p - 0.05, Volume: 100000})
	}
	f.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 142.62, Bars: bars})
}

func newFixture(t testing.TB, opt Options) *fixture {
	t.Helper()
	fx := &fixture{fake: fakeyahoo.Start(), clock: feedstest.NewFakeClock(t0)}
	t.Cleanup(fx.fake.Close)
	seedFake(fx.fake)
	fx.fake.SetNow(fx.clock.Now)
	opt.BaseURL = fx.fake.URL
	if opt.Clock == nil {
		opt.Clock = fx.clock
	}
	if opt.Rand == nil {
		opt.Rand = half
	}
	if opt.RetryBase == 0 {
		opt.RetryBase = -1
	}
	if opt.Timeout == 0 {
		opt.Timeout = 5 * time.Second
	}
	fx.b = NewBackend(opt)
	fx.c = NewClient(fx.b)
	fx.ctx, fx.cancel = context.WithCancel(context.Background())
	t.Cleanup(fx.cancel)
	return fx
}
