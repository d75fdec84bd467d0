package market_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// liveDay is a snapshot shaped like a live recording of Monday 27 January
// (synthetic prices): a 1-minute chart backfill from 09:30 to 10:29 for A,
// 5-minute bars to 10:30 for B, then polled quotes every 5 s for A, B and
// C (some polls miss a symbol, some repeat a price), pre-market quotes for
// A from 08:00, and, when post is set, post-market quotes to 16:10 with the
// official close stamped "regular" a little after the bell. Without post
// the data ends inside a regular minute: grown by Append, the last derived
// bar is still forming.
func liveDay(seed uint64, post bool) *snapshots.Snapshot {
	loc := snapshots.Location()
	at := func(h, m, s int) time.Time { return time.Date(2025, time.January, 27, h, m, s, 0, loc) }
	rng := rand.New(rand.NewPCG(seed, 27))
	s := &snapshots.Snapshot{Header: snapshots.Header{
		Title: "live day (synthetic)", Provenance: snapshots.Recorded, TimeZone: snapshots.ExchangeZone, MainDay: "2025-01-27",
		Symbols: []snapshots.Symbol{
			{Symbol: "A", Kind: snapshots.KindEquity, Shares: &snapshots.Shares{Count: 1000}},
			{Symbol: "B", Kind: snapshots.KindEquity},
			{Symbol: "C", Kind: snapshots.KindIndex, NoVolume: true},
		},
		Sessions: []snapshots.Session{{Date: "2025-01-27", Open: at(9, 30, 0), Close: at(16, 0, 0), PrevClose: map[string]float64{"A": 100, "B": 50}}},
	}}
	round := func(x float64) float64 { return math.Round(x*100) / 100 }
	price := map[string]float64{"A": 100, "B": 50, "C": 6000}
	vol := map[string]int64{"A": 0, "B": 0, "C": 0}
	for m := at(9, 30, 0); m.Before(at(10, 30, 0)); m = m.Add(time.Minute) {
		p := round(price["A"] * (1 + (rng.Float64()-0.5)*0.004))
		s.Bars = append(s.Bars, snapshots.Bar{Time: m, Symbol: "A", Interval: "1m", Open: price["A"], High: max(p, price["A"]) + 0.05, Low: min(p, price["A"]) - 0.05, Close: p, Volume: 1000})
		vol["A"] += 1000
		price["A"] = p
		if m.Minute()%5 == 0 {
			q := round(price["B"] * (1 + (rng.Float64()-0.5)*0.004))
			s.Bars = append(s.Bars, snapshots.Bar{Time: m, Symbol: "B", Interval: "5m", Open: price["B"], High: max(q, price["B"]) + 0.05, Low: min(q, price["B"]) - 0.05, Close: q, Volume: 5000})
			vol["B"] += 5000
			price["B"] = q
		}
	}
	for t := at(8, 0, 0); t.Before(at(9, 30, 0)); t = t.Add(5 * time.Minute) {
		s.Quotes = append(s.Quotes, snapshots.Quote{Time: t, Symbol: "A", Price: round(99 + rng.Float64()), State: snapshots.StatePre})
	}
	end := at(16, 0, 0)
	if !post {
		end = at(15, 59, 47)
	}
	for t := at(10, 30, 5); t.Before(end); t = t.Add(5 * time.Second) {
		for _, sym := range []string{"A", "B", "C"} {
			if rng.IntN(10) == 0 {
				continue // this poll had nothing new for sym
			}
			if rng.IntN(4) > 0 {
				price[sym] = round(price[sym] * (1 + (rng.Float64()-0.5)*0.002))
			}
			if sym != "C" {
				vol[sym] += rng.Int64N(500)
				if rng.IntN(200) == 0 {
					vol[sym] -= 2000 // a feed glitch: the day volume goes back
				}
			}
			s.Quotes = append(s.Quotes, snapshots.Quote{Time: t, Symbol: sym, Price: price[sym], Volume: vol[sym], State: snapshots.StateRegular})
		}
	}
	if post {
		for _, sym := range []string{"A", "B"} {
			s.Quotes = append(s.Quotes, snapshots.Quote{Time: at(16, 0, 7), Symbol: sym, Price: price[sym], Volume: vol[sym] + 100000, State: snapshots.StateRegular})
		}
		for t := at(16, 0, 10); t.Before(at(16, 10, 0)); t = t.Add(10 * time.Second) {
			s.Quotes = append(s.Quotes, snapshots.Quote{Time: t, Symbol: "A", Price: round(price["A"] + rng.Float64()), Volume: vol["A"] + 100000, State: snapshots.StatePost})
		}
	}
	sortSnapshot(s)
	return s
}

