// Package panetest builds deterministic market frames and Ascii styles for
// the pane tests (chart, timeline, capbars). The figures follow the
// published facts of 27 Jan 2025 (docs: daily closes, session highs and
// lows, share counts); the intraday path between them is made up and only
// shaped like the day. Nothing here is real recorded data.
package panetest

import (
	"io"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// Common returns a Common with an Ascii-profile renderer (no escape codes)
// and the given glyph set. Now is fixed.
func Common(g common.Glyphs) common.Common {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	return common.Common{
		Styles: theme.New(r, theme.DefaultPalette()),
		Glyphs: g,
		Now:    func() time.Time { return ET(27, 16, 0) },
	}
}

// ColorCommon is Common with a TrueColor renderer, for benchmarks that
// should pay for escape codes like a real terminal does.
func ColorCommon(g common.Glyphs) common.Common {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.TrueColor))
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return common.Common{
		Styles: theme.New(r, theme.DefaultPalette()),
		Glyphs: g,
		Now:    func() time.Time { return ET(27, 16, 0) },
	}
}

// ET is day dd of January 2025 at hh:mm exchange time.
func ET(dd, hh, mm int) time.Time {
	return time.Date(2025, time.January, dd, hh, mm, 0, 0, snapshots.Location())
}

// Times used by the goldens.
var (
	Open  = ET(27, 9, 35)
	Low   = ET(27, 14, 50)
	Close = ET(27, 16, 0)
)

type sym struct {
	s                            snapshots.Symbol
	prev, open, high, low, close float64
	hiAt, loAt                   int       // minutes after the open
	closes                       []float64 // daily closes 21..31 Jan (9 sessions)
}

var days = []int{21, 22, 23, 24, 27, 28, 29, 30, 31}

const mainDay = 4 // index of 27 Jan in days

func shares(n int64) *snapshots.Shares {
	return &snapshots.Shares{Count: n, AsOf: "2025-01-24", Source: "test"}
}

func eq(symbol, name string, groups []string, sh *snapshots.Shares) snapshots.Symbol {
	return snapshots.Symbol{Symbol: symbol, Name: name, Kind: snapshots.KindEquity, Currency: "USD",
		Groups: groups, PriceBasis: snapshots.BasisPrinted, Shares: sh}
}

