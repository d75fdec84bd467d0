package market_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

func et(d, h, m, s int) time.Time {
	return time.Date(2025, time.January, d, h, m, s, 0, snapshots.Location())
}

func week(t testing.TB) (*snapshots.Snapshot, *market.Dataset) {
	t.Helper()
	s := feedstest.Week(1)
	d, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

func quote(t *testing.T, f *market.Frame, sym string) market.Quote {
	t.Helper()
	i := f.Index(sym)
	if i < 0 {
		t.Fatalf("no %s in frame", sym)
	}
	return f.Quotes[i]
}

// bar finds the intraday bar of sym starting at ts in the snapshot.
func bar(t *testing.T, s *snapshots.Snapshot, sym string, ts time.Time) snapshots.Bar {
	t.Helper()
	for _, b := range s.Bars {
		if b.Symbol == sym && b.Interval != "1d" && b.Time.Equal(ts) {
			return b
		}
	}
	t.Fatalf("no %s bar at %s", sym, ts)
	return snapshots.Bar{}
}

func daily(t *testing.T, s *snapshots.Snapshot, sym string, d int) snapshots.Bar {
	t.Helper()
	for _, b := range s.Bars {
		if b.Symbol == sym && b.Interval == "1d" && b.Time.Equal(et(d, 0, 0, 0)) {
			return b
		}
	}
	t.Fatalf("no %s daily bar on %d", sym, d)
	return snapshots.Bar{}
}

func TestAtKnowsBarsProgressively(t *testing.T) {
	s, d := week(t)
	first := bar(t, s, "AVGO", et(27, 9, 30, 0))
	last := bar(t, s, "AVGO", et(27, 15, 59, 0))
	fri := daily(t, s, "AVGO", 24)

	// 09:30:00 on Monday: the first bar's open, nothing completed yet
	f := d.At(et(27, 9, 30, 0))
	q := quote(t, f, "AVGO")
	if !q.HasPrice || q.Price != first.Open || q.State != snapshots.StateRegular {
		t.Fatalf("09:30:00: got %+v, want price %v regular", q, first.Open)
	}
	if q.Open != first.Open || q.High != first.Open || q.Low != first.Open || q.Volume != 0 {
		t.Errorf("09:30:00 day stats: %+v", q)
	}
	if q.PrevClose != fri.Close {
		t.Errorf("prev close %v, want Friday's daily close %v", q.PrevClose, fri.Close)
	}
	if n := len(f.Intraday[f.Index("AVGO")]); n != 0 {
		t.Errorf("09:30:00: %d intraday bars, want 0", n)
	}
	// 09:30:59: still the open
	if q := quote(t, d.At(et(27, 9, 30, 59)), "AVGO"); q.Price != first.Open {
		t.Errorf("09:30:59: price %v, want open %v", q.Price, first.Open)
	}
	// 09:31:00: the first bar's close, one bar, its high/low/volume
	f = d.At(et(27, 9, 31, 0))
	q = quote(t, f, "AVGO")
	second := bar(t, s, "AVGO", et(27, 9, 31, 0))
	if q.Price != second.Open && q.Price != first.Close {
		t.Errorf("09:31: price %v", q.Price)
	}
	if q.Price != second.Open {
		t.Errorf("09:31: the opening bar's open wins a tie with the closing bar: got %v want %v", q.Price, second.Open)
	}
	if got := f.Intraday[f.Index("AVGO")]; len(got) != 1 || got[0] != first {
		t.Errorf("09:31 intraday: %v", got)
	}
	if q.Volume != first.Volume || q.High < first.High || q.Low > first.Low {
		t.Errorf("09:31 day stats: %+v (bar %+v)", q, first)
	}
	// 16:00: the 15:59 bar's close (AVGO has post-market bars on Monday:
	// the 16:00 bar's open is not the regular price)
	f = d.At(et(27, 16, 0, 0))
	q = quote(t, f, "AVGO")
	if q.Price != last.Close || q.State != snapshots.StatePost {
		t.Errorf("16:00: got price %v state %s, want %v post", q.Price, q.State, last.Close)
	}
	if n := len(f.Intraday[f.Index("AVGO")]); n != 390 {
		t.Errorf("16:00: %d bars, want 390", n)
	}
	// 16:10: the extended price is separate
	q = quote(t, d.At(et(27, 16, 10, 0)), "AVGO")
	post := bar(t, s, "AVGO", et(27, 16, 10, 0))
	if q.Price != last.Close || !q.HasExt || q.ExtPrice != post.Open {
		t.Errorf("16:10: got %+v, want price %v ext %v", q, last.Close, post.Open)
	}
	mon := daily(t, s, "AVGO", 27)
	if q.Open != mon.Open || q.High != mon.High || q.Low != mon.Low || q.Volume != mon.Volume {
		t.Errorf("16:10 day stats %+v, want the day's daily bar %+v", q, mon)
	}
}

func TestAtPreMarketAndWeekend(t *testing.T) {
	s, d := week(t)
	fri := daily(t, s, "NVDA", 24)
	// Saturday: closed, Friday's session and close
	f := d.At(et(25, 12, 0, 0))
	q := quote(t, f, "NVDA")
	if q.State != snapshots.StateClosed || q.Price != fri.Close || q.HasExt {
		t.Errorf("Saturday: %+v, want closed at Friday's close %v", q, fri.Close)
	}
	if cs, ok := f.CurrentSession(); !ok || cs.Date != "2025-01-24" {
		t.Errorf("Saturday's session %v", cs)
	}
	if n := len(f.Intraday[f.Index("NVDA")]); n != 390 {
		t.Errorf("Saturday: %d bars of Friday, want 390", n)
	}
	// Monday 03:59: closed; 04:00: pre-market, the first 5m bar's open as ext
	if q := quote(t, d.At(et(27, 3, 59, 0)), "NVDA"); q.State != snapshots.StateClosed || q.HasExt || q.Volume != 0 || q.Open != 0 {
		t.Errorf("03:59: %+v", q)
	}
	pre := bar(t, s, "NVDA", et(27, 4, 0, 0))
	f = d.At(et(27, 4, 0, 0))
	q = quote(t, f, "NVDA")
	if q.State != snapshots.StatePre || q.Price != fri.Close || !q.HasExt || q.ExtPrice != pre.Open {
		t.Errorf("04:00: %+v, want pre, price %v, ext %v", q, fri.Close, pre.Open)
	}
	// Friday's close carried into Monday: no regular trade yet, so no
	// change (unknown, not 0.00); the pre-market move is the ext change
	if abs, _, ok := q.Change(); ok || !q.Carried {
		t.Errorf("pre-market regular change: %v %v (carried %v), want none", abs, ok, q.Carried)
	}
	if abs, _, ok := q.ExtChange(); !ok || abs != pre.Open-fri.Close {
		t.Errorf("pre-market ext change: %v %v", abs, ok)
	}
	if f.Session != 2 {
		t.Errorf("Monday 04:00 session %d, want 2", f.Session)
	}
	if q.Open != 0 || q.Volume != 0 {
		t.Errorf("pre-market must not have regular day stats: %+v", q)
	}
	// a symbol without any data: no price, never a zero one
	if q := quote(t, f, "TSM"); q.HasPrice || q.HasExt || q.Price != 0 {
		t.Errorf("TSM: %+v", q)
	}
	// NoVolume index: volume stays 0 (unknown)
	if q := quote(t, d.At(et(27, 12, 0, 0)), "^IXIC"); q.Volume != 0 || !q.HasPrice {
		t.Errorf("^IXIC: %+v", q)
	}
	// header prev close wins for NVDA on Thursday
	f = d.At(et(23, 10, 0, 0))
	if q := quote(t, f, "NVDA"); q.PrevClose != s.Header.Sessions[0].PrevClose["NVDA"] {
		t.Errorf("NVDA Thursday prev close %v", q.PrevClose)
	}
	if q := quote(t, f, "AVGO"); q.PrevClose != daily(t, s, "AVGO", 22).Close {
		t.Errorf("AVGO Thursday prev close %v", q.PrevClose)
	}
	// before all sessions: context daily bars still price the symbols
	f = d.At(et(22, 17, 0, 0))
	if f.Session != -1 {
		t.Errorf("Jan 22 session %d", f.Session)
	}
	if q := quote(t, f, "AVGO"); !q.HasPrice || q.Price != daily(t, s, "AVGO", 22).Close {
		t.Errorf("Jan 22 17:00: %+v", q)
	}
}

func TestAtStaleGapAndQuotes(t *testing.T) {
	s, d := week(t)
	// AVGO has no bars 11:00-11:20 on Friday
	if q := quote(t, d.At(et(24, 11, 5, 0)), "AVGO"); q.Stale {
		t.Errorf("11:05 is not stale yet: %+v", q)
	}
	if q := quote(t, d.At(et(24, 11, 15, 0)), "AVGO"); !q.Stale {
		t.Errorf("11:15 should be stale: %+v", q)
	}
	// GOOG quotes on Tuesday win over bars when newer
	var gq snapshots.Quote
	for _, q := range s.Quotes {
		if q.Symbol == "GOOG" {
			gq = q
			break
		}
	}
	q := quote(t, d.At(gq.Time), "GOOG")
	if q.Price != gq.Price || !q.Updated.Equal(gq.Time) {
		t.Errorf("GOOG at its first quote: %+v, want %v", q, gq.Price)
	}
	if q.Volume < gq.Volume {
		t.Errorf("GOOG volume %d < quote volume %d", q.Volume, gq.Volume)
	}
	// VST after-hours quotes are extended prices
	q = quote(t, d.At(et(28, 17, 0, 0)), "VST")
	if !q.HasExt || !q.HasPrice || q.ExtPrice == q.Price && false {
		t.Errorf("VST after hours: %+v", q)
	}
}

func TestFrameSharesArrays(t *testing.T) {
	_, d := week(t)
	a := d.At(et(27, 12, 0, 0))
	b := d.At(et(27, 13, 0, 0))
	i := a.Index("NVDA")
	if len(a.Intraday[i]) == 0 || &a.Intraday[i][0] != &b.Intraday[i][0] {
		t.Fatal("frames should share the intraday arrays")
	}
	if cap(a.Intraday[i]) != len(a.Intraday[i]) {
		t.Error("intraday prefix must have cap == len so appends cannot write into shared arrays")
	}
	if &a.Daily[i][0] != &b.Daily[i][0] {
		t.Error("frames should share the daily arrays")
	}
}

// TestSeekEqualsPlay is the property: for many random T, At(T) equals the
// frame of a player that applied every observation up to T in order.
func TestSeekEqualsPlay(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			d, err := market.NewDataset(feedstest.Week(seed))
			if err != nil {
				t.Fatal(err)
			}
			checkSeekEqualsPlay(t, d, seed, 400)
		})
	}
}

