package yahoo

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

func watch(syms ...string) []snapshots.Symbol {
	out := make([]snapshots.Symbol, len(syms))
	for i, s := range syms {
		out[i] = snapshots.Symbol{Symbol: s}
	}
	return out
}

func newLive(t *testing.T, fx *fixture, opt LiveOptions) *Live {
	t.Helper()
	if opt.Symbols == nil {
		opt.Symbols = watch("NVDA", "AVGO", "^GSPC", "NOPE")
	}
	l, err := NewLive(fx.c, fx.clock, opt)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func quoteOf(t *testing.T, f *market.Frame, sym string) market.Quote {
	t.Helper()
	i := f.Index(sym)
	if i < 0 {
		t.Fatalf("%s not in frame", sym)
	}
	return f.Quotes[i]
}

// next waits for an update matching ok (updates are coalesced, so it skips
// the ones that do not match).
func next(t *testing.T, ch <-chan feeds.Update, ok func(feeds.Update) bool) feeds.Update {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case u, open := <-ch:
			if !open {
				t.Fatal("update channel closed")
			}
			if ok(u) {
				return u
			}
		case <-timeout:
			t.Fatal("no matching update")
		}
	}
}

func TestLiveEndToEnd(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{})
	sub := l.Subscribe(fx.ctx)
	first := <-sub
	if first.Health.State != feeds.HealthReauth || first.Frame == nil {
		t.Fatalf("first update: %+v", first.Health)
	}
	done := make(chan error, 1)
	go func() { done <- l.Run(fx.ctx) }()

	u := next(t, sub, func(u feeds.Update) bool {
		return u.Health.State == feeds.HealthDegraded && !strings.Contains(u.Health.Detail, "loading")
	})
	f := u.Frame
	nv := quoteOf(t, f, "NVDA")
	if !nv.HasPrice || nv.Price != 118.42 || nv.PrevClose != 142.62 || nv.Stale || nv.Source != "yahoo" {
		t.Fatalf("NVDA = %+v", nv)
	}
	if nv.State != snapshots.StateRegular || !nv.Updated.Equal(t0) {
		t.Errorf("NVDA state %q updated %s", nv.State, nv.Updated)
	}
	if n := len(f.Intraday[f.Index("NVDA")]); n < 59 {
		t.Errorf("NVDA backfill: %d bars", n)
	}
	if q := quoteOf(t, f, "NOPE"); q.HasPrice {
		t.Errorf("unknown symbol has a price: %+v", q)
	}
	if !strings.Contains(u.Health.Detail, "NOPE") {
		t.Errorf("detail %q does not name the unknown symbol", u.Health.Detail)
	}
	if _, ok := f.MarketValue(f.Index("^GSPC")); ok {
		t.Error("an index has a market value")
	}
	vc, ok := f.MarketValue(f.Index("NVDA"))
	if !ok || vc.Value != 118.42*24490000000 {
		t.Errorf("NVDA market value %+v %v", vc, ok)
	}
	if u.Mode != feeds.ModeLive || u.Clock != nil {
		t.Errorf("mode %q clock %v", u.Mode, u.Clock)
	}

	// Next poll after one interval shows the new price.
	fx.fake.SetPrice("NVDA", 117.05, t0.Add(5*time.Second))
	if !fx.clock.BlockUntil(1, 10*time.Second) {
		t.Fatal("live source is not waiting for its next poll")
	}
	fx.clock.Advance(DefaultInterval)
	u = next(t, sub, func(u feeds.Update) bool {
		q := quoteOf(t, u.Frame, "NVDA")
		return q.Price == 117.05
	})
	if q := quoteOf(t, u.Frame, "NVDA"); !q.Updated.Equal(t0.Add(DefaultInterval)) {
		t.Errorf("updated = %s", q.Updated)
	}
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != 2 {
		t.Errorf("quote requests = %d after 2 polls", n)
	}
	fx.cancel()
	<-done
	if _, open := <-sub; open {
		// drain the last update, then the channel closes
		for range sub {
		}
	}
}

