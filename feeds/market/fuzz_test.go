package market_test

import (
	"encoding/binary"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// FuzzSeekEqualsPlay builds a small dataset from arbitrary bytes (bars of
// odd intervals and times, overlapping or duplicated; quotes; daily bars;
// appended in any order) and checks that nothing panics and that At(t)
// still equals playing up to t.
func FuzzSeekEqualsPlay(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Add([]byte("bars and quotes over a weekend, with a daily bar or two"))
	f.Add([]byte{3, 200, 1, 0, 9, 9, 9, 9, 1, 44, 1, 0, 2, 250, 0, 1, 0, 0, 7, 7, 130, 5, 5, 5, 5})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzBody(t, data) })
}

func fuzzBody(t *testing.T, data []byte) {
	{
		if len(data) > 4000 {
			return
		}
		loc := snapshots.Location()
		base := time.Date(2025, time.January, 23, 0, 0, 0, 0, loc)
		h := snapshots.Header{
			Title: "fuzz", Provenance: snapshots.Reconstructed, TimeZone: snapshots.ExchangeZone,
			Symbols: []snapshots.Symbol{
				{Symbol: "A", Kind: snapshots.KindEquity, Shares: &snapshots.Shares{Count: 1000}},
				{Symbol: "B", Kind: snapshots.KindETF},
			},
			Sessions: []snapshots.Session{{Date: "2025-01-24", Open: base.Add(33*time.Hour + 30*time.Minute), Close: base.Add(40 * time.Hour), PrevClose: map[string]float64{"A": 10}}},
		}
		d, err := market.NewDataset(&snapshots.Snapshot{Header: h})
		if err != nil {
			t.Fatal(err)
		}
		intervals := []string{"1m", "5m", "1m", "1d", "30s", "2m"}
		var recs []snapshots.Record
		var probes []time.Time
		for len(data) >= 5 {
			c := data[0]
			mins := int(binary.LittleEndian.Uint16(data[1:3])) % (6 * 24 * 60) // six days
			p := 1 + float64(data[3])/10
			at := base.Add(time.Duration(mins) * time.Minute)
			sym := "A"
			if c&1 == 1 {
				sym = "B"
			}
			switch (c >> 1) % 4 {
			case 0, 1:
				iv := intervals[int(data[4])%len(intervals)]
				if iv == "1d" {
					at = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
				}
				recs = append(recs, snapshots.BarRecord(snapshots.Bar{Time: at, Symbol: sym, Interval: iv,
					Open: p, High: p + 1, Low: p / 2, Close: p + float64(data[4]%3)/4, Volume: int64(data[4])}))
			case 2:
				recs = append(recs, snapshots.QuoteRecord(snapshots.Quote{Time: at.Add(time.Duration(data[4]) * time.Second), Symbol: sym, Price: p, Volume: int64(data[4]) * 10}))
			case 3:
				probes = append(probes, at.Add(time.Duration(data[4])*time.Second))
			}
			data = data[5:]
		}
		// half appended one by one (any order), half in one batch
		half := len(recs) / 2
		for _, r := range recs[:half] {
			_ = d.Append(r)
		}
		_ = d.AppendAll(recs[half:])
		probes = append(probes, base, base.Add(34*time.Hour), base.Add(40*time.Hour), base.Add(7*24*time.Hour))
		sortTimes(probes)
		// the same records read as one snapshot (in the order appended, so
		// that the same bar replaces the same bar)
		whole := &snapshots.Snapshot{Header: h}
		for _, r := range recs {
			if r.Kind == snapshots.RecBar {
				whole.Bars = append(whole.Bars, r.Bar)
			} else {
				whole.Quotes = append(whole.Quotes, r.Quote)
			}
		}
		built, err := market.NewDataset(whole)
		if err != nil {
			t.Fatal(err)
		}
		logRecs := func() {
			for _, r := range recs {
				t.Logf("%s %s %s %+v %+v", r.Kind, r.Bar.Symbol+r.Quote.Symbol, r.Time().Format(time.DateTime), r.Bar, r.Quote)
			}
		}
		// the same records one by one, latest first: only records of the
		// same time keep their order (so that the same bar replaces the
		// same bar), and what a symbol shows must not depend on the rest
		rev, _ := market.NewDataset(&snapshots.Snapshot{Header: h})
		desc := slices.Clone(recs)
		slices.SortStableFunc(desc, func(a, b snapshots.Record) int { return b.Time().Compare(a.Time()) })
		for _, r := range desc {
			_ = rev.Append(r)
		}
		p := market.NewPlayer(d)
		pb := market.NewPlayer(built)
		for _, tt := range probes {
			p.AdvanceTo(tt)
			want := p.Frame()
			got := d.At(tt)
			if !reflect.DeepEqual(got, want) {
				logRecs()
				t.Fatalf("At(%s) differs from playing:\n%s", tt, diffFrames(got, want))
			}
			if b := built.At(tt); !reflect.DeepEqual(got, b) {
				logRecs()
				t.Fatalf("At(%s): appended differs from built:\n%s", tt, diffFrames(got, b))
			}
			if r := rev.At(tt); !reflect.DeepEqual(got, r) {
				logRecs()
				t.Fatalf("At(%s): appended differs from appended latest first:\n%s", tt, diffFrames(got, r))
			}
			pb.AdvanceTo(tt)
			if b := pb.Frame(); !reflect.DeepEqual(got, b) {
				logRecs()
				t.Fatalf("At(%s) differs from playing the built dataset:\n%s", tt, diffFrames(got, b))
			}
			_ = got.Basket(nil)
		}
		_ = d.StepBar(base, 3)
		_ = d.StepBar(base.Add(100*time.Hour), -3)
		_, _ = d.NextObservation(base)
	}
}