func symbols() []sym {
	chips := []string{"chips"}
	power := []string{"power"}
	plat := []string{"platforms"}
	bench := []string{"benchmarks"}
	googl := eq("GOOGL", "Alphabet A", plat, shares(12_190_000_000))
	googl.Company = "Alphabet"
	goog := eq("GOOG", "Alphabet C", plat, nil)
	goog.Company = "Alphabet"
	qqq := snapshots.Symbol{Symbol: "QQQ", Name: "Invesco QQQ", Kind: snapshots.KindETF, Currency: "USD", Groups: bench, PriceBasis: snapshots.BasisPrinted}
	ixic := snapshots.Symbol{Symbol: "^IXIC", Name: "Nasdaq Composite", Kind: snapshots.KindIndex, Currency: "USD", Groups: bench, PriceBasis: snapshots.BasisPrinted, NoVolume: true}
	sox := snapshots.Symbol{Symbol: "^SOX", Name: "PHLX Semiconductor", Kind: snapshots.KindIndex, Currency: "USD", Groups: append(bench, "chips"), PriceBasis: snapshots.BasisPrinted, NoVolume: true}
	return []sym{
		{eq("NVDA", "NVIDIA", chips, shares(24_490_000_000)), 142.62, 124.80, 128.40, 116.70, 118.42, 3, 316,
			[]float64{140.83, 147.07, 147.22, 142.62, 118.42, 128.99, 123.70, 124.65, 120.07}},
		{eq("AVGO", "Broadcom", chips, shares(4_687_356_156)), 244.70, 213.40, 218.43, 196.23, 202.13, 8, 300,
			[]float64{240.31, 240.91, 240.28, 244.70, 202.13, 207.36, 206.35, 215.66, 221.27}},
		{eq("TSM", "TSMC ADR", chips, shares(5_185_511_200)), 221.88, 197.04, 207.00, 187.67, 192.31, 2, 245,
			[]float64{218.70, 223.20, 224.62, 221.88, 192.31, 202.40, 202.33, 208.15, 209.32}},
		{eq("ARM", "Arm Holdings", chips, nil), 162.52, 148.90, 152.27, 142.32, 145.96, 20, 280,
			[]float64{155.20, 179.93, 166.56, 162.52, 145.96, 149.47, 147.60, 153.23, 159.55}},
		{eq("VST", "Vistra", power, shares(344_788_634)), 190.07, 153.25, 156.08, 131.87, 136.33, 5, 330,
			[]float64{184.34, 185.84, 190.84, 190.07, 136.33, 148.82, 154.36, 175.34, 167.11}},
		{eq("MSFT", "Microsoft", plat, shares(7_433_982_235)), 444.06, 424.01, 435.20, 423.50, 434.56, 385, 1,
			[]float64{428.50, 446.20, 446.71, 444.06, 434.56, 447.20, 442.33, 414.99, 415.06}},
		{googl, 200.21, 192.41, 196.88, 190.73, 191.81, 70, 370,
			[]float64{198.05, 198.37, 197.98, 200.21, 191.81, 195.30, 195.41, 200.87, 204.02}},
		{goog, 201.90, 194.19, 198.67, 192.70, 193.77, 70, 365,
			[]float64{199.60, 199.99, 199.63, 201.90, 193.77, 197.07, 197.22, 202.63, 205.60}},
		{eq("META", "Meta Platforms", plat, shares(2_533_659_265)), 647.49, 626.61, 663.87, 625.10, 659.88, 135, 5,
			[]float64{616.46, 623.50, 636.45, 647.49, 659.88, 674.33, 676.49, 687.00, 689.18}},
		{eq("AAPL", "Apple", plat, shares(15_022_073_000)), 222.78, 224.02, 232.15, 223.98, 229.86, 295, 1,
			[]float64{222.64, 223.83, 223.66, 222.78, 229.86, 238.26, 239.36, 237.59, 236.00}},
		{qqq, 529.63, 511.00, 517.99, 510.15, 514.21, 70, 320,
			[]float64{524.80, 531.51, 532.64, 529.63, 514.21, 521.81, 520.83, 523.05, 522.29}},
		{ixic, 19954.30, 19234.04, 19514.35, 19204.95, 19341.83, 70, 320,
			[]float64{19756.78, 20009.34, 20053.68, 19954.30, 19341.83, 19733.59, 19632.32, 19681.75, 19627.44}},
		{sox, 5341.94, 5007.84, 5045.43, 4785.43, 4853.24, 2, 325,
			[]float64{5378.50, 5469.29, 5444.69, 5341.94, 4853.24, 4907.03, 4918.10, 5030.53, 5015.85}},
	}
}

// path is the made-up minute path of one symbol: open at 0, high at hiAt,
// low at loAt, close at 390, with a small deterministic wiggle.
func (s sym) path() []float64 {
	knots := [][2]float64{{0, s.open}, {float64(s.hiAt), s.high}, {float64(s.loAt), s.low}, {390, s.close}}
	sort.Slice(knots, func(i, j int) bool { return knots[i][0] < knots[j][0] })
	p := make([]float64, 391)
	for m := range p {
		x := float64(m)
		k := 0
		for k < len(knots)-2 && x > knots[k+1][0] {
			k++
		}
		a, b := knots[k], knots[k+1]
		v := a[1]
		if b[0] > a[0] {
			v = a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])
		}
		// wiggle, kept inside the day's range
		w := (s.high - s.low) * 0.06 * math.Sin(x/7) * math.Sin(x/23)
		v += w
		p[m] = math.Min(s.high, math.Max(s.low, v))
	}
	p[0], p[390] = s.open, s.close
	p[s.hiAt], p[s.loAt] = s.high, s.low
	return p
}

