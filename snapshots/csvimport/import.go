// Package csvimport turns other people's bar files (CSV: Yahoo downloads,
// yfinance exports, long tables of intraday bars) into a snapshot with
// provenance "imported". See Import for the layouts understood and the rules
// applied. The files are split by concern: layout.go finds the columns,
// rows.go reads and checks rows, numbers.go and times.go parse cells,
// interval.go infers the bar interval, build.go builds the header.
package csvimport

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// NamedReader is one input file. Name is used in FILE:LINE problems and,
// when the table has no ticker column, as the ticker: "NVDA.csv" → NVDA,
// "^GSPC.csv" → ^GSPC, "nvda_5m.csv.gz" → NVDA.
type NamedReader struct {
	Name string
	R    io.Reader
}

// Options controls Import. The zero value is usable.
type Options struct {
	// Title and Description go into the header. An empty Title is derived
	// from the data ("Imported 5m bars: 13 symbols, 2025-01-21 to 2025-01-31").
	Title       string
	Description string
	// MainDay (YYYY-MM-DD) must be one of the imported sessions. Empty means
	// the last session.
	MainDay string
	// Symbols keeps only these tickers (case-insensitive), in this order in
	// the header. Empty keeps every ticker, in order of first appearance.
	Symbols []string
	// TimeZone is assumed for datetimes written without an offset or "Z".
	// Nil means: UTC when the time column's name says so ("timestamp_utc",
	// "interval_start_utc", "gmt"), else exchange time (America/New_York). Values
	// with an offset ("2025-01-27 14:30:00+00:00", "…-05:00", "…Z") and Unix
	// epoch numbers always mean what they say. Daily bars ignore it: a daily
	// bar's date is the date as written.
	TimeZone *time.Location
	// Interval forces the bar interval ("1m", "5m", "1h", "1d") for every
	// file instead of inferring it from the spacing of the time stamps.
	Interval string
	// Adjusted asks for dividend-adjusted prices when a file has both Close
	// and Adj Close: open, high, low and close are scaled by adj/close and the
	// symbol's basis becomes "adjusted". Without it Close is used as printed.
	Adjusted bool
	// Created is the header's creation time; zero means time.Now().
	Created time.Time
	// maxRow and maxProblems replace MaxRow and snapshots.MaxProblems
	// when > 0, so the fuzz target reaches the bounds with small inputs.
	maxRow, maxProblems int
	// Strict turns any problem into failure: Import then returns no
	// snapshot, every problem, and the first problem (a Problem) as the
	// error. The input is still read to the end so all problems are listed.
	Strict bool
}