func TestLivePollCostsOneRequestPerInterval(t *testing.T) {
	fx := newFixture(t, Options{})
	var syms []snapshots.Symbol
	for i := range 50 {
		s := fmt.Sprintf("S%02d", i)
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: s, Price: 100 + float64(i), PrevClose: 100, Time: t0})
		syms = append(syms, snapshots.Symbol{Symbol: s})
	}
	l := newLive(t, fx, LiveOptions{Symbols: syms, NoBackfill: true})
	const polls = 20
	for range polls {
		if w := l.Poll(fx.ctx); w != DefaultInterval {
			t.Fatalf("wait = %s", w)
		}
		fx.clock.Advance(DefaultInterval)
	}
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != polls {
		t.Fatalf("%d quote requests for %d polls of 50 symbols", n, polls)
	}
	if n := fx.fake.Count(fakeyahoo.PathChart); n != 0 {
		t.Errorf("%d chart requests with NoBackfill", n)
	}
	if st := l.Stats(); st.Requests != polls || st.Polls != polls {
		t.Errorf("stats %+v", st)
	}
}

func TestLiveMalformedKeepsLastGood(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA", "^GSPC")})
	l.Poll(fx.ctx)
	for _, fault := range fakeyahoo.QuoteFaults {
		t.Run(string(fault), func(t *testing.T) {
			fx.clock.Advance(DefaultInterval)
			fx.fake.SetQuoteFault(fault, 1)
			l.Poll(fx.ctx)
			u, _ := l.hub.Latest()
			if u.Health.State != feeds.HealthRetrying || u.Health.LastErr == "" || !u.Health.RetryAt.Equal(fx.clock.Now().Add(DefaultInterval)) {
				t.Fatalf("health = %+v", u.Health)
			}
			if !strings.Contains(u.Health.LastErr, "malformed") {
				t.Errorf("LastErr %q", u.Health.LastErr)
			}
			if q := quoteOf(t, u.Frame, "NVDA"); !q.HasPrice || q.Price != 118.42 {
				t.Fatalf("last good value lost: %+v", q)
			}
			fx.clock.Advance(DefaultInterval)
			l.Poll(fx.ctx) // recovers
			if h := l.Health(); h.State != feeds.HealthOK || h.LastErr != "" {
				t.Fatalf("after recovery: %+v", h)
			}
		})
	}
}

func TestLiveRateLimitAndOffline(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	l.Poll(fx.ctx)
	fx.fake.RateLimit(1)
	fx.clock.Advance(DefaultInterval)
	w := l.Poll(fx.ctx)
	h := l.Health()
	if w != DefaultBackoffBase || h.State != feeds.HealthRetrying || !h.RetryAt.Equal(fx.clock.Now().Add(DefaultBackoffBase)) || !strings.Contains(h.LastErr, "rate limited") {
		t.Fatalf("wait %s health %+v", w, h)
	}
	fx.clock.Advance(w)
	l.Poll(fx.ctx)
	if h := l.Health(); h.State != feeds.HealthOK {
		t.Fatalf("after back-off: %+v", h)
	}
	// Server down: retrying, then offline after three failed polls; the
	// quote goes stale after three intervals without a good poll.
	fx.fake.ServerError(-1, 503)
	var states []feeds.HealthState
	for range 4 {
		fx.clock.Advance(DefaultInterval)
		l.Poll(fx.ctx)
		states = append(states, l.Health().State)
	}
	want := []feeds.HealthState{feeds.HealthRetrying, feeds.HealthRetrying, feeds.HealthOffline, feeds.HealthOffline}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Fatalf("states %v, want %v", states, want)
	}
	u, _ := l.hub.Latest()
	if q := quoteOf(t, u.Frame, "NVDA"); !q.Stale || !q.HasPrice {
		t.Errorf("quote not stale after 4 failed polls: %+v", q)
	}
	fx.fake.ServerError(0, 0)
	fx.clock.Advance(DefaultInterval)
	l.Poll(fx.ctx)
	u, _ = l.hub.Latest()
	if q := quoteOf(t, u.Frame, "NVDA"); q.Stale || u.Health.State != feeds.HealthOK {
		t.Errorf("after recovery: %+v %+v", q, u.Health)
	}
}