func sessions() []snapshots.Session {
	out := make([]snapshots.Session, len(days))
	for i, d := range days {
		out[i] = snapshots.Session{
			Date:  ET(d, 0, 0).Format("2006-01-02"),
			Open:  ET(d, 9, 30),
			Close: ET(d, 16, 0),
		}
	}
	return out
}

// Events is the made-up-but-faithful timeline used by the tests, sorted.
func Events() []snapshots.Event {
	ev := []snapshots.Event{
		{Time: time.Date(2024, 12, 26, 6, 1, 0, 0, snapshots.Location()), ID: "v3", Title: "DeepSeek-V3 released", Outlet: "GitHub", Link: "https://github.com/deepseek-ai/DeepSeek-V3", Symbols: nil},
		{Time: ET(20, 7, 19), ID: "r1", Title: "DeepSeek-R1 released (open weights)", Outlet: "GitHub", Link: "https://github.com/deepseek-ai/DeepSeek-R1", Detail: "R1, R1-Zero and six distilled models, MIT licence."},
		{Time: ET(21, 12, 0), Precision: snapshots.PrecisionAfternoon, ID: "stargate", Title: "Stargate announced at the White House", Outlet: "Just Security", Symbols: []string{"ORCL", "ARM"}},
		{Time: ET(24, 0, 0), Precision: snapshots.PrecisionDate, ID: "meta-capex", Title: "Meta guides $60-65B of 2025 AI capex", Symbols: []string{"META"}},
		{Time: ET(26, 17, 16), ID: "sputnik", Title: "Andreessen: \"AI's Sputnik moment\"", Outlet: "X", Link: "https://x.com/pmarca/status/1883640142591853011"},
		{Time: ET(27, 0, 0), Precision: snapshots.PrecisionDate, ID: "ddos", Title: "DeepSeek limits registrations after attacks", Outlet: "DeepSeek status page"},
		{Time: ET(27, 4, 6), ID: "futures", Title: "Nasdaq 100 futures -3%, NVDA -6.9% pre-market", Outlet: "Reuters", Symbols: []string{"NVDA", "QQQ"}},
		{Time: ET(27, 9, 30), ID: "open", Title: "Open: NVDA 124.80, -12.5%", Symbols: []string{"NVDA"}},
		{Time: ET(27, 10, 46), ID: "janus", Title: "DeepSeek releases Janus-Pro", Outlet: "GitHub", Link: "https://github.com/deepseek-ai/Janus"},
		{Time: ET(27, 12, 0), Precision: snapshots.PrecisionAfternoon, ID: "nvda-stmt", Title: "Nvidia: \"an excellent AI advancement\"", Outlet: "CNBC", Symbols: []string{"NVDA"},
			Detail: "DeepSeek is an excellent AI advancement and a perfect example of Test Time Scaling. Inference requires significant numbers of NVIDIA GPUs and high-performance networking."},
		{Time: ET(27, 14, 46), ID: "low", Title: "NVDA low of the day 116.70", Symbols: []string{"NVDA"}},
		{Time: ET(27, 16, 0), ID: "close", Title: "Close: NVDA 118.42, -16.97%", Symbols: []string{"NVDA"}},
		{Time: ET(27, 18, 0), Precision: snapshots.PrecisionEvening, ID: "trump", Title: "Trump: \"a wake-up call\"", Outlet: "The Hill"},
		{Time: ET(28, 0, 0), Precision: snapshots.PrecisionDate, ID: "rebound", Title: "Rebound: NVDA +8.9%", Symbols: []string{"NVDA"}},
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].Time.Before(ev[j].Time) })
	return ev
}

