package alert_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
)

func TestParseGood(t *testing.T) {
	cases := map[string]alert.Alert{
		"NVDA < 120":            {Kind: alert.Symbol, Symbol: "NVDA", Measure: alert.Price, Op: alert.Less, Threshold: 120},
		"nvda<=$119.5":          {Kind: alert.Symbol, Symbol: "NVDA", Measure: alert.Price, Op: alert.LessEq, Threshold: 119.5},
		"NVDA %chg <= -15":      {Kind: alert.Symbol, Symbol: "NVDA", Measure: alert.PctChg, Op: alert.LessEq, Threshold: -15},
		"NVDA %CHG <= -15%":     {Kind: alert.Symbol, Symbol: "NVDA", Measure: alert.PctChg, Op: alert.LessEq, Threshold: -15},
		"AVGO dvalue < -150B":   {Kind: alert.Symbol, Symbol: "AVGO", Measure: alert.DValue, Op: alert.Less, Threshold: -150e9},
		"basket < -1T":          {Kind: alert.Basket, Measure: alert.DValue, Op: alert.Less, Threshold: -1e12},
		"Basket %chg > 2":       {Kind: alert.Basket, Measure: alert.PctChg, Op: alert.Greater, Threshold: 2},
		"portfolio pnl < -5000": {Kind: alert.Portfolio, Measure: alert.PnL, Op: alert.Less, Threshold: -5000},
		"portfolio >= 1.5k":     {Kind: alert.Portfolio, Measure: alert.PnL, Op: alert.GreaterEq, Threshold: 1500},
		"BRK-B value > 1T":      {Kind: alert.Symbol, Symbol: "BRK-B", Measure: alert.Value, Op: alert.Greater, Threshold: 1e12},
		"^SOX chg < -300":       {Kind: alert.Symbol, Symbol: "^SOX", Measure: alert.Chg, Op: alert.Less, Threshold: -300},
		"  NVDA total > +2m ":   {Kind: alert.Symbol, Symbol: "NVDA", Measure: alert.Total, Op: alert.Greater, Threshold: 2e6},
	}
	for in, want := range cases {
		got, err := alert.Parse(in)
		want.Text = strings.TrimSpace(in)
		if err != nil || math.Abs(got.Threshold-want.Threshold) > 1e-6 {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
			continue
		}
		got.Threshold = want.Threshold
		if got != want {
			t.Errorf("Parse(%q) = %+v; want %+v", in, got, want)
		}
	}
}

func TestParseErrorsNameTheColumn(t *testing.T) {
	cases := map[string]struct {
		col  int
		want string
	}{
		"":                             {1, "want a symbol, basket or portfolio, got the end"},
		"NVDA":                         {5, "want an operator <, <=, > or >= after NVDA, got the end"},
		"NVDA = 120":                   {6, `"=" is not an operator`},
		"NVDA < ":                      {8, "want a number after <, got the end"},
		"NVDA < abc":                   {8, `want a number after <, got "abc"`},
		"NVDA prize < 120":             {6, `unknown measure "prize"`},
		"basket price < 1":             {8, "the basket has no price: want dvalue, %chg or value"},
		"portfolio dvalue < 1":         {11, "the portfolio has no dvalue"},
		"NVDA < 120 USD":               {12, `unexpected "USD" after the number`},
		"NVDA < 12x":                   {10, `unexpected "x"`},
		"NVDA < 1,200":                 {9, "no thousands separators"},
		"NVDA < 120%":                  {11, "a percentage is only for %chg"},
		"NVDA < -":                     {9, "want digits"},
		"NVDA # 1":                     {6, `unexpected "#"`},
		"NVDA < 1e9":                   {9, `unexpected "e"`},
		"< 120":                        {1, `want a symbol, basket or portfolio, got "<"`},
		"NVDA << 1":                    {7, `want a number after <, got "<"`},
		"ÄNVDA < 1":                    {1, `unexpected "Ä"`},
		"NVDA < 123456789012345678901": {8, "too many digits"},
	}
	for in, c := range cases {
		_, err := alert.Parse(in)
		var e *alert.Error
		if err == nil {
			t.Errorf("Parse(%q) accepted", in)
			continue
		}
		e = err.(*alert.Error)
		if e.Col != c.col || !strings.Contains(e.Msg, c.want) {
			t.Errorf("Parse(%q): %v; want column %d: %s", in, err, c.col, c.want)
		}
	}
	_, err := alert.Parse(strings.Repeat("A", 500))
	if err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("long: %v", err)
	}
	e := &alert.Error{Expr: "NVDA = 1", Col: 6}
	if got := e.Caret(); got != "NVDA = 1\n     ^" {
		t.Errorf("caret %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"NVDA < 120", "basket < -1T", "portfolio pnl < -5000", "X %chg >= +1.5%", "a<$.5k", "= <"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4*alert.MaxLen {
			s = s[:4*alert.MaxLen]
		}
		a, err := alert.Parse(s)
		if err != nil {
			e, ok := err.(*alert.Error)
			if !ok || e.Col < 1 || e.Col > len(s)+1 || e.Msg == "" {
				t.Fatalf("Parse(%q): error %#v", s, err)
			}
			_ = e.Caret()
			return
		}
		if math.IsNaN(a.Threshold) || math.IsInf(a.Threshold, 0) || a.Op.Holds(0, 0) && a.Op != alert.LessEq && a.Op != alert.GreaterEq {
			t.Fatalf("Parse(%q) = %+v", s, a)
		}
		// the text parses to the same alert
		b, err := alert.Parse(a.Text)
		if err != nil || b != a {
			t.Fatalf("reparse of %q: %+v, %v; want %+v", a.Text, b, err, a)
		}
	})
}

