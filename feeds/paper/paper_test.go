package paper

import (
	"math"
	"testing"
	"time"
)

func at(hm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2025-01-27 "+hm)
	if err != nil {
		panic(err)
	}
	return t
}

func prices(m map[string]float64) Price {
	return func(s string) (float64, bool) { p, ok := m[s]; return p, ok }
}

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %.4f, want %.4f", name, got, want)
	}
}

func TestBuyThenSell(t *testing.T) {
	var b Book
	b, _, err := b.Fill("NVDA", Buy, 100, 125.50, at("10:00"))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err = b.Fill("NVDA", Sell, 100, 119.25, at("14:45"))
	if err != nil {
		t.Fatal(err)
	}
	p := Mark(b.Fills(), prices(map[string]float64{"NVDA": 118.42}))
	near(t, "realized", p.Realized, 100*(119.25-125.50))
	near(t, "unrealized", p.Unrealized, 0)
	near(t, "total", p.Total, -625)
	h := BuyAndHold(b.Fills(), prices(map[string]float64{"NVDA": 118.42}))
	near(t, "hold", h.PnL, 100*(118.42-125.50))
}

func TestShortAndCross(t *testing.T) {
	var b Book
	b, _, _ = b.Fill("AVGO", Sell, 50, 200, at("10:00"))
	p := Mark(b.Fills(), prices(map[string]float64{"AVGO": 190}))
	near(t, "short unrealized", p.Unrealized, 500) // a short gains as the price falls
	if p.Positions[0].Shares != -50 {
		t.Fatalf("shares %d", p.Positions[0].Shares)
	}
	// buy 80: closes 50 at 180 (+1000), opens 30 long at 180
	b, _, _ = b.Fill("AVGO", Buy, 80, 180, at("11:00"))
	p = Mark(b.Fills(), prices(map[string]float64{"AVGO": 170}))
	near(t, "realized", p.Realized, 1000)
	near(t, "unrealized", p.Unrealized, 30*(170-180))
	if pos := p.Positions[0]; pos.Shares != 30 || pos.AvgCost != 180 {
		t.Fatalf("position %+v", pos)
	}
	h := BuyAndHold(b.Fills(), prices(map[string]float64{"AVGO": 170}))
	near(t, "hold short", h.PnL, 50*(200-170))
}

func TestAverageCost(t *testing.T) {
	var b Book
	b, _, _ = b.Fill("TSM", Buy, 100, 10, at("10:00"))
	b, _, _ = b.Fill("TSM", Buy, 300, 14, at("10:05"))
	b, _, _ = b.Fill("TSM", Sell, 200, 15, at("10:10"))
	p := Mark(b.Fills(), prices(map[string]float64{"TSM": 16}))
	near(t, "avg", p.Positions[0].AvgCost, 13)
	near(t, "realized", p.Realized, 200*(15-13))
	near(t, "unrealized", p.Unrealized, 200*(16-13))
}

func TestRefusals(t *testing.T) {
	var b Book
	for _, px := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, _, err := b.Fill("NVDA", Buy, 100, px, at("10:00")); err != ErrNoPrice {
			t.Errorf("price %v: err %v, want ErrNoPrice", px, err)
		}
	}
	for _, q := range []int64{0, -5, MaxQty + 1} {
		if _, _, err := b.Fill("NVDA", Buy, q, 100, at("10:00")); err != ErrQty {
			t.Errorf("qty %d: err %v, want ErrQty", q, err)
		}
	}
	if b.Len() != 0 {
		t.Fatal("a refused order was filled")
	}
}

func TestUnpricedIsNotZero(t *testing.T) {
	var b Book
	b, _, _ = b.Fill("NVDA", Buy, 100, 120, at("10:00"))
	p := Mark(b.Fills(), prices(nil))
	if len(p.Unpriced) != 1 || p.Unrealized != 0 {
		t.Fatalf("unpriced %+v", p)
	}
	if h := BuyAndHold(b.Fills(), prices(nil)); len(h.Unpriced) != 1 {
		t.Fatalf("hold %+v", h)
	}
}

func TestAfterAndDiscard(t *testing.T) {
	var b Book
	b, _, _ = b.Fill("NVDA", Buy, 100, 120, at("10:00"))
	b, _, _ = b.Fill("NVDA", Sell, 100, 119, at("14:45"))
	b2, _, _ := b.Fill("NVDA", Buy, 100, 118, at("15:00"))
	if n := len(b2.After(at("12:00"))); n != 2 {
		t.Fatalf("after 12:00: %d fills", n)
	}
	if n := len(b2.After(at("15:00"))); n != 0 {
		t.Fatalf("after 15:00: %d fills (a fill at the seek's time stays)", n)
	}
	d := b2.DiscardAfter(at("12:00"))
	if d.Len() != 1 || b2.Len() != 3 || b.Len() != 2 {
		t.Fatalf("discard changed another book: %d %d %d", d.Len(), b2.Len(), b.Len())
	}
	// the discarded book's next fill does not write into the old one's array
	d, _, _ = d.Fill("NVDA", Sell, 1, 1, at("12:30"))
	if b2.Fills()[1].Price != 119 {
		t.Fatal("a fill after a discard overwrote a fill of an older book")
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[float64]string{-2420: "-2,420.00", 1234567.891: "1,234,567.89", 0: "0.00", -0.001: "0.00", 999.999: "1,000.00"} {
		if got := Money(in); got != want {
			t.Errorf("Money(%v) = %q, want %q", in, got, want)
		}
	}
}
