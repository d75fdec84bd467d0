package csvimport

import (
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/selloff/selloff/snapshots"
)

// repeatReader yields head, then body repeated n times, without holding
// the whole input in memory.
func repeatReader(head, body string, n int) io.Reader {
	return io.MultiReader(strings.NewReader(head), &repeater{s: body, n: n})
}

type repeater struct {
	s   string
	n   int
	off int
}

func (r *repeater) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.s[r.off:])
	r.off += k
	if r.off == len(r.s) {
		r.off = 0
		r.n--
	}
	return k, nil
}

const dailyHead = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-03-04,10,11,9,10.5,10.4,100\n"

// An unclosed quote (or a line with no end) stops the import with a short
// error naming the line once a row passes MaxRow, rather than buffering
// the rest of the file as one field.
func TestImportRowTooLong(t *testing.T) {
	cases := map[string]io.Reader{
		"unclosed quote": repeatReader(dailyHead+"2024-03-05,\"10", "abcdefgh\n", 8<<20/9),
		"long line":      repeatReader(dailyHead+"2024-03-05,10", "0000000000", 4<<20/10),
		"long header":    repeatReader("Date,", "x", 2<<20),
	}
	for name, r := range cases {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			_, _, err := Import(Options{Created: created}, NamedReader{Name: "NVDA.csv", R: r})
			if err == nil || !strings.Contains(err.Error(), "longer than 1048576 bytes: a quote that is never closed? Import stopped") {
				t.Fatalf("err = %v", err)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
			if name != "long header" && !strings.Contains(err.Error(), "the row after line 2") {
				t.Errorf("err does not say where: %v", err)
			}
		})
	}
	// A long row under the bound (a big unused column) is fine.
	wide := "Date,Open,High,Low,Close,Notes\n2024-03-04,10,11,9,10.5," + strings.Repeat("n", MaxRow-100) + "\n"
	s, _ := mustImport(t, Options{}, csvInput("NVDA.csv", wide))
	if len(s.Bars) != 1 {
		t.Errorf("%d bars", len(s.Bars))
	}
}

// A bad cell is quoted in a problem by a short prefix and its length,
// never whole.
func TestImportQuotesShortPrefix(t *testing.T) {
	huge := strings.Repeat("9", 100_000)
	csv := "Date,Open,High,Low,Close,Volume\n" +
		"2024-03-04x" + huge + ",10,11,9,10.5,100\n" +
		"2024-03-05,10x" + huge + ",11,9,10.5,100\n" +
		"2024-03-06,10,11,9,10.5,1x" + huge + "\n" +
		"2024-03-07,10,11,9,10.5,100\n"
	s, probs := mustImport(t, Options{}, csvInput("NVDA.csv", csv))
	if len(s.Bars) != 2 || len(probs) != 3 {
		t.Fatalf("%d bars, problems:\n%s", len(s.Bars), reasons(probs))
	}
	for _, p := range probs {
		if len(p.Reason) > 160 || !strings.Contains(p.Reason, "… (100011 bytes)") && !strings.Contains(p.Reason, "… (100003 bytes)") && !strings.Contains(p.Reason, "… (100002 bytes)") {
			t.Errorf("problem not cut short: %.200s", p.Error())
		}
	}
	// a header without the columns is quoted by its first 200 bytes
	_, _, err := Import(Options{}, csvInput("NVDA.csv", "Nope,"+strings.Repeat("z", 50_000)+"\n1,2\n"))
	if err == nil || len(err.Error()) > 400 || !strings.Contains(err.Error(), "(50005 bytes)") {
		t.Errorf("header error: %.500v", err)
	}
}