// Import reads bar tables and returns a snapshot whose header says
// provenance "imported". The returned problems are FILE:LINE reports of
// everything dropped, repaired or assumed; the error is for what makes an
// input unusable (unreadable stream, no header row, no time or price columns,
// no ticker to be found, an interval that cannot be inferred, an unknown
// MainDay, nothing left to import).
//
// Layouts (header matching ignores case, spaces, "_", "-" and "/"):
//   - Yahoo daily downloads: Date,Open,High,Low,Close,Adj Close,Volume, one
//     file per ticker named after it; also with a Symbol/Ticker column
//     (Date,Symbol,Open,…), and yfinance's three-line header
//     (Price,… / Ticker,NVDA,… / Date,,…) with one or several tickers.
//   - Long tables with a datetime column and a ticker column, in any row
//     order (ticker,interval_start_utc,open,high,low,close,volume,…), or one file
//     per ticker. Extra columns are ignored.
//   - A separate Date and Time column pair is joined.
//
// Column aliases: time = date, datetime, timestamp, time, start_time, ts, or
// any name with "start" in it (a bar's or an interval's start); ticker = symbol, ticker, sym; close = close,
// close/last, last; adj close = adj close, adj_close, adjusted close; volume
// = volume, vol. A "price_basis"/"basis" column whose value says "adjusted"
// (and not "raw", "printed" or "unadjusted") marks the rows adjusted. A file
// with Adj Close but no Close column imports Adj Close as the close, basis
// adjusted. Duplicate header names keep the first column. The delimiter
// (comma, semicolon or tab) is taken from the header line; gzip input is
// detected from its magic bytes.
//
// Time values: YYYY-MM-DD, YYYY-MM-DD[T ]HH:MM[:SS[.frac]] with an optional
// Z, UTC or ±HH[:MM] offset, YYYYMMDD, MM/DD/YYYY (US order) with an
// optional time, and Unix epoch seconds (10 digits) or milliseconds (13).
//
// Interval: a file whose times are all midnight holds daily bars ("1d", Time
// 00:00 exchange time on the date). Otherwise the interval is the most
// common spacing between consecutive bars of one ticker on one day (1m, 5m,
// 1h, …); a file with one bar per ticker per day needs Options.Interval.
//
// Rows: blank and null cells ("", null, NaN, none, n/a, -, –, —) are missing.
// A row missing any of open/high/low/close, or with a bad or non-positive
// number, a bad time or a bad ticker, or breaking low ≤ open,close ≤ high is
// dropped and reported — never turned into a zero price. A missing or bad
// volume is stored as 0, reported per row, and counted in the header's
// Source; a symbol with no volume on any bar gets Symbol.NoVolume. For a
// repeated ticker+interval+time the first row (file order, then line order)
// is kept and the others reported. Rows out of time order are sorted and
// reported once per file and ticker. Output bars are in time order, then
// symbol order.
//
// Header: symbols get kind index for a ^ prefix (or a few caret-less index
// names such as SPX), etf for a short list of well-known ETFs, else equity;
// currency USD; price basis printed unless the rows were adjusted (see
// above). Sessions are the exchange dates present, open 09:30 and close 16:00
// exchange time (early closes are not known); a session's PrevClose for a
// symbol is its daily close on the previous date when there is one, else the
// close of its last intraday bar starting before 16:00 on that date, else
// left out. The previous date counts dates whose rows were all dropped, so a
// gap never yields a stale previous close.
//
// Bounds: a row may be at most MaxRow bytes (1 MiB); a longer one stops the
// import with an error. Problems are counted without limit but only the
// first snapshots.MaxProblems (by FILE:LINE) are kept; Problems.More counts
// the rest. Prices above snapshots.MaxPrice drop the row; volumes above
// snapshots.MaxVolume are stored as 0 (unknown) and reported. Memory grows
// with the bars kept, not with the rows dropped or repeated.
func Import(opt Options, files ...NamedReader) (*snapshots.Snapshot, Problems, error) {
	if len(files) == 0 {
		return nil, Problems{}, errors.New("import: no input files")
	}
	if opt.Interval != "" {
		if _, err := snapshots.ParseInterval(opt.Interval); err != nil {
			return nil, Problems{}, fmt.Errorf("import: %w", err)
		}
	}
	if opt.MainDay != "" {
		if _, err := time.Parse("2006-01-02", opt.MainDay); err != nil {
			return nil, Problems{}, fmt.Errorf("import: main day %q is not YYYY-MM-DD", opt.MainDay)
		}
	}
	im := &importer{opt: opt, symIndex: map[string]int{}, stats: importStats{unknownVol: map[string]int{}},
		maxRow: MaxRow, maxProblems: snapshots.MaxProblems}
	if opt.maxRow > 0 {
		im.maxRow = opt.maxRow
	}
	if opt.maxProblems > 0 {
		im.maxProblems = opt.maxProblems
	}
	if len(opt.Symbols) > 0 {
		im.filter = map[string]bool{}
		for _, s := range opt.Symbols {
			s = strings.ToUpper(strings.TrimSpace(s))
			if s == "" || im.filter[s] {
				continue
			}
			im.filter[s] = true
			im.symbolIdx(s)
		}
	}
	for i, f := range files {
		if err := im.readFile(i, f); err != nil {
			return nil, im.sortedProblems(), err
		}
	}
	s, err := im.build()
	probs := im.sortedProblems()
	if err == nil && opt.Strict && len(probs.List) > 0 {
		return nil, probs, probs.List[0]
	}
	return s, probs, err
}

// Problems is what Import reports: the first snapshots.MaxProblems
// problems in FILE:LINE order (import-wide ones first), and a count of the
// rest, which are not kept.
type Problems struct {
	List []snapshots.Problem
	More int
}

