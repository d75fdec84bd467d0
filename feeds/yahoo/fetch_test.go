package yahoo

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

func TestFetchOutsideWindowFailsBeforeAnyRequest(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.clock.Advance(40 * 24 * time.Hour)
	_, err := fx.c.Fetch(fx.ctx, FetchOptions{Date: "2025-01-27", Symbols: watch("NVDA"), Clock: fx.clock})
	if err == nil || !strings.Contains(err.Error(), "30 days") || !strings.Contains(err.Error(), "2025-01-27") {
		t.Fatalf("err = %v", err)
	}
	if n := len(fx.fake.Requests()); n != 0 {
		t.Fatalf("%d requests sent for a date outside the window", n)
	}
	for _, bad := range []string{"27/01/2025", "2025-01-25"} {
		if _, err := fx.c.Fetch(fx.ctx, FetchOptions{Date: bad, Symbols: watch("NVDA"), Clock: fx.clock}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if len(fx.fake.Requests()) != 0 {
		t.Error("requests sent for bad dates")
	}
}

func TestFetchSession(t *testing.T) {
	fx := newFixture(t, Options{})
	// a full regular session for NVDA, a few bars for ^GSPC, nothing for NOPE
	var bars, ix []fakeyahoo.Bar
	for m := 0; m < 390; m++ {
		tm := et(9, 30).Add(time.Duration(m) * time.Minute)
		p := 124.0 - float64(m)*0.015
		bars = append(bars, fakeyahoo.Bar{Time: tm, Open: p, High: p + 0.1, Low: p - 0.1, Close: p, Volume: 1000, Null: m == 100})
		if m < 5 {
			ix = append(ix, fakeyahoo.Bar{Time: tm, Open: 6000, High: 6001, Low: 5999, Close: 6000})
		}
	}
	bars = append(bars, fakeyahoo.Bar{Time: et(16, 30), Open: 118, High: 118, Low: 118, Close: 118}) // post-market
	fx.fake.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 142.62, Bars: bars})
	fx.fake.SetChart("^GSPC", fakeyahoo.Chart{PrevClose: 6101.24, Bars: ix})
	fx.clock.Advance(26 * time.Hour) // Tuesday

	syms := []snapshots.Symbol{{Symbol: "NVDA", Groups: []string{"chips"}}, {Symbol: "^GSPC"}, {Symbol: "NOPE"}}
	res, err := fx.c.Fetch(fx.ctx, FetchOptions{Date: "2025-01-27", Symbols: syms, Clock: fx.clock})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Snapshot
	h := s.Header
	if h.Provenance != snapshots.Imported || h.MainDay != "2025-01-27" || len(h.Sessions) != 1 {
		t.Fatalf("header %+v", h)
	}
	sess := h.Sessions[0]
	if sess.PrevClose["NVDA"] != 142.62 || sess.PrevClose["^GSPC"] != 6101.24 || !sess.Open.Equal(et(9, 30)) || !sess.Close.Equal(et(16, 0)) {
		t.Errorf("session %+v", sess)
	}
	nv, _ := s.Symbol("NVDA")
	if nv.Kind != snapshots.KindEquity || nv.Shares == nil || nv.Shares.Count != 24490000000 || !nv.Shares.Approximate || nv.Groups[0] != "chips" {
		t.Errorf("NVDA symbol %+v shares %+v", nv, nv.Shares)
	}
	if ix, _ := s.Symbol("^GSPC"); ix.Kind != snapshots.KindIndex || ix.Shares != nil {
		t.Errorf("index symbol %+v", ix)
	}
	if len(s.Bars) != 389+5 {
		t.Errorf("%d bars, want 394 (one null dropped, post-market left out)", len(s.Bars))
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "NOPE") {
		t.Errorf("warnings %v", res.Warnings)
	}
	path := filepath.Join(t.TempDir(), "fetched.jsonl.gz")
	if err := snapshots.SaveSnapshot(path, s, snapshots.WriteOptions{Gzip: true, FlushEvery: -1}); err != nil {
		t.Fatal(err)
	}
	// Written, read back strictly and played: the replay sees the close.
	back, err := snapshots.ReadFile(path, snapshots.ReadOptions{Strict: true})
	if err != nil || len(back.Bars) != len(s.Bars) {
		t.Fatalf("file: %v", err)
	}
	ds, err := market.NewDataset(back)
	if err != nil {
		t.Fatal(err)
	}
	f := ds.At(et(16, 0))
	q := f.Quotes[f.Index("NVDA")]
	if !q.HasPrice || q.PrevClose != 142.62 || q.Price != bars[389].Close {
		t.Errorf("replayed close %+v", q)
	}
}