// Frame is the market as known at t (t on 27 Jan, or another session day
// of the fixture; intraday bars exist only for 27 Jan).
func Frame(t time.Time) *market.Frame {
	t = t.In(snapshots.Location())
	ss := symbols()
	sess := sessions()
	f := &market.Frame{
		Time:       t,
		Title:      "DeepSeek shock (test fixture)",
		Provenance: snapshots.Reconstructed,
		Sessions:   sess,
		Session:    -1,
		Events:     Events(),
	}
	snapshots.SortEvents(f.Events, f.Sessions) // as the dataset gives them: by placement
	for i, s := range sess {
		if !t.Before(time.Date(s.Open.Year(), s.Open.Month(), s.Open.Day(), 0, 0, 0, 0, snapshots.Location())) {
			f.Session = i
		}
	}
	open, close := ET(27, 9, 30), ET(27, 16, 0)
	for _, s := range ss {
		f.Symbols = append(f.Symbols, s.s)
		// daily bars: all of them, the later ones are future context
		var daily []snapshots.Bar
		prev := s.closes[0] * 0.99
		for k, d := range days {
			c := s.closes[k]
			o, h, l := prev, math.Max(prev, c)*1.008, math.Min(prev, c)*0.992
			if k == mainDay {
				o, h, l = s.open, s.high, s.low
			}
			var vol int64
			if !s.s.NoVolume {
				vol = int64(40e6 + 10e6*float64(k%3))
			}
			daily = append(daily, snapshots.Bar{Time: ET(d, 0, 0), Symbol: s.s.Symbol, Interval: "1d", Open: o, High: h, Low: l, Close: c, Volume: vol})
			prev = c
		}
		f.Daily = append(f.Daily, daily)
		// intraday 1-minute bars of 27 Jan completed by t
		var bars []snapshots.Bar
		p := s.path()
		if f.Session == mainDay {
			for m := 0; m < 390; m++ {
				bt := open.Add(time.Duration(m) * time.Minute)
				if bt.Add(time.Minute).After(t) {
					break
				}
				o, c := p[m], p[m+1]
				var vol int64
				if !s.s.NoVolume {
					x := float64(m)
					vol = int64(1e6 * (1 + 3*math.Exp(-x/25) + 2*math.Exp(-(389-x)/12)))
				}
				bars = append(bars, snapshots.Bar{Time: bt, Symbol: s.s.Symbol, Interval: "1m",
					Open: o, High: math.Max(o, c), Low: math.Min(o, c), Close: c, Volume: vol})
			}
		}
		f.Intraday = append(f.Intraday, bars)
		q := market.Quote{Symbol: s.s.Symbol, Source: "replay", State: snapshots.StateClosed}
		switch {
		case f.Session == mainDay:
			q.PrevClose = s.prev
		case f.Session > mainDay:
			q.PrevClose = s.closes[f.Session-1]
		case f.Session > 0:
			q.PrevClose = s.closes[f.Session-1]
		}
		if f.Session == mainDay && len(bars) > 0 {
			q.HasPrice = true
			q.Open = bars[0].Open
			q.High, q.Low = bars[0].High, bars[0].Low
			for _, b := range bars {
				q.High = math.Max(q.High, b.High)
				q.Low = math.Min(q.Low, b.Low)
				q.Volume += b.Volume
			}
			last := bars[len(bars)-1]
			q.Price = last.Close
			q.Updated = last.End()
			q.State = snapshots.StateRegular
			if !t.Before(close) {
				q.State = snapshots.StatePost
			}
		} else if f.Session > mainDay {
			q.HasPrice = true
			q.Price = s.closes[f.Session]
		}
		if t.Before(open) && f.Session == mainDay {
			q.State = snapshots.StatePre
		}
		f.Quotes = append(f.Quotes, q)
	}
	return f
}

// Symbols of the fixture's chips group.
func Chips() []string { return []string{"NVDA", "AVGO", "TSM", "ARM", "^SOX"} }

// CheckSize fails t unless v is exactly h lines of w cells (or empty when
// either is 0): the pane contract every pane's size test checks.
func CheckSize(t testing.TB, v string, w, h int) {
	t.Helper()
	if w == 0 || h == 0 {
		if v != "" {
			t.Fatalf("%dx%d: want empty view, got %q", w, h, v)
		}
		return
	}
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines", w, h, len(lines))
	}
	for _, l := range lines {
		if lipgloss.Width(l) != w {
			t.Fatalf("%dx%d: line width %d: %q", w, h, lipgloss.Width(l), l)
		}
	}
}