// Count is every problem found, kept or not.
func (p Problems) Count() int { return len(p.List) + p.More }

// ImportFiles opens the files at paths and imports them (see Import). The
// path as given names the file in problems; only its base name goes into the
// header's Source.
func ImportFiles(opt Options, paths ...string) (*snapshots.Snapshot, Problems, error) {
	files := make([]NamedReader, 0, len(paths))
	defer func() {
		for _, nr := range files {
			nr.R.(*os.File).Close()
		}
	}()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, Problems{}, err
		}
		files = append(files, NamedReader{Name: p, R: f})
	}
	return Import(opt, files...)
}

// ---------------------------------------------------------------------------

type importStats struct {
	rows       int // data rows read (per ticker, for wide files)
	filtered   int // rows of tickers not asked for
	missing    int // dropped: a price cell missing
	bad        int // dropped: bad number, time or ticker
	outOfRange int // dropped: outside [low, high]
	duplicates int // dropped: repeated ticker+interval+time
	unsorted   int // rows that came out of time order (kept, sorted)
	unknownVol map[string]int
}

type fileSummary struct {
	name      string
	rows      int
	bars      int
	intervals []string
}

type importer struct {
	opt          Options
	filter       map[string]bool
	symbols      []string
	symIndex     map[string]int
	symInfo      []symAcc
	bars         []keyedBar
	problems     problemHeap
	maxRow       int
	maxProblems  int
	nProblems    int // every problem found
	moreProblems int // found but not kept
	files        []fileSummary
	stats        importStats
	naiveUTC     []bool // per file: naive times were read as UTC
	// droppedDates are exchange dates (YYYYMMDD) of rows dropped after
	// their time was read: evidence of a session whose bars are missing.
	droppedDates map[int]bool
}

type symAcc struct {
	adjusted, printed bool
	volume            bool // some bar had a volume > 0
	bars              int
	// volByInterval says, per interval, whether any bar had volume.
	volByInterval map[string]bool
}

type keyedBar struct {
	snapshots.Bar
	at   int64 // Time in Unix nanoseconds (years 1900-2200 fit)
	sym  int
	file int
	line int
}

type fileProblem struct {
	file int
	seq  int // order found, for ties on one line
	snapshots.Problem
}

func (a *fileProblem) before(b *fileProblem) bool {
	if a.file != b.file {
		return a.file < b.file
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.seq < b.seq
}

// problemHeap keeps the first snapshots.MaxProblems problems by position:
// a max-heap whose top is the last kept, replaced by any problem before it.
type problemHeap []fileProblem

func (h problemHeap) Len() int           { return len(h) }
func (h problemHeap) Less(i, j int) bool { return h[j].before(&h[i]) }
func (h problemHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *problemHeap) Push(x any)        { *h = append(*h, x.(fileProblem)) }
func (h *problemHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (im *importer) problem(file, line int, format string, args ...any) {
	im.nProblems++
	p := fileProblem{file: file, seq: im.nProblems, Problem: snapshots.Problem{Line: line}}
	if len(im.problems) >= im.maxProblems {
		if !p.before(&im.problems[0]) {
			im.moreProblems++ // counted, never formatted
			return
		}
		im.moreProblems++
		heap.Pop(&im.problems)
	}
	p.File = im.fileName(file)
	p.Reason = fmt.Sprintf(format, args...)
	heap.Push(&im.problems, p)
}

func (im *importer) fileName(i int) string {
	if i < 0 || i >= len(im.files) {
		return "import"
	}
	return im.files[i].name
}

func (im *importer) sortedProblems() Problems {
	ps := slices.Clone(im.problems)
	slices.SortFunc(ps, func(a, b fileProblem) int {
		if a.before(&b) {
			return -1
		}
		return 1
	})
	out := Problems{List: make([]snapshots.Problem, len(ps)), More: im.moreProblems}
	for i, p := range ps {
		out.List[i] = p.Problem
	}
	return out
}

func (im *importer) symbolIdx(s string) int {
	if i, ok := im.symIndex[s]; ok {
		return i
	}
	i := len(im.symbols)
	im.symIndex[s] = i
	im.symbols = append(im.symbols, s)
	im.symInfo = append(im.symInfo, symAcc{})
	return i
}
