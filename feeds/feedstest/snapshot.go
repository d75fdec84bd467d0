package feedstest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Week returns a small, deterministic, made-up snapshot for tests: four
// sessions (Thu 23, Fri 24, Mon 27 and Tue 28 January 2025) with one-minute
// regular-session bars, a little pre- and post-market data, context daily
// bars, a few quotes and events. Its prices are synthetic (a seeded random
// walk): they are not the real market and the header says so.
func Week(seed uint64) *snapshots.Snapshot {
	loc := snapshots.Location()
	rng := rand.New(rand.NewPCG(seed, seed^0x5e110ff))
	day := func(d int) time.Time { return time.Date(2025, time.January, d, 0, 0, 0, 0, loc) }
	at := func(d, h, m int) time.Time { return time.Date(2025, time.January, d, h, m, 0, 0, loc) }
	shares := func(n int64) *snapshots.Shares {
		return &snapshots.Shares{Count: n, AsOf: "2025-01-01", Source: "test"}
	}
	syms := []snapshots.Symbol{
		{Symbol: "NVDA", Name: "NVIDIA", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted, Shares: shares(24_490_000_000)},
		{Symbol: "AVGO", Name: "Broadcom", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted, Shares: shares(4_690_000_000)},
		{Symbol: "GOOGL", Name: "Alphabet A", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted, Company: "Alphabet", Shares: shares(12_200_000_000)},
		{Symbol: "GOOG", Name: "Alphabet C", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted, Company: "Alphabet"},
		{Symbol: "VST", Name: "Vistra", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted}, // no share count
		{Symbol: "QQQ", Name: "Invesco QQQ", Kind: snapshots.KindETF, Currency: "USD", PriceBasis: snapshots.BasisPrinted},
		{Symbol: "^IXIC", Name: "Nasdaq Composite", Kind: snapshots.KindIndex, Currency: "USD", PriceBasis: snapshots.BasisPrinted, NoVolume: true},
		{Symbol: "TSM", Name: "TSMC", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted}, // no data at all
	}
	start := map[string]float64{"NVDA": 140, "AVGO": 240, "GOOGL": 200, "GOOG": 201, "VST": 170, "QQQ": 530, "^IXIC": 19900}
	days := []int{23, 24, 27, 28}
	var sessions []snapshots.Session
	for _, d := range days {
		sessions = append(sessions, snapshots.Session{Date: day(d).Format(time.DateOnly), Open: at(d, 9, 30), Close: at(d, 16, 0)})
	}
	s := &snapshots.Snapshot{Header: snapshots.Header{
		Record: snapshots.RecHeader, Format: snapshots.FormatName, Version: snapshots.FormatVersion,
		Title: "test week (synthetic prices)", Provenance: snapshots.Reconstructed,
		Source: fmt.Sprintf("feedstest.Week(%d): seeded random walk", seed), TimeZone: snapshots.ExchangeZone,
		MainDay: "2025-01-27", Symbols: syms, Sessions: sessions,
	}}
	round := func(x float64) float64 { return math.Round(x*100) / 100 }
	last := map[string]float64{}
	// context daily bars: Jan 21 and 22 (no intraday data), then one per session
	for _, d := range []int{21, 22} {
		for _, sy := range syms[:7] {
			p := start[sy.Symbol] * (1 + (rng.Float64()-0.5)*0.02)
			o, c := round(p), round(p*(1+(rng.Float64()-0.5)*0.02))
			var vol int64
			if !sy.NoVolume {
				vol = 1_000_000 + rng.Int64N(1_000_000)
			}
			s.Bars = append(s.Bars, snapshots.Bar{Time: day(d), Symbol: sy.Symbol, Interval: "1d",
				Open: o, High: round(max(o, c) * 1.01), Low: round(min(o, c) * 0.99), Close: c, Volume: vol})
			last[sy.Symbol] = c
		}
	}
	// the previous close of the first session comes from the header for NVDA
	s.Header.Sessions[0].PrevClose = map[string]float64{"NVDA": last["NVDA"]}
	type rec struct {
		t time.Time
		r snapshots.Record
	}
	var intraday []snapshots.Bar
	var daily []snapshots.Bar
	for _, d := range days {
		for _, sy := range syms[:7] {
			p := last[sy.Symbol]
			if d == 27 {
				p *= 0.85 + rng.Float64()*0.1 // the selloff
			}
			var dOpen, dHigh, dLow, dClose float64
			var dVol int64
			first := true
			emit := func(t time.Time, interval string) {
				o := round(p)
				p *= 1 + (rng.Float64()-0.5)*0.004
				c := round(p)
				h := round(max(o, c) * (1 + rng.Float64()*0.001))
				l := round(min(o, c) * (1 - rng.Float64()*0.001))
				var v int64
				if !sy.NoVolume {
					v = 1000 + rng.Int64N(50000)
				}
				intraday = append(intraday, snapshots.Bar{Time: t, Symbol: sy.Symbol, Interval: interval, Open: o, High: h, Low: l, Close: c, Volume: v})
				reg := !t.Before(at(d, 9, 30)) && t.Before(at(d, 16, 0))
				if reg {
					if first {
						dOpen, dHigh, dLow, first = o, h, l, false
					}
					dHigh, dLow, dClose = max(dHigh, h), min(dLow, l), c
					dVol += v
				}
			}
			// NVDA trades pre-market on Monday (5-minute bars from 04:00)
			if sy.Symbol == "NVDA" && d == 27 {
				for t := at(d, 4, 0); t.Before(at(d, 9, 30)); t = t.Add(5 * time.Minute) {
					emit(t, "5m")
				}
			}
			for t := at(d, 9, 30); t.Before(at(d, 16, 0)); t = t.Add(time.Minute) {
				// a gap: AVGO has no bars 11:00-11:20 on Friday
				if sy.Symbol == "AVGO" && d == 24 && !t.Before(at(d, 11, 0)) && t.Before(at(d, 11, 20)) {
					continue
				}
				emit(t, "1m")
			}
			// post-market on Monday for NVDA and AVGO (1-minute bars to 16:30)
			if (sy.Symbol == "NVDA" || sy.Symbol == "AVGO") && d == 27 {
				for t := at(d, 16, 0); t.Before(at(d, 16, 30)); t = t.Add(time.Minute) {
					emit(t, "1m")
				}
			}
			daily = append(daily, snapshots.Bar{Time: day(d), Symbol: sy.Symbol, Interval: "1d",
				Open: dOpen, High: dHigh, Low: dLow, Close: dClose, Volume: dVol})
			last[sy.Symbol] = dClose
		}
	}
	// TSM has no data at all: it must show no price, never a zero one.
	recs := []rec{}
	for _, b := range intraday {
		recs = append(recs, rec{b.Time, snapshots.BarRecord(b)})
	}
	for _, b := range daily {
		recs = append(recs, rec{b.Time, snapshots.BarRecord(b)})
	}
	// live quotes: VST after hours on Tuesday, GOOG during Tuesday's session
	for i := 0; i < 20; i++ {
		t := at(28, 16, 5).Add(time.Duration(i) * 90 * time.Second)
		recs = append(recs, rec{t, snapshots.QuoteRecord(snapshots.Quote{Time: t, Symbol: "VST", Price: round(last["VST"] * (1 + float64(i)*0.001)), Volume: 5_000_000 + int64(i)*1000, State: snapshots.StatePost})})
	}
	for i := 0; i < 30; i++ {
		t := at(28, 10, 0).Add(time.Duration(i)*37*time.Second + 13*time.Second)
		recs = append(recs, rec{t, snapshots.QuoteRecord(snapshots.Quote{Time: t, Symbol: "GOOG", Price: round(start["GOOG"] * (1 + (rng.Float64()-0.5)*0.01)), Volume: 1_000_000 + int64(i)*20_000, State: snapshots.StateRegular})})
	}
	events := []snapshots.Event{
		{Time: day(20), ID: "r1", Title: "DeepSeek R1 released", Precision: snapshots.PrecisionDate},
		{Time: at(24, 12, 0), ID: "app", Title: "App store climb", Precision: snapshots.PrecisionAfternoon},
		{Time: at(27, 4, 0), ID: "pre", Title: "Pre-market slide", Symbols: []string{"NVDA"}},
		{Time: at(27, 9, 30), ID: "open", Title: "Open", Symbols: []string{"NVDA", "AVGO"}},
		{Time: at(27, 16, 0), ID: "close", Title: "Record loss", Symbols: []string{"NVDA"}},
		{Time: at(28, 9, 30), ID: "rebound", Title: "Rebound"},
	}
	for _, e := range events {
		recs = append(recs, rec{e.Time, snapshots.EventRecord(e)})
	}
	// file order is time order (stable: ties keep the order above)
	slices.SortStableFunc(recs, func(a, b rec) int { return a.t.Compare(b.t) })
	for _, r := range recs {
		switch r.r.Kind {
		case snapshots.RecBar:
			s.Bars = append(s.Bars, r.r.Bar)
		case snapshots.RecQuote:
			s.Quotes = append(s.Quotes, r.r.Quote)
		case snapshots.RecEvent:
			s.Events = append(s.Events, r.r.Event)
		}
	}
	return s
}