// sortSnapshot puts quotes in time order (bars are already).
func sortSnapshot(s *snapshots.Snapshot) {
	q := s.Quotes
	for i := 1; i < len(q); i++ {
		for j := i; j > 0 && q[j].Time.Before(q[j-1].Time); j-- {
			q[j], q[j-1] = q[j-1], q[j]
		}
	}
}

func records(s *snapshots.Snapshot) []snapshots.Record {
	var recs []snapshots.Record
	for _, b := range s.Bars {
		recs = append(recs, snapshots.BarRecord(b))
	}
	for _, q := range s.Quotes {
		recs = append(recs, snapshots.QuoteRecord(q))
	}
	return recs
}

func emptyOf(s *snapshots.Snapshot) *snapshots.Snapshot {
	return &snapshots.Snapshot{Header: s.Header}
}

func at27(h, m, s int) time.Time { return et(27, h, m, s) }

// TestDerivedBars checks the rule: a regular-session minute with quotes and
// no recorded bar gets a 1-minute bar from them.
func TestDerivedBars(t *testing.T) {
	loc := snapshots.Location()
	h := snapshots.Header{Title: "t", Provenance: snapshots.Recorded, TimeZone: snapshots.ExchangeZone,
		Symbols:  []snapshots.Symbol{{Symbol: "A", Kind: snapshots.KindEquity}},
		Sessions: []snapshots.Session{{Date: "2025-01-27", Open: at27(9, 30, 0), Close: at27(16, 0, 0)}}}
	q := func(tt time.Time, p float64, v int64) snapshots.Quote {
		return snapshots.Quote{Time: tt, Symbol: "A", Price: p, Volume: v, State: snapshots.StateRegular}
	}
	s := &snapshots.Snapshot{Header: h,
		Bars: []snapshots.Bar{{Time: at27(10, 2, 0), Symbol: "A", Interval: "1m", Open: 9, High: 9, Low: 9, Close: 9, Volume: 7}},
		Quotes: []snapshots.Quote{
			q(at27(9, 29, 50), 99, 0),     // pre-market minute: no bar
			q(at27(10, 0, 5), 100, 5000),  // 10:00: first of the day's regular quotes (base: the 09:29 quote's 0)
			q(at27(10, 0, 10), 102, 5400), //
			q(at27(10, 0, 15), 99, 5300),  // volume going back
			q(at27(10, 0, 55), 101, 6000), //
			q(at27(10, 2, 30), 50, 9000),  // 10:02 has a recorded bar: it wins
			q(at27(10, 3, 0), 103, 8000),  // 10:03: less volume than before: 0
			q(at27(15, 59, 59), 104, 9500),
			q(at27(16, 0, 0), 105, 9900), // 16:00 is not a regular minute
			q(at27(16, 0, 9), 106, 9990),
		}}
	d, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	f := d.At(at27(17, 0, 0))
	got := f.Intraday[0]
	want := []snapshots.Bar{
		{Time: at27(10, 0, 0), Symbol: "A", Interval: "1m", Open: 100, High: 102, Low: 99, Close: 101, Volume: 6000},
		s.Bars[0],
		{Time: at27(10, 3, 0), Symbol: "A", Interval: "1m", Open: 103, High: 103, Low: 103, Close: 103, Volume: 0},
		{Time: at27(15, 59, 0), Symbol: "A", Interval: "1m", Open: 104, High: 104, Low: 104, Close: 104, Volume: 1500},
	}
	if len(got) != len(want) {
		t.Fatalf("bars %+v", got)
	}
	for i := range want {
		if !got[i].Time.Equal(want[i].Time) || got[i].Time.Location() != loc {
			t.Errorf("bar %d time %s (%s)", i, got[i].Time, got[i].Time.Location())
		}
		g, w := got[i], want[i]
		g.Time, w.Time = time.Time{}, time.Time{}
		if g != w {
			t.Errorf("bar %d: got %+v, want %+v", i, g, w)
		}
	}
	if bars, _, quotes := d.Len(); bars != 4 || quotes != 10 {
		t.Errorf("Len: %d bars, %d quotes", bars, quotes)
	}
	// revealed like a bar, except that the open is known when its quote
	// was observed (10:00:05), not at the minute's start: no lookahead
	if qa := d.At(at27(10, 0, 4)).Quotes[0]; qa.HasPrice || qa.Open != 0 || len(d.At(at27(10, 0, 4)).Intraday[0]) != 0 {
		t.Errorf("10:00:04: %+v", qa)
	}
	qa := d.At(at27(10, 0, 5)).Quotes[0]
	if qa.Price != 100 || qa.Open != 100 || qa.High != 100 || !qa.Updated.Equal(at27(10, 0, 5)) {
		t.Errorf("10:00:05: %+v", qa)
	}
	if n := len(d.At(at27(10, 0, 59)).Intraday[0]); n != 0 {
		t.Errorf("10:00:59: %d bars, want 0 (complete at the minute's end)", n)
	}
	f = d.At(at27(10, 1, 0))
	if qa := f.Quotes[0]; qa.Price != 101 || qa.High != 102 || qa.Low != 99 || qa.Volume != 6000 || len(f.Intraday[0]) != 1 {
		t.Errorf("10:01:00: %+v, %d bars", qa, len(f.Intraday[0]))
	}
	// the official close stamped regular after the bell is the regular price
	qa = d.At(at27(16, 0, 30)).Quotes[0]
	if qa.Price != 106 || qa.HasExt || qa.High != 106 {
		t.Errorf("after the close: %+v", qa)
	}
	// the pre-market quote is an extended price
	qa = d.At(at27(9, 29, 55)).Quotes[0]
	if qa.HasPrice || !qa.HasExt || qa.ExtPrice != 99 {
		t.Errorf("pre-market: %+v", qa)
	}
}