func TestLiveReauthShown(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	l.Poll(fx.ctx)
	// Look at what is published the moment the backend starts a refresh
	// (subscribers may coalesce it away if they are slow).
	var seen []feeds.Health
	l.c.Backend().SetNotify(func(st Status) {
		l.onBackend(st)
		u, _ := l.hub.Latest()
		seen = append(seen, u.Health)
	})
	fx.fake.RotateCrumb()
	fx.clock.Advance(DefaultInterval)
	l.Poll(fx.ctx)
	if len(seen) == 0 || seen[0].State != feeds.HealthReauth || !strings.Contains(seen[0].Detail, "re-authenticating") {
		t.Fatalf("published during the refresh: %+v", seen)
	}
	if h := l.Health(); h.State != feeds.HealthOK {
		t.Fatalf("after the refresh: %+v", h)
	}
}

func TestLiveClosedMarketSlowsDown(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.SetMarketState("CLOSED")
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	if w := l.Poll(fx.ctx); w != DefaultClosedInterval {
		t.Fatalf("wait %s, want %s", w, DefaultClosedInterval)
	}
	if h := l.Health(); h.Detail != "market closed; polling every 1m" {
		t.Errorf("detail %q", h.Detail)
	}
}

func TestLivePreMarket(t *testing.T) {
	fx := newFixture(t, Options{})
	fri := time.Date(2025, 1, 24, 16, 0, 0, 0, snapshots.Location())
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Price: 142.62, PrevClose: 147.22, PrePrice: 128.5, State: "PRE", Shares: 24490000000, Time: fri})
	fx.fake.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 142.62})
	fx.clock.Advance(-(2*time.Hour + 30*time.Minute)) // 08:00 ET
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	l.Poll(fx.ctx)
	u, _ := l.hub.Latest()
	q := quoteOf(t, u.Frame, "NVDA")
	if q.State != snapshots.StatePre || !q.HasExt || q.ExtPrice != 128.5 {
		t.Fatalf("pre-market quote %+v", q)
	}
	if !q.HasPrice || q.Price != 142.62 || q.PrevClose != 142.62 {
		t.Errorf("regular price / prev close: %+v", q)
	}
	if sess, ok := u.Frame.CurrentSession(); !ok || sess.Date != "2025-01-27" {
		t.Errorf("session %+v %v", sess, ok)
	}
}

// tap is a Recorder that forwards to a snapshot writer and keeps what it
// was given.
type tap struct {
	w    *snapshots.Writer
	recs []snapshots.Record
}

func (r *tap) Write(rec snapshots.Record) error {
	if err := r.w.Write(rec); err != nil {
		return err
	}
	r.recs = append(r.recs, rec)
	return nil
}

func (r *tap) Flush() error { return r.w.Flush() }

