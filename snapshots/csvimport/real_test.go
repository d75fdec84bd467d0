package csvimport

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/selloff/selloff/snapshots"
)

// Real recorded bars (tests only; never committed to the repo).

func sharedData(t testing.TB, name string) string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file))) // snapshots/csvimport/ -> repo root
	p := filepath.Join(root, "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s not present (it lives at ../shared/data beside the repo): %v", name, err)
	}
	return p
}

func TestImportReal5MinuteBars(t *testing.T) {
	p := sharedData(t, "intraday_5m_2025-01-21_2025-01-31.csv")
	s, report, err := ImportFiles(Options{Created: created}, p)
	probs := report.List
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, s)
	if len(probs) != 0 {
		t.Errorf("%d problems importing clean data:\n%s", len(probs), reasons(probs))
	}
	if n := len(s.Header.Symbols); n != 13 {
		t.Errorf("%d symbols, want 13", n)
	}
	b, ok := barAt(s, "NVDA", "5m", et(2025, 1, 27, 15, 55))
	if !ok || b.Close != 118.53 {
		t.Errorf("NVDA 27 Jan 15:55 ET bar: %+v (found %v), want close 118.53", b, ok)
	}
	perDay := map[string]int{}
	for _, b := range s.Bars {
		if b.Interval != "5m" {
			t.Fatalf("interval %q", b.Interval)
		}
		perDay[b.Symbol+" "+b.Time.Format("2006-01-02")]++
	}
	if len(s.Header.Sessions) != 9 {
		t.Errorf("%d sessions, want 9", len(s.Header.Sessions))
	}
	for _, sym := range s.Header.Symbols {
		for _, sess := range s.Header.Sessions {
			if n := perDay[sym.Symbol+" "+sess.Date]; n != 78 {
				t.Errorf("%s %s: %d bars, want 78", sym.Symbol, sess.Date, n)
			}
		}
	}
	for _, idx := range []string{"^GSPC", "^IXIC", "^SOX"} {
		if sym, _ := s.Symbol(idx); sym.Kind != snapshots.KindIndex || !sym.NoVolume {
			t.Errorf("%s: %+v", idx, sym)
		}
	}
	// The 24 Jan last bar's close is the 27 Jan prev close (intraday only).
	last, _ := barAt(s, "NVDA", "5m", et(2025, 1, 24, 15, 55))
	for _, sess := range s.Header.Sessions {
		if sess.Date == "2025-01-27" && sess.PrevClose["NVDA"] != last.Close {
			t.Errorf("27 Jan NVDA prev close %v, want the 24 Jan 15:55 close %v", sess.PrevClose["NVDA"], last.Close)
		}
	}
	if s.Header.MainDay != "2025-01-31" {
		t.Errorf("main day %s", s.Header.MainDay)
	}
	if !strings.Contains(s.Header.Source, "(9126 rows, 9126 5m bars)") {
		t.Errorf("Source: %s", s.Header.Source)
	}
	t.Logf("source: %s", s.Header.Source)
}