func checkSeekEqualsPlay(t *testing.T, d *market.Dataset, seed uint64, n int) {
	t.Helper()
	start, end, ok := d.Span()
	if !ok {
		t.Fatal("empty dataset")
	}
	rng := rand.New(rand.NewPCG(seed, 42))
	span := end.Sub(start) + 2*time.Hour
	ts := make([]time.Time, 0, n+64)
	for range n {
		// whole minutes, seconds and odd nanoseconds, a little outside the span too
		tt := start.Add(-time.Hour + time.Duration(rng.Int64N(int64(span))))
		switch rng.IntN(3) {
		case 0:
			tt = tt.Truncate(time.Minute)
		case 1:
			tt = tt.Truncate(time.Second)
		}
		ts = append(ts, tt)
	}
	// edges: session opens, closes, pre and post boundaries, and a second around them
	for i := range d.Sessions() {
		open, cls, _ := d.SessionTimes(i)
		for _, x := range []time.Time{open, cls, open.Add(-330 * time.Minute), cls.Add(4 * time.Hour)} {
			ts = append(ts, x.Add(-time.Nanosecond), x, x.Add(time.Second))
		}
	}
	sortTimes(ts)
	p := market.NewPlayer(d)
	for _, tt := range ts {
		p.AdvanceTo(tt)
		want := p.Frame()
		got := d.At(tt)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("At(%s) differs from playing up to it:\n%s", tt, diffFrames(got, want))
		}
	}
	// and going backwards (the player resets)
	for i := len(ts) - 1; i >= 0 && i > len(ts)-20; i-- {
		p.AdvanceTo(ts[i])
		if !reflect.DeepEqual(d.At(ts[i]), p.Frame()) {
			t.Fatalf("backwards at %s", ts[i])
		}
	}
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

