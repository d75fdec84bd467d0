package snapshots

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// badLines is a header and n lines the reader rejects, gzip'd when gz.
func badLines(t testing.TB, n int, gz bool) []byte {
	t.Helper()
	var raw bytes.Buffer
	raw.WriteString(headerLine(t))
	raw.WriteByte('\n')
	for i := 0; i < n; i++ {
		raw.WriteString(`{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"NOPE","interval":"1m","open":1,"high":1,"low":1,"close":1}` + "\n")
	}
	if !gz {
		return raw.Bytes()
	}
	return gzipBytes(raw.Bytes())
}

// A file of many bad lines keeps the first MaxProblems problems with their
// lines and counts the rest, in the reader, Decode and Validate.
func TestProblemsAreCapped(t *testing.T) {
	const n = MaxProblems + 2500
	data := badLines(t, n, true)
	s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "bad.jsonl.gz"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) != MaxProblems || s.MoreProblems != n-MaxProblems || s.ProblemCount() != n {
		t.Fatalf("kept %d, more %d, count %d; want %d, %d, %d", len(s.Problems), s.MoreProblems, s.ProblemCount(), MaxProblems, n-MaxProblems, n)
	}
	if p := s.Problems[MaxProblems-1]; p.File != "bad.jsonl.gz" || p.Line != MaxProblems+1 {
		t.Errorf("last kept problem %v: want line %d", p, MaxProblems+1)
	}
	ps, more, err := Validate(bytes.NewReader(data), "bad.jsonl.gz")
	if err != nil || len(ps) != MaxProblems || more != n-MaxProblems {
		t.Fatalf("Validate: %d kept, %d more, %v", len(ps), more, err)
	}
	if got, want := MoreProblemsLine(more), "… and 2,500 more problems (only the first 1,000 are listed)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if MoreProblemsLine(0) != "" || !strings.Contains(MoreProblemsLine(1), "1 more problem ") {
		t.Errorf("summary of 0 or 1: %q %q", MoreProblemsLine(0), MoreProblemsLine(1))
	}
	// a truncated end is still reported after the cap
	cut := badLines(t, n, false)
	cut = cut[:len(cut)-10]
	ps, more, _ = Validate(bytes.NewReader(cut), "cut.jsonl")
	if last := ps[len(ps)-1]; !strings.Contains(last.Reason, "truncated") || more != n-MaxProblems-1 {
		t.Errorf("truncated end after the cap: last %v, more %d", last, more)
	}
}

