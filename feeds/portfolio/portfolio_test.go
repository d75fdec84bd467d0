package portfolio_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
)

// frameAt is the embedded snapshot's frame at spec ("close": 27 Jan 16:00).
func frameAt(t *testing.T, spec string) *market.Frame {
	t.Helper()
	if !slices.Contains(snapshots.Embedded(), "deepseek-week") {
		t.Skip("no embedded deepseek-week snapshot in this build")
	}
	s, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	at, err := snapshots.ParseTime(spec, s.Header)
	if err != nil {
		t.Fatal(err)
	}
	return d.At(at)
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func TestNVDAAtTheCloseOf27Jan(t *testing.T) {
	f := frameAt(t, "close")
	s := portfolio.Value(f, []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}})
	r := s.Rows[0]
	if !r.Valued() || !r.TodayOK {
		t.Fatalf("row not valued: %+v", r)
	}
	if !near(r.Price, 118.42) || !near(r.Value, 11842) || !near(r.Today, -2420) || !near(r.Total, -2158) {
		t.Errorf("price %.2f value %.2f today %.2f total %.2f; want 118.42 11842.00 -2420.00 -2158.00", r.Price, r.Value, r.Today, r.Total)
	}
	// -24.20 / 142.62 and -21.58 / 140
	if !near(r.TodayPct, -16.968) || !near(r.TotalPct, -15.414) {
		t.Errorf("today %.3f%% total %.3f%%; want -16.968%% -15.414%%", r.TodayPct, r.TotalPct)
	}
	if !near(s.Value, 11842) || !near(s.Today, -2420) || !near(s.Total, -2158) || s.Partial() {
		t.Errorf("totals %+v", s)
	}
}

func TestShortSigns(t *testing.T) {
	f := frameAt(t, "close")
	s := portfolio.Value(f, []portfolio.Position{{Symbol: "NVDA", Shares: -100, Cost: 140}})
	r := s.Rows[0]
	// a short gains when the price falls; its value is a liability
	if !near(r.Value, -11842) || !near(r.Today, 2420) || !near(r.Total, 2158) {
		t.Errorf("value %.2f today %.2f total %.2f; want -11842 +2420 +2158", r.Value, r.Today, r.Total)
	}
	if !(r.TodayPct > 16.9 && r.TodayPct < 17) || !(r.TotalPct > 15.4 && r.TotalPct < 15.5) {
		t.Errorf("today %.3f%% total %.3f%%: a short's gain is a positive percentage", r.TodayPct, r.TotalPct)
	}
	// long and short of the same shares cancel
	s = portfolio.Value(f, []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}, {Symbol: "NVDA", Shares: -100, Cost: 140}})
	if !near(s.Value, 0) || !near(s.Today, 0) || !near(s.Total, 0) {
		t.Errorf("hedged totals %+v", s)
	}
	agg := s.BySymbol()["NVDA"]
	if agg.Shares != 0 || !near(agg.Today, 0) {
		t.Errorf("aggregate %+v", agg)
	}
}

func TestMissingIsNeverZero(t *testing.T) {
	f := frameAt(t, "close")
	s := portfolio.Value(f, []portfolio.Position{
		{Symbol: "NVDA", Shares: 100, Cost: 140},
		{Symbol: "TSLA", Shares: 10, Cost: 400},
	})
	if r := s.Rows[1]; r.Valued() || r.Missing != "not in the snapshot" {
		t.Errorf("TSLA row %+v: want missing, not in the snapshot", r)
	}
	if !near(s.Value, 11842) || !s.Partial() || !slices.Equal(s.Missing, []string{"TSLA"}) || s.Valued != 1 {
		t.Errorf("totals %+v: want NVDA alone, TSLA listed missing", s)
	}
	// no frame at all
	s = portfolio.Value(nil, []portfolio.Position{{Symbol: "NVDA", Shares: 1, Cost: 1}})
	if s.Rows[0].Valued() || s.Valued != 0 || s.Value != 0 {
		t.Errorf("nil frame: %+v", s)
	}
}