func diffFrames(a, b *market.Frame) string {
	if !a.Time.Equal(b.Time) || a.Session != b.Session {
		return fmt.Sprintf("time/session %s/%d vs %s/%d", a.Time, a.Session, b.Time, b.Session)
	}
	out := ""
	for i := range a.Quotes {
		if !reflect.DeepEqual(a.Quotes[i], b.Quotes[i]) {
			out += fmt.Sprintf("quote %s:\n seek %+v\n play %+v\n", a.Symbols[i].Symbol, a.Quotes[i], b.Quotes[i])
		}
		if !reflect.DeepEqual(a.Intraday[i], b.Intraday[i]) {
			out += fmt.Sprintf("intraday %s: seek %d bars, play %d bars\n", a.Symbols[i].Symbol, len(a.Intraday[i]), len(b.Intraday[i]))
		}
	}
	if out == "" {
		out = "other fields differ"
	}
	return out
}

// TestAppendMatchesBuild: a dataset grown record by record (the live path)
// gives the same frames as one built from the whole snapshot.
func TestAppendMatchesBuild(t *testing.T) {
	s, d := week(t)
	empty := *s
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	g, err := market.NewDataset(&empty)
	if err != nil {
		t.Fatal(err)
	}
	var recs []snapshots.Record
	for _, b := range s.Bars {
		recs = append(recs, snapshots.BarRecord(b))
	}
	for _, q := range s.Quotes {
		recs = append(recs, snapshots.QuoteRecord(q))
	}
	for _, e := range s.Events {
		recs = append(recs, snapshots.EventRecord(e))
	}
	// some out of order, one replaced
	rng := rand.New(rand.NewPCG(7, 7))
	for range 50 {
		i, j := rng.IntN(len(recs)), rng.IntN(len(recs))
		recs[i], recs[j] = recs[j], recs[i]
	}
	first := recs[0]
	if first.Kind == snapshots.RecBar {
		bad := first
		bad.Bar.Close = bad.Bar.Open
		if err := g.Append(bad); err != nil {
			t.Fatal(err)
		}
	}
	// the first few one by one, the rest in batches of random sizes
	for len(recs) > 0 {
		n := 1
		if len(recs) < len(s.Bars)-100 {
			n = min(len(recs), 1+rng.IntN(500))
		}
		if err := g.AppendAll(recs[:n]); err != nil {
			t.Fatal(err)
		}
		recs = recs[n:]
	}
	if err := g.Append(snapshots.QuoteRecord(snapshots.Quote{Time: et(27, 10, 0, 0), Symbol: "NOPE", Price: 1})); err == nil {
		t.Error("unknown symbol accepted")
	}
	for _, tt := range []time.Time{et(23, 9, 45, 0), et(24, 11, 10, 30), et(25, 12, 0, 0), et(27, 4, 30, 0), et(27, 15, 59, 59), et(28, 10, 5, 0), et(28, 19, 0, 0)} {
		if got, want := g.At(tt), d.At(tt); !reflect.DeepEqual(got, want) {
			t.Fatalf("grown dataset differs at %s:\n%s", tt, diffFrames(got, want))
		}
	}
}

