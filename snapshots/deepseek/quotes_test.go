package deepseek

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/selloff/selloff/snapshots"
)

// TestEventQuotesHold reads every regular-session figure an event quotes
// back from the decoded snapshot, as a user would see it: the last price at
// the quote's time (the open at 09:30, else the close of the 1-minute bar
// ending then; the daily close at 16:00 on days without 1-minute bars), or
// the session's low so far. Each must agree with the quote within the
// quote's own precision.
func TestEventQuotesHold(t *testing.T) {
	s := decoded(t)
	loc := snapshots.Location()
	bars := minuteBars(s)
	daily := map[dayKey]snapshots.Bar{}
	var days []string
	for _, b := range s.Bars {
		if b.Interval == "1d" {
			d := b.Time.In(loc).Format("2006-01-02")
			daily[dayKey{b.Symbol, d}] = b
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
	}
	slices.Sort(days)
	checked, pre := 0, 0
	for _, e := range s.Events {
		for _, q := range e.Quotes {
			if q.Session == snapshots.StatePre {
				pre++
			}
			if q.Session != "" || q.Extent == snapshots.ExtentReport {
				continue
			}
			when := q.When(e).In(loc)
			day := when.Format("2006-01-02")
			i := slices.Index(days, day)
			if i < 1 {
				t.Errorf("event %s: %s quote on %s, outside the daily bars", e.ID, q.Symbol, day)
				continue
			}
			prev := daily[dayKey{q.Symbol, days[i-1]}].Close
			m := when.Hour()*60 + when.Minute() - (9*60 + 30)
			var got float64
			bs := bars[dayKey{q.Symbol, day}]
			switch {
			case len(bs) == 0 && m == sessionMinutes && q.Extent == snapshots.ExtentAt:
				got = daily[dayKey{q.Symbol, day}].Close
			case len(bs) == 0:
				t.Errorf("event %s: %s quote at %s cannot be read", e.ID, q.Symbol, when)
				continue
			case q.Extent == snapshots.ExtentLow || q.Extent == snapshots.ExtentHigh:
				got = bs[0].Open
				for _, b := range bs[:m] {
					if q.Extent == snapshots.ExtentLow {
						got = min(got, b.Low)
					} else {
						got = max(got, b.High)
					}
				}
			case m == 0:
				got = bs[0].Open
			default:
				got = bs[m-1].Close
			}
			if q.Price != nil && math.Abs(got-*q.Price) > q.Tolerance+1e-9 {
				t.Errorf("event %s: %s reads %.2f at %s, quoted %.2f ±%v", e.ID, q.Symbol, got, when.Format("01-02 15:04"), *q.Price, q.Tolerance)
			}
			if q.ChangePct != nil {
				chg := (got/prev - 1) * 100
				if math.Abs(chg-*q.ChangePct) > q.TolerancePct+1e-9 {
					t.Errorf("event %s: %s reads %+.3f%% at %s, quoted %+.2f%% ±%v", e.ID, q.Symbol, chg, when.Format("01-02 15:04"), *q.ChangePct, q.TolerancePct)
				}
			}
			checked++
		}
	}
	if checked < 25 || pre < 6 {
		t.Errorf("%d regular-session quotes checked, %d pre-market ones; want at least 25 and 6", checked, pre)
	}
	// The figures of the issue, spelled out: TheStreet's 2:54 PM prices are
	// what the rows show at 14:54 (the close of the 14:53 bar).
	for _, c := range []struct {
		sym  string
		want float64
	}{{"AVGO", 199.60}, {"AMD", 113.14}} {
		bs := bars[dayKey{c.sym, MainDay}]
		if got := bs[14*60+53-(9*60+30)].Close; got != c.want {
			t.Errorf("%s at 14:54 on 27 Jan reads %.2f, TheStreet quoted %.2f", c.sym, got, c.want)
		}
	}
}

// TestFirstBar checks the real first 5-minute bar of 27 Jan: the 1-minute
// bars 09:30-09:34 of each series aggregate to its high, low and close (the
// open is the consolidated daily open), and NVDA's early low, -13.3%, is
// there.
func TestFirstBar(t *testing.T) {
	s := decoded(t)
	bars := minuteBars(s)
	f, err := loadFacts()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fb := range firstBars {
		for _, r := range fb.rows {
			bs := bars[dayKey{r.series, fb.day}]
			if len(bs) == 0 {
				continue // GOOG lends GOOGL its shape but is not in the snapshot
			}
			n++
			hi, lo := bs[0].High, bs[0].Low
			for _, b := range bs[:5] {
				hi, lo = max(hi, b.High), min(lo, b.Low)
			}
			row, _ := f.row(r.series, fb.day)
			wantHi, wantLo := max(r.h, row.o), min(r.l, row.o)
			if cents(hi) != wantHi || cents(lo) != wantLo || cents(bs[4].Close) != r.c || cents(bs[0].Open) != row.o {
				t.Errorf("%s %s first bar o/h/l/c %v/%v/%v/%v, want %d/%d/%d/%d", r.series, fb.day, bs[0].Open, hi, lo, bs[4].Close, row.o, wantHi, wantLo, r.c)
			}
		}
	}
	if n != 12 {
		t.Errorf("%d series with a first bar, want 12", n)
	}
	nv := bars[dayKey{"NVDA", MainDay}]
	early := nv[0].Low
	for _, b := range nv[:5] {
		early = min(early, b.Low)
	}
	if early != 123.64 {
		t.Errorf("NVDA's low in 09:30-09:35 on 27 Jan is %.2f, want 123.64 (the real first bar)", early)
	}
}

// TestFigureNotes checks the per-figure provenance in the header: every
// symbol says where its price, volume and intraday path come from, and the
// figures further from the truth than "reconstructed" say how.
func TestFigureNotes(t *testing.T) {
	s := decoded(t)
	g, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	note := func(sym snapshots.Symbol, figure string) (snapshots.FigureNote, bool) {
		for _, n := range sym.Notes {
			if n.Figure == figure {
				return n, true
			}
		}
		return snapshots.FigureNote{}, false
	}
	for _, sym := range s.Header.Symbols {
		for _, fig := range []string{snapshots.FigurePrice, snapshots.FigureVolume, snapshots.FigureIntraday} {
			n, ok := note(sym, fig)
			if fig == snapshots.FigureVolume && sym.NoVolume {
				if ok {
					t.Errorf("%s: a volume note for a series without volume", sym.Symbol)
				}
				continue
			}
			if !ok || n.Basis == "" || n.Source == "" || n.Detail == "" {
				t.Errorf("%s: %s note missing or empty: %+v", sym.Symbol, fig, n)
			}
		}
		price, _ := note(sym, snapshots.FigurePrice)
		if wantAdj := sym.PriceBasis == snapshots.BasisAdjusted; (price.Basis == snapshots.BasisAdjusted) != wantAdj {
			t.Errorf("%s: price note basis %q, price basis %q", sym.Symbol, price.Basis, sym.PriceBasis)
		}
		if v, ok := note(sym, snapshots.FigureVolume); ok && v.Basis != snapshots.BasisModelled {
			t.Errorf("%s: per-minute volume basis %q, want modelled", sym.Symbol, v.Basis)
		}
		if sym.Shares != nil {
			n, ok := note(sym, snapshots.FigureShares)
			approx := sym.Shares.Approximate || sym.Symbol == "GOOGL"
			if !ok || (n.Basis == snapshots.BasisApproximate) != approx {
				t.Errorf("%s: shares note %+v, want approximate %v", sym.Symbol, n, approx)
			}
		}
		in, _ := note(sym, snapshots.FigureIntraday)
		var donors []string
		for _, day := range SessionDays {
			if d := g.Proxies[sym.Symbol+" "+day]; d != "" && !slices.Contains(donors, d) {
				donors = append(donors, d)
			}
		}
		if (in.Basis == snapshots.BasisBorrowed) != (len(donors) > 0) {
			t.Errorf("%s: intraday basis %q with donors %v", sym.Symbol, in.Basis, donors)
		}
		for _, d := range donors {
			if !strings.Contains(in.From, d) {
				t.Errorf("%s: intraday note From %q does not name donor %s", sym.Symbol, in.From, d)
			}
		}
	}
	borrowed := 0
	for _, sym := range s.Header.Symbols {
		if n, _ := note(sym, snapshots.FigureIntraday); n.Basis == snapshots.BasisBorrowed {
			borrowed++
		}
	}
	if borrowed != 10 {
		t.Errorf("%d series borrow an intraday shape, want 10", borrowed)
	}
	goog, _ := s.Symbol("GOOGL")
	if goog.Shares == nil || len(goog.Shares.Classes) != 2 {
		t.Fatalf("GOOGL share classes %+v", goog.Shares)
	}
	var sum int64
	for _, c := range goog.Shares.Classes {
		sum += c.Count
	}
	if sum != goog.Shares.Count {
		t.Errorf("GOOGL classes sum to %d, want %d", sum, goog.Shares.Count)
	}
}