// week is the embedded snapshot's dataset.
func week(t testing.TB) (*market.Dataset, snapshots.Header) {
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
	return d, s.Header
}

func mustParse(t testing.TB, s string) alert.Alert {
	t.Helper()
	a, err := alert.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// firstClose is the end of the first regular-session NVDA bar of 27 Jan
// whose close is below p: when a replay first shows NVDA under p.
func firstClose(t *testing.T, s *snapshots.Snapshot, below float64) time.Time {
	for _, b := range s.Bars {
		if b.Symbol == "NVDA" && b.Interval == "1m" && b.Time.In(snapshots.Location()).Format(time.DateOnly) == "2025-01-27" && b.Close < below {
			return b.End()
		}
	}
	t.Fatal("NVDA never closed a bar below", below)
	return time.Time{}
}

func TestNVDABelow120FiresOnceAtTheMinute(t *testing.T) {
	d, h := week(t)
	s, _ := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	want := firstClose(t, s, 120)
	// the 11:19 bar, the first to trade below 120 (low 119.42, close
	// 119.50), is known at its end
	if want.In(snapshots.Location()).Format("15:04") != "11:20" {
		t.Fatalf("the data changed: first close below 120 known at %s", want)
	}
	open, _ := snapshots.ParseTime("2025-01-27T09:30", h)
	closeT, _ := snapshots.ParseTime("close", h)
	// a fake clock: frames at each minute of the session, as a replay shows them
	w := alert.NewWatcher([]alert.Alert{mustParse(t, "NVDA < 120")}, nil)
	var fired []alert.Firing
	for now := open; !now.After(closeT); now = now.Add(time.Minute) {
		fired = append(fired, w.Step(d.At(now))...)
	}
	if len(fired) == 0 || !fired[0].Time.Equal(want) {
		t.Fatalf("fired %v; want the first at %s", fired, want.In(snapshots.Location()).Format("15:04"))
	}
	if fired[0].Value >= 120 {
		t.Errorf("fired at %.2f", fired[0].Value)
	}
	t.Logf("NVDA < 120 first fires at %s ET (%.2f); %d firings in the session", fired[0].Time.In(snapshots.Location()).Format("15:04"), fired[0].Value, len(fired))
	// once per crossing: between two firings the price was back at or above 120
	for k := 1; k < len(fired); k++ {
		cleared := false
		for now := fired[k-1].Time; now.Before(fired[k].Time); now = now.Add(time.Minute) {
			q := d.At(now).Quotes[d.At(now).Index("NVDA")]
			cleared = cleared || q.Price >= 120
		}
		if !cleared {
			t.Errorf("fired again at %s without clearing", fired[k].Time)
		}
	}
	// ScanSessions (what a replay uses) finds the same firings on 27 Jan
	var onDay []alert.Firing
	for _, f := range alert.ScanSessions(d, []alert.Alert{mustParse(t, "NVDA < 120")}, nil, time.Minute) {
		if f.Time.In(snapshots.Location()).Format(time.DateOnly) == "2025-01-27" {
			onDay = append(onDay, f)
		}
	}
	if len(onDay) != len(fired) || !onDay[0].Time.Equal(want) {
		t.Errorf("ScanSessions: %v; step by step: %v", onDay, fired)
	}
	// Scan over the same span gives the same firings
	got := alert.Scan(d, []alert.Alert{mustParse(t, "NVDA < 120")}, nil, open, closeT, time.Minute)
	if len(got) != len(fired) || !got[0].Time.Equal(fired[0].Time) {
		t.Errorf("Scan: %d firings, first %v; step by step: %d, first %v", len(got), got[0].Time, len(fired), fired[0].Time)
	}
}

func TestFiresOncePerCrossingAndReArms(t *testing.T) {
	loc := snapshots.Location()
	frame := func(min int, price float64) *market.Frame {
		return &market.Frame{
			Time:    time.Date(2025, 1, 27, 10, min, 0, 0, loc),
			Session: -1,
			Symbols: []snapshots.Symbol{{Symbol: "NVDA"}},
			Quotes:  []market.Quote{{Symbol: "NVDA", Price: price, HasPrice: price > 0, PrevClose: 142.62}},
		}
	}
	w := alert.NewWatcher([]alert.Alert{mustParse(t, "NVDA < 120"), mustParse(t, "NVDA %chg <= -15")}, nil)
	var log []string
	for i, p := range []float64{125, 119, 118, 0 /* no price: neither fires nor re-arms */, 117, 121, 119, 119} {
		for _, f := range w.Step(frame(i, p)) {
			log = append(log, f.Time.Format("15:04")+" "+f.Alert.Text)
		}
	}
	want := []string{"10:01 NVDA < 120", "10:01 NVDA %chg <= -15", "10:06 NVDA < 120"}
	if !slices.Equal(log, want) {
		t.Errorf("fired %q; want %q", log, want)
	}
	// time going back (a seek) re-arms everything
	if got := w.Step(frame(2, 118)); len(got) != 2 {
		t.Errorf("after a seek back: %v", got)
	}
}

func TestBasketAndPortfolioAtTheClose(t *testing.T) {
	d, h := week(t)
	closeT, _ := snapshots.ParseTime("close", h)
	f := d.At(closeT)
	pos := []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}}
	env := alert.NewEnv(f, pos)
	check := func(expr string, want float64, tol float64) {
		t.Helper()
		v, ok := mustParse(t, expr).Eval(env)
		if !ok || math.Abs(v-want) > tol {
			t.Errorf("%s: %v %v; want %v", expr, v, ok, want)
		}
	}
	check("portfolio pnl < 0", -2420, 0.005)
	check("portfolio total < 0", -2158, 0.005)
	check("portfolio value > 0", 11842, 0.005)
	check("NVDA pnl < 0", -2420, 0.005)
	check("NVDA < 0", 118.42, 0.005)
	check("NVDA chg < 0", -24.20, 0.005)
	check("NVDA %chg < 0", -24.20/142.62*100, 0.001)
	nv, _ := f.MarketValue(f.Index("NVDA"))
	check("NVDA dvalue < 0", nv.Delta, 1)
	check("basket < 0", f.Basket(nil).Delta, 1)
	if f.Basket(nil).Delta > -1e12 {
		t.Errorf("the basket lost %.0f; the issue's basket < -1T expects over a trillion", f.Basket(nil).Delta)
	}
	// an alert on a position that is not held is unknown, never 0
	if _, ok := mustParse(t, "AVGO pnl < 1").Eval(env); ok {
		t.Error("AVGO pnl known without an AVGO position")
	}
	if _, ok := mustParse(t, "TSLA < 1").Eval(env); ok {
		t.Error("TSLA price known in a snapshot without TSLA")
	}
	ev := alert.Firing{Alert: mustParse(t, "basket < -1T"), Time: closeT, Value: -1.2e12}.Event()
	if ev.Title != "Alert: basket < -1T: -1.20T" || !ev.Time.Equal(closeT) || ev.ID == "" {
		t.Errorf("event %+v", ev)
	}
}
