package natsfeed

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// BenchmarkRelayToNode measures end-to-end latency on loopback: from the
// relay publishing a state to a node's hub delivering the rebuilt frame
// (embedded JetStream server, the embedded replay's dataset). It reports
// p50 and p99 and the state message size.
func BenchmarkRelayToNode(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := startServer(b, b.TempDir(), 0)
	defer srv.Shutdown()
	url := srv.ClientURL()
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	pub, err := NewPublisher(ctx, connect(b, url), "bench", PublisherOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := pub.Begin(ctx, snap.Header, SnapshotRecords(snap)); err != nil {
		b.Fatal(err)
	}
	_, ch := startSub(b, ctx, url, "bench")
	open := time.Date(2025, 1, 27, 9, 30, 0, 0, snapshots.Location())
	send := func(i int) time.Time {
		t := open.Add(time.Duration(i%390) * time.Minute).Add(time.Duration(i/390) * time.Second)
		err := pub.State(ctx, feeds.Update{Seq: uint64(i), Mode: feeds.ModeReplay, Frame: &market.Frame{Time: t},
			Health: feeds.Health{State: feeds.HealthOK}, Clock: &feeds.ClockStatus{Speed: 120}}, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		return t
	}
	recv := func(t time.Time) {
		waitFor(b, ch, "bench frame", at(t))
	}
	recv(send(0)) // the node has read the records
	before := pub.Stats()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		start := time.Now()
		recv(send(i))
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	after := pub.Stats()
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(after.Bytes-before.Bytes)/float64(b.N), "state-B")
}

// BenchmarkReplayFeedTraffic measures a playing replay's NATS traffic per
// feed (default speed and cadence) for 5 s of wall time, after the run's
// start (header and records), which it reports apart. Run with
// -benchtime 1x.
func BenchmarkReplayFeedTraffic(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := startServer(b, b.TempDir(), 0)
	defer srv.Shutdown()
	for i := 0; i < b.N; i++ {
		rctx, stop := context.WithCancel(ctx)
		snap := mustLoad(b)
		ds, err := market.NewDataset(snap)
		if err != nil {
			b.Fatal(err)
		}
		rp, err := replay.New(ds, feeds.RealClock{}, replay.Options{})
		if err != nil {
			b.Fatal(err)
		}
		pub, err := NewPublisher(rctx, connect(b, srv.ClientURL()), "traffic", PublisherOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := pub.Begin(rctx, snap.Header, SnapshotRecords(snap)); err != nil {
			b.Fatal(err)
		}
		start := pub.Stats()
		rp.Start(rctx)
		go func() { _ = pub.Run(rctx, rp, feeds.RealClock{}, nil) }()
		const span = 5 * time.Second
		time.Sleep(span)
		stop()
		end := pub.Stats()
		b.ReportMetric(float64(start.Messages), "start-msgs")
		b.ReportMetric(float64(start.Bytes), "start-B")
		b.ReportMetric(float64(end.Messages-start.Messages)/span.Seconds(), "msgs/s")
		b.ReportMetric(float64(end.Bytes-start.Bytes)/span.Seconds(), "B/s")
	}
}

// BenchmarkLiveFeedTraffic measures a live relay's NATS traffic per feed:
// a Yahoo live source on the local fake (22 symbols, the size of the
// default watchlist, every one trading between polls), polled at the
// default interval (5 s) with no price stream, for 30 s of wall time
// after the run's start (header, backfill, first poll), which it reports
// apart. Run with -benchtime 1x.
func BenchmarkLiveFeedTraffic(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := startServer(b, b.TempDir(), 0)
	defer srv.Shutdown()
	for i := 0; i < b.N; i++ {
		rctx, stop := context.WithCancel(ctx)
		fake := fakeyahoo.Start()
		clock := movedClock{off: time.Until(liveT0)}
		fake.SetNow(clock.Now)
		var syms []snapshots.Symbol
		price := func(k, n int) float64 { return 100 + float64(k) + float64(n%50)/100 }
		setAll := func(n int) {
			for k := range 22 {
				sym := fmt.Sprintf("S%02d", k)
				fake.SetQuote(fakeyahoo.Quote{Symbol: sym, Name: "Symbol " + sym, Price: price(k, n), PrevClose: 110, Volume: int64(1e6 + n*1000), Shares: 1e9, Time: clock.Now()})
			}
		}
		for k := range 22 {
			syms = append(syms, snapshots.Symbol{Symbol: fmt.Sprintf("S%02d", k)})
		}
		setAll(0)
		rec := NewLiveRecorder()
		c := yahoo.NewClient(yahoo.NewBackend(yahoo.Options{BaseURL: fake.URL, Clock: clock, Timeout: 5 * time.Second}))
		live, err := yahoo.NewLive(c, clock, yahoo.LiveOptions{Symbols: syms,
			Record: func(h snapshots.Header) (yahoo.Recorder, error) { return rec.Open(h) }})
		if err != nil {
			b.Fatal(err)
		}
		pub, err := NewPublisher(rctx, connect(b, srv.ClientURL()), "livetraffic", PublisherOptions{})
		if err != nil {
			b.Fatal(err)
		}
		go func() { _ = live.Run(rctx) }()
		h, err := rec.Header(rctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := pub.Begin(rctx, h, nil); err != nil {
			b.Fatal(err)
		}
		go func() { _ = pub.Run(rctx, LiveSource(live, rec), feeds.RealClock{}, nil) }()
		time.Sleep(time.Second) // the first poll's records and state
		start := pub.Stats()
		const span = 30 * time.Second
		for n := 1; n <= int(span/time.Second); n++ {
			setAll(n) // every symbol trades between polls
			time.Sleep(time.Second)
		}
		stop()
		end := pub.Stats()
		fake.Close()
		b.ReportMetric(float64(start.Messages), "start-msgs")
		b.ReportMetric(float64(start.Bytes), "start-B")
		b.ReportMetric(float64(end.Messages-start.Messages)/span.Seconds(), "msgs/s")
		b.ReportMetric(float64(end.Bytes-start.Bytes)/span.Seconds(), "B/s")
		b.ReportMetric(float64(live.Stats().Requests)/float64(live.Stats().Polls), "req/poll")
	}
}

// movedClock is the wall clock moved to another instant, running at real
// speed.
type movedClock struct{ off time.Duration }

func (c movedClock) Now() time.Time                         { return time.Now().Add(c.off) }
func (c movedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
