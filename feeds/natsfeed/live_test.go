package natsfeed

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// liveT0 is Monday 27 Jan 2025 10:30 ET, mid-session.
var liveT0 = time.Date(2025, 1, 27, 10, 30, 0, 0, snapshots.Location())

// liveRig is a Yahoo live source on the local fake, polled by hand on a
// fake clock, relayed by a publisher.
type liveRig struct {
	fake  *fakeyahoo.Server
	clock *feedstest.FakeClock
	live  *yahoo.Live
	rec   *LiveRecorder
	pub   *Publisher
	own   <-chan feeds.Update // the source's own updates (a local viewer's)
}

func startLiveRelay(t *testing.T, ctx context.Context, url, feed string) *liveRig {
	t.Helper()
	r := &liveRig{fake: fakeyahoo.Start(), clock: feedstest.NewFakeClock(liveT0), rec: NewLiveRecorder()}
	t.Cleanup(r.fake.Close)
	r.fake.SetNow(r.clock.Now)
	r.fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: 118.42, PrevClose: 142.62, Open: 124.8, High: 128.4, Low: 116.25, Volume: 818830900, Shares: 24490000000, Time: liveT0})
	r.fake.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Name: "Broadcom Inc.", Price: 199.7, PrevClose: 241.6, Shares: 4690000000, Time: liveT0})
	r.fake.SetQuote(fakeyahoo.Quote{Symbol: "^GSPC", Type: "INDEX", Name: "S&P 500", Price: 6012.28, PrevClose: 6101.24, Time: liveT0})
	var bars []fakeyahoo.Bar
	for m := 0; m < 60; m++ {
		p := 124.0 - float64(m)*0.1
		bars = append(bars, fakeyahoo.Bar{Time: liveT0.Add(time.Duration(m-60) * time.Minute), Open: p, High: p + 0.2, Low: p - 0.2, Close: p - 0.05, Volume: 100000})
	}
	r.fake.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 142.62, Bars: bars})
	c := yahoo.NewClient(yahoo.NewBackend(yahoo.Options{BaseURL: r.fake.URL, Clock: r.clock, RetryBase: -1, Timeout: 5 * time.Second}))
	var err error
	r.live, err = yahoo.NewLive(c, r.clock, yahoo.LiveOptions{
		Symbols:  []snapshots.Symbol{{Symbol: "NVDA"}, {Symbol: "AVGO"}, {Symbol: "^GSPC"}},
		Interval: 5 * time.Second,
		Record:   func(h snapshots.Header) (yahoo.Recorder, error) { return r.rec.Open(h) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.own = r.live.Subscribe(ctx)
	r.pub, err = NewPublisher(ctx, connect(t, url), feed, PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// poll polls once and returns the source's own frame after it.
func (r *liveRig) poll(t *testing.T, ctx context.Context) feeds.Update {
	t.Helper()
	r.live.Poll(ctx)
	now := r.clock.Now()
	return waitFor(t, r.own, "the live source's frame", func(u feeds.Update) bool {
		return u.Frame != nil && u.Frame.Time.Equal(now)
	})
}

// A node rebuilds a live relay's frames exactly: prices, quote times, the
// source, and the stale mark of a symbol Yahoo stopped answering for,
// with the relay's health ("no quote for AVGO") and live mode.
func TestLiveRelayFramesAreTheSourcesFrames(t *testing.T) {
	ctx, url := serverFor(t)
	r := startLiveRelay(t, ctx, url, "live")
	r.poll(t, ctx) // the first poll: the header, the session, the backfill
	h, err := r.rec.Header(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Sessions) != 1 || h.Symbols[0].Name != "NVIDIA Corporation" {
		t.Fatalf("header %+v: want the session and Yahoo's names", h)
	}
	if err := r.pub.Begin(ctx, h, nil); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = r.pub.Run(ctx, LiveSource(r.live, r.rec), feeds.RealClock{}, func(err error) { t.Log("relay:", err) })
	}()
	var nodes []<-chan feeds.Update
	for range 2 {
		_, ch := startSub(t, ctx, url, "live")
		nodes = append(nodes, ch)
	}
	staleSeen := false
	for i := range 7 {
		if i == 1 {
			r.fake.Omit("AVGO") // no quote: AVGO goes stale after three intervals
		}
		r.clock.Advance(5 * time.Second)
		if i == 3 {
			r.fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: 117.5, PrevClose: 142.62, Volume: 820000000, Shares: 24490000000, Time: r.clock.Now()})
		}
		own := r.poll(t, ctx)
		for n, ch := range nodes {
			got := waitFor(t, ch, "the node's frame", func(u feeds.Update) bool { return u.Frame != nil && u.Frame.Time.Equal(own.Frame.Time) })
			sameFrame(t, "node", own.Frame, got.Frame)
			if got.Mode != feeds.ModeLive || got.Health.State != own.Health.State || got.Health.Detail != own.Health.Detail || got.Health.StaleAfter != own.Health.StaleAfter {
				t.Fatalf("node %d: mode %s health %+v; relay's %+v", n, got.Mode, got.Health, own.Health)
			}
			if q := got.Frame.Quotes[got.Frame.Index("AVGO")]; q.Stale {
				staleSeen = true
				if !strings.Contains(got.Health.Detail, "no quote for AVGO") {
					t.Fatalf("stale AVGO without the relay's health: %+v", got.Health)
				}
			}
		}
	}
	if !staleSeen {
		t.Fatal("AVGO never went stale on the nodes")
	}
	if q := r.live.Stats(); q.Recorded == 0 || r.rec.Dropped() != 0 {
		t.Fatalf("recorded %d, dropped %d", q.Recorded, r.rec.Dropped())
	}
}

// A state's live fields are bounded and checked: too many marks or
// sessions, or a session without a date, and the state is refused.
func TestDecodeStateBoundsLiveFields(t *testing.T) {
	base := State{Run: "r", Time: liveT0, Mode: feeds.ModeLive}
	ok := base
	ok.Quotes = []QuoteMark{{Symbol: "NVDA", Source: "yahoo", Updated: liveT0, Stale: true}}
	ok.Sessions = []snapshots.Session{{Date: "2025-01-27", Open: liveT0, Close: liveT0.Add(time.Hour)}}
	b, err := encodeState(ok)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeState(b)
	if err != nil || len(got.Quotes) != 1 || !got.Quotes[0].Stale || !got.Quotes[0].Updated.Equal(liveT0) {
		t.Fatalf("decode %+v, %v", got, err)
	}
	many := base
	many.Quotes = make([]QuoteMark, maxMarks+1)
	badDate := base
	badDate.Sessions = []snapshots.Session{{Date: "27 Jan"}}
	for name, s := range map[string]State{"too many marks": many, "bad session date": badDate} {
		b, err := encodeState(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeState(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