// TestAppendConcurrent: readers of older frames are unaffected by appends
// (run with -race).
func TestAppendConcurrent(t *testing.T) {
	s, _ := week(t)
	empty := *s
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	g, err := market.NewDataset(&empty, market.WithSource("yahoo"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				f := g.At(et(27, 12, 0, 0))
				for i, bars := range f.Intraday {
					sum := 0.0
					for _, b := range bars {
						sum += b.Close
					}
					_ = sum
					if f.Quotes[i].HasPrice && f.Quotes[i].Source != "yahoo" {
						t.Error("source name")
					}
				}
			}
		}()
	}
	for _, b := range s.Bars {
		if err := g.Append(snapshots.BarRecord(b)); err != nil {
			t.Error(err)
		}
	}
	close(done)
	wg.Wait()
	if bars, _, _ := g.Len(); bars == 0 {
		t.Fatal("nothing appended")
	}
}

func TestAddSession(t *testing.T) {
	s, _ := week(t)
	empty := *s
	empty.Header.Sessions = nil
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	g, _ := market.NewDataset(&empty)
	// a quote on a date without a session gets a default session
	if err := g.Append(snapshots.QuoteRecord(snapshots.Quote{Time: et(27, 10, 0, 0), Symbol: "NVDA", Price: 120})); err != nil {
		t.Fatal(err)
	}
	f := g.At(et(27, 10, 1, 0))
	if q := quote(t, f, "NVDA"); q.State != snapshots.StateRegular || q.Price != 120 || q.PrevClose != 0 {
		t.Errorf("%+v", q)
	}
	g.AddSession(snapshots.Session{Date: "2025-01-27", Open: et(27, 9, 30, 0), Close: et(27, 16, 0, 0), PrevClose: map[string]float64{"NVDA": 142.62}})
	if q := quote(t, g.At(et(27, 10, 1, 0)), "NVDA"); q.PrevClose != 142.62 {
		t.Errorf("prev close after AddSession: %+v", q)
	}
	if q := quote(t, f, "NVDA"); q.PrevClose != 0 {
		t.Error("an older frame changed")
	}
}

