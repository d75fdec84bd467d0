package market_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// benchSnapshot is the embedded week when this build has it, else the
// synthetic test week.
func benchSnapshot(b *testing.B) *snapshots.Snapshot {
	b.Helper()
	s := feedstest.Week(1)
	for _, name := range snapshots.Embedded() {
		if name == realName {
			s = realSnapshot(b)
		}
	}
	return s
}

// BenchmarkPlayFullDataset replays every observation of the whole dataset,
// headless, at maximum speed, with a frame built once per replayed minute.
func BenchmarkPlayFullDataset(b *testing.B) {
	d, err := market.NewDataset(benchSnapshot(b))
	if err != nil {
		b.Fatal(err)
	}
	_, end, _ := d.Span()
	bars, daily, quotes := d.Len()
	p := market.NewPlayer(d)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Reset()
		p.AdvanceTo(end)
		_ = p.Frame()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*(bars+daily))/sec, "bars/s")
	b.ReportMetric(float64(b.N*p.Len())/sec, "obs/s")
	b.ReportMetric(float64(bars+daily+quotes), "records")
}

// BenchmarkPlayFullDatasetFrames plays minute by minute through the main
// days building a frame each minute (what a headless consumer would do).
func BenchmarkPlayFullDatasetFrames(b *testing.B) {
	d, err := market.NewDataset(benchSnapshot(b))
	if err != nil {
		b.Fatal(err)
	}
	start, end, _ := d.Span()
	p := market.NewPlayer(d)
	bars, daily, _ := d.Len()
	b.ReportAllocs()
	b.ResetTimer()
	frames := 0
	for i := 0; i < b.N; i++ {
		p.Reset()
		for t := start; !t.After(end); {
			p.AdvanceTo(t)
			_ = p.Frame()
			frames++
			next := d.StepBar(t, 1)
			if !next.After(t) {
				break
			}
			t = next
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*(bars+daily))/sec, "bars/s")
	b.ReportMetric(float64(frames)/sec, "frames/s")
}

// BenchmarkSeek is At(random t in the week).
func BenchmarkSeek(b *testing.B) {
	d, err := market.NewDataset(benchSnapshot(b))
	if err != nil {
		b.Fatal(err)
	}
	start, end, _ := d.Span()
	rng := rand.New(rand.NewPCG(1, 2))
	ts := make([]time.Time, 1024)
	for i := range ts {
		ts[i] = start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = d.At(ts[i%len(ts)])
	}
}

func BenchmarkNewDataset(b *testing.B) {
	s := benchSnapshot(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := market.NewDataset(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendLive is the live path: one minute bar per symbol appended
// in time order.
func BenchmarkAppendLive(b *testing.B) {
	s := benchSnapshot(b)
	var recs []snapshots.Record
	for _, bar := range s.Bars {
		if bar.Interval != "1d" {
			recs = append(recs, snapshots.BarRecord(bar))
		}
	}
	empty := *s
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	b.ReportAllocs()
	b.ResetTimer()
	var d *market.Dataset
	for i := 0; i < b.N; i++ {
		if i%len(recs) == 0 {
			b.StopTimer()
			d, _ = market.NewDataset(&empty)
			b.StartTimer()
		}
		if err := d.Append(recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
}