func TestRecordThenReplay(t *testing.T) {
	fx := newFixture(t, Options{})
	var buf bytes.Buffer
	rec := &tap{}
	var hdr snapshots.Header
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA", "AVGO", "^GSPC"), Record: func(h snapshots.Header) (Recorder, error) {
		hdr = h
		var err error
		rec.w, err = snapshots.NewWriter(&buf, h, snapshots.WriteOptions{FlushEvery: -1})
		return rec, err
	}})
	var times []time.Time
	var published []*market.Frame
	vol := int64(818830900)
	price := func(i int) float64 {
		p := 118.42 - float64(i)*0.03
		if i%7 == 3 {
			p += 0.2
		}
		return p
	}
	for i := range 40 { // 40 polls, 200 s: three minute boundaries
		p := price(i)
		if i%9 != 8 { // now and then a poll with nothing new for NVDA
			vol += int64(1000 * (i + 1))
			fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: p, PrevClose: 142.62, Volume: vol, Shares: 24490000000, Time: fx.clock.Now()})
		}
		fx.fake.SetPrice("AVGO", 199.7+float64(i%5)*0.1, fx.clock.Now())
		before := len(rec.recs)
		l.Poll(fx.ctx)
		now := fx.clock.Now()
		// nothing held back: the poll's quotes are with the recorder at once
		if i > 0 && i%9 != 8 {
			got := rec.recs[before:]
			if len(got) == 0 || got[len(got)-1].Kind != snapshots.RecQuote || !got[len(got)-1].Time().Equal(now) {
				t.Fatalf("poll %d: recorder got %+v", i, got)
			}
		}
		u, _ := l.hub.Latest()
		published = append(published, u.Frame)
		times = append(times, now)
		fx.clock.Advance(DefaultInterval)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := rec.w.Close(); err != nil {
		t.Fatal(err)
	}
	if hdr.Provenance != snapshots.Recorded || len(hdr.Sessions) != 1 || hdr.Sessions[0].PrevClose["NVDA"] != 142.62 {
		t.Fatalf("header %+v", hdr)
	}
	snap, err := snapshots.Decode(&buf, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	// only observed data: the backfill's bars, all before the first poll's
	// quotes, then quotes
	if len(snap.Bars) != 60 || len(snap.Quotes) < 40 {
		t.Fatalf("recorded %d quotes, %d bars", len(snap.Quotes), len(snap.Bars))
	}
	for _, b := range snap.Bars {
		if b.Symbol != "NVDA" || b.End().After(times[0]) {
			t.Errorf("bar %+v is not from the backfill", b)
		}
	}
	if st := l.Stats(); st.Late != 0 || st.Recorded != len(snap.Quotes)+len(snap.Bars) {
		t.Errorf("stats %+v, file has %d records", st, len(snap.Quotes)+len(snap.Bars))
	}
	replay, err := market.NewDataset(snap, market.WithSource("yahoo"), market.WithStaleAfter(0))
	if err != nil {
		t.Fatal(err)
	}
	// the frames the live source published equal the replay's at the
	// same times (but for the live freshness: Updated, Stale)
	for i, at := range times {
		a, b := published[i], replay.At(at)
		for k := range a.Quotes {
			qa, qb := a.Quotes[k], b.Quotes[k]
			qa.Updated, qa.Stale, qb.Updated, qb.Stale = time.Time{}, false, time.Time{}, false
			if qa != qb {
				t.Fatalf("at %s %s: published %+v, replay %+v", at.Format("15:04:05"), qa.Symbol, qa, qb)
			}
			sameBars(t, at, qa.Symbol, a.Intraday[k], b.Intraday[k])
		}
	}
	// and the live dataset equals the replay at any time, between polls too
	live := l.Dataset()
	probes := []time.Time{et(9, 45), et(10, 29), et(10, 30), et(10, 31), et(10, 32), et(10, 33), et(10, 33).Add(30 * time.Second), et(10, 40), et(16, 30)}
	for _, at := range times {
		probes = append(probes, at.Add(2*time.Second))
	}
	for _, at := range probes {
		a, b := live.At(at), replay.At(at)
		for k := range a.Quotes {
			if a.Quotes[k] != b.Quotes[k] {
				t.Fatalf("at %s %s: live %+v, replay %+v", at.Format("15:04:05"), a.Quotes[k].Symbol, a.Quotes[k], b.Quotes[k])
			}
			sameBars(t, at, a.Quotes[k].Symbol, a.Intraday[k], b.Intraday[k])
		}
	}
	// the minutes after the backfill have bars, derived from the quotes
	f := replay.At(et(10, 34))
	nv := f.Intraday[f.Index("NVDA")]
	if len(nv) != 64 || !nv[60].Time.Equal(et(10, 30)) || !nv[63].Time.Equal(et(10, 33)) {
		t.Fatalf("NVDA has %d bars after 10:34", len(nv))
	}
	if b := nv[60]; b.Open != price(0) || b.Close != price(11) || b.High != price(3) || b.Low != price(11) || b.Volume <= 0 {
		t.Errorf("10:30 bar %+v", b)
	}
}

// sameBars compares intraday bars by value (times as instants).
func sameBars(t *testing.T, at time.Time, sym string, a, b []snapshots.Bar) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("at %s %s: %d intraday bars vs %d", at.Format("15:04:05"), sym, len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.Time.Equal(y.Time) {
			t.Fatalf("at %s %s: bar %d at %s vs %s", at.Format("15:04:05"), sym, i, x.Time, y.Time)
		}
		x.Time, y.Time = time.Time{}, time.Time{}
		if x != y {
			t.Fatalf("at %s %s: bar %d %+v vs %+v", at.Format("15:04:05"), sym, i, x, y)
		}
	}
}

