package deepseek

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/snapshots/csvimport"
)

var updateSnapshot = flag.Bool("update-snapshot", false, "regenerate snapshots/data/"+FileName)

// snapshotPath is the committed file, relative to this package.
var snapshotPath = filepath.Join("..", "data", FileName)

// realBarsPath is the recorded 5-minute bars beside the repository (tests
// only; never committed).
var realBarsPath = filepath.Join("..", "..", "..", "shared", "data", "intraday_5m_2025-01-21_2025-01-31.csv")

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// TestEmbeddedSnapshotUpToDate checks that the committed file decodes to
// exactly what the generator produces now; with -update-snapshot it
// rewrites the file (make snapshot).
func TestEmbeddedSnapshotUpToDate(t *testing.T) {
	want, err := Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if *updateSnapshot {
		if err := os.MkdirAll(filepath.Dir(snapshotPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(snapshotPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", snapshotPath, len(want))
		return
	}
	got, err := os.ReadFile(snapshotPath)
	if err != nil {
		t.Fatalf("%v (run `make snapshot`)", err)
	}
	g, w := gunzip(t, got), gunzip(t, want)
	if bytes.Equal(g, w) {
		return
	}
	gl, wl := bytes.Split(g, []byte("\n")), bytes.Split(w, []byte("\n"))
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if !bytes.Equal(gl[i], wl[i]) {
			t.Fatalf("%s is stale at line %d (run `make snapshot`):\n got %.300s\nwant %.300s", snapshotPath, i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("%s is stale: %d lines, generator makes %d (run `make snapshot`)", snapshotPath, len(gl), len(wl))
}

func TestGeneratorReproducible(t *testing.T) {
	a, err := Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two generator runs gave different bytes")
	}
}

// decoded is the generator's output read back through the strict reader,
// so the checks below see what a user of the file sees.
func decoded(t *testing.T) *snapshots.Snapshot {
	t.Helper()
	s, err := decodeOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// decodeOnce generates and decodes once per test binary; the tests only
// read the result.
var decodeOnce = sync.OnceValues(func() (*snapshots.Snapshot, error) {
	b, err := Bytes()
	if err != nil {
		return nil, err
	}
	return snapshots.Decode(bytes.NewReader(b), snapshots.ReadOptions{Name: FileName, Strict: true})
})

func cents(x float64) int64 { return int64(math.Round(x * 100)) }

type dayKey struct{ sym, day string }

func minuteBars(s *snapshots.Snapshot) map[dayKey][]snapshots.Bar {
	out := map[dayKey][]snapshots.Bar{}
	for _, b := range s.Bars {
		if b.Interval != "1m" {
			continue
		}
		k := dayKey{b.Symbol, b.Time.In(snapshots.Location()).Format("2006-01-02")}
		out[k] = append(out[k], b)
	}
	return out
}

func TestSnapshotMatchesFacts(t *testing.T) {
	s := decoded(t)
	f, err := loadFacts()
	if err != nil {
		t.Fatal(err)
	}
	bars := minuteBars(s)
	loc := snapshots.Location()
	for _, info := range symbolTable {
		for _, day := range SessionDays {
			row, _ := f.row(info.sym, day)
			bs := bars[dayKey{info.sym, day}]
			if len(bs) != sessionMinutes {
				t.Errorf("%s %s: %d minute bars, want %d", info.sym, day, len(bs), sessionMinutes)
				continue
			}
			var hi, lo = bs[0].High, bs[0].Low
			var vol int64
			for i, b := range bs {
				wantT, _ := dateAt(day, 9, 30)
				wantT = wantT.Add(time.Duration(i) * time.Minute)
				if !b.Time.Equal(wantT) {
					t.Fatalf("%s %s bar %d at %s, want %s", info.sym, day, i, b.Time.In(loc), wantT)
				}
				if !(b.Low <= b.Open && b.Open <= b.High && b.Low <= b.Close && b.Close <= b.High) {
					t.Errorf("%s %s %s: inconsistent bar %+v", info.sym, day, b.Time.In(loc).Format("15:04"), b)
				}
				if cents(b.Low) < row.l || cents(b.High) > row.h {
					t.Errorf("%s %s %s: bar leaves the day's range: %+v", info.sym, day, b.Time.In(loc).Format("15:04"), b)
				}
				for _, p := range []float64{b.Open, b.High, b.Low, b.Close} {
					if math.Abs(p*100-math.Round(p*100)) > 1e-6 {
						t.Errorf("%s %s: price %v not in cents", info.sym, day, p)
					}
				}
				if i > 0 && b.Open != bs[i-1].Close {
					t.Errorf("%s %s %s: open %v is not the previous close %v", info.sym, day, b.Time.In(loc).Format("15:04"), b.Open, bs[i-1].Close)
				}
				hi, lo = max(hi, b.High), min(lo, b.Low)
				vol += b.Volume
			}
			if got := cents(bs[0].Open); got != row.o {
				t.Errorf("%s %s: first open %d, want %d", info.sym, day, got, row.o)
			}
			if got := cents(bs[len(bs)-1].Close); got != row.c {
				t.Errorf("%s %s: last close %d, want %d", info.sym, day, got, row.c)
			}
			if cents(hi) != row.h || cents(lo) != row.l {
				t.Errorf("%s %s: high/low %v/%v, want %d/%d", info.sym, day, hi, lo, row.h, row.l)
			}
			if vol != row.vol {
				t.Errorf("%s %s: volumes sum to %d, want %d", info.sym, day, vol, row.vol)
			}
			// Checkpoints and the bars of the high and low.
			if e, ok := f.ext[day][info.sym]; ok {
				for _, a := range f.cps[day][info.sym] {
					if got := cents(bs[a.min].Close); got != a.v {
						t.Errorf("%s %s: checkpoint at bar %s closes %d, want %d", info.sym, day, bs[a.min].Time.In(loc).Format("15:04"), got, a.v)
					}
				}
				for _, x := range []struct {
					what string
					at   string
					v    int64
					get  func(snapshots.Bar) float64
				}{{"high", e.highBar, row.h, func(b snapshots.Bar) float64 { return b.High }},
					{"low", e.lowBar, row.l, func(b snapshots.Bar) float64 { return b.Low }}} {
					m, _ := minuteOf(x.at)
					found := false
					for i := m; i < m+5; i++ {
						found = found || cents(x.get(bs[i])) == x.v
					}
					if !found {
						t.Errorf("%s %s: %s %d not reached in the %s bar", info.sym, day, x.what, x.v, x.at)
					}
					// Elsewhere only a bar that opens or closes at the
					// extreme (a checkpoint, the open or the close) may touch it.
					for i, b := range bs {
						if (i < m || i >= m+5) && cents(x.get(b)) == x.v && cents(b.Open) != x.v && cents(b.Close) != x.v {
							t.Errorf("%s %s: %s also touched at %s, outside the %s bar", info.sym, day, x.what, b.Time.In(loc).Format("15:04"), x.at)
						}
					}
				}
			}
		}
	}
	// The 1d bars are the daily table.
	n := 0
	for _, b := range s.Bars {
		if b.Interval != "1d" {
			continue
		}
		n++
		day := b.Time.In(loc).Format("2006-01-02")
		if b.Time.In(loc).Format("15:04") != "00:00" {
			t.Errorf("daily bar %s %s not at 00:00 ET", b.Symbol, b.Time)
		}
		row, ok := f.row(b.Symbol, day)
		if !ok || cents(b.Open) != row.o || cents(b.High) != row.h || cents(b.Low) != row.l || cents(b.Close) != row.c || b.Volume != row.vol {
			t.Errorf("daily bar %s %s does not match the table", b.Symbol, day)
		}
	}
	if n != len(symbolTable)*10 {
		t.Errorf("%d daily bars, want %d", n, len(symbolTable)*10)
	}
	// Sessions and previous closes.
	if len(s.Header.Sessions) != 3 {
		t.Fatalf("%d sessions", len(s.Header.Sessions))
	}
	for i, sess := range s.Header.Sessions {
		if sess.Date != SessionDays[i] || sess.Open.In(loc).Format("15:04") != "09:30" || sess.Close.In(loc).Format("15:04") != "16:00" {
			t.Errorf("session %+v", sess)
		}
	}
	if got := s.Header.Sessions[1].PrevClose["NVDA"]; got != 142.62 {
		t.Errorf("27 Jan prev close for NVDA %v, want 142.62", got)
	}
	if got := s.Header.Sessions[0].PrevClose["^SOX"]; got != 5444.69 {
		t.Errorf("24 Jan prev close for ^SOX %v, want 5444.69", got)
	}
}

func TestRecordsInTimeOrder(t *testing.T) {
	g, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(g.Records); i++ {
		if g.Records[i].Time().Before(g.Records[i-1].Time()) {
			t.Fatalf("record %d goes back in time", i)
		}
	}
	t.Logf("shape donors:\n%s", g.describeProxies())
}

func TestHeader(t *testing.T) {
	s := decoded(t)
	h := s.Header
	if h.Provenance != snapshots.Reconstructed {
		t.Errorf("provenance %q", h.Provenance)
	}
	if !strings.Contains(strings.ToLower(h.Title), "reconstructed") || !strings.Contains(h.Source, "Reconstructed") {
		t.Errorf("title/source must say reconstructed: %q", h.Title)
	}
	if h.MainDay != MainDay || h.TimeZone != snapshots.ExchangeZone || h.Created.IsZero() {
		t.Errorf("main day %q zone %q created %v", h.MainDay, h.TimeZone, h.Created)
	}
	want := []string{"NVDA", "AVGO", "TSM", "ASML", "AMD", "ARM", "MRVL", "MU", "SMCI", "VST", "CEG",
		"MSFT", "GOOGL", "META", "AMZN", "ORCL", "AAPL", "QQQ", "SPY", "^IXIC", "^GSPC", "^SOX"}
	var got []string
	alphabet := 0
	for _, sym := range h.Symbols {
		got = append(got, sym.Symbol)
		wantBasis := snapshots.BasisPrinted
		if sym.Symbol == "ORCL" || sym.Symbol == "VST" {
			wantBasis = snapshots.BasisAdjusted
		}
		if sym.PriceBasis != wantBasis {
			t.Errorf("%s basis %q, want %q", sym.Symbol, sym.PriceBasis, wantBasis)
		}
		// TSM's ADR-equivalent reading of FMP's count is unsourced.
		approx := sym.Symbol == "ARM" || sym.Symbol == "MRVL" || sym.Symbol == "CEG" || sym.Symbol == "TSM"
		switch sym.Kind {
		case snapshots.KindEquity:
			if sym.Shares == nil || sym.Shares.Count <= 0 || sym.Shares.Source == "" || sym.Shares.AsOf == "" {
				t.Errorf("%s: shares missing", sym.Symbol)
			} else if sym.Shares.Approximate != approx {
				t.Errorf("%s: approximate %v, want %v", sym.Symbol, sym.Shares.Approximate, approx)
			}
		case snapshots.KindETF, snapshots.KindIndex:
			if sym.Shares != nil {
				t.Errorf("%s: an %s has no share count", sym.Symbol, sym.Kind)
			}
		default:
			t.Errorf("%s: kind %q", sym.Symbol, sym.Kind)
		}
		if (sym.Symbol == "^SOX") != sym.NoVolume {
			t.Errorf("%s: NoVolume %v", sym.Symbol, sym.NoVolume)
		}
		if sym.Company == "Alphabet" {
			alphabet++
			if sym.Shares == nil || sym.Shares.Count != 12_190_000_000 {
				t.Errorf("Alphabet shares %+v, want A+B+C 12.19B", sym.Shares)
			}
		}
		if len(sym.Groups) != 1 || sym.Currency != "USD" || sym.Name == "" {
			t.Errorf("%s: groups %v currency %q name %q", sym.Symbol, sym.Groups, sym.Currency, sym.Name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("symbols %v", got)
	}
	if alphabet != 1 {
		t.Errorf("Alphabet stored %d times, want once", alphabet)
	}
	for _, k := range []struct{ sym, kind string }{{"QQQ", "etf"}, {"SPY", "etf"}, {"^IXIC", "index"}, {"^GSPC", "index"}, {"^SOX", "index"}} {
		if sym, _ := s.Symbol(k.sym); sym.Kind != k.kind {
			t.Errorf("%s kind %q, want %q", k.sym, sym.Kind, k.kind)
		}
	}
}

func TestNvidiaValueLost(t *testing.T) {
	s := decoded(t)
	nv, _ := s.Symbol("NVDA")
	if nv.Shares == nil || nv.Shares.Count != 24_490_000_000 || nv.Shares.AsOf != "2024-11-15" {
		t.Fatalf("NVDA shares %+v", nv.Shares)
	}
	prev := s.Header.Sessions[1].PrevClose["NVDA"]
	var last float64
	for _, b := range s.Bars {
		if b.Symbol == "NVDA" && b.Interval == "1m" && b.Time.In(snapshots.Location()).Format("2006-01-02") == "2025-01-27" {
			last = b.Close
		}
	}
	delta := (last - prev) * float64(nv.Shares.Count) / 1e9
	if math.Abs(delta-(-592.7)) > 0.5 {
		t.Errorf("NVDA 27 Jan value change %.1fB, want -592.7B", delta)
	}
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestEvents(t *testing.T) {
	s := decoded(t)
	if len(s.Events) < 15 {
		t.Fatalf("%d events, want at least 15", len(s.Events))
	}
	known := map[string]bool{}
	for _, sym := range s.Header.Symbols {
		known[sym.Symbol] = true
	}
	ids := map[string]bool{}
	loc := snapshots.Location()
	for _, e := range s.Events {
		if !idPattern.MatchString(e.ID) || ids[e.ID] {
			t.Errorf("event id %q bad or repeated", e.ID)
		}
		ids[e.ID] = true
		if e.Title == "" || strings.Contains(e.Title, "\n") || e.Detail == "" || e.Outlet == "" || !strings.HasPrefix(e.Link, "https://") {
			t.Errorf("event %s: missing fields %+v", e.ID, e)
		}
		if n := strings.Count(e.Detail, ". ") + 1; n > 3 {
			t.Errorf("event %s: detail has %d sentences", e.ID, n)
		}
		for _, sym := range e.Symbols {
			if !known[sym] {
				t.Errorf("event %s: symbol %s not in the snapshot", e.ID, sym)
			}
		}
		for _, q := range e.Quotes {
			if !slices.Contains(e.Symbols, q.Symbol) {
				t.Errorf("event %s quotes %s but does not list it in its symbols", e.ID, q.Symbol)
			}
		}
		hm := e.Time.In(loc).Format("15:04:05")
		wantHM := map[string]string{
			snapshots.PrecisionDate: "00:00:00", snapshots.PrecisionMorning: "09:00:00",
			snapshots.PrecisionAfternoon: "12:00:00", snapshots.PrecisionEvening: "18:00:00",
		}
		if e.Precision != snapshots.PrecisionExact {
			if hm != wantHM[e.Precision] {
				t.Errorf("event %s: precision %q at %s", e.ID, e.Precision, hm)
			}
		}
	}
	// The exact times are the sourced ones; nothing else may claim one.
	sourced := map[string]string{
		"deepseek-v3-release": "2024-12-26 06:01:57", "deepseek-r1-release": "2025-01-20 07:19:44",
		"andreessen-sputnik": "2025-01-26 17:16:21", "futures-slide": "2025-01-27 04:06:00",
		"deepseek-ddos": "2025-01-27 05:09:45", "fortune-set-to-open-red": "2025-01-27 09:00:00",
		"market-open": "2025-01-27 09:30:00", "index-highs": "2025-01-27 10:40:00",
		"janus-pro-release": "2025-01-27 10:46:51", "nvda-down-13": "2025-01-27 11:08:00",
		"fortune-nvda-15": "2025-01-27 11:35:00", "nvda-low": "2025-01-27 14:50:00",
		"thestreet-midafternoon": "2025-01-27 14:54:00", "market-close": "2025-01-27 16:00:00",
		"nvda-after-hours": "2025-01-27 16:50:00",
	}
	for _, e := range s.Events {
		want, ok := sourced[e.ID]
		got := e.Time.In(loc).Format("2006-01-02 15:04:05")
		if e.Precision == snapshots.PrecisionExact && (!ok || got != want) {
			t.Errorf("event %s claims exact time %s (sourced: %q)", e.ID, got, want)
		}
		if ok && e.Precision != snapshots.PrecisionExact {
			t.Errorf("event %s lost its sourced time", e.ID)
		}
	}
	for _, id := range []string{"deepseek-r1-release", "stargate-announced", "andreessen-sputnik", "app-store-no1",
		"futures-slide", "market-open", "index-highs", "janus-pro-release", "nvda-low", "nvidia-statement",
		"market-close", "trump-wake-up-call", "rebound", "distillation-probe", "msft-meta-results", "nvidia-results"} {
		if !ids[id] {
			t.Errorf("event %s missing", id)
		}
	}
	// Outcomes of a day (a close, a day's move) are marked so a display
	// places them at the close, not at 00:00; news of unknown time is only
	// "date"; pre-market reports of unknown time are "morning" (their sort
	// key, 09:00, is before the open) with pre-market quotes.
	type want struct {
		precision string
		outcome   bool
	}
	wantPrecision := map[string]want{
		"stargate-rally": {snapshots.PrecisionDate, true}, "rebound": {snapshots.PrecisionDate, true},
		"msft-falls-on-results": {snapshots.PrecisionDate, true}, "nvda-week-end": {snapshots.PrecisionDate, true},
		"meta-capex": {snapshots.PrecisionDate, false}, "lecun-open-source": {snapshots.PrecisionDate, false},
		"app-store-no1": {snapshots.PrecisionDate, false}, "deepseek-limits-signups": {snapshots.PrecisionDate, false},
		"premarket-nvda-over-11": {snapshots.PrecisionMorning, false}, "power-premarket": {snapshots.PrecisionMorning, false},
	}
	for _, e := range s.Events {
		if e.Outcome && e.Precision != snapshots.PrecisionDate {
			t.Errorf("event %s: an outcome with precision %q", e.ID, e.Precision)
		}
		w, ok := wantPrecision[e.ID]
		if !ok {
			if e.Outcome {
				t.Errorf("event %s is marked an outcome", e.ID)
			}
			continue
		}
		if e.Precision != w.precision || e.Outcome != w.outcome {
			t.Errorf("event %s: precision %q outcome %v, want %q %v", e.ID, e.Precision, e.Outcome, w.precision, w.outcome)
		}
		if w.precision == snapshots.PrecisionMorning {
			if e.Session != snapshots.StatePre {
				t.Errorf("event %s: session %q, want pre", e.ID, e.Session)
			}
			for _, q := range e.Quotes {
				if q.Session != snapshots.StatePre {
					t.Errorf("event %s: quote for %s in session %q, want pre", e.ID, q.Symbol, q.Session)
				}
			}
		}
		delete(wantPrecision, e.ID)
	}
	for id := range wantPrecision {
		t.Errorf("event %s missing", id)
	}
	first, last := s.Events[0].Time.In(loc), s.Events[len(s.Events)-1].Time.In(loc)
	if first.Format("2006-01-02") != "2024-12-26" || last.Format("2006-01-02") != "2025-02-26" {
		t.Errorf("timeline spans %s..%s", first, last)
	}
}

// realBar is one row of the recorded 5-minute file.
type realBar struct {
	start time.Time
	close float64
}

// readRealBars reads the recorded 5-minute file with the project's own
// CSV importer (csvimport.ImportFiles), so this test holds no parser of
// its own for it.
func readRealBars(t *testing.T) map[string][]realBar {
	t.Helper()
	if _, err := os.Stat(realBarsPath); errors.Is(err, os.ErrNotExist) {
		t.Skipf("real 5-minute bars not available (%s is absent); this comparison runs only beside the shared data", realBarsPath)
	}
	s, _, err := csvimport.ImportFiles(csvimport.Options{}, realBarsPath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]realBar{}
	for _, b := range s.Bars {
		if b.Interval == "5m" && b.Close > 0 {
			out[b.Symbol] = append(out[b.Symbol], realBar{b.Time.UTC(), b.Close})
		}
	}
	return out
}

// realTicker maps the recorded file's names onto the snapshot's.
func realTicker(tk string) string {
	switch strings.ToUpper(tk) {
	case "SPX", "GSPC", "^SPX":
		return "^GSPC"
	case "IXIC", "COMP", "^COMP":
		return "^IXIC"
	case "SOX":
		return "^SOX"
	}
	return tk
}

// TestAgainstRealFiveMinuteBars aggregates the reconstruction to 5-minute
// bars and reports how far its closes are from the recorded ones.
func TestAgainstRealFiveMinuteBars(t *testing.T) {
	real := readRealBars(t)
	s := decoded(t)
	f, err := loadFacts()
	if err != nil {
		t.Fatal(err)
	}
	loc := snapshots.Location()
	ours := map[string]map[time.Time]float64{} // sym -> 5m start -> close
	for _, b := range s.Bars {
		if b.Interval != "1m" {
			continue
		}
		if ours[b.Symbol] == nil {
			ours[b.Symbol] = map[time.Time]float64{}
		}
		start := b.Time.Truncate(5 * time.Minute)
		ours[b.Symbol][start.UTC()] = b.Close // bars come in order: the last minute wins
	}
	// NVDA's 27 Jan 15:55 bar.
	nvdaLast := time.Date(2025, 1, 27, 15, 55, 0, 0, loc).UTC()
	found := false
	var tickers []string
	for tk := range real {
		tickers = append(tickers, tk)
	}
	slices.Sort(tickers)
	for _, tk := range tickers {
		if realTicker(tk) != "NVDA" {
			continue
		}
		for _, rb := range real[tk] {
			if rb.start.Equal(nvdaLast) {
				found = true
				if rb.close != 118.53 {
					t.Errorf("real NVDA 27 Jan 15:55 bar closes %v, want 118.53", rb.close)
				}
			}
		}
	}
	if !found {
		t.Errorf("real file has no NVDA 27 Jan 15:55 bar")
	}
	t.Logf("%-6s %-10s %5s %8s %8s  %s", "series", "day", "bars", "mean%", "max%", "worst bar (ET)")
	t.Logf("(GOOGL* is GOOGL against GOOG's real bars moved onto GOOGL's daily range: a test of the borrowed shape)")
	for _, tk := range tickers {
		sym := realTicker(tk)
		mine, ok := ours[sym]
		// GOOG is not in the snapshot but lends GOOGL its shape: compare
		// GOOGL with GOOG's real closes moved onto GOOGL's daily range.
		var rescale func(day string, v float64) float64
		if !ok && sym == "GOOG" {
			mine, ok = ours["GOOGL"]
			sym = "GOOGL*"
			rescale = func(day string, v float64) float64 {
				a, _ := f.row("GOOGL", day)
				g, _ := f.row("GOOG", day)
				return price(a.l) + (v-price(g.l))/(price(g.h)-price(g.l))*price(a.h-a.l)
			}
		}
		if !ok {
			t.Logf("%-6s (not in the snapshot)", tk)
			continue
		}
		for _, day := range append(slices.Clone(SessionDays), "all") {
			var sum, worst float64
			var worstAt time.Time
			n := 0
			for _, rb := range real[tk] {
				if day != "all" && rb.start.In(loc).Format("2006-01-02") != day {
					continue
				}
				c, ok := mine[rb.start]
				if !ok {
					continue
				}
				rc := rb.close
				if rescale != nil {
					rc = rescale(rb.start.In(loc).Format("2006-01-02"), rc)
				}
				e := math.Abs(c-rc) / rc * 100
				sum += e
				if e > worst {
					worst, worstAt = e, rb.start
				}
				n++
			}
			if n == 0 {
				continue
			}
			t.Logf("%-6s %-10s %5d %8.3f %8.3f  %s", sym, day, n, sum/float64(n), worst, worstAt.In(loc).Format("01-02 15:04"))
			if worst >= 15 {
				t.Errorf("%s %s: 5-minute closes up to %.1f%% from the real bars", sym, day, worst)
			}
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEmbedded(b *testing.B) {
	data, err := os.ReadFile(snapshotPath)
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := snapshots.Decode(bytes.NewReader(data), snapshots.ReadOptions{Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestProxyMethodLeaveOneOut measures the method used for the series without
// intraday facts: each series that has real bars is rebuilt as if it had
// none (its shape borrowed from another series, never itself) and its
// 5-minute closes are compared with the real ones. It reports; the only
// failure is a sanity bound.
func TestProxyMethodLeaveOneOut(t *testing.T) {
	real := readRealBars(t)
	f, err := loadFacts()
	if err != nil {
		t.Fatal(err)
	}
	loc := snapshots.Location()
	var tickers []string
	for tk := range real {
		tickers = append(tickers, tk)
	}
	slices.Sort(tickers)
	t.Logf("%-6s %-10s %-6s %8s %8s", "series", "day", "donor", "mean%", "max%")
	var allSum float64
	var allN int
	for _, tk := range tickers {
		sym := realTicker(tk)
		for _, day := range SessionDays {
			row, ok := f.row(sym, day)
			if !ok || f.ext[day][sym].series == "" {
				continue
			}
			proxies := slices.DeleteFunc(slices.Clone(chipProxies), func(s string) bool { return s == sym })
			info := symbolInfo{sym: sym, proxies: proxies}
			donor := f.chooseProxy(info, row, day, sym)
			p := f.proxyPlan(row, day, donor)
			// The event quotes bend the borrowed shape as they do for the
			// real proxies (MSFT, META and ^SOX at 14:54 on 27 Jan).
			if err := f.applyQuotes(&p, sym, day, true); err != nil {
				t.Fatal(err)
			}
			dp, err := buildPath(sym, day, p, true)
			if err != nil {
				t.Fatal(err)
			}
			start, _ := dateAt(day, 9, 30)
			closes := map[time.Time]float64{}
			for i, b := range dp.bars {
				closes[start.Add(time.Duration(i)*time.Minute).Truncate(5*time.Minute).UTC()] = price(b.c)
			}
			var sum, worst float64
			n := 0
			for _, rb := range real[tk] {
				if rb.start.In(loc).Format("2006-01-02") != day {
					continue
				}
				c, ok := closes[rb.start]
				if !ok {
					continue
				}
				e := math.Abs(c-rb.close) / rb.close * 100
				sum += e
				worst = max(worst, e)
				n++
			}
			if n == 0 {
				continue
			}
			allSum += sum
			allN += n
			t.Logf("%-6s %-10s %-6s %8.3f %8.3f", sym, day, donor, sum/float64(n), worst)
			if worst >= 15 {
				t.Errorf("%s %s: proxy reconstruction up to %.1f%% from the real bars", sym, day, worst)
			}
		}
	}
	if allN > 0 {
		mean := allSum / float64(allN)
		t.Logf("all series and days: mean %.3f%% over %d bars", mean, allN)
		// 0.473% before the event quotes and the first bar became
		// checkpoints (issue 9): they may not make the method worse.
		if mean > 0.473 {
			t.Errorf("leave-one-out mean error %.3f%%, above 0.473%%", mean)
		}
	}
}

// TestFollowsTheDescription checks the series without intraday facts against
// the fact sheet's description of 27 Jan: chip names opened near their highs
// and bottomed between 13:30 and 14:55 (ASML is the exception the daily bar
// shows: it opened at its low and closed near its high).
func TestFollowsTheDescription(t *testing.T) {
	s := decoded(t)
	bars := minuteBars(s)
	loc := snapshots.Location()
	when := func(bs []snapshots.Bar, pick func(snapshots.Bar) float64, want float64) string {
		for _, b := range bs {
			if pick(b) == want {
				return b.Time.In(loc).Format("15:04")
			}
		}
		return ""
	}
	for _, sym := range []string{"AVGO", "AMD", "ARM", "MRVL", "SMCI"} {
		bs := bars[dayKey{sym, MainDay}]
		hi, lo := bs[0].High, bs[0].Low
		for _, b := range bs {
			hi, lo = max(hi, b.High), min(lo, b.Low)
		}
		hiAt := when(bs, func(b snapshots.Bar) float64 { return b.High }, hi)
		loAt := when(bs, func(b snapshots.Bar) float64 { return b.Low }, lo)
		if hiAt >= "10:00" {
			t.Errorf("%s 27 Jan: high at %s, want in the first half hour", sym, hiAt)
		}
		if loAt < "13:30" || loAt > "14:59" {
			t.Errorf("%s 27 Jan: low at %s, want 13:30–14:59", sym, loAt)
		}
	}
	asml := bars[dayKey{"ASML", MainDay}]
	if at := when(asml, func(b snapshots.Bar) float64 { return b.High }, 690.60); at < "15:00" {
		t.Errorf("ASML 27 Jan: high at %s, want late (it closed at 690.15, near its 690.60 high)", at)
	}
	// Megacap platforms rose from the open to close near their highs.
	for _, sym := range []string{"AAPL", "AMZN", "MSFT", "META"} {
		bs := bars[dayKey{sym, MainDay}]
		if !(bs[len(bs)-1].Close > bs[0].Open) {
			t.Errorf("%s 27 Jan did not rise from the open", sym)
		}
	}
}

// BenchmarkDecodeEmbeddedPlain decodes the same records without gzip, to
// show how the decode time splits between inflating and parsing.
func BenchmarkDecodeEmbeddedPlain(b *testing.B) {
	data, err := os.ReadFile(snapshotPath)
	if err != nil {
		b.Skip(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if _, err := snapshots.Decode(bytes.NewReader(plain), snapshots.ReadOptions{Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// No event quotes a figure from after its own placement: a replay shows an
// event's text from its placement on, so a quote of a later moment (the
// day's low five minutes before it falls) would spoil the replay and call
// a figure "the low so far" that the prices have not reached yet.
func TestNoEventQuotesItsFuture(t *testing.T) {
	s := decoded(t)
	loc := snapshots.Location()
	for _, e := range s.Events {
		at := snapshots.Placement(e, s.Header.Sessions)
		for _, q := range e.Quotes {
			if w := q.When(e); w.After(at) {
				t.Errorf("event %s, placed at %s, quotes %s at %s", e.ID,
					at.In(loc).Format("Jan 2 15:04"), q.Symbol, w.In(loc).Format("Jan 2 15:04"))
			}
		}
	}
}

// The figure notes are read on screen (the sources view, inspect): they
// name no test or other code identifier.
func TestNotesNameNoTests(t *testing.T) {
	s := decoded(t)
	for _, sym := range s.Header.Symbols {
		for _, n := range sym.Notes {
			for _, text := range []string{n.Source, n.Detail, n.From} {
				if regexp.MustCompile(`\bTest[A-Z]\w+`).MatchString(text) {
					t.Errorf("%s %s note names a test: %q", sym.Symbol, n.Figure, text)
				}
			}
		}
	}
}

// TestNotesQuoteNoEvents: the provenance notes and the header's source
// text are read at any time of a replay, so they quote no figure, time or
// id of a timeline event (at 09:35 on 27 Jan AVGO's note said "199.60 at
// 27 Jan 14:54", five hours early); the timeline shows the quotes once
// their events are reached.
func TestNotesQuoteNoEvents(t *testing.T) {
	s := decoded(t)
	var bad []string
	for _, e := range s.Events {
		bad = append(bad, e.ID)
		for _, q := range e.Quotes {
			if q.Price != nil {
				bad = append(bad, fmt.Sprintf("%.2f", *q.Price))
			}
			if q.ChangePct != nil {
				bad = append(bad, strings.Replace(fmt.Sprintf("%.1f%%", *q.ChangePct), "-", "−", 1), fmt.Sprintf("%+g%%", *q.ChangePct))
			}
		}
	}
	check := func(where, text string) {
		for _, b := range bad {
			if strings.Contains(text, b) {
				t.Errorf("%s names the event figure or id %q: %q", where, b, text)
			}
		}
		if strings.Contains(text, "TheStreet") {
			t.Errorf("%s names an event's outlet: %q", where, text)
		}
	}
	check("header source", s.Header.Source)
	for _, sym := range s.Header.Symbols {
		for _, n := range sym.Notes {
			for _, text := range []string{n.Source, n.Detail, n.From} {
				check(sym.Symbol+" "+n.Figure+" note", text)
			}
		}
	}
}