// TestSeekEqualsPlayQuotes is the seek==play property over recordings with
// quotes (derived bars, a derived bar still forming at the end).
func TestSeekEqualsPlayQuotes(t *testing.T) {
	for _, post := range []bool{false, true} {
		for _, seed := range []uint64{1, 2} {
			t.Run(fmt.Sprintf("post=%v/%d", post, seed), func(t *testing.T) {
				d, err := market.NewDataset(liveDay(seed, post))
				if err != nil {
					t.Fatal(err)
				}
				checkSeekEqualsPlay(t, d, seed, 300)
			})
		}
	}
}

// TestAppendQuotesMatchesBuild: a dataset grown the way the live source
// grows it (the first poll, then the backfill, then one poll at a time)
// gives the same frames as one built from the recording, at every step.
func TestAppendQuotesMatchesBuild(t *testing.T) {
	for _, post := range []bool{false, true} {
		t.Run(fmt.Sprint("post=", post), func(t *testing.T) {
			s := liveDay(3, post)
			full, err := market.NewDataset(s)
			if err != nil {
				t.Fatal(err)
			}
			g, err := market.NewDataset(emptyOf(s))
			if err != nil {
				t.Fatal(err)
			}
			// the first poll (10:30:05) and the pre-market quotes, then the
			// backfill bars (out of order), then each poll
			var first, rest []snapshots.Record
			for _, q := range s.Quotes {
				if q.Time.After(at27(10, 30, 5)) {
					rest = append(rest, snapshots.QuoteRecord(q))
				} else {
					first = append(first, snapshots.QuoteRecord(q))
				}
			}
			if err := g.AppendAll(first); err != nil {
				t.Fatal(err)
			}
			var bars []snapshots.Record
			for _, b := range s.Bars {
				bars = append(bars, snapshots.BarRecord(b))
			}
			if err := g.AppendAll(bars); err != nil {
				t.Fatal(err)
			}
			var frames []*market.Frame
			var times []time.Time
			for len(rest) > 0 {
				n := 1
				for n < len(rest) && rest[n].Time().Equal(rest[0].Time()) {
					n++
				}
				if err := g.AppendAll(rest[:n]); err != nil {
					t.Fatal(err)
				}
				tt := rest[0].Time()
				frames = append(frames, g.At(tt), g.At(tt.Add(61*time.Second)))
				times = append(times, tt)
				rest = rest[n:]
			}
			// the frames taken while growing did not change afterwards, and
			// at their own time they equal the full dataset's
			for i, tt := range times {
				if !reflect.DeepEqual(frames[2*i], full.At(tt)) {
					t.Fatalf("at %s (while growing):\n%s", tt.Format(time.TimeOnly), diffFrames(frames[2*i], full.At(tt)))
				}
			}
			for _, tt := range []time.Time{at27(8, 30, 0), at27(10, 29, 59), at27(10, 30, 5), at27(10, 31, 0), at27(12, 0, 2), at27(15, 59, 59), at27(16, 0, 0), at27(16, 0, 8), at27(16, 5, 0), at27(23, 0, 0)} {
				if got, want := g.At(tt), full.At(tt); !reflect.DeepEqual(got, want) {
					t.Fatalf("at %s:\n%s", tt.Format(time.TimeOnly), diffFrames(got, want))
				}
			}
			checkSeekEqualsPlay(t, g, 5, 200)
		})
	}
}

