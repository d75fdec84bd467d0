package market_test

import (
	"fmt"
	"math"
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
	benchSeek(b, benchSnapshot(b))
}

// benchSeek times At at 1,024 random instants of s's span.
func benchSeek(b *testing.B, s *snapshots.Snapshot) {
	d, err := market.NewDataset(s)
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

// recordedDay is what a live recording of a whole session holds: nsym
// symbols polled every 5 s from 09:30 to 16:00 (synthetic prices), quotes
// only, so every 1-minute bar is derived. With forming set the data ends
// in the middle of the 15:59 minute.
func recordedDay(nsym int, forming bool) *snapshots.Snapshot {
	loc := snapshots.Location()
	at := func(h, m, s int) time.Time { return time.Date(2025, time.January, 27, h, m, s, 0, loc) }
	s := &snapshots.Snapshot{Header: snapshots.Header{Title: "recorded day", Provenance: snapshots.Recorded, TimeZone: snapshots.ExchangeZone,
		Sessions: []snapshots.Session{{Date: "2025-01-27", Open: at(9, 30, 0), Close: at(16, 0, 0)}}}}
	rng := rand.New(rand.NewPCG(1, 1))
	price := make([]float64, nsym)
	vol := make([]int64, nsym)
	for i := range nsym {
		s.Header.Symbols = append(s.Header.Symbols, snapshots.Symbol{Symbol: fmt.Sprintf("S%02d", i), Kind: snapshots.KindEquity})
		price[i] = 100
	}
	end := at(16, 0, 0)
	if forming {
		end = at(15, 59, 31)
	}
	for t := at(9, 30, 0); t.Before(end); t = t.Add(5 * time.Second) {
		for i := range nsym {
			price[i] *= 1 + (rng.Float64()-0.5)*0.002
			vol[i] += rng.Int64N(10000)
			s.Quotes = append(s.Quotes, snapshots.Quote{Time: t, Symbol: s.Header.Symbols[i].Symbol, Price: math.Round(price[i]*100) / 100, Volume: vol[i], State: snapshots.StateRegular})
		}
	}
	return s
}

// BenchmarkNewDatasetRecorded builds a 50-symbol recorded session (234,000
// quotes, 19,500 derived bars).
func BenchmarkNewDatasetRecorded(b *testing.B) {
	s := recordedDay(50, false)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := market.NewDataset(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(s.Quotes))/b.Elapsed().Seconds(), "quotes/s")
}

// BenchmarkSeekRecorded is At(random t) in a 50-symbol recorded session.
func BenchmarkSeekRecorded(b *testing.B) {
	benchSeek(b, recordedDay(50, false))
}

// BenchmarkSeekRecordedForming is At a minute after the end of a live
// dataset (grown poll by poll) whose last derived bars are still forming:
// the frame copies each symbol's session bars to add them (the slow case
// of At, for a frame past everything the live source has seen).
func BenchmarkSeekRecordedForming(b *testing.B) {
	s := recordedDay(50, true)
	d, err := market.NewDataset(&snapshots.Snapshot{Header: s.Header})
	if err != nil {
		b.Fatal(err)
	}
	for k := 0; k < len(s.Quotes); k += 50 {
		var recs []snapshots.Record
		for _, q := range s.Quotes[k : k+50] {
			recs = append(recs, snapshots.QuoteRecord(q))
		}
		if err := d.AppendAll(recs); err != nil {
			b.Fatal(err)
		}
	}
	_, end, _ := d.Span()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = d.At(end.Add(time.Minute))
	}
}

// BenchmarkPlayRecorded plays a 50-symbol recorded session from the start.
func BenchmarkPlayRecorded(b *testing.B) {
	d, err := market.NewDataset(recordedDay(50, false))
	if err != nil {
		b.Fatal(err)
	}
	_, end, _ := d.Span()
	bars, _, quotes := d.Len()
	p := market.NewPlayer(d)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Reset()
		p.AdvanceTo(end)
		_ = p.Frame()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*bars)/sec, "bars/s")
	b.ReportMetric(float64(b.N*(bars+quotes))/sec, "records/s")
}

// BenchmarkAppendPoll is the live path with quotes: one op is one poll of
// 50 symbols (one AppendAll of 50 quotes, in time order) into a dataset
// that grows through the session; each quote updates its symbol's forming
// 1-minute bar.
func BenchmarkAppendPoll(b *testing.B) {
	s := recordedDay(50, false)
	const nsym = 50
	polls := len(s.Quotes) / nsym
	recs := make([]snapshots.Record, len(s.Quotes))
	for i, q := range s.Quotes {
		recs[i] = snapshots.QuoteRecord(q)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var d *market.Dataset
	for i := 0; i < b.N; i++ {
		k := i % polls
		if k == 0 {
			b.StopTimer()
			d, _ = market.NewDataset(&snapshots.Snapshot{Header: s.Header})
			b.StartTimer()
		}
		if err := d.AppendAll(recs[k*nsym : (k+1)*nsym]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*nsym), "ns/quote")
}