// Lines holding values of almost 1 MiB (a symbol, an interval, an event id,
// a time) compress to almost nothing, so a few MB of gzip can hold
// thousands. What the reader keeps of them is bounded: a reason quotes
// only the start of a value, one still longer than MaxReason is cut in the
// middle, and the interner keeps no long strings (before, 300 such lines
// in 327 KB of gzip held 600 MB).
func TestLongValuesKeepBoundedMemory(t *testing.T) {
	long := strings.Repeat("A", MaxLine-300)
	var raw bytes.Buffer
	raw.WriteString(headerLine(t) + "\n")
	const n = 40
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0: // unknown symbol, fast path
			fmt.Fprintf(&raw, `{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"%s%d","interval":"1m","open":1,"high":1,"low":1,"close":1}`+"\n", long, i)
		case 1: // a valid interval with a million leading zeros, repeated
			fmt.Fprintf(&raw, `{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"NVDA","interval":"%s1m","open":1,"high":1,"low":1,"close":1}`+"\n", strings.Repeat("0", MaxLine-300))
		case 2: // bad time
			fmt.Fprintf(&raw, `{"record":"quote","time":"%s%d","symbol":"NVDA","price":1}`+"\n", long, i)
		case 3: // duplicate event id
			fmt.Fprintf(&raw, `{"record":"event","time":"2025-01-27T09:30:00-05:00","id":"%s","title":"t"}`+"\n", long)
		}
	}
	rd, err := NewReader(bytes.NewReader(gzipBytes(raw.Bytes())), ReadOptions{Name: "long.jsonl.gz"})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := rd.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	ps := rd.Problems()
	if len(ps) < n-3 {
		t.Fatalf("%d problems, want at least %d", len(ps), n-3)
	}
	cut := 0
	for _, p := range ps {
		if len(p.Reason) > MaxReason || !utf8.ValidString(p.Reason) {
			t.Fatalf("line %d: reason of %d bytes (max %d): %.200q", p.Line, len(p.Reason), MaxReason, p.Reason)
		}
		if strings.Contains(p.Reason, "bytes cut)…") {
			cut++
			// the repeated bar's reason names its interval in full, so it
			// is cut in the middle, keeping both ends
			if !strings.HasPrefix(p.Reason, "duplicate bar NVDA 0000") || !strings.HasSuffix(p.Reason, "01m at 2025-01-27 09:30:00 (first at line 3); the first is kept") {
				t.Errorf("line %d: %.80q ... %q", p.Line, p.Reason, p.Reason[len(p.Reason)-80:])
			}
		}
	}
	if cut != n/4-1 {
		t.Errorf("%d reasons cut, want %d", cut, n/4-1)
	}
	// other values are quoted short
	if want := fmt.Sprintf(`unknown symbol %q… (%d bytes) (not in header)`, long[:40], len(long)+1); ps[0].Reason != want {
		t.Errorf("reason %q\nwant %q", ps[0].Reason, want)
	}
	if len(rd.in) > len(testHeader().Symbols)+4 {
		t.Errorf("interner holds %d strings", len(rd.in))
	}
	if got := clipReason("short"); got != "short" {
		t.Errorf("short reason changed: %q", got)
	}
	if got := clipReason(strings.Repeat("é", MaxReason)); len(got) > MaxReason || !utf8.ValidString(got) {
		t.Errorf("clipped two-byte text: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

// Bars repeating an earlier bar (same symbol, interval and time) are
// problems: the first is kept, the repeats reported and dropped.
func TestDuplicateBars(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	h := headerLine(t)
	lines := []string{
		h,
		barLineAt("NVDA", t0, 120, 1), // 2: kept
		barLineAt("NVDA", t0, 121, 2), // 3: repeat, other values
		barLineAt("SPY", t0, 600, 1),  // 4: other symbol, kept
		barLineAt("NVDA", t0, 120, 1), // 5: exact repeat
		barLineAt("NVDA", t0.Add(time.Minute), 122, 3),                                      // 6: next minute, kept
		strings.Replace(barLineAt("NVDA", t0.Add(time.Minute), 122, 3), `"1m"`, `"5m"`, 1),  // 7: other interval, kept
		strings.Replace(barLineAt("NVDA", t0.Add(time.Minute), 123, 3), `"1m"`, `"60s"`, 1), // 8: 1m by another name
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "d.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Bars) != 4 || s.Bars[0].Close != 120 {
		t.Fatalf("bars %+v", s.Bars)
	}
	if len(s.Problems) != 3 || s.Problems[0].Line != 3 || s.Problems[1].Line != 5 || s.Problems[2].Line != 8 ||
		s.Problems[0].Reason != "duplicate bar NVDA 1m at 2025-01-27 09:30:00 (first at line 2); the first is kept" {
		t.Fatalf("problems %v", s.Problems)
	}
	if ps, _, _ := Validate(bytes.NewReader(data), "d.jsonl"); len(ps) != 3 {
		t.Errorf("validate: %v", ps)
	}
	if _, err := Decode(bytes.NewReader(data), ReadOptions{Name: "d.jsonl", Strict: true}); err == nil || !strings.Contains(err.Error(), "d.jsonl:3: duplicate bar") {
		t.Errorf("strict: %v", err)
	}
	// Millions of copies of one bar cost one bar and a count.
	var buf bytes.Buffer
	buf.WriteString(h + "\n")
	for i := 0; i < 3*MaxProblems; i++ {
		buf.WriteString(lines[1] + "\n")
	}
	s, err = Decode(&buf, ReadOptions{})
	if err != nil || len(s.Bars) != 1 || s.ProblemCount() != 3*MaxProblems-1 || len(s.Problems) != MaxProblems {
		t.Fatalf("copies: %v, %d bars, %d problems (%d kept)", err, len(s.Bars), s.ProblemCount(), len(s.Problems))
	}
}

// Prices, volumes and share counts past the documented bounds are
// problems, so nothing downstream multiplies its way to infinity.
func TestFigureBounds(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	h := headerLine(t)
	tests := []struct{ line, want string }{
		{fmt.Sprintf(`{"record":"bar","time":%q,"symbol":"NVDA","interval":"1m","open":1e300,"high":1e300,"low":1e300,"close":1e300}`, t0.Format(time.RFC3339)),
			"bar price 1e+300 is above 1e+09, the largest a snapshot holds"},
		{fmt.Sprintf(`{"record":"bar","time":%q,"symbol":"NVDA","interval":"1m","open":10,"high":2e9,"low":10,"close":10}`, t0.Format(time.RFC3339)),
			"bar price 2e+09 is above 1e+09"},
		{fmt.Sprintf(`{"record":"bar","time":%q,"symbol":"NVDA","interval":"1m","open":10,"high":10,"low":10,"close":10,"volume":2000000000000}`, t0.Format(time.RFC3339)),
			"volume 2000000000000 is above 1000000000000"},
		{fmt.Sprintf(`{"record":"quote","time":%q,"symbol":"SPY","price":1e300}`, t0.Format(time.RFC3339)),
			"quote price, bid or ask above 1e+09"},
		{fmt.Sprintf(`{"record":"quote","time":%q,"symbol":"SPY","price":10,"ask":1e10}`, t0.Format(time.RFC3339)),
			"quote price, bid or ask above 1e+09"},
		{fmt.Sprintf(`{"record":"quote","time":%q,"symbol":"SPY","price":10,"volume":9000000000000000}`, t0.Format(time.RFC3339)),
			"volume 9000000000000000 is above"},
	}
	for _, tc := range tests {
		data := []byte(h + "\n" + tc.line + "\n")
		s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "b.jsonl"})
		if err != nil || len(s.Bars)+len(s.Quotes) != 0 || len(s.Problems) != 1 || !strings.Contains(s.Problems[0].Reason, tc.want) {
			t.Errorf("%s: %v, problems %v; want %q", tc.line, err, s.Problems, tc.want)
		}
	}
	// at the bound is fine
	ok := fmt.Sprintf(`{"record":"bar","time":%q,"symbol":"NVDA","interval":"1m","open":1e9,"high":1e9,"low":1e9,"close":1e9,"volume":1000000000000}`, t0.Format(time.RFC3339))
	if s, err := Decode(strings.NewReader(h+"\n"+ok+"\n"), ReadOptions{Strict: true}); err != nil || len(s.Bars) != 1 {
		t.Errorf("bar at the bounds: %v", err)
	}
	// header figures
	hdr := testHeader()
	hdr.Sessions[1].PrevClose["NVDA"] = 1e300
	if _, err := NewWriter(&bytes.Buffer{}, hdr, WriteOptions{FlushEvery: -1}); err == nil || !strings.Contains(err.Error(), "previous close 1e+300 of NVDA") {
		t.Errorf("prev close 1e300: %v", err)
	}
	hdr = testHeader()
	hdr.Symbols[0].Shares.Count = 1e15
	if _, err := NewWriter(&bytes.Buffer{}, hdr, WriteOptions{FlushEvery: -1}); err == nil || !strings.Contains(err.Error(), "share count") {
		t.Errorf("share count 1e15: %v", err)
	}
	// the writer refuses what the reader would
	w, _ := NewWriter(&bytes.Buffer{}, testHeader(), WriteOptions{FlushEvery: -1})
	if err := w.Write(BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", Open: 1e300, High: 1e300, Low: 1e300, Close: 1e300})); err == nil {
		t.Error("writer wrote a bar at 1e300")
	}
}

