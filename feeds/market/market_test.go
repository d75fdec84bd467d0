package market_test

import (
	"math"
	"slices"
	"testing"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestQuoteChange(t *testing.T) {
	tests := []struct {
		name    string
		q       market.Quote
		abs, pc float64
		ok      bool
	}{
		{"down", market.Quote{Price: 118.42, HasPrice: true, PrevClose: 142.62}, -24.2, -16.968167, true},
		{"no price", market.Quote{Price: 0, PrevClose: 142.62}, 0, 0, false},
		{"no prev close", market.Quote{Price: 10, HasPrice: true}, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			abs, pc, ok := tc.q.Change()
			if ok != tc.ok || !near(abs, tc.abs) || math.Abs(pc-tc.pc) > 1e-5 {
				t.Errorf("got %v %v %v", abs, pc, ok)
			}
		})
	}
}

func TestMarketValueAndBasket(t *testing.T) {
	s, d := week(t)
	f := d.At(et(27, 16, 0, 0))
	shares := func(sym string) float64 {
		x, _ := s.Symbol(sym)
		return float64(x.Shares.Count)
	}
	q := quote(t, f, "NVDA")
	vc, ok := f.MarketValue(f.Index("NVDA"))
	if !ok || !near(vc.Delta, (q.Price-q.PrevClose)*shares("NVDA")) || !near(vc.Value, q.Price*shares("NVDA")) {
		t.Errorf("NVDA market value %+v %v", vc, ok)
	}
	for _, sym := range []string{"GOOG", "VST", "QQQ", "^IXIC", "TSM"} {
		if _, ok := f.MarketValue(f.Index(sym)); ok {
			t.Errorf("%s must have no market value", sym)
		}
	}

	b := f.Basket(nil)
	var got []string
	for _, it := range b.Items {
		got = append(got, it.Symbol)
	}
	if want := []string{"NVDA", "AVGO", "GOOGL"}; !slices.Equal(got, want) {
		t.Errorf("basket items %v, want %v (GOOG counted once via GOOGL; ETF and index left out)", got, want)
	}
	if want := []string{"VST", "TSM"}; !slices.Equal(b.Missing, want) {
		t.Errorf("missing %v, want %v", b.Missing, want)
	}
	sum, share := 0.0, 0.0
	for _, it := range b.Items {
		sum += it.Delta
		share += it.Share
	}
	if !near(sum, b.Delta) || !near(share, 1) {
		t.Errorf("delta %v vs %v, shares sum %v", sum, b.Delta, share)
	}

	// a watchlist holding only GOOG still counts Alphabet, at GOOG's price
	b = f.Basket([]string{"GOOG", "QQQ"})
	if len(b.Items) != 1 || b.Items[0].Symbol != "GOOG" || b.Items[0].Company != "Alphabet" {
		t.Fatalf("GOOG-only basket %+v", b)
	}
	g := quote(t, f, "GOOG")
	if !near(b.Items[0].Delta, (g.Price-g.PrevClose)*shares("GOOGL")) || b.Items[0].Share != 1 {
		t.Errorf("GOOG-only basket %+v", b.Items[0])
	}

	// before any data nothing is counted, and nothing is zero-valued
	f = d.At(et(1, 0, 0, 0))
	b = f.Basket(nil)
	if len(b.Items) != 0 || b.Delta != 0 || len(b.Missing) != 6 {
		t.Errorf("empty basket %+v", b)
	}
}

func TestBasketRealData(t *testing.T) {
	s := realSnapshot(t)
	d, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	f := d.At(et(27, 16, 0, 0))
	q := quote(t, f, "NVDA")
	abs, pct, ok := q.Change()
	if !ok || q.Price != 118.42 || q.PrevClose != 142.62 || math.Abs(pct+16.97) > 0.01 {
		t.Errorf("NVDA at Monday's close: %+v (%v %v)", q, abs, pct)
	}
	vc, ok := f.MarketValue(f.Index("NVDA"))
	if !ok || vc.Delta > -580e9 || vc.Delta < -600e9 {
		t.Errorf("NVDA market value change %.0f, want about -593B", vc.Delta)
	}
	b := f.Basket(nil)
	t.Logf("basket at Monday's close: %.0fB over %d companies, missing %v; NVDA share %.2f",
		b.Delta/1e9, len(b.Items), b.Missing, vc.Delta/b.Delta)
	if b.Delta >= 0 || len(b.Missing) != 0 {
		t.Errorf("basket %+v", b)
	}
	if q.State != snapshots.StatePost {
		t.Errorf("state %s", q.State)
	}
}