func TestImportRealDailyTable(t *testing.T) {
	p := sharedData(t, "daily_ohlcv_2025-01-02_2025-02-28.csv")
	s, report, err := ImportFiles(Options{Created: created, MainDay: "2025-01-27"}, p)
	probs := report.List
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, s)
	// SMH and SOXX are close-only: every row dropped and reported.
	for _, sym := range []string{"SMH", "SOXX"} {
		if _, ok := s.Symbol(sym); ok {
			t.Errorf("%s imported from close-only rows", sym)
		}
	}
	var closeOnly, sox int
	for _, pr := range probs {
		switch {
		case strings.Contains(pr.Reason, "open, high, low missing; row dropped"):
			closeOnly++
		case strings.HasPrefix(pr.Reason, "^SOX ") && strings.Contains(pr.Reason, "volume missing; stored as 0"):
			sox++
		default:
			t.Errorf("unexpected problem: %v", pr)
		}
		if pr.File != p || pr.Line < 2 {
			t.Errorf("problem without FILE:LINE: %v", pr)
		}
	}
	if closeOnly != 78 || sox != 39 {
		t.Errorf("%d close-only rows (want 78), %d blank ^SOX volumes (want 39)", closeOnly, sox)
	}
	if n := len(s.Header.Symbols); n != 23 {
		t.Errorf("%d symbols, want 23", n)
	}
	if n := len(s.Bars); n != 23*39 {
		t.Errorf("%d bars, want %d", n, 23*39)
	}
	sox1, _ := s.Symbol("^SOX")
	if !sox1.NoVolume || sox1.Kind != snapshots.KindIndex {
		t.Errorf("^SOX %+v", sox1)
	}
	for _, b := range s.Bars {
		if b.Symbol == "^SOX" && b.Volume != 0 {
			t.Errorf("^SOX volume %d", b.Volume)
		}
	}
	for sym, want := range map[string]string{"ORCL": snapshots.BasisAdjusted, "VST": snapshots.BasisAdjusted, "NVDA": snapshots.BasisPrinted, "GOOG": snapshots.BasisPrinted} {
		if got, _ := s.Symbol(sym); got.PriceBasis != want {
			t.Errorf("%s basis %q, want %q", sym, got.PriceBasis, want)
		}
	}
	if !strings.Contains(s.Header.Source, "Volume unknown (stored as 0) on 39 rows: ^SOX 39") ||
		!strings.Contains(s.Header.Source, "Dropped 78 rows") {
		t.Errorf("Source: %s", s.Header.Source)
	}
	// NVDA's 27 Jan prev close is its 24 Jan daily close.
	var nv24 snapshots.Bar
	for _, b := range s.Bars {
		if b.Symbol == "NVDA" && b.Time.Equal(et(2025, 1, 24, 0, 0)) {
			nv24 = b
		}
	}
	for _, sess := range s.Header.Sessions {
		if sess.Date == "2025-01-27" && (nv24.Close == 0 || sess.PrevClose["NVDA"] != nv24.Close) {
			t.Errorf("27 Jan prev close %v, 24 Jan close %v", sess.PrevClose["NVDA"], nv24.Close)
		}
	}
	if s.Header.MainDay != "2025-01-27" || len(s.Header.Sessions) != 39 {
		t.Errorf("main day %s, %d sessions", s.Header.MainDay, len(s.Header.Sessions))
	}
}

func TestImportRealBothFiles(t *testing.T) {
	d := sharedData(t, "daily_ohlcv_2025-01-02_2025-02-28.csv")
	i := sharedData(t, "intraday_5m_2025-01-21_2025-01-31.csv")
	s, _, err := ImportFiles(Options{Created: created, MainDay: "2025-01-27", Symbols: []string{"NVDA", "^GSPC"}}, d, i)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, s)
	if len(s.Bars) != 2*39+2*9*78 {
		t.Errorf("%d bars", len(s.Bars))
	}
	gspc, _ := s.Symbol("^GSPC")
	if gspc.NoVolume {
		t.Error("^GSPC has daily volume but is marked NoVolume")
	}
	if !strings.Contains(s.Header.Source, "No volume on the 5m bars of ^GSPC.") {
		t.Errorf("Source does not say the 5m index bars have no volume: %s", s.Header.Source)
	}
	// With daily bars present the prev close is the official daily close,
	// not the last 5-minute bar's close.
	var last5, d24 snapshots.Bar
	for _, b := range s.Bars {
		if b.Symbol == "NVDA" && b.Time.Equal(et(2025, 1, 24, 15, 55)) {
			last5 = b
		}
		if b.Symbol == "NVDA" && b.Interval == "1d" && b.Time.Equal(et(2025, 1, 24, 0, 0)) {
			d24 = b
		}
	}
	for _, sess := range s.Header.Sessions {
		if sess.Date == "2025-01-27" && sess.PrevClose["NVDA"] != d24.Close {
			t.Errorf("prev close %v, daily close %v, last 5m close %v", sess.PrevClose["NVDA"], d24.Close, last5.Close)
		}
	}
}

func BenchmarkImport5Minute(b *testing.B) {
	p := sharedData(b, "intraday_5m_2025-01-21_2025-01-31.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	rows := bytes.Count(data, []byte{'\n'}) - 1
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Import(Options{Created: created}, NamedReader{Name: "5m.csv", R: bytes.NewReader(data)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