// An I/O error closes Failed at once, from Write or from the background
// flusher, so a recorder can stop rather than run on writing nothing.
func TestWriterFailedSignals(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	w, err := NewWriter(&failWriter{n: 1}, testHeader(), WriteOptions{FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Failed():
		t.Fatal("failed before any error")
	default:
	}
	w.Write(BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10}))
	if err := w.Flush(); err == nil {
		t.Fatal("flush to a failing writer succeeded")
	}
	select {
	case <-w.Failed():
	default:
		t.Fatal("Failed not closed after an I/O error")
	}
	if err := w.Err(); err == nil || err.Error() != "disk full" {
		t.Errorf("Err %v", err)
	}

	// the background flusher's error too (nothing else is written)
	w, err = NewWriter(&failWriter{n: 1}, testHeader(), WriteOptions{FlushEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Write(BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10}))
	select {
	case <-w.Failed():
	case <-time.After(10 * time.Second):
		t.Fatal("background flush error never signalled")
	}
	if w.Err() == nil {
		t.Error("no error")
	}
}

// BenchmarkValidateBadLines measures what Validate keeps for a file of bad
// lines (before the cap it grew with the file: 1.24 GB for 5M lines).
func BenchmarkValidateBadLines(b *testing.B) {
	const n = 1_000_000
	data := badLines(b, n, true)
	b.SetBytes(int64(n))
	b.ReportAllocs()
	var retained uint64
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		ps, more, err := Validate(bytes.NewReader(data), "bad.jsonl.gz")
		if err != nil || len(ps)+more != n {
			b.Fatalf("%d+%d problems, %v", len(ps), more, err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(ps)
		if m1.HeapAlloc > m0.HeapAlloc {
			retained = max(retained, m1.HeapAlloc-m0.HeapAlloc)
		}
	}
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
	b.ReportMetric(float64(len(data))/1024, "gzip-KB")
}

// BenchmarkDecodeDuplicateBars: a file of one bar repeated holds one bar
// (before: 3.07 GB in render for 5M copies).
func BenchmarkDecodeDuplicateBars(b *testing.B) {
	const n = 1_000_000
	var raw bytes.Buffer
	raw.WriteString(headerLine(b) + "\n")
	line := barLineAt("NVDA", et(2025, 1, 27, 9, 30), 120, 1) + "\n"
	for i := 0; i < n; i++ {
		raw.WriteString(line)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	b.ReportAllocs()
	var retained uint64
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		s, err := Decode(bytes.NewReader(gz.Bytes()), ReadOptions{})
		if err != nil || len(s.Bars) != 1 {
			b.Fatalf("%v, %d bars", err, len(s.Bars))
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(s)
		if m1.HeapAlloc > m0.HeapAlloc {
			retained = max(retained, m1.HeapAlloc-m0.HeapAlloc)
		}
	}
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
}

// BenchmarkValidateLongValues: 300 lines each naming an unknown symbol of
// almost 1 MiB (327 KB of gzip). Before the interner and the reasons were
// bounded the problems alone held 300 MB.
func BenchmarkValidateLongValues(b *testing.B) {
	long := strings.Repeat("A", MaxLine-300)
	var raw bytes.Buffer
	raw.WriteString(headerLine(b) + "\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&raw, `{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"%s%d","interval":"1m","open":1,"high":1,"low":1,"close":1}`+"\n", long, i)
	}
	data := gzipBytes(raw.Bytes())
	b.ReportAllocs()
	var retained uint64
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		ps, _, err := Validate(bytes.NewReader(data), "long.jsonl.gz")
		if err != nil || len(ps) != 300 {
			b.Fatalf("%d problems, %v", len(ps), err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(ps)
		if m1.HeapAlloc > m0.HeapAlloc {
			retained = max(retained, m1.HeapAlloc-m0.HeapAlloc)
		}
	}
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
	b.ReportMetric(float64(len(data))/1024, "gzip-KB")
}
