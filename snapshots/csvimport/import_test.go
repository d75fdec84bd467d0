package csvimport

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// All prices in these tests are made up.

var created = time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC)

func mustImport(t *testing.T, opt Options, files ...NamedReader) (*snapshots.Snapshot, []snapshots.Problem) {
	t.Helper()
	if opt.Created.IsZero() {
		opt.Created = created
	}
	s, probs, err := Import(opt, files...)
	if err != nil {
		t.Fatalf("Import: %v (problems %v)", err, probs)
	}
	checkInvariants(t, s)
	return s, probs.List
}

func csvInput(name, text string) NamedReader {
	return NamedReader{Name: name, R: strings.NewReader(text)}
}

// checkInvariants: what every imported snapshot must satisfy, including
// that the strict reader accepts it unchanged.
func checkInvariants(t testing.TB, s *snapshots.Snapshot) {
	t.Helper()
	if s.Header.Provenance != snapshots.Imported {
		t.Fatalf("provenance %q", s.Header.Provenance)
	}
	known := map[string]int{}
	for i, sym := range s.Header.Symbols {
		known[sym.Symbol] = i
	}
	for i, b := range s.Bars {
		if !(b.Open > 0 && b.High > 0 && b.Low > 0 && b.Close > 0) {
			t.Fatalf("bar %d has a non-positive price: %+v", i, b)
		}
		if b.Low > b.High || b.Open < b.Low || b.Open > b.High || b.Close < b.Low || b.Close > b.High {
			t.Fatalf("bar %d outside [low, high]: %+v", i, b)
		}
		if _, ok := known[b.Symbol]; !ok {
			t.Fatalf("bar %d symbol %q not in header", i, b.Symbol)
		}
		if i > 0 {
			p := s.Bars[i-1]
			if b.Time.Before(p.Time) || (b.Time.Equal(p.Time) && known[b.Symbol] < known[p.Symbol]) {
				t.Fatalf("bars %d and %d out of (time, symbol) order", i-1, i)
			}
			if b.Time.Equal(p.Time) && b.Symbol == p.Symbol && b.Interval == p.Interval {
				t.Fatalf("duplicate bar kept: %+v", b)
			}
		}
	}
	var buf bytes.Buffer
	w, err := snapshots.NewWriter(&buf, s.Header, snapshots.WriteOptions{FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := snapshots.WriteSnapshot(w, s); err != nil {
		t.Fatalf("WriteSnapshot: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	back, err := snapshots.Decode(&buf, snapshots.ReadOptions{Name: "imported", Strict: true})
	if err != nil {
		t.Fatalf("strict reader rejects the imported snapshot: %v", err)
	}
	if len(back.Bars) != len(s.Bars) {
		t.Fatalf("round trip: %d bars back, wrote %d", len(back.Bars), len(s.Bars))
	}
	for i := range s.Bars {
		a, b := s.Bars[i], back.Bars[i]
		if !a.Time.Equal(b.Time) || a.Symbol != b.Symbol || a.Interval != b.Interval || a.Open != b.Open ||
			a.High != b.High || a.Low != b.Low || a.Close != b.Close || a.Volume != b.Volume {
			t.Fatalf("round trip bar %d: wrote %+v read %+v", i, a, b)
		}
	}
}

func reasons(ps []snapshots.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// wantProblem checks that some problem is at file:line and mentions each word.
func wantProblem(t *testing.T, ps []snapshots.Problem, file string, line int, words ...string) {
	t.Helper()
outer:
	for _, p := range ps {
		if p.File != file || p.Line != line {
			continue
		}
		for _, w := range words {
			if !strings.Contains(p.Reason, w) {
				continue outer
			}
		}
		return
	}
	t.Errorf("no problem at %s:%d mentioning %q; got:\n%s", file, line, words, reasons(ps))
}

func barAt(s *snapshots.Snapshot, sym, interval string, at time.Time) (snapshots.Bar, bool) {
	for _, b := range s.Bars {
		if b.Symbol == sym && b.Interval == interval && b.Time.Equal(at) {
			return b, true
		}
	}
	return snapshots.Bar{}, false
}

func TestImportYahooDailyPerTickerFile(t *testing.T) {
	// Yahoo's layout, unsorted, with a null row, a duplicate, a blank volume,
	// a dash cell and an en dash cell.
	csv := "Date,Open,High,Low,Close,Adj Close,Volume\n" + // 1
		"2024-03-05,10.00,10.50,9.80,10.20,10.10,1000\n" + // 2
		"2024-03-04,9.50,10.10,9.40,10.00,9.90,900\n" + // 3: earlier than line 2
		"2024-03-06,null,null,null,null,null,null\n" + // 4
		"2024-03-07,10.30,10.90,10.10,10.80,10.70,\n" + // 5: blank volume
		"2024-03-05,10.00,10.50,9.80,10.20,10.10,1000\n" + // 6: duplicate of 2 (dropped as read: not counted as out of order)
		"2024-03-08,10.80,11.00,-,10.90,10.85,700\n" + // 7: dash low
		"2024-03-11,10.80,11.00,10.70,–,10.85,700\n" + // 8: en dash close
		"2024-03-12,10.90,11.20,10.80,11.10,11.00,1200\n" // 9
	s, probs := mustImport(t, Options{}, csvInput("dl/NVDA.csv", csv))
	if got := len(s.Bars); got != 4 {
		t.Fatalf("%d bars, want 4 (lines 2,3,5,9):\n%s", got, reasons(probs))
	}
	sym, ok := s.Symbol("NVDA")
	if !ok || sym.Kind != snapshots.KindEquity || sym.PriceBasis != snapshots.BasisPrinted || sym.Currency != "USD" || sym.NoVolume {
		t.Fatalf("symbol %+v", sym)
	}
	b := s.Bars[0]
	if b.Interval != "1d" || !b.Time.Equal(et(2024, 3, 4, 0, 0)) || b.Close != 10.00 || b.Volume != 900 {
		t.Fatalf("first bar %+v", b)
	}
	if b, _ := barAt(s, "NVDA", "1d", et(2024, 3, 7, 0, 0)); b.Volume != 0 || b.Close != 10.80 {
		t.Fatalf("blank-volume bar %+v", b)
	}
	f := "dl/NVDA.csv"
	wantProblem(t, probs, f, 3, "not in time order", "sorted")
	wantProblem(t, probs, f, 4, "open, high, low, close missing", "dropped")
	wantProblem(t, probs, f, 5, "volume missing", "stored as 0")
	wantProblem(t, probs, f, 6, "duplicate of line 2", "dropped")
	wantProblem(t, probs, f, 7, "low missing", "dropped")
	wantProblem(t, probs, f, 8, "close missing", "dropped")
	if len(probs) != 6 {
		t.Errorf("%d problems, want 6:\n%s", len(probs), reasons(probs))
	}
	src := s.Header.Source
	for _, w := range []string{"NVDA.csv (8 rows, 4 1d bars)", "Dropped 4 rows", "3 with a price missing", "1 duplicates",
		"Volume unknown (stored as 0) on 1 rows: NVDA 1", "1 rows were out of time order"} {
		if !strings.Contains(src, w) {
			t.Errorf("Source lacks %q:\n%s", w, src)
		}
	}
	if strings.Contains(src, "dl/") {
		t.Errorf("Source names a directory: %s", src)
	}
	// Sessions and prev close from the daily closes.
	if n := len(s.Header.Sessions); n != 4 {
		t.Fatalf("%d sessions", n)
	}
	if s.Header.MainDay != "2024-03-12" {
		t.Errorf("main day %s, want the last session", s.Header.MainDay)
	}
	s1 := s.Header.Sessions[1]
	if s1.Date != "2024-03-05" || !s1.Open.Equal(et(2024, 3, 5, 9, 30)) || !s1.Close.Equal(et(2024, 3, 5, 16, 0)) || s1.PrevClose["NVDA"] != 10.00 {
		t.Errorf("session %+v", s1)
	}
	// 03-11's only row was dropped: 03-12's previous close is unknown, not
	// 03-07's (stale) close.
	if pc, ok := s.Header.Sessions[3].PrevClose["NVDA"]; ok {
		t.Errorf("prev close on 03-12 = %v, want none (03-11 dropped)", pc)
	}
	if s.Header.Sessions[0].PrevClose != nil {
		t.Errorf("first session has a prev close: %v", s.Header.Sessions[0].PrevClose)
	}
	if !strings.Contains(s.Header.Title, "NVDA") || !strings.Contains(s.Header.Title, "daily") {
		t.Errorf("title %q", s.Header.Title)
	}
}

func TestImportFileNamesAndKinds(t *testing.T) {
	row := "Date,Open,High,Low,Close,Volume\n2024-03-04,5,6,4,5.5,0\n"
	cases := []struct {
		name, sym, kind string
		noVolume        bool
	}{
		{"^GSPC.csv", "^GSPC", snapshots.KindIndex, true},
		{"data/spy.csv", "SPY", snapshots.KindETF, true},
		{`C:\dl\BRK-B.csv`, "BRK-B", snapshots.KindEquity, true},
		{"amd_5m.csv.gz", "AMD", snapshots.KindEquity, true},
		{"TSM-daily.CSV", "TSM", snapshots.KindEquity, true},
		{"SPX.csv", "SPX", snapshots.KindIndex, true},
	}
	for _, c := range cases {
		s, _ := mustImport(t, Options{}, csvInput(c.name, row))
		sym := s.Header.Symbols[0]
		if sym.Symbol != c.sym || sym.Kind != c.kind || sym.NoVolume != c.noVolume {
			t.Errorf("%s: got %+v", c.name, sym)
		}
	}
	s, _ := mustImport(t, Options{}, csvInput("^GSPC.csv", row))
	if s.Header.Symbols[0].Name != "S&P 500" {
		t.Errorf("^GSPC name %q", s.Header.Symbols[0].Name)
	}
	for _, bad := range []string{"my prices.csv", "-", ""} {
		_, _, err := Import(Options{}, csvInput(bad, row))
		if err == nil || !strings.Contains(err.Error(), "ticker") {
			t.Errorf("file %q without ticker column: err %v", bad, err)
		}
	}
}

func TestImportSymbolColumnDaily(t *testing.T) {
	csv := "date,Symbol,Open,High,Low,Close,Adj Close,Volume\n" +
		"2024-03-04,bbb,20,21,19,20.5,20.4,100\n" +
		"2024-03-04,AAA,10,11,9,10.5,10.4,200\n" +
		"2024-03-05,AAA,10.5,12,10,11.5,11.4,300\n" +
		"2024-03-05,BBB,20.5,22,20,21.5,21.4,400\n" +
		"2024-03-05,,1,1,1,1,1,1\n" + // 6: no ticker
		"2024-03-05,A B,1,1,1,1,1,1\n" // 7: bad ticker
	s, probs := mustImport(t, Options{}, csvInput("long.csv", csv))
	if len(s.Bars) != 4 {
		t.Fatalf("%d bars:\n%s", len(s.Bars), reasons(probs))
	}
	// Symbol order is first appearance; bars are time then symbol order.
	if s.Header.Symbols[0].Symbol != "BBB" || s.Header.Symbols[1].Symbol != "AAA" {
		t.Fatalf("symbols %+v", s.Header.Symbols)
	}
	if s.Bars[0].Symbol != "BBB" || s.Bars[1].Symbol != "AAA" || s.Bars[2].Symbol != "BBB" || s.Bars[3].Symbol != "AAA" {
		t.Errorf("bar order %v %v %v %v", s.Bars[0].Symbol, s.Bars[1].Symbol, s.Bars[2].Symbol, s.Bars[3].Symbol)
	}
	wantProblem(t, probs, "long.csv", 6, "ticker missing")
	wantProblem(t, probs, "long.csv", 7, `bad ticker "A B"`)
	pc := s.Header.Sessions[1].PrevClose
	if pc["AAA"] != 10.5 || pc["BBB"] != 20.5 {
		t.Errorf("prev close %v", pc)
	}

	// Symbols filter: order from the option, other rows skipped quietly,
	// a symbol not found is reported.
	s, probs = mustImport(t, Options{Symbols: []string{"aaa", "ZZZ"}}, csvInput("long.csv", csv))
	if len(s.Header.Symbols) != 1 || s.Header.Symbols[0].Symbol != "AAA" || len(s.Bars) != 2 {
		t.Fatalf("filtered: %+v, %d bars", s.Header.Symbols, len(s.Bars))
	}
	wantProblem(t, probs, "import", 0, "ZZZ", "no bars")
	if !strings.Contains(s.Header.Source, "rows of other symbols skipped") {
		t.Errorf("Source: %s", s.Header.Source)
	}
}

func TestImportIntradayLongTable(t *testing.T) {
	// The same instants written four ways: naive with "utc" in the column
	// name, +00:00, -05:00 and Z.
	forms := map[string][]string{
		"interval_start_utc": {"2025-01-27 14:30:00", "2025-01-27 14:35:00", "2025-01-27 14:40:00", "2025-01-28 14:30:00"},
		"datetime":           {"2025-01-27 14:30:00+00:00", "2025-01-27 14:35:00+00:00", "2025-01-27T14:40:00+0000", "2025-01-28 14:30:00+00:00"},
		"Timestamp":          {"2025-01-27 09:30:00-05:00", "2025-01-27 09:35:00-05:00", "2025-01-27 09:40:00-05:00", "2025-01-28 09:30:00-05:00"},
		"time":               {"2025-01-27T14:30:00Z", "2025-01-27T14:35:00.000Z", "2025-01-27T14:40:00Z", "2025-01-28T14:30:00Z"},
	}
	for col, ts := range forms {
		csv := "ticker," + col + ",open,high,low,close,volume,wap,count\n" +
			"XYZ," + ts[0] + ",10,11,9,10.5,100.0,10.2,5\n" +
			"QQQ," + ts[0] + ",500,501,499,500.5,50.0,500,5\n" +
			"XYZ," + ts[1] + ",10.5,11,10,10.8,110.0,10.2,5\n" +
			"XYZ," + ts[2] + ",10.8,11.5,10.6,11.2,120.0,10.2,5\n" +
			"XYZ," + ts[3] + ",11,11.4,10.9,11.3,130.0,10.2,5\n"
		s, probs := mustImport(t, Options{}, csvInput("bars.csv", csv))
		if len(probs) != 0 {
			t.Errorf("%s: problems:\n%s", col, reasons(probs))
		}
		if len(s.Bars) != 5 {
			t.Fatalf("%s: %d bars", col, len(s.Bars))
		}
		b := s.Bars[0]
		if !b.Time.Equal(et(2025, 1, 27, 9, 30)) || b.Interval != "5m" || b.Symbol != "XYZ" {
			t.Errorf("%s: first bar %+v", col, b)
		}
		if b.Time.Location() != snapshots.Location() {
			t.Errorf("%s: bar time not in exchange time: %v", col, b.Time)
		}
		if last := s.Bars[4]; !last.Time.Equal(et(2025, 1, 28, 9, 30)) {
			t.Errorf("%s: last bar %v", col, last.Time)
		}
		if q, _ := s.Symbol("QQQ"); q.Kind != snapshots.KindETF {
			t.Errorf("QQQ kind %q", q.Kind)
		}
		// Prev close from the previous session's last intraday bar.
		if pc := s.Header.Sessions[1].PrevClose["XYZ"]; pc != 11.2 {
			t.Errorf("%s: intraday prev close %v, want 11.2", col, pc)
		}
		if s.Header.Sessions[1].PrevClose["QQQ"] != 500.5 {
			t.Errorf("%s: QQQ prev close %v", col, s.Header.Sessions[1].PrevClose)
		}
	}
}

func TestImportNaiveTimeZone(t *testing.T) {
	csv := "Datetime,Open,High,Low,Close,Volume\n" +
		"2025-01-27 09:30:00,10,11,9,10.5,100\n" +
		"2025-01-27 09:31:00,10.5,11,10,10.8,110\n"
	// Without "utc" in the column name a naive time is exchange time.
	s, _ := mustImport(t, Options{}, csvInput("AMD_1m.csv", csv))
	if b := s.Bars[0]; !b.Time.Equal(et(2025, 1, 27, 9, 30)) || b.Interval != "1m" || b.Symbol != "AMD" {
		t.Errorf("exchange-time default: %+v", b)
	}
	if strings.Contains(s.Header.Source, "read as UTC") {
		t.Errorf("Source claims UTC: %s", s.Header.Source)
	}
	// The option overrides.
	s, _ = mustImport(t, Options{TimeZone: time.UTC}, csvInput("AMD_1m.csv", csv))
	if b := s.Bars[0]; !b.Time.Equal(time.Date(2025, 1, 27, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("TimeZone UTC: %v", b.Time)
	}
	// "utc" in the column name means UTC, and the header says so.
	s, _ = mustImport(t, Options{}, csvInput("AMD.csv", strings.Replace(csv, "Datetime", "time_utc", 1)))
	if b := s.Bars[0]; !b.Time.Equal(et(2025, 1, 27, 4, 30)) {
		t.Errorf("time_utc: %v", b.Time)
	}
	if !strings.Contains(s.Header.Source, "times without offset read as UTC") {
		t.Errorf("Source: %s", s.Header.Source)
	}
}

func TestImportBadCells(t *testing.T) {
	csv := "Date,Ticker,Open,High,Low,Close,Volume\n" + // 1
		"2024-03-04,AAA,10,11,9,10.5,100\n" + // 2 good
		"2024-03-05,AAA,abc,11,9,10.5,100\n" + // 3 bad open
		"2024-03-06,AAA,10,11,9,10.5.1,100\n" + // 4 bad close
		"2024-03-07,AAA,0,11,9,10.5,100\n" + // 5 zero open
		"2024-03-08,AAA,-1,11,9,10.5,100\n" + // 6 negative
		"2024-03-11,AAA,12,11,9,10.5,100\n" + // 7 open above high
		"2024-03-12,AAA,10,11,11.5,10.5,100\n" + // 8 low above high
		"2024-03-13,AAA,10,11,9,10.5,lots\n" + // 9 bad volume: kept, 0
		"2024-03-14,AAA,NaN,11,9,10.5,100\n" + // 10 NaN = missing
		"2024-13-01,AAA,10,11,9,10.5,100\n" + // 11 bad date
		",AAA,10,11,9,10.5,100\n" + // 12 no date
		"2024-03-15,AAA,10,11\n" + // 13 short row
		"2024-03-18,AAA,Inf,11,9,10.5,100\n" + // 14 infinite
		"2024-03-19,AAA,\"$1,010.00\",\"1,020\",\"1,000\",\"1,015.5\",\"1,234\"\n" + // 15 good, formatted
		"2024-03-20,AAA,10,11,9,10.5,-5\n" // 16 negative volume: kept, 0
	s, probs := mustImport(t, Options{}, csvInput("x.csv", csv))
	f := "x.csv"
	wantProblem(t, probs, f, 3, `bad open "abc"`, "dropped")
	wantProblem(t, probs, f, 4, `bad close "10.5.1"`, "dropped")
	wantProblem(t, probs, f, 5, "open 0 is not a positive price", "dropped")
	wantProblem(t, probs, f, 6, "not a positive price", "dropped")
	wantProblem(t, probs, f, 7, "outside [low, high]", "dropped")
	wantProblem(t, probs, f, 8, "outside [low, high]", "dropped")
	wantProblem(t, probs, f, 9, `bad volume "lots"`, "stored as 0")
	wantProblem(t, probs, f, 10, "open missing", "dropped")
	wantProblem(t, probs, f, 11, `bad time "2024-13-01"`, "dropped")
	wantProblem(t, probs, f, 12, "time missing", "dropped")
	wantProblem(t, probs, f, 13, "low, close missing", "dropped")
	wantProblem(t, probs, f, 14, `bad open "Inf"`, "dropped")
	wantProblem(t, probs, f, 16, `bad volume "-5"`, "stored as 0")
	if len(s.Bars) != 4 {
		t.Fatalf("%d bars, want 4 (lines 2, 9, 15, 16):\n%s", len(s.Bars), reasons(probs))
	}
	b, _ := barAt(s, "AAA", "1d", et(2024, 3, 19, 0, 0))
	if b.Open != 1010 || b.High != 1020 || b.Low != 1000 || b.Close != 1015.5 || b.Volume != 1234 {
		t.Errorf("formatted numbers: %+v", b)
	}
	if !strings.Contains(s.Header.Source, "Volume unknown (stored as 0) on 2 rows: AAA 2") {
		t.Errorf("Source: %s", s.Header.Source)
	}
}

func TestImportDuplicatesAcrossFiles(t *testing.T) {
	a := "ticker,datetime,open,high,low,close,volume\n" +
		"AAA,2025-01-27T14:30:00Z,10,11,9,10.5,100\n" +
		"AAA,2025-01-27T14:31:00Z,10.5,11,10,10.7,100\n"
	b := "ticker,datetime,open,high,low,close,volume\n" +
		"AAA,2025-01-27T14:31:00Z,10.5,11,10,10.9,100\n" + // same time, other close
		"AAA,2025-01-27T14:32:00Z,10.9,11,10,10.6,100\n"
	s, probs := mustImport(t, Options{}, csvInput("a.csv", a), csvInput("b.csv", b))
	if len(s.Bars) != 3 {
		t.Fatalf("%d bars", len(s.Bars))
	}
	if b, _ := barAt(s, "AAA", "1m", et(2025, 1, 27, 9, 31)); b.Close != 10.7 {
		t.Errorf("kept %v, want the first file's row", b.Close)
	}
	wantProblem(t, probs, "b.csv", 2, "duplicate of a.csv:3", "values differ", "dropped")
	if !strings.Contains(s.Header.Source, "a.csv (2 rows, 2 1m bars); b.csv (2 rows, 1 1m bars)") {
		t.Errorf("Source: %s", s.Header.Source)
	}
}

func TestImportYFinanceMultiHeader(t *testing.T) {
	csv := "Price,Adj Close,Close,High,Low,Open,Volume,Close,High,Low,Open,Volume\n" +
		"Ticker,AAA,AAA,AAA,AAA,AAA,AAA,^IDX,^IDX,^IDX,^IDX,^IDX\n" +
		"Date,,,,,,,,,,,\n" +
		"2024-03-04,10.4,10.5,11,9,10,100,500,510,490,505,0\n" +
		"2024-03-05,10.9,11,11.5,10,10.5,200,505,515,500,510,0\n"
	s, probs := mustImport(t, Options{}, csvInput("download.csv", csv))
	if len(probs) != 0 {
		t.Errorf("problems:\n%s", reasons(probs))
	}
	if len(s.Bars) != 4 || len(s.Header.Symbols) != 2 {
		t.Fatalf("%d bars, symbols %+v", len(s.Bars), s.Header.Symbols)
	}
	b, _ := barAt(s, "^IDX", "1d", et(2024, 3, 5, 0, 0))
	if b.Open != 510 || b.Close != 505 || b.High != 515 {
		t.Errorf("^IDX bar %+v", b)
	}
	if idx, _ := s.Symbol("^IDX"); !idx.NoVolume || idx.Kind != snapshots.KindIndex {
		t.Errorf("^IDX %+v", idx)
	}
	if aaa, _ := s.Symbol("AAA"); aaa.PriceBasis != snapshots.BasisPrinted {
		t.Errorf("AAA basis %q", aaa.PriceBasis)
	}
	// Single ticker, no Date row.
	csv = "Price,Close,High,Low,Open,Volume\nTicker,AAA,AAA,AAA,AAA,AAA\n2024-03-04,10.5,11,9,10,100\n"
	s, _ = mustImport(t, Options{}, csvInput("x.csv", csv))
	if len(s.Bars) != 1 || s.Bars[0].Symbol != "AAA" {
		t.Errorf("single-ticker yfinance: %+v", s.Bars)
	}
}

func TestImportAdjusted(t *testing.T) {
	// Adj Close but no Close column: the close is Adj Close, basis adjusted.
	csv := "Date,Open,High,Low,Adj Close,Volume\n2024-03-04,10,11,9,10.5,100\n"
	s, _ := mustImport(t, Options{}, csvInput("AAA.csv", csv))
	if sym := s.Header.Symbols[0]; sym.PriceBasis != snapshots.BasisAdjusted {
		t.Errorf("adj-close-only basis %q", sym.PriceBasis)
	}
	if !strings.Contains(s.Header.Source, "Dividend-adjusted prices for AAA") {
		t.Errorf("Source: %s", s.Header.Source)
	}
	// Both columns: printed by default; Adjusted scales by adj/close.
	csv = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-03-04,10,12,8,10,9,100\n"
	s, _ = mustImport(t, Options{}, csvInput("AAA.csv", csv))
	if b := s.Bars[0]; b.Close != 10 || s.Header.Symbols[0].PriceBasis != snapshots.BasisPrinted {
		t.Errorf("default printed: %+v %q", b, s.Header.Symbols[0].PriceBasis)
	}
	s, _ = mustImport(t, Options{Adjusted: true}, csvInput("AAA.csv", csv))
	b := s.Bars[0]
	if math.Abs(b.Open-9) > 1e-9 || math.Abs(b.High-10.8) > 1e-9 || math.Abs(b.Low-7.2) > 1e-9 || b.Close != 9 ||
		s.Header.Symbols[0].PriceBasis != snapshots.BasisAdjusted {
		t.Errorf("adjusted: %+v %q", b, s.Header.Symbols[0].PriceBasis)
	}
	// A price_basis column.
	csv = "date,ticker,open,high,low,close,adj_close,volume,price_basis\n" +
		"2024-03-04,AAA,10,11,9,10.5,,100,\"raw (auto_adjust=False; adj_close separate)\"\n" +
		"2024-03-04,BBB,10,11,9,10.5,,100,\"split+dividend ADJUSTED (auto_adjust=True)\"\n"
	s, _ = mustImport(t, Options{}, csvInput("t.csv", csv))
	if a, _ := s.Symbol("AAA"); a.PriceBasis != snapshots.BasisPrinted {
		t.Errorf("AAA %q", a.PriceBasis)
	}
	if b, _ := s.Symbol("BBB"); b.PriceBasis != snapshots.BasisAdjusted {
		t.Errorf("BBB %q", b.PriceBasis)
	}
}

func TestImportFormats(t *testing.T) {
	base := "Date,Open,High,Low,Close,Volume\n2024-03-04,10,11,9,10.5,100\n2024-03-05,10.5,11,10,10.8,200\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(base))
	zw.Close()
	cases := map[string]string{
		"semicolon": strings.ReplaceAll(base, ",", ";"),
		"tab":       strings.ReplaceAll(base, ",", "\t"),
		"crlf+bom":  "\ufeff" + strings.ReplaceAll(base, "\n", "\r\n"),
		"gzip":      gz.String(),
		"us dates":  strings.NewReplacer("2024-03-04", "03/04/2024", "2024-03-05", "3/5/2024").Replace(base),
		"compact":   strings.NewReplacer("2024-03-04", "20240304", "2024-03-05", "20240305").Replace(base),
		"offset":    strings.NewReplacer("2024-03-04", "2024-03-04 00:00:00-05:00", "2024-03-05", "2024-03-05 00:00:00-05:00").Replace(base),
		"epoch":     strings.NewReplacer("2024-03-04", "1709528400", "2024-03-05", "1709614800000").Replace(base),
		"upper":     strings.ToUpper(base[:strings.IndexByte(base, '\n')]) + base[strings.IndexByte(base, '\n'):],
		"blanklead": "\n\n" + base,
		"vol alias": strings.Replace(base, "Volume", "Vol.", 1),
		"date+time": strings.NewReplacer("Date,", "Date,Time,", "2024-03-04,", "2024-03-04,00:00,", "2024-03-05,", "2024-03-05,00:00,").Replace(base),
		"dup col":   strings.Replace(base, "Date,Open,High,Low,Close,Volume", "Date,Open,High,Low,Close,Volume,Close", 1),
	}
	for name, text := range cases {
		s, _ := mustImport(t, Options{}, csvInput("AAA.csv", text))
		if len(s.Bars) != 2 {
			t.Errorf("%s: %d bars", name, len(s.Bars))
			continue
		}
		b := s.Bars[1]
		if !b.Time.Equal(et(2024, 3, 5, 0, 0)) || b.Interval != "1d" || b.Close != 10.8 || b.Volume != 200 {
			t.Errorf("%s: %+v", name, b)
		}
	}
	_, probs := mustImport(t, Options{}, csvInput("AAA.csv", cases["dup col"]))
	wantProblem(t, probs, "AAA.csv", 1, `duplicate column "Close"`, "using the first")
}

func TestImportIntervalAndErrors(t *testing.T) {
	oneADay := "Datetime,Open,High,Low,Close,Volume\n2024-03-04 09:30,10,11,9,10.5,100\n2024-03-05 09:30,10,11,9,10.5,100\n"
	if _, _, err := Import(Options{}, csvInput("AAA.csv", oneADay)); err == nil || !strings.Contains(err.Error(), "interval") {
		t.Errorf("one bar a day: %v", err)
	}
	s, _ := mustImport(t, Options{Interval: "30m"}, csvInput("AAA.csv", oneADay))
	if s.Bars[0].Interval != "30m" {
		t.Errorf("forced interval %q", s.Bars[0].Interval)
	}
	hourly := "Datetime,Open,High,Low,Close,Volume\n2024-03-04 09:30,10,11,9,10.5,100\n2024-03-04 10:30,10,11,9,10.5,100\n2024-03-04 11:30,10,11,9,10.5,100\n2024-03-04 13:30,10,11,9,10.5,100\n"
	if s, _ := mustImport(t, Options{}, csvInput("AAA.csv", hourly)); s.Bars[0].Interval != "1h" {
		t.Errorf("hourly inferred %q", s.Bars[0].Interval)
	}
	weekly := "Date,Open,High,Low,Close\n2024-03-04,10,11,9,10.5\n2024-03-11,10,11,9,10.5\n2024-03-18,10,11,9,10.5\n"
	if _, _, err := Import(Options{}, csvInput("AAA.csv", weekly)); err == nil || !strings.Contains(err.Error(), "weekly") {
		t.Errorf("weekly: %v", err)
	}
	good := "Date,Open,High,Low,Close,Volume\n2024-03-04,10,11,9,10.5,100\n2024-03-05,10,11,9,10.5,100\n"
	errCases := []struct {
		name string
		opt  Options
		file NamedReader
		want string
	}{
		{"no files", Options{}, NamedReader{}, "no reader"},
		{"empty", Options{}, csvInput("AAA.csv", ""), "empty file"},
		{"no time column", Options{}, csvInput("AAA.csv", "Open,High,Low,Close\n1,2,0.5,1\n"), "no date or time column"},
		{"close only", Options{}, csvInput("AAA.csv", "Date,Close\n2024-03-04,10\n"), "no open, high, low column"},
		{"nothing left", Options{}, csvInput("AAA.csv", "Date,Open,High,Low,Close\n2024-03-04,,,,\n"), "no bars left"},
		{"bad main day", Options{MainDay: "27 Jan"}, csvInput("AAA.csv", good), "YYYY-MM-DD"},
		{"main day absent", Options{MainDay: "2024-03-08"}, csvInput("AAA.csv", good), "not among the imported sessions"},
		{"bad interval", Options{Interval: "5x"}, csvInput("AAA.csv", good), "interval"},
	}
	for _, c := range errCases {
		_, _, err := Import(c.opt, c.file)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	if _, _, err := Import(Options{}); err == nil {
		t.Error("no inputs: no error")
	}
	s, _ = mustImport(t, Options{MainDay: "2024-03-04", Title: "Mine", Description: "d"}, csvInput("AAA.csv", good))
	if s.Header.MainDay != "2024-03-04" || s.Header.Title != "Mine" || s.Header.Description != "d" || !s.Header.Created.Equal(created) {
		t.Errorf("options not applied: %+v", s.Header)
	}
}

func TestImportStrict(t *testing.T) {
	clean := "Date,Open,High,Low,Close,Volume\n2024-03-04,10,11,9,10.5,100\n"
	if _, _, err := Import(Options{Strict: true}, csvInput("AAA.csv", clean)); err != nil {
		t.Fatalf("clean file in strict mode: %v", err)
	}
	dirty := clean + "2024-03-05,10,11,9,,100\n2024-03-06,10,11,9,x,100\n"
	s, probs, err := Import(Options{Strict: true}, csvInput("AAA.csv", dirty))
	var p snapshots.Problem
	if s != nil || !errors.As(err, &p) || p.Line != 3 || len(probs.List) != 2 {
		t.Fatalf("strict: snapshot %v, err %v, problems %v", s != nil, err, probs)
	}
}

func TestImportNoVolumeColumn(t *testing.T) {
	csv := "Date,Open,High,Low,Close\n2024-03-04,10,11,9,10.5\n"
	s, probs := mustImport(t, Options{}, csvInput("AAA.csv", csv))
	wantProblem(t, probs, "AAA.csv", 1, "no volume column")
	if !s.Header.Symbols[0].NoVolume || !strings.Contains(s.Header.Source, "No volume recorded for AAA") {
		t.Errorf("%+v / %s", s.Header.Symbols[0], s.Header.Source)
	}
}

func TestImportMixedDailyAndIntraday(t *testing.T) {
	daily := "date,ticker,open,high,low,close,volume\n" +
		"2025-01-24,AAA,10,11,9,10.4,1000\n" +
		"2025-01-27,AAA,10,10.5,8,8.5,3000\n"
	intra := "ticker,interval_start_utc,open,high,low,close,volume\n" +
		"AAA,2025-01-27 14:30:00,10,10.5,9.5,9.6,100\n" +
		"AAA,2025-01-27 14:35:00,9.6,9.7,8,8.6,100\n"
	s, probs := mustImport(t, Options{MainDay: "2025-01-27"}, csvInput("d.csv", daily), csvInput("i.csv", intra))
	if len(probs) != 0 {
		t.Errorf("problems:\n%s", reasons(probs))
	}
	if len(s.Bars) != 4 {
		t.Fatalf("%d bars", len(s.Bars))
	}
	// Daily bar at 00:00 sorts before the day's intraday bars.
	if s.Bars[1].Interval != "1d" || s.Bars[2].Interval != "5m" {
		t.Errorf("order: %+v", s.Bars)
	}
	// Prev close from the daily close, not the intraday one.
	if pc := s.Header.Sessions[1].PrevClose["AAA"]; pc != 10.4 {
		t.Errorf("prev close %v", pc)
	}
	if !strings.Contains(s.Header.Title, "5m + daily") {
		t.Errorf("title %q", s.Header.Title)
	}
}

func TestImportFilesAndSave(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "FAKE.csv")
	if err := os.WriteFile(p, []byte("Date,Open,High,Low,Close,Adj Close,Volume\n2024-03-04,10,11,9,10.5,10.4,100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _, err := ImportFiles(Options{Created: created}, p, filepath.Join("testdata", "import", "^FAKEIX.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Header.Symbols) != 2 || s.Header.Symbols[1].Symbol != "^FAKEIX" {
		t.Fatalf("symbols %+v", s.Header.Symbols)
	}
	if strings.Contains(s.Header.Source, dir) {
		t.Errorf("Source holds a machine path: %s", s.Header.Source)
	}
	out := filepath.Join(dir, "out.jsonl.gz")
	if err := snapshots.SaveSnapshot(out, s, snapshots.WriteOptions{Gzip: true}); err != nil {
		t.Fatal(err)
	}
	back, err := snapshots.ReadFile(out, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Bars) != len(s.Bars) || back.Header.Provenance != snapshots.Imported || back.Header.Source != s.Header.Source {
		t.Errorf("saved file differs: %d bars, header %+v", len(back.Bars), back.Header)
	}
	if _, _, err := ImportFiles(Options{}, filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("missing file: no error")
	}
}

// European exports (';' delimiter, decimal comma) import at their real
// prices; a decimal comma in a comma file is refused, never read as a
// price 10-100 times too big.
func TestImportDecimalComma(t *testing.T) {
	s, probs := mustImport(t, Options{},
		csvInput("NVDA.csv", "Date;Open;High;Low;Close;Adj Close;Volume\n2025-01-24;146,5;147,5;141,5;142,62;142,62;1.234.567\n"),
		csvInput("AVGO.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n2025-01-24,\"244,5\",245.5,240.5,244.7,244.7,100\n2025-01-27,\"1,241.50\",1250,1200,1210,1210,\"1,234\"\n"))
	b, ok := barAt(s, "NVDA", "1d", time.Date(2025, 1, 24, 0, 0, 0, 0, snapshots.Location()))
	if !ok || b.Open != 146.5 || b.Close != 142.62 || b.Volume != 1234567 {
		t.Errorf("NVDA: %+v %v", b, ok)
	}
	if _, ok := barAt(s, "AVGO", "1d", time.Date(2025, 1, 24, 0, 0, 0, 0, snapshots.Location())); ok {
		t.Errorf("AVGO's \"244,5\" row was imported")
	}
	wantProblem(t, probs, "AVGO.csv", 2, `bad open "244,5"`)
	if b, ok := barAt(s, "AVGO", "1d", time.Date(2025, 1, 27, 0, 0, 0, 0, snapshots.Location())); !ok || b.Open != 1241.5 || b.Volume != 1234 {
		t.Errorf("AVGO 27th: %+v %v", b, ok)
	}
}

// A gzip CSV cut short says "truncated" and where, not a bare
// "unexpected EOF".
func TestImportTruncatedGzip(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	fmt.Fprintln(zw, "Date,Open,High,Low,Close,Adj Close,Volume")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(zw, "%s,1.5,2,1,1.5,1.5,%d\n", time.Date(2024, 1, 2+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), 100+i)
	}
	_ = zw.Close()
	cut := b.Bytes()[:b.Len()/2]
	_, _, err := Import(Options{Created: created}, NamedReader{Name: "NVDA.csv.gz", R: bytes.NewReader(cut)})
	if err == nil || !strings.Contains(err.Error(), "truncated: the gzip stream ends after line") {
		t.Errorf("err = %v", err)
	}
}

// et is an exchange-time instant for tests.
func et(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, snapshots.Location())
}