// TestAppendQuoteOrders covers the rarer ways quotes and bars arrive: a
// quote into a minute whose derived bar has settled (another symbol moved
// the data on), a recorded bar over a forming derived bar, a quote before
// the last one.
func TestAppendQuoteOrders(t *testing.T) {
	s := liveDay(4, false)
	empty := emptyOf(s)
	q := func(sym string, tt time.Time, p float64, v int64) snapshots.Record {
		return snapshots.QuoteRecord(snapshots.Quote{Time: tt, Symbol: sym, Price: p, Volume: v, State: snapshots.StateRegular})
	}
	steps := [][]snapshots.Record{
		{q("A", at27(11, 0, 5), 100, 10)},
		{q("B", at27(11, 2, 5), 50, 10)},   // settles A's 11:00 bar
		{q("A", at27(11, 0, 30), 101, 20)}, // into A's settled 11:00 bar
		{q("A", at27(11, 3, 0), 102, 30)},  // a new forming bar
		{snapshots.BarRecord(snapshots.Bar{Time: at27(11, 3, 0), Symbol: "A", Interval: "1m", Open: 7, High: 8, Low: 6, Close: 7, Volume: 1})}, // recorded wins
		{q("A", at27(11, 3, 10), 103, 40)}, // covered by the recorded bar
		{q("A", at27(11, 4, 0), 104, 50)},  // forming again
		{q("A", at27(11, 1, 0), 99, 15)},   // out of order, in a new minute between
		{q("A", at27(11, 4, 0), 105, 55)},  // same time as the last
		{snapshots.BarRecord(snapshots.Bar{Time: at27(11, 5, 0), Symbol: "A", Interval: "1m", Open: 7, High: 8, Low: 6, Close: 7, Volume: 1})}, // after the forming bar
		{q("C", at27(11, 7, 0), 6000, 0), q("C", at27(11, 7, 1), 6001, 0)},
	}
	g, _ := market.NewDataset(empty)
	var all []snapshots.Record
	for i, recs := range steps {
		if err := g.AppendAll(recs); err != nil {
			t.Fatal(err)
		}
		all = append(all, recs...)
		ref := emptyOf(s)
		for _, r := range all {
			if r.Kind == snapshots.RecBar {
				ref.Bars = append(ref.Bars, r.Bar)
			} else {
				ref.Quotes = append(ref.Quotes, r.Quote)
			}
		}
		want, _ := market.NewDataset(ref)
		for m := 0; m < 10; m++ {
			tt := at27(11, m, 0)
			for _, x := range []time.Time{tt, tt.Add(30 * time.Second)} {
				if a, b := g.At(x), want.At(x); !reflect.DeepEqual(a, b) {
					t.Fatalf("step %d at %s:\n%s", i, x.Format(time.TimeOnly), diffFrames(a, b))
				}
			}
		}
		checkSeekEqualsPlay(t, g, uint64(i), 30)
	}
	f := g.At(at27(12, 0, 0))
	var got []string
	for _, b := range f.Intraday[0] {
		got = append(got, fmt.Sprintf("%s %v/%v/%v/%v %d", b.Time.Format("15:04"), b.Open, b.High, b.Low, b.Close, b.Volume))
	}
	want := "[11:00 100/101/100/101 10 11:01 99/99/99/99 0 11:03 7/8/6/7 1 11:04 104/105/104/105 15 11:05 7/8/6/7 1]"
	if fmt.Sprint(got) != want {
		t.Errorf("A's bars\n got %v\nwant %s", got, want)
	}
}