func TestLiveBuildsMinuteBars(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{Symbols: watch("AVGO"), NoBackfill: true})
	prices := []float64{200, 201, 199.5, 200.5, 202, 202, 203, 201, 200, 200, 200, 200, 199}
	for _, p := range prices { // 13 polls: 10:30:00 .. 10:31:00
		fx.fake.SetPrice("AVGO", p, fx.clock.Now())
		l.Poll(fx.ctx)
		fx.clock.Advance(DefaultInterval)
	}
	f := l.Dataset().At(fx.clock.Now())
	bars := f.Intraday[f.Index("AVGO")]
	if len(bars) != 1 {
		t.Fatalf("bars %+v", bars)
	}
	b := bars[0]
	if !b.Time.Equal(et(10, 30)) || b.Open != 200 || b.High != 203 || b.Low != 199.5 || b.Close != 200 {
		t.Errorf("bar %+v", b)
	}
}

func TestNewLiveErrors(t *testing.T) {
	fx := newFixture(t, Options{})
	if _, err := NewLive(fx.c, fx.clock, LiveOptions{}); err == nil {
		t.Error("no symbols accepted")
	}
	if _, err := NewLive(fx.c, fx.clock, LiveOptions{Symbols: watch("A", "A")}); err == nil {
		t.Error("duplicate accepted")
	}
	if _, err := NewLive(nil, fx.clock, LiveOptions{Symbols: watch("A")}); err == nil {
		t.Error("nil client accepted")
	}
}

func TestLiveWeekendShowsLastSession(t *testing.T) {
	fx := newFixture(t, Options{})
	loc := snapshots.Location()
	fri := func(h, m int) time.Time { return time.Date(2025, 1, 24, h, m, 0, 0, loc) }
	var bars []fakeyahoo.Bar
	for m := 0; m < 390; m++ {
		p := 147.0 - float64(m)*0.01
		bars = append(bars, fakeyahoo.Bar{Time: fri(9, 30).Add(time.Duration(m) * time.Minute), Open: p, High: p, Low: p, Close: p, Volume: 10})
	}
	fx.fake.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 147.22, Bars: bars})
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Price: 142.62, PrevClose: 147.22, State: "CLOSED", Shares: 24490000000, Time: fri(16, 0)})
	fx.clock.Advance(-t0.Sub(time.Date(2025, 1, 25, 12, 0, 0, 0, loc))) // Saturday noon
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	if w := l.Poll(fx.ctx); w != DefaultClosedInterval {
		t.Errorf("wait %s", w)
	}
	u, _ := l.hub.Latest()
	q := quoteOf(t, u.Frame, "NVDA")
	if q.State != snapshots.StateClosed || !q.HasPrice || q.Price != 142.62 || q.PrevClose != 147.22 || q.HasExt {
		t.Fatalf("weekend quote %+v", q)
	}
	if n := len(u.Frame.Intraday[0]); n != 390 {
		t.Errorf("Friday's bars: %d", n)
	}
	if sess, ok := u.Frame.CurrentSession(); !ok || sess.Date != "2025-01-24" {
		t.Errorf("session %+v", sess)
	}
	if !strings.Contains(u.Health.Detail, "market closed") {
		t.Errorf("detail %q", u.Health.Detail)
	}
}