// Every problem is counted; the first MaxProblems by FILE:LINE are kept.
func TestImportProblemsCapped(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("Date,Open,High,Low,Close,Volume\n2024-03-04,10,11,9,10.5,100\n")
	b.WriteString(a.String())
	for i := 0; i < 1500; i++ {
		a.WriteString("2024-03-05,x,11,9,10.5,100\n")
		b.WriteString("2024-03-05,x,11,9,10.5,100\n")
	}
	_, probs, err := Import(Options{Created: created}, csvInput("AAA.csv", a.String()), csvInput("BBB.csv", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(probs.List) != snapshots.MaxProblems || probs.More != 3000-snapshots.MaxProblems || probs.Count() != 3000 {
		t.Fatalf("kept %d, more %d", len(probs.List), probs.More)
	}
	for i, p := range probs.List {
		if p.File != "AAA.csv" || p.Line != i+3 {
			t.Fatalf("problem %d is %s:%d, want AAA.csv:%d", i, p.File, p.Line, i+3)
		}
	}
	// strict: the error is the first problem
	_, probs, err = Import(Options{Created: created, Strict: true}, csvInput("BBB.csv", b.String()))
	if err == nil || !strings.HasPrefix(err.Error(), "BBB.csv:3:") || probs.Count() != 1500 {
		t.Errorf("strict: %v, %d problems", err, probs.Count())
	}
}

// Repeated rows are dropped as they are read: one bar, and problems
// counted, however many copies.
func TestImportDuplicateRowsBounded(t *testing.T) {
	r := repeatReader("Date,Open,High,Low,Close,Volume\n", "2024-03-04,10,11,9,10.5,100\n", 20_000)
	s, probs, err := Import(Options{Created: created}, NamedReader{Name: "AAA.csv", R: r})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Bars) != 1 || probs.Count() != 19_999 || len(probs.List) != snapshots.MaxProblems {
		t.Fatalf("%d bars, %d problems (%d kept)", len(s.Bars), probs.Count(), len(probs.List))
	}
	wantProblem(t, probs.List, "AAA.csv", 3, "duplicate of line 2", "dropped")
	if !strings.Contains(s.Header.Source, "19999 duplicates") {
		t.Errorf("source: %s", s.Header.Source)
	}
}

// Prices above snapshots.MaxPrice drop the row; volumes above
// snapshots.MaxVolume are stored as unknown: an import never writes what
// the reader refuses.
func TestImportFigureBounds(t *testing.T) {
	csv := "Date,Open,High,Low,Close,Adj Close,Volume\n" +
		"2024-03-04,10,11,9,10.5,10.5,100\n" +
		"2024-03-05,1e300,1e300,1e300,1e300,1e300,100\n" +
		"2024-03-06,10,2000000000,9,10.5,10.5,100\n" +
		"2024-03-07,10,11,9,10.5,10.5,5000000000000\n" +
		"2024-03-08,10,11,9,10.5,1000000000,100\n"
	s, probs := mustImport(t, Options{}, csvInput("NVDA.csv", csv))
	wantProblem(t, probs, "NVDA.csv", 3, "open 1e+300 is above 1e+09", "row dropped")
	wantProblem(t, probs, "NVDA.csv", 4, "high 2e+09 is above 1e+09", "row dropped")
	wantProblem(t, probs, "NVDA.csv", 5, "volume 5000000000000 is above 1000000000000", "stored as 0")
	if len(s.Bars) != 3 {
		t.Fatalf("%d bars", len(s.Bars))
	}
	// adjusted by adj/close = 1e9/10.5: above the bound after scaling
	s, probs = mustImport(t, Options{Adjusted: true}, csvInput("NVDA.csv", csv))
	wantProblem(t, probs, "NVDA.csv", 6, "adjusted prices above 1e+09", "row dropped")
	if len(s.Bars) != 2 {
		t.Fatalf("adjusted: %d bars", len(s.Bars))
	}
}

func BenchmarkImportUnclosedQuote(b *testing.B) {
	const size = 64 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		r := repeatReader(dailyHead+"2024-03-05,\"10", "abcdefgh\n", size/9)
		if _, _, err := Import(Options{Created: created}, NamedReader{Name: "NVDA.csv", R: r}); err == nil {
			b.Fatal("no error")
		}
	}
}

// BenchmarkImportDuplicateRows: 1M copies of one row; retained-MB is the
// heap left holding the result (problems and snapshot).
func BenchmarkImportDuplicateRows(b *testing.B) {
	const n = 1_000_000
	b.ReportAllocs()
	var retained uint64
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		r := repeatReader("Date,Open,High,Low,Close,Volume\n", "2024-03-04,10,11,9,10.5,100\n", n)
		s, probs, err := Import(Options{Created: created}, NamedReader{Name: "AAA.csv", R: r})
		if err != nil || probs.Count() != n-1 {
			b.Fatal(err, probs.Count())
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(s)
		runtime.KeepAlive(probs)
		if m1.HeapAlloc > m0.HeapAlloc {
			retained = max(retained, m1.HeapAlloc-m0.HeapAlloc)
		}
	}
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
}

// A quote that is never closed in a small file swallows the lines after it
// into one cell: the row is dropped, and the problems say why the later
// lines are missing (before: only "bad open ...", and line 4 vanished).
func TestUnclosedQuoteNamesTheSwallowedLines(t *testing.T) {
	in := dailyHead + "2024-03-05,\"10.5,11,10,10.8,10.7,200\n" +
		"2024-03-06,10.8,11,10,10.9,10.8,300\n" +
		"2024-03-07,10.9,11,10,11,10.9,300\n"
	_, probs, _ := Import(Options{Created: created}, csvInput("NVDA.csv", in))
	found := false
	for _, p := range probs.List {
		if p.Line == 3 && strings.Contains(p.Reason, "never closed") && strings.Contains(p.Reason, "lines 4–5") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no problem names the unclosed quote on line 3 and the lines it swallowed: %v", probs.List)
	}
}