// TestFormingBarFramesImmutable: a frame that holds a completed forming bar
// (a copy) or a prefix of the shared arrays keeps its values while quotes
// keep coming, read concurrently (run with -race).
func TestFormingBarFramesImmutable(t *testing.T) {
	s := liveDay(6, false)
	g, _ := market.NewDataset(emptyOf(s))
	recs := records(&snapshots.Snapshot{Quotes: s.Quotes})
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				_, end, ok := g.Span()
				if !ok {
					continue
				}
				f := g.At(end.Add(30 * time.Second))
				snap := fmt.Sprint(f.Intraday, f.Quotes)
				g.At(end) // more reading while the writer writes
				if fmt.Sprint(f.Intraday, f.Quotes) != snap {
					t.Error("a frame changed")
					return
				}
			}
		}()
	}
	var keep []*market.Frame
	var want []string
	for i, r := range recs {
		if err := g.Append(r); err != nil {
			t.Error(err)
			break
		}
		if i%97 == 0 {
			f := g.At(r.Time().Add(time.Minute))
			keep = append(keep, f)
			want = append(want, fmt.Sprint(f.Intraday, f.Quotes))
		}
	}
	close(done)
	wg.Wait()
	for i, f := range keep {
		if fmt.Sprint(f.Intraday, f.Quotes) != want[i] {
			t.Fatalf("frame %d changed after later appends", i)
		}
	}
	for i, bars := range keep[len(keep)-1].Intraday {
		if cap(bars) != len(bars) {
			t.Errorf("symbol %d: intraday cap %d > len %d", i, cap(bars), len(bars))
		}
	}
}

// TestDerivedOddClose: a session that closes inside a minute (15:59:30):
// the 15:59 minute is regular and gets a derived bar, though its quotes
// all come after the close, so the bar is not a regular-session
// observation; seek, play, append and build still agree, with the bar
// settled or still forming.
func TestDerivedOddClose(t *testing.T) {
	h := snapshots.Header{Title: "t", Provenance: snapshots.Recorded, TimeZone: snapshots.ExchangeZone,
		Symbols:  []snapshots.Symbol{{Symbol: "A", Kind: snapshots.KindEquity}},
		Sessions: []snapshots.Session{{Date: "2025-01-27", Open: at27(9, 30, 0), Close: at27(15, 59, 30)}}}
	var quotes []snapshots.Quote
	for i, tt := 0, at27(15, 58, 0); tt.Before(at27(16, 0, 30)); i, tt = i+1, tt.Add(10*time.Second) {
		if !tt.Before(at27(15, 59, 0)) && tt.Before(at27(15, 59, 31)) {
			continue
		}
		p := 100 + float64(i%4)
		if !tt.Before(at27(15, 59, 31)) {
			p += 10
		}
		quotes = append(quotes, snapshots.Quote{Time: tt, Symbol: "A", Price: p, Volume: int64(100 * i), State: snapshots.StatePost})
	}
	for _, cut := range []int{len(quotes), 7, 8} {
		built, err := market.NewDataset(&snapshots.Snapshot{Header: h, Quotes: quotes[:cut]})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := market.NewDataset(&snapshots.Snapshot{Header: h})
		for _, q := range quotes[:cut] {
			if err := g.Append(snapshots.QuoteRecord(q)); err != nil {
				t.Fatal(err)
			}
		}
		checkSeekEqualsPlay(t, built, 1, 100)
		checkSeekEqualsPlay(t, g, 2, 100)
		for tt := at27(15, 58, 0); tt.Before(at27(16, 1, 0)); tt = tt.Add(5 * time.Second) {
			if a, b := g.At(tt), built.At(tt); !reflect.DeepEqual(a, b) {
				t.Fatalf("cut %d at %s:\n%s", cut, tt.Format(time.TimeOnly), diffFrames(a, b))
			}
		}
		f := g.At(at27(16, 1, 0))
		if n := len(f.Intraday[0]); n != 2 {
			t.Errorf("cut %d: %d bars, want 15:58 and 15:59", cut, n)
		}
		if q := f.Quotes[0]; q.High != 103 {
			t.Errorf("cut %d: day high %v counts the 15:59 bar, observed after the close", cut, q.High)
		}
	}
}