func TestLiveOfficialCloseAndPostMarket(t *testing.T) {
	fx := newFixture(t, Options{})
	var buf bytes.Buffer
	var w *snapshots.Writer
	l := newLive(t, fx, LiveOptions{Symbols: watch("AVGO"), NoBackfill: true, Record: func(h snapshots.Header) (Recorder, error) {
		var err error
		w, err = snapshots.NewWriter(&buf, h, snapshots.WriteOptions{FlushEvery: -1})
		return w, err
	}})
	fx.clock.Advance(et(15, 59).Add(50 * time.Second).Sub(t0))
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Price: 200, PrevClose: 241.6, Volume: 1000, Time: fx.clock.Now()})
	l.Poll(fx.ctx)
	fx.clock.Advance(15 * time.Second) // 16:00:05
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Price: 199.7, PrevClose: 241.6, Volume: 1500, State: "POST", Time: et(16, 0)})
	l.Poll(fx.ctx)
	u, _ := l.hub.Latest()
	if q := quoteOf(t, u.Frame, "AVGO"); q.Price != 199.7 || q.HasExt || q.State != snapshots.StatePost {
		t.Fatalf("after the close: %+v", q)
	}
	fx.clock.Advance(5 * time.Minute)
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Price: 199.7, PrevClose: 241.6, Volume: 1500, State: "POST", PostPrice: 201.1, Time: et(16, 0)})
	l.Poll(fx.ctx)
	u, _ = l.hub.Latest()
	if q := quoteOf(t, u.Frame, "AVGO"); q.Price != 199.7 || !q.HasExt || q.ExtPrice != 201.1 {
		t.Fatalf("post-market: %+v", q)
	}
	l.Flush()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshots.Decode(&buf, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.Late != 0 || st.Recorded != len(snap.Quotes)+len(snap.Bars) {
		t.Errorf("stats %+v; file %d quotes %d bars", st, len(snap.Quotes), len(snap.Bars))
	}
	ds, _ := market.NewDataset(snap, market.WithStaleAfter(0))
	if q := ds.At(fx.clock.Now()).Quotes[0]; q.Price != 199.7 || q.ExtPrice != 201.1 {
		t.Errorf("replayed: %+v", q)
	}
}

func TestLiveFailingPollsSlowDown(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	l.Poll(fx.ctx)
	fx.fake.Force401(-1)
	var waits []time.Duration
	for range 9 {
		w := l.Poll(fx.ctx)
		waits = append(waits, w)
		fx.clock.Advance(w)
	}
	want := "[5s 10s 20s 40s 1m20s 2m40s 5m0s 5m0s 5m0s]"
	if fmt.Sprint(waits) != want {
		t.Fatalf("waits %v, want %s", waits, want)
	}
	// each failed poll: one quote, one refresh (cookie+crumb), one retry
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != 1+2*9 {
		t.Errorf("%d quote requests", n)
	}
	if h := l.Health(); h.State != feeds.HealthRetrying || !strings.Contains(h.LastErr, "Invalid Crumb") {
		t.Errorf("health %+v", h)
	}
}

// TestLiveCloseSeenLate: Yahoo says "post" for one symbol a poll later
// than for another; each official close is recorded when it is seen, so
// the file stays in time order and nothing is left out of it.
func TestLiveCloseSeenLate(t *testing.T) {
	fx := newFixture(t, Options{})
	var buf bytes.Buffer
	rec := &tap{}
	l := newLive(t, fx, LiveOptions{Symbols: watch("AVGO", "NVDA"), NoBackfill: true, Record: func(h snapshots.Header) (Recorder, error) {
		var err error
		rec.w, err = snapshots.NewWriter(&buf, h, snapshots.WriteOptions{FlushEvery: -1})
		return rec, err
	}})
	fx.clock.Advance(et(15, 59).Add(50 * time.Second).Sub(t0))
	set := func(sym string, price, post float64, state string) {
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: sym, Price: price, PrevClose: 200, Volume: 1000, State: state, PostPrice: post, Time: fx.clock.Now()})
	}
	set("AVGO", 199, 0, "")
	set("NVDA", 118, 0, "")
	l.Poll(fx.ctx)
	fx.clock.Advance(15 * time.Second) // 16:00:05
	set("AVGO", 199.5, 201, "POST")
	set("NVDA", 118.1, 0, "REGULAR") // Yahoo has not switched NVDA yet
	l.Poll(fx.ctx)
	fx.clock.Advance(5 * time.Second) // 16:00:10
	set("NVDA", 118.2, 0, "POST")
	l.Poll(fx.ctx)
	if err := rec.w.Close(); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshots.Decode(&buf, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.Late != 0 || st.Recorded != len(snap.Quotes) {
		t.Errorf("stats %+v; file %d quotes", st, len(snap.Quotes))
	}
	replay, _ := market.NewDataset(snap, market.WithStaleAfter(0))
	for _, ds := range []*market.Dataset{l.Dataset(), replay} {
		f := ds.At(et(16, 1))
		if q := f.Quotes[0]; q.Price != 199.5 || !q.HasExt || q.ExtPrice != 201 {
			t.Errorf("AVGO %+v", q)
		}
		if q := f.Quotes[1]; q.Price != 118.2 || q.HasExt {
			t.Errorf("NVDA %+v", q)
		}
	}
}

