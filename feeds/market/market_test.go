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

// TestShareClassesAtOwnPrice: Alphabet's count is stored once, on GOOGL,
// split into classes. With GOOG in the frame each class is valued at its
// own price; without it (or unpriced) the class C shares take GOOGL's
// price and the value says it is approximate.
func TestShareClassesAtOwnPrice(t *testing.T) {
	googl := snapshots.Symbol{Symbol: "GOOGL", Kind: snapshots.KindEquity, Company: "Alphabet",
		Shares: &snapshots.Shares{Count: 12_190_000_000, Classes: []snapshots.ShareClass{
			{Symbol: "GOOGL", Class: "A+B", Count: 6_693_000_000}, {Symbol: "GOOG", Class: "C", Count: 5_497_000_000}}}}
	goog := snapshots.Symbol{Symbol: "GOOG", Kind: snapshots.KindEquity, Company: "Alphabet"}
	qa := market.Quote{Symbol: "GOOGL", Price: 191.81, HasPrice: true, PrevClose: 200.21}
	qc := market.Quote{Symbol: "GOOG", Price: 193.77, HasPrice: true, PrevClose: 201.90}
	wantDelta := (191.81-200.21)*6_693e6 + (193.77-201.90)*5_497e6 // the fact sheet's ≈ -$100.9B
	wantValue := 191.81*6_693e6 + 193.77*5_497e6

	both := &market.Frame{Symbols: []snapshots.Symbol{googl, goog}, Quotes: []market.Quote{qa, qc}}
	vc, ok := both.MarketValue(0)
	if !ok || !near(vc.Delta, wantDelta) || !near(vc.Value, wantValue) || vc.Approx {
		t.Errorf("both classes: %+v, want delta %.0f value %.0f, exact", vc, wantDelta, wantValue)
	}
	if math.Abs(vc.Delta/1e9-(-100.9)) > 0.1 {
		t.Errorf("Alphabet's 27 Jan change %.1fB, want about -100.9B", vc.Delta/1e9)
	}
	if v, ok := both.MarketCap(0); !ok || !near(v, wantValue) || both.ValueApproximate(0) {
		t.Errorf("market cap %v %v", v, ok)
	}
	b := both.Basket(nil)
	if len(b.Items) != 1 || !near(b.Delta, wantDelta) || b.Items[0].Approx {
		t.Errorf("basket %+v", b)
	}
	// A watchlist showing GOOG only still values class A at GOOGL's price.
	b = both.Basket([]string{"GOOG"})
	if len(b.Items) != 1 || !near(b.Delta, wantDelta) || b.Items[0].Approx {
		t.Errorf("GOOG-only basket %+v", b)
	}

	alone := &market.Frame{Symbols: []snapshots.Symbol{googl}, Quotes: []market.Quote{qa}}
	vc, ok = alone.MarketValue(0)
	allA := (191.81 - 200.21) * 12_190e6
	if !ok || !near(vc.Delta, allA) || !vc.Approx || !alone.ValueApproximate(0) {
		t.Errorf("GOOGL alone: %+v, want delta %.0f, approximate", vc, allA)
	}
	if b := alone.Basket(nil); len(b.Items) != 1 || !b.Items[0].Approx {
		t.Errorf("GOOGL-alone basket %+v", b)
	}

	// GOOG present but not yet priced: approximate too, never zero.
	unpriced := &market.Frame{Symbols: []snapshots.Symbol{googl, goog}, Quotes: []market.Quote{qa, {Symbol: "GOOG"}}}
	if vc, ok := unpriced.MarketValue(0); !ok || !near(vc.Delta, allA) || !vc.Approx {
		t.Errorf("GOOG unpriced: %+v", vc)
	}
	// A count without classes is exact as before.
	plain := googl
	plain.Shares = &snapshots.Shares{Count: 12_190_000_000}
	f := &market.Frame{Symbols: []snapshots.Symbol{plain}, Quotes: []market.Quote{qa}}
	if vc, ok := f.MarketValue(0); !ok || !near(vc.Delta, allA) || vc.Approx {
		t.Errorf("no classes: %+v", vc)
	}
}