func TestNoPriceAndUnknownToday(t *testing.T) {
	f := &market.Frame{
		Time:     time.Date(2025, 1, 27, 10, 0, 0, 0, snapshots.Location()),
		Sessions: []snapshots.Session{{Date: "2025-01-27"}},
		Session:  0,
		Symbols:  []snapshots.Symbol{{Symbol: "AAA"}, {Symbol: "BBB"}, {Symbol: "CCC"}},
		Quotes: []market.Quote{
			{Symbol: "AAA"}, // no price yet
			{Symbol: "BBB", Price: 50, HasPrice: true},                               // no previous close
			{Symbol: "CCC", Price: 20, HasPrice: true, PrevClose: 19, Carried: true}, // nothing traded today
		},
	}
	s := portfolio.Value(f, []portfolio.Position{
		{Symbol: "AAA", Shares: 1, Cost: 10},
		{Symbol: "BBB", Shares: 2, Cost: 40},
		{Symbol: "CCC", Shares: 3, Cost: 10},
	})
	if s.Rows[0].Missing != "no price yet" {
		t.Errorf("AAA %+v", s.Rows[0])
	}
	for _, r := range s.Rows[1:] {
		if !r.Valued() || r.TodayOK {
			t.Errorf("%s: valued %v today known %v; want valued with today unknown", r.Symbol, r.Valued(), r.TodayOK)
		}
	}
	if !near(s.Total, 2*10+3*10) || s.TodayOK() || !slices.Equal(s.TodayUnknown, []string{"BBB", "CCC"}) {
		t.Errorf("totals %+v", s)
	}
}

func TestLotDate(t *testing.T) {
	f := frameAt(t, "close")
	s := portfolio.Value(f, []portfolio.Position{
		{Symbol: "NVDA", Shares: 100, Cost: 130, Lot: "2025-01-27"}, // bought today: today's P&L against cost
		{Symbol: "NVDA", Shares: 100, Cost: 130, Lot: "2025-02-03"}, // not held yet
	})
	if r := s.Rows[0]; !near(r.Today, 100*(118.42-130)) {
		t.Errorf("bought today: today %.2f, want %.2f", r.Today, 100*(118.42-130))
	}
	if r := s.Rows[1]; !r.NotYet || r.Valued() {
		t.Errorf("future lot %+v", r)
	}
	if s.Valued != 1 || s.Partial() {
		t.Errorf("a lot not held yet is neither valued nor missing: %+v", s)
	}
}

func TestParse(t *testing.T) {
	good := map[string]portfolio.Position{
		"NVDA:100@140":      {Symbol: "NVDA", Shares: 100, Cost: 140},
		"nvda:-50@$142.50":  {Symbol: "NVDA", Shares: -50, Cost: 142.5},
		" BRK.B : 1.5 @ 3 ": {Symbol: "BRK.B", Shares: 1.5, Cost: 3},
	}
	for in, want := range good {
		got, err := portfolio.Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"NVDA":               `no ":"`,
		"NVDA:100":           `no "@"`,
		":100@140":           "symbol is empty",
		"NV DA:100@140":      `symbol "NV DA"`,
		"NVDA:abc@140":       `shares "abc"`,
		"NVDA:0@140":         "shares 0",
		"NVDA:1e3@140":       `shares "1e3"`,
		"NVDA:100@":          `cost ""`,
		"NVDA:100@-5":        "cost -5",
		"NVDA:100@NaN":       `cost "NaN"`,
		"NVDA:1,000@140":     `shares "1,000"`,
		"NVDA:1e99@140":      `shares "1e99"`,
		"NVDA:99999999999@1": "shares 99999999999",
	}
	for in, want := range bad {
		_, err := portfolio.Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error %v; want one naming %s", in, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"NVDA:100@140", "X:-1@$0.5", "::@@", "A:1.@.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := portfolio.Parse(s)
		if err != nil {
			return
		}
		if p.Check() != nil || p.Shares == 0 || !(p.Cost > 0) {
			t.Fatalf("Parse(%q) accepted %+v", s, p)
		}
		q, err := portfolio.Parse(p.String())
		if err != nil || q != p {
			t.Fatalf("round trip of %q: %+v, %v", p.String(), q, err)
		}
	})
}