// TestAppendReplacesFormingBar: the live source re-sends the current minute
// bar as it forms; the newest version wins, older frames keep theirs.
func TestAppendReplacesFormingBar(t *testing.T) {
	s, _ := week(t)
	empty := *s
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	g, _ := market.NewDataset(&empty)
	b := snapshots.Bar{Time: et(27, 10, 0, 0), Symbol: "NVDA", Interval: "1m", Open: 120, High: 121, Low: 119, Close: 120.5, Volume: 100}
	if err := g.AppendAll([]snapshots.Record{snapshots.BarRecord(b)}); err != nil {
		t.Fatal(err)
	}
	before := g.At(et(27, 10, 1, 0))
	b.Close, b.High, b.Volume = 122, 122, 300
	if err := g.Append(snapshots.BarRecord(b)); err != nil {
		t.Fatal(err)
	}
	after := g.At(et(27, 10, 1, 0))
	if q := quote(t, after, "NVDA"); q.Price != 122 || q.Volume != 300 || len(after.Intraday[0]) != 1 {
		t.Errorf("after the update: %+v", q)
	}
	if q := quote(t, before, "NVDA"); q.Price != 120.5 || before.Intraday[0][0].Close != 120.5 {
		t.Errorf("an older frame changed: %+v", q)
	}
	if err := g.Append(snapshots.Record{Kind: "candle"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

// TestWeekendQuoteMakesNoSession: a quote stamped on a Sunday (a poll while
// closed) does not invent a trading session.
func TestWeekendQuoteMakesNoSession(t *testing.T) {
	s, _ := week(t)
	empty := *s
	empty.Header.Sessions = nil
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	g, _ := market.NewDataset(&empty)
	if err := g.Append(snapshots.QuoteRecord(snapshots.Quote{Time: et(26, 12, 0, 0), Symbol: "NVDA", Price: 120})); err != nil {
		t.Fatal(err)
	}
	if n := len(g.Sessions()); n != 0 {
		t.Errorf("%d sessions after a Sunday quote", n)
	}
	q := quote(t, g.At(et(26, 12, 1, 0)), "NVDA")
	if q.State != snapshots.StateClosed || q.HasPrice || !q.HasExt || q.ExtPrice != 120 {
		t.Errorf("Sunday quote: %+v", q)
	}
}

// TestOverlappingBarsAnyOrder: which of overlapping bars a symbol shows does
// not depend on the order they arrive in (file, batch or one by one): the
// earliest start wins, at equal starts the shorter bar, and a hidden bar
// comes back when the bar that hid it is outdone.
func TestOverlappingBarsAnyOrder(t *testing.T) {
	s, _ := week(t)
	empty := *s
	empty.Bars, empty.Quotes, empty.Events = nil, nil, nil
	bar := func(m int, iv string, c float64) snapshots.Bar {
		return snapshots.Bar{Time: et(27, 10, m, 0), Symbol: "NVDA", Interval: iv, Open: 120, High: 125, Low: 119, Close: c, Volume: 10}
	}
	// 5m bars over 10:00-10:10, 1m bars over 10:00-10:09 (the 1m ones win
	// from 10:00 on), and a 2m bar at 10:09 hidden by the 1m bar there
	var bars []snapshots.Bar
	bars = append(bars, bar(0, "5m", 200), bar(5, "5m", 205))
	var want []snapshots.Bar
	for m := range 10 {
		b := bar(m, "1m", 100+float64(m))
		bars = append(bars, b)
		want = append(want, b)
	}
	bars = append(bars, bar(9, "2m", 300))
	rng := rand.New(rand.NewPCG(3, 4))
	at := et(27, 10, 30, 0)
	for round := range 200 {
		rng.Shuffle(len(bars), func(i, j int) { bars[i], bars[j] = bars[j], bars[i] })
		file := empty
		file.Bars = bars
		built, err := market.NewDataset(&file)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := market.NewDataset(&empty)
		cut := rng.IntN(len(bars) + 1)
		for _, b := range bars[:cut] {
			if err := g.Append(snapshots.BarRecord(b)); err != nil {
				t.Fatal(err)
			}
		}
		var rest []snapshots.Record
		for _, b := range bars[cut:] {
			rest = append(rest, snapshots.BarRecord(b))
		}
		if err := g.AppendAll(rest); err != nil {
			t.Fatal(err)
		}
		fb, fg := built.At(at), g.At(at)
		if !reflect.DeepEqual(fb.Intraday[0], want) {
			t.Fatalf("round %d: built shows %v", round, fb.Intraday[0])
		}
		if !reflect.DeepEqual(fb, fg) {
			t.Fatalf("round %d: appended differs from built:\n%s", round, diffFrames(fg, fb))
		}
	}
}