// A source that never had a good poll does not claim to show "the last
// good values": it says there is no data yet.
func TestLiveFailingFromTheStartSaysNoData(t *testing.T) {
	fx := newFixture(t, Options{Retries: -1})
	fx.fake.ServerError(-1, 503)
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA")})
	l.Poll(fx.ctx)
	if h := l.Health(); h.Detail != "no data yet" || h.LastErr == "" {
		t.Fatalf("health after a first failed poll: %+v", h)
	}
	fx.fake.ServerError(0, 0)
	fx.clock.Advance(DefaultInterval)
	l.Poll(fx.ctx)
	fx.fake.ServerError(-1, 503)
	fx.clock.Advance(DefaultInterval)
	l.Poll(fx.ctx)
	if h := l.Health(); h.Detail != "showing the last good values" {
		t.Fatalf("health after a good poll then a failed one: %+v", h)
	}
}

// A backfill that fails is tried again for the failed symbols (after 30 s,
// then longer) and, once it works, fills the chart and clears the error.
func TestLiveBackfillIsRetried(t *testing.T) {
	fx := newFixture(t, Options{})
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA", "^GSPC")})
	fx.fake.SetChartFault(fakeyahoo.FaultHTML, -1)
	l.Poll(fx.ctx)
	if h := l.Health(); !strings.Contains(h.Detail, "backfill") {
		t.Fatalf("a failed backfill is not shown: %+v", h)
	}
	charts := fx.fake.Count(fakeyahoo.PathChart)
	fx.clock.Advance(DefaultInterval)
	l.Poll(fx.ctx) // too soon: no retry
	if n := fx.fake.Count(fakeyahoo.PathChart); n != charts {
		t.Fatalf("retried after %v: %d chart requests, want %d", DefaultInterval, n, charts)
	}
	fx.fake.SetChartFault(fakeyahoo.FaultNone, 0)
	fx.clock.Advance(30 * time.Second)
	l.Poll(fx.ctx)
	if n := fx.fake.Count(fakeyahoo.PathChart); n <= charts {
		t.Fatal("no retry after 30 s")
	}
	if h := l.Health(); strings.Contains(h.Detail, "backfill") {
		t.Errorf("the backfill error outlived a good retry: %+v", h)
	}
	u, _ := l.hub.Latest()
	if n := len(u.Frame.Intraday[u.Frame.Index("NVDA")]); n < 59 {
		t.Errorf("NVDA has %d bars after the retry", n)
	}
	// nothing left to retry: no more chart requests
	charts = fx.fake.Count(fakeyahoo.PathChart)
	fx.clock.Advance(10 * time.Minute)
	l.Poll(fx.ctx)
	if n := fx.fake.Count(fakeyahoo.PathChart); n != charts {
		t.Errorf("%d chart requests after a good backfill", n-charts)
	}
}

// A share count the user set (KeepShares) is not replaced by Yahoo's.
func TestLiveKeepsTheUsersShares(t *testing.T) {
	fx := newFixture(t, Options{})
	syms := watch("NVDA", "AVGO")
	syms[0].Shares = &snapshots.Shares{Count: 1_000_000_000, Source: "config.yaml"}
	l := newLive(t, fx, LiveOptions{Symbols: syms, KeepShares: map[string]bool{"NVDA": true}})
	l.Poll(fx.ctx)
	u, _ := l.hub.Latest()
	f := u.Frame
	nv := f.Symbols[f.Index("NVDA")]
	if nv.Shares == nil || nv.Shares.Count != 1_000_000_000 || nv.Shares.Source != "config.yaml" {
		t.Errorf("NVDA shares %+v, want the user's 1B", nv.Shares)
	}
	if av := f.Symbols[f.Index("AVGO")]; av.Shares == nil || av.Shares.Count == 0 || av.Shares.Source == "config.yaml" {
		t.Errorf("AVGO shares %+v, want Yahoo's", av.Shares)
	}
}