func TestFetchRateLimitedStops(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.clock.Advance(26 * time.Hour)
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	fx.fake.RateLimit(-1)
	_, err := fx.c.Fetch(fx.ctx, FetchOptions{Date: "2025-01-27", Symbols: watch("NVDA", "AVGO", "SMH"), Clock: fx.clock})
	if !IsKind(err, KindRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if n := len(fx.fake.Requests()); n != 1 {
		t.Errorf("%d requests after a 429, want 1", n)
	}
}

func TestDoctorHealthy(t *testing.T) {
	fx := newFixture(t, Options{})
	steps := Doctor(fx.ctx, Options{BaseURL: fx.fake.URL, Clock: fx.clock}, "NVDA")
	if !AllOK(steps) || len(steps) != 4 {
		t.Fatalf("steps %+v", steps)
	}
	for _, s := range steps {
		if s.Detail == "" || s.Err != nil {
			t.Errorf("step %+v", s)
		}
	}
	if !strings.Contains(steps[2].Detail, "118.42") || !strings.Contains(steps[3].Detail, "60 one-minute bars") {
		t.Errorf("details: %q / %q", steps[2].Detail, steps[3].Detail)
	}
}

func TestDoctorBroken(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(*fakeyahoo.Server)
		failAt int
		reason string
	}{
		{"no cookie", func(f *fakeyahoo.Server) { f.SetNoCookie(true) }, 0, "A1 or A3"},
		{"rate limited", func(f *fakeyahoo.Server) { f.RateLimit(-1) }, 1, "rate limited"},
		{"locked out", func(f *fakeyahoo.Server) { f.Force401(-1) }, 2, "Invalid Crumb"},
		{"unknown symbol", func(f *fakeyahoo.Server) { f.Remove("NVDA") }, 2, "no quote for NVDA"},
		{"server down", func(f *fakeyahoo.Server) { f.ServerError(-1, 500) }, 2, "500"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, Options{})
			tc.break_(fx.fake)
			steps := Doctor(fx.ctx, Options{BaseURL: fx.fake.URL, Clock: fx.clock, RetryBase: -1}, "NVDA")
			if AllOK(steps) || len(steps) != 4 {
				t.Fatalf("steps %+v", steps)
			}
			for i, s := range steps {
				if i < tc.failAt && !s.OK {
					t.Errorf("step %s failed: %v", s.Name, s.Err)
				}
				if i == tc.failAt && (s.OK || !strings.Contains(s.Err.Error(), tc.reason)) {
					t.Errorf("step %s: ok=%v err=%v, want %q", s.Name, s.OK, s.Err, tc.reason)
				}
			}
		})
	}
}

func TestDoctorCanceled(t *testing.T) {
	fx := newFixture(t, Options{})
	ctx, cancel := context.WithCancel(fx.ctx)
	cancel()
	steps := Doctor(ctx, Options{BaseURL: fx.fake.URL, Clock: fx.clock}, "")
	var e *Error
	if steps[0].OK || !errors.As(steps[0].Err, &e) || e.Kind != KindCanceled {
		t.Fatalf("steps %+v", steps)
	}
}
