package snapshots

// Importing other people's bar files (CSV) into a snapshot with provenance
// "imported". See Import for the layouts understood and the rules applied.

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// NamedReader is one input file. Name is used in FILE:LINE problems and,
// when the table has no ticker column, as the ticker: "NVDA.csv" → NVDA,
// "^GSPC.csv" → ^GSPC, "nvda_5m.csv.gz" → NVDA.
type NamedReader struct {
	Name string
	R    io.Reader
}

// ImportOptions controls Import. The zero value is usable.
type ImportOptions struct {
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
// 1h, …); a file with one bar per ticker per day needs ImportOptions.Interval.
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
func Import(opt ImportOptions, files ...NamedReader) (*Snapshot, []Problem, error) {
	if len(files) == 0 {
		return nil, nil, errors.New("import: no input files")
	}
	if opt.Interval != "" {
		if _, err := ParseInterval(opt.Interval); err != nil {
			return nil, nil, fmt.Errorf("import: %w", err)
		}
	}
	if opt.MainDay != "" {
		if _, err := time.Parse("2006-01-02", opt.MainDay); err != nil {
			return nil, nil, fmt.Errorf("import: main day %q is not YYYY-MM-DD", opt.MainDay)
		}
	}
	im := &csvImporter{opt: opt, symIndex: map[string]int{}, stats: csvImportStats{unknownVol: map[string]int{}}}
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
	if err == nil && opt.Strict && len(probs) > 0 {
		return nil, probs, probs[0]
	}
	return s, probs, err
}

// ImportFiles opens the files at paths and imports them (see Import). The
// path as given names the file in problems; only its base name goes into the
// header's Source.
func ImportFiles(opt ImportOptions, paths ...string) (*Snapshot, []Problem, error) {
	files := make([]NamedReader, 0, len(paths))
	defer func() {
		for _, nr := range files {
			nr.R.(*os.File).Close()
		}
	}()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, NamedReader{Name: p, R: f})
	}
	return Import(opt, files...)
}

// WriteSnapshot writes every bar, quote and event of s to w, merged in time
// order (bars before quotes before events at equal times). It does not close
// w. The header is the one w was created with (normally s.Header).
func WriteSnapshot(w *Writer, s *Snapshot) error {
	bi, qi, ei := 0, 0, 0
	for bi < len(s.Bars) || qi < len(s.Quotes) || ei < len(s.Events) {
		var rec Record
		kind := 0 // 1 bar, 2 quote, 3 event
		var t time.Time
		if bi < len(s.Bars) {
			kind, t = 1, s.Bars[bi].Time
		}
		if qi < len(s.Quotes) && (kind == 0 || s.Quotes[qi].Time.Before(t)) {
			kind, t = 2, s.Quotes[qi].Time
		}
		if ei < len(s.Events) && (kind == 0 || s.Events[ei].Time.Before(t)) {
			kind = 3
		}
		switch kind {
		case 1:
			rec = BarRecord(s.Bars[bi])
			bi++
		case 2:
			rec = QuoteRecord(s.Quotes[qi])
			qi++
		default:
			rec = EventRecord(s.Events[ei])
			ei++
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

// SaveSnapshot writes s to a new file at path (gzip if opt.Gzip) and closes
// it.
func SaveSnapshot(path string, s *Snapshot, opt WriteOptions) error {
	w, err := Create(path, s.Header, opt)
	if err != nil {
		return err
	}
	if err := WriteSnapshot(w, s); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// ---------------------------------------------------------------------------

type csvImportStats struct {
	rows       int // data rows read (per ticker, for wide files)
	filtered   int // rows of tickers not asked for
	missing    int // dropped: a price cell missing
	bad        int // dropped: bad number, time or ticker
	outOfRange int // dropped: outside [low, high]
	duplicates int // dropped: repeated ticker+interval+time
	unsorted   int // rows that came out of time order (kept, sorted)
	unknownVol map[string]int
}

type csvFileSummary struct {
	name      string
	rows      int
	bars      int
	intervals []string
}

type csvImporter struct {
	opt      ImportOptions
	filter   map[string]bool
	symbols  []string
	symIndex map[string]int
	symInfo  []csvSymAcc
	bars     []impBar
	problems []impProblem
	files    []csvFileSummary
	stats    csvImportStats
	naiveUTC []bool // per file: naive times were read as UTC
	// droppedDates are exchange dates (YYYYMMDD) of rows dropped after
	// their time was read: evidence of a session whose bars are missing.
	droppedDates map[int]bool
}

type csvSymAcc struct {
	adjusted, printed bool
	volume            bool // some bar had a volume > 0
	bars              int
	// volByInterval says, per interval, whether any bar had volume.
	volByInterval map[string]bool
}

type impBar struct {
	Bar
	at   int64 // Time in Unix nanoseconds (years 1900-2200 fit)
	sym  int
	file int
	line int
}

type impProblem struct {
	file int
	Problem
}

func (im *csvImporter) problem(file, line int, format string, args ...any) {
	im.problems = append(im.problems, impProblem{file, Problem{File: im.fileName(file), Line: line, Reason: fmt.Sprintf(format, args...)}})
}

func (im *csvImporter) fileName(i int) string {
	if i < 0 || i >= len(im.files) {
		return "import"
	}
	return im.files[i].name
}

func (im *csvImporter) sortedProblems() []Problem {
	sort.SliceStable(im.problems, func(i, j int) bool {
		a, b := im.problems[i], im.problems[j]
		if a.file != b.file {
			return a.file < b.file
		}
		return a.Line < b.Line
	})
	out := make([]Problem, len(im.problems))
	for i, p := range im.problems {
		out[i] = p.Problem
	}
	return out
}

func (im *csvImporter) symbolIdx(s string) int {
	if i, ok := im.symIndex[s]; ok {
		return i
	}
	i := len(im.symbols)
	im.symIndex[s] = i
	im.symbols = append(im.symbols, s)
	im.symInfo = append(im.symInfo, csvSymAcc{})
	return i
}

// ---------------------------------------------------------------------------
// Header layout

const (
	csvOpen = iota
	csvHigh
	csvLow
	csvClose
	csvAdj
	csvVol
	csvBasis
	csvNCols
)

var csvColNames = [csvNCols]string{"open", "high", "low", "close", "adj close", "volume", "price basis"}

// csvColGroup is one ticker's columns: a long table has one group whose ticker
// comes from the ticker column; a yfinance multi-ticker file has one group
// per ticker.
type csvColGroup struct {
	symbol string // fixed ticker, or "" to read symCol
	col    [csvNCols]int
}

type csvLayout struct {
	decimalComma              bool // the file is delimited by ';': "141,50" is 141.5
	timeCol, clockCol, symCol int
	timeName                  string
	groups                    []csvColGroup
	width                     int
}

// csvNormHeader lowercases and keeps only letters and digits: "Adj Close",
// "adj_close" and "ADJ-CLOSE" all become "adjclose".
func csvNormHeader(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var csvTimeAliases = []string{
	"datetime", "timestamp", "datetimeutc", "timestamputc",
	"timeutc", "dateutc", "starttime", "begintime", "ts", "date", "time",
}

var (
	csvSymAliases   = []string{"ticker", "symbol", "sym", "tickersymbol"}
	csvFieldAliases = [csvNCols][]string{
		csvOpen:  {"open", "o", "openprice"},
		csvHigh:  {"high", "h", "highprice"},
		csvLow:   {"low", "l", "lowprice"},
		csvClose: {"close", "closelast", "last", "c", "closeprice", "lastprice"},
		csvAdj:   {"adjclose", "adjustedclose", "adjclosing", "adjustedclosingprice"},
		csvVol:   {"volume", "vol", "v"},
		csvBasis: {"pricebasis", "basis"},
	}
)

func csvFindAlias(names []string, aliases []string) int {
	for _, a := range aliases {
		for i, n := range names {
			if n == a {
				return i
			}
		}
	}
	return -1
}

// buildLayout works out the columns from the first header row; extra holds
// the following rows when the file might be a yfinance three-line header.
func (im *csvImporter) buildLayout(fi int, header []string, line int) (*csvLayout, error) {
	names := make([]string, len(header))
	seen := map[string]int{}
	for i, h := range header {
		n := csvNormHeader(h)
		if j, dup := seen[n]; dup && n != "" {
			im.problem(fi, line, "duplicate column %q (columns %d and %d); using the first", strings.TrimSpace(header[i]), j+1, i+1)
			n = "" // never matched
		} else {
			seen[n] = i
		}
		names[i] = n
	}
	lay := &csvLayout{clockCol: -1, symCol: -1, width: len(header)}
	lay.timeCol = csvFindAlias(names, csvTimeAliases)
	if lay.timeCol < 0 {
		for i, n := range names {
			// "date…", "time…", or a bar's or interval's start ("…start…")
			if strings.HasPrefix(n, "date") || strings.HasPrefix(n, "time") || strings.Contains(n, "start") {
				lay.timeCol = i
				break
			}
		}
	}
	if lay.timeCol < 0 {
		return nil, fmt.Errorf("%s:%d: no date or time column in header %q", im.fileName(fi), line, strings.Join(header, ","))
	}
	lay.timeName = names[lay.timeCol]
	if lay.timeName == "date" {
		if c := csvFindAlias(names, []string{"time"}); c >= 0 {
			lay.clockCol = c
		}
	}
	lay.symCol = csvFindAlias(names, csvSymAliases)
	var g csvColGroup
	for f := range csvNCols {
		g.col[f] = csvFindAlias(names, csvFieldAliases[f])
	}
	if err := im.checkGroup(fi, line, header, g); err != nil {
		return nil, err
	}
	lay.groups = []csvColGroup{g}
	return lay, nil
}

func (im *csvImporter) checkGroup(fi, line int, header []string, g csvColGroup) error {
	var missing []string
	for _, f := range []int{csvOpen, csvHigh, csvLow} {
		if g.col[f] < 0 {
			missing = append(missing, csvColNames[f])
		}
	}
	if g.col[csvClose] < 0 && g.col[csvAdj] < 0 {
		missing = append(missing, csvColNames[csvClose])
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s:%d: no %s column in header %q (selloff imports open/high/low/close bars)",
			im.fileName(fi), line, strings.Join(missing, ", "), strings.Join(header, ","))
	}
	return nil
}

// buildWideLayout handles yfinance's header: "Price,Close,High,…" then
// "Ticker,NVDA,NVDA,…" then an optional "Date,,,…" row.
func (im *csvImporter) buildWideLayout(fi int, fields, tickers []string, dateRow []string, line int) (*csvLayout, error) {
	lay := &csvLayout{timeCol: 0, clockCol: -1, symCol: -1, timeName: "date", width: len(fields)}
	if dateRow != nil {
		lay.timeName = csvNormHeader(dateRow[0])
	}
	byTicker := map[string]int{}
	for i := 1; i < len(fields) && i < len(tickers); i++ {
		sym := strings.ToUpper(strings.TrimSpace(tickers[i]))
		n := csvNormHeader(fields[i])
		f := -1
		for k := range csvNCols {
			for _, a := range csvFieldAliases[k] {
				if n == a {
					f = k
				}
			}
		}
		if f < 0 || sym == "" {
			continue
		}
		gi, ok := byTicker[sym]
		if !ok {
			gi = len(lay.groups)
			byTicker[sym] = gi
			g := csvColGroup{symbol: sym}
			for k := range g.col {
				g.col[k] = -1
			}
			lay.groups = append(lay.groups, g)
		}
		if lay.groups[gi].col[f] >= 0 {
			im.problem(fi, line, "duplicate column %q for %s; using the first", strings.TrimSpace(fields[i]), sym)
			continue
		}
		lay.groups[gi].col[f] = i
	}
	if len(lay.groups) == 0 {
		return nil, fmt.Errorf("%s:%d: yfinance-style header without price columns", im.fileName(fi), line)
	}
	for _, g := range lay.groups {
		if !csvValidTicker(g.symbol) {
			return nil, fmt.Errorf("%s:%d: bad ticker %q in the Ticker row", im.fileName(fi), line, g.symbol)
		}
		if err := im.checkGroup(fi, line, fields, g); err != nil {
			return nil, err
		}
	}
	return lay, nil
}

// ---------------------------------------------------------------------------
// Reading one file

// csvRow is a parsed, checked row before the interval is known.
type csvRow struct {
	sym      int
	line     int
	wall     csvCivil
	instant  time.Time
	o, h, l  float64
	c        float64
	vol      int64
	adjusted bool
}

func (im *csvImporter) readFile(fi int, f NamedReader) error {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("input%d", fi+1)
	}
	im.files = append(im.files, csvFileSummary{name: name})
	im.naiveUTC = append(im.naiveUTC, false)
	if f.R == nil {
		return fmt.Errorf("%s: no reader", name)
	}
	br := bufio.NewReaderSize(f.R, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	cr := csv.NewReader(br)
	cr.Comma = csvSniffDelimiter(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true // rows are parsed at once; the header rows are copied

	parseErrors := 0
	lastLine := 0
	next := func() ([]string, int, error) {
		for {
			rec, err := cr.Read()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) && parseErrors < 1000 {
					parseErrors++
					im.problem(fi, pe.Line, "bad CSV: %v; row skipped", pe.Err)
					im.stats.bad++
					continue
				}
				if errors.Is(err, io.ErrUnexpectedEOF) {
					// a gzip stream cut short: say so, and where
					return nil, 0, fmt.Errorf("truncated: the gzip stream ends after line %d", lastLine)
				}
				return nil, 0, err
			}
			line, _ := cr.FieldPos(0)
			lastLine = line
			return rec, line, nil
		}
	}
	header, hline, err := next()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file: no header row", name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	header = append([]string(nil), header...)

	var lay *csvLayout
	var pending [][]string // rows read ahead while sniffing a yfinance header
	var pendingLines []int
	if csvNormHeader(header[0]) == "price" {
		r2, l2, err2 := next()
		if err2 == nil && len(r2) > 0 && csvNormHeader(r2[0]) == "ticker" {
			tickers := append([]string(nil), r2...)
			r3, l3, err3 := next()
			var dateRow []string
			if err3 == nil && len(r3) > 0 && csvHeaderOnlyRow(r3) {
				dateRow = append([]string(nil), r3...)
			} else if err3 == nil {
				pending = append(pending, append([]string(nil), r3...))
				pendingLines = append(pendingLines, l3)
			}
			lay, err = im.buildWideLayout(fi, header, tickers, dateRow, hline)
		} else {
			if err2 == nil {
				pending = append(pending, append([]string(nil), r2...))
				pendingLines = append(pendingLines, l2)
			}
			lay, err = im.buildLayout(fi, header, hline)
		}
	} else {
		lay, err = im.buildLayout(fi, header, hline)
	}
	if err != nil {
		return err
	}
	lay.decimalComma = cr.Comma == ';'
	for _, g := range lay.groups {
		if g.col[csvVol] < 0 {
			im.problem(fi, hline, "no volume column; volume stored as 0 (unknown)")
			break
		}
	}
	// A table without a ticker column is one ticker's file, named after it.
	if lay.symCol < 0 && len(lay.groups) == 1 && lay.groups[0].symbol == "" {
		sym, ok := csvTickerFromFileName(f.Name)
		if !ok {
			return fmt.Errorf("%s: no ticker column and the file name does not look like a ticker (name the file NVDA.csv or add a Symbol column)", name)
		}
		lay.groups[0].symbol = sym
	}

	naive := im.opt.TimeZone
	if naive == nil {
		if strings.Contains(lay.timeName, "utc") || strings.Contains(lay.timeName, "gmt") {
			naive = time.UTC
		} else {
			naive = Location()
		}
	}

	var rows []csvRow
	handle := func(rec []string, line int) {
		for gi := range lay.groups {
			if r, ok := im.parseRow(fi, lay, &lay.groups[gi], rec, line, naive); ok {
				rows = append(rows, r)
			}
		}
	}
	for i, rec := range pending {
		handle(rec, pendingLines[i])
	}
	for {
		rec, line, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: read error after %d rows: %w", name, im.files[fi].rows, err)
		}
		handle(rec, line)
	}
	return im.finishFile(fi, rows)
}

func csvHeaderOnlyRow(rec []string) bool {
	if csvNormHeader(rec[0]) == "" {
		return false
	}
	if csvFindAlias([]string{csvNormHeader(rec[0])}, csvTimeAliases) < 0 {
		return false
	}
	for _, c := range rec[1:] {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func csvSniffDelimiter(br *bufio.Reader) rune {
	head, _ := br.Peek(4096)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(head, []byte{byte(d)}); c > n {
			best, n = d, c
		}
	}
	return best
}

func csvCell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func csvIsNull(s string) bool {
	switch strings.ToLower(s) {
	case "", "null", "nan", "none", "nil", "na", "n/a", "#n/a", "-", "–", "—", "--":
		return true
	}
	return false
}

func (im *csvImporter) parseRow(fi int, lay *csvLayout, g *csvColGroup, rec []string, line int, naive *time.Location) (csvRow, bool) {
	im.files[fi].rows++
	im.stats.rows++
	// Ticker first: rows of other tickers are skipped quietly.
	sym := g.symbol
	if sym == "" {
		raw := csvCell(rec, lay.symCol)
		if csvIsNull(raw) {
			im.problem(fi, line, "ticker missing; row dropped")
			im.stats.bad++
			return csvRow{}, false
		}
		sym = strings.ToUpper(raw)
		if !csvValidTicker(sym) {
			im.problem(fi, line, "bad ticker %q; row dropped", raw)
			im.stats.bad++
			return csvRow{}, false
		}
	}
	if im.filter != nil && !im.filter[sym] {
		im.stats.filtered++
		return csvRow{}, false
	}
	ts := csvCell(rec, lay.timeCol)
	if lay.clockCol >= 0 {
		if c := csvCell(rec, lay.clockCol); !csvIsNull(c) {
			ts += " " + c
		}
	}
	if csvIsNull(ts) {
		im.problem(fi, line, "%s: time missing; row dropped", sym)
		im.stats.bad++
		return csvRow{}, false
	}
	wall, instant, ok := parseCSVTime(ts, naive)
	if !ok {
		im.problem(fi, line, "%s: bad time %q; row dropped", sym, ts)
		im.stats.bad++
		return csvRow{}, false
	}
	if naive == time.UTC && im.opt.TimeZone == nil && instant.Location() == time.UTC {
		im.naiveUTC[fi] = true // a value without offset was read as UTC
	}
	r := csvRow{line: line, wall: wall, instant: instant}
	dropped := func() {
		date := wall.y*10000 + wall.mo*100 + wall.d
		if !wall.midnight() {
			y, m, d := instant.In(Location()).Date()
			date = y*10000 + int(m)*100 + d
		}
		if im.droppedDates == nil {
			im.droppedDates = map[int]bool{}
		}
		im.droppedDates[date] = true
	}
	var px [4]float64
	closeCol := g.col[csvClose]
	usingAdj := false
	if closeCol < 0 {
		closeCol, usingAdj = g.col[csvAdj], true
	}
	cols := [4]int{g.col[csvOpen], g.col[csvHigh], g.col[csvLow], closeCol}
	var missing []string
	for k, c := range cols {
		v := csvCell(rec, c)
		if csvIsNull(v) {
			missing = append(missing, csvColNames[k])
			continue
		}
		f, ok := csvPrice(v, lay.decimalComma)
		if !ok {
			im.problem(fi, line, "%s %s: bad %s %q; row dropped", sym, wall, csvColNames[k], v)
			im.stats.bad++
			dropped()
			return csvRow{}, false
		}
		if !(f > 0) {
			im.problem(fi, line, "%s %s: %s %s is not a positive price; row dropped", sym, wall, csvColNames[k], v)
			im.stats.bad++
			dropped()
			return csvRow{}, false
		}
		px[k] = f
	}
	if len(missing) > 0 {
		im.problem(fi, line, "%s %s: %s missing; row dropped", sym, wall, strings.Join(missing, ", "))
		im.stats.missing++
		dropped()
		return csvRow{}, false
	}
	r.adjusted = usingAdj
	if b := strings.ToLower(csvCell(rec, g.col[csvBasis])); b != "" && csvBasisAdjusted(b) {
		r.adjusted = true
	}
	if im.opt.Adjusted && !usingAdj && g.col[csvAdj] >= 0 {
		v := csvCell(rec, g.col[csvAdj])
		a, ok := csvPrice(v, lay.decimalComma)
		if csvIsNull(v) || !ok || !(a > 0) {
			im.problem(fi, line, "%s %s: adj close %q missing or bad, needed for adjusted prices; row dropped", sym, wall, v)
			im.stats.missing++
			dropped()
			return csvRow{}, false
		}
		k := a / px[3]
		for i := range px {
			px[i] *= k
		}
		px[3] = a
		r.adjusted = true
	}
	r.o, r.h, r.l, r.c = px[0], px[1], px[2], px[3]
	if r.l > r.h || r.o > r.h || r.o < r.l || r.c > r.h || r.c < r.l {
		im.problem(fi, line, "%s %s: prices outside [low, high] (open %s high %s low %s close %s); row dropped",
			sym, wall, csvNum(r.o), csvNum(r.h), csvNum(r.l), csvNum(r.c))
		im.stats.outOfRange++
		dropped()
		return csvRow{}, false
	}
	r.sym = im.symbolIdx(sym)
	if g.col[csvVol] >= 0 {
		v := csvCell(rec, g.col[csvVol])
		switch n, ok := csvVolume(v, lay.decimalComma); {
		case csvIsNull(v):
			im.problem(fi, line, "%s %s: volume missing; stored as 0 (unknown)", sym, wall)
			im.stats.unknownVol[sym]++
		case !ok:
			im.problem(fi, line, "%s %s: bad volume %q; stored as 0 (unknown)", sym, wall, v)
			im.stats.unknownVol[sym]++
		default:
			r.vol = n
		}
	} else {
		im.stats.unknownVol[sym]++ // reported once, at the header
	}
	return r, true
}

func csvBasisAdjusted(b string) bool {
	if strings.HasPrefix(b, "raw") || strings.HasPrefix(b, "printed") || strings.Contains(b, "unadjusted") {
		return false
	}
	return strings.Contains(b, "adjusted")
}

func csvNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func csvValidTicker(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	if c := s[0]; !(c == '^' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '^' || r == '.' || r == '-' || r == '=' || r == '/' || r == '_' || r == ':':
		default:
			return false
		}
	}
	return true
}

// csvTickerFromFileName turns "bars/NVDA.csv", "nvda_5m.csv.gz" or
// "^GSPC-daily.csv" into the ticker.
func csvTickerFromFileName(name string) (string, bool) {
	base := name
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	for {
		lower := strings.ToLower(base)
		cut := false
		for _, ext := range []string{".gz", ".csv", ".tsv", ".txt"} {
			if strings.HasSuffix(lower, ext) {
				base = base[:len(base)-len(ext)]
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	if i := strings.LastIndexAny(base, "_-"); i > 0 {
		suffix := strings.ToLower(base[i+1:])
		if csvSuffixWord(suffix) {
			base = base[:i]
		}
	}
	sym := strings.ToUpper(strings.TrimSpace(base))
	return sym, csvValidTicker(sym)
}

func csvSuffixWord(s string) bool {
	switch s {
	case "daily", "intraday", "minute", "minutes", "hourly", "ohlc", "ohlcv", "bars", "prices", "history", "data":
		return true
	}
	// 1m, 5m, 15min, 1h, 1d, 60s
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	switch s[i:] {
	case "s", "m", "min", "h", "d", "day", "mins", "minute", "hour":
		return true
	}
	return false
}

// ---------------------------------------------------------------------------
// Numbers and times

// csvNumber puts a number cell in Go's syntax (integer: a count, such
// as a volume). A comma is a thousands
// separator only in whole groups of three ("1,234.50"); in a file delimited
// by ';' (where the comma is the decimal mark) it is the decimal point and a
// dot may group thousands ("1.234,50"). Anything else is not a number: a
// "141,5" in a comma file is refused, never read as 1415.
func csvNumber(s string, decimalComma, integer bool) (string, bool) {
	if !strings.ContainsAny(s, ",") {
		if decimalComma && strings.Contains(s, ".") {
			// "1.234.567" groups thousands; a lone ".ddd" could be either
			// (123.456 shares or 123,456?): a count is whole, so it groups,
			// a price is refused as ambiguous.
			grouped := groupedBy(s, '.')
			switch {
			case strings.Count(s, ".") > 1 || (integer && grouped):
				if !grouped {
					return "", false
				}
				s = strings.ReplaceAll(s, ".", "")
			case grouped:
				return "", false
			}
		}
		return s, true
	}
	if decimalComma {
		if strings.Count(s, ",") != 1 {
			return "", false
		}
		intPart, frac, _ := strings.Cut(s, ",")
		if strings.Contains(intPart, ".") {
			if !groupedBy(intPart, '.') {
				return "", false
			}
			intPart = strings.ReplaceAll(intPart, ".", "")
		}
		return intPart + "." + frac, true
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if !groupedBy(intPart, ',') {
		return "", false
	}
	s = strings.ReplaceAll(intPart, ",", "")
	if hasFrac {
		s += "." + frac
	}
	return s, true
}

// groupedBy reports whether s (an optional sign, then digits) splits at sep
// into a first group of 1-3 digits and groups of exactly 3.
func groupedBy(s string, sep byte) bool {
	s = strings.TrimLeft(s, "+-")
	groups := strings.Split(s, string(sep))
	if len(groups) > 1 && strings.HasPrefix(groups[0], "0") {
		return false // "0.125" is never a thousands grouping
	}
	for i, g := range groups {
		if g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
			return false
		}
		for j := 0; j < len(g); j++ {
			if g[j] < '0' || g[j] > '9' {
				return false
			}
		}
	}
	return true
}

func csvPrice(s string, decimalComma bool) (float64, bool) {
	s = strings.TrimPrefix(s, "$")
	s, ok := csvNumber(s, decimalComma, false)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f > 1e12 {
		return 0, false
	}
	return f, true
}

func csvVolume(s string, decimalComma bool) (int64, bool) {
	mult := 1.0
	if n := len(s); n > 1 {
		switch s[n-1] {
		case 'k', 'K':
			mult = 1e3
		case 'm', 'M':
			mult = 1e6
		case 'b', 'B':
			mult = 1e9
		}
		if mult != 1 {
			s = s[:n-1]
		}
	}
	s, ok := csvNumber(s, decimalComma, mult == 1)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	f = math.Round(f * mult)
	if f < 0 || f > 1e18 {
		return 0, false
	}
	return int64(f), true
}

// csvCivil is a wall-clock time as written in the file.
type csvCivil struct {
	y, mo, d, hh, mm, ss, ns int
}

func (c csvCivil) midnight() bool { return c.hh == 0 && c.mm == 0 && c.ss == 0 && c.ns == 0 }
func (c csvCivil) date() string   { return fmt.Sprintf("%04d-%02d-%02d", c.y, c.mo, c.d) }
func (c csvCivil) String() string {
	if c.midnight() {
		return c.date()
	}
	return fmt.Sprintf("%s %02d:%02d", c.date(), c.hh, c.mm)
}

// parseCSVTime reads the time formats listed in Import's comment. naive is
// the zone of values without an offset.
func parseCSVTime(s string, naive *time.Location) (csvCivil, time.Time, bool) {
	var c csvCivil
	if csvAllDigits(s) {
		switch len(s) {
		case 8: // YYYYMMDD
			c.y, _ = strconv.Atoi(s[:4])
			c.mo, _ = strconv.Atoi(s[4:6])
			c.d, _ = strconv.Atoi(s[6:])
			return csvFinishCivil(c, naive, nil)
		case 10, 13:
			n, _ := strconv.ParseInt(s, 10, 64)
			var t time.Time
			if len(s) == 10 {
				t = time.Unix(n, 0)
			} else {
				t = time.UnixMilli(n)
			}
			t = t.In(Location())
			if t.Year() < 1900 || t.Year() > 2200 {
				return c, time.Time{}, false
			}
			c = csvCivil{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}
			return c, t, true
		}
		return c, time.Time{}, false
	}
	rest := s
	var ok bool
	if len(s) >= 8 && csvAllDigits(s[:8]) && len(s) > 8 && s[8] == ' ' { // YYYYMMDD HH:MM:SS
		c.y, _ = strconv.Atoi(s[:4])
		c.mo, _ = strconv.Atoi(s[4:6])
		c.d, _ = strconv.Atoi(s[6:8])
		rest = s[8:]
	} else if i := strings.IndexByte(s, '/'); i > 0 && i <= 2 { // MM/DD/YYYY
		if c.mo, rest, ok = csvTakeInt(s, 1, 2); !ok || !strings.HasPrefix(rest, "/") {
			return c, time.Time{}, false
		}
		if c.d, rest, ok = csvTakeInt(rest[1:], 1, 2); !ok || !strings.HasPrefix(rest, "/") {
			return c, time.Time{}, false
		}
		if c.y, rest, ok = csvTakeInt(rest[1:], 4, 4); !ok {
			return c, time.Time{}, false
		}
	} else {
		if c.y, rest, ok = csvTakeInt(s, 4, 4); !ok || !strings.HasPrefix(rest, "-") {
			return c, time.Time{}, false
		}
		if c.mo, rest, ok = csvTakeInt(rest[1:], 2, 2); !ok || !strings.HasPrefix(rest, "-") {
			return c, time.Time{}, false
		}
		if c.d, rest, ok = csvTakeInt(rest[1:], 2, 2); !ok {
			return c, time.Time{}, false
		}
	}
	if rest == "" {
		return csvFinishCivil(c, naive, nil)
	}
	if rest[0] != 'T' && rest[0] != ' ' {
		return c, time.Time{}, false
	}
	rest = strings.TrimLeft(rest[1:], " ")
	if c.hh, rest, ok = csvTakeInt(rest, 1, 2); !ok || !strings.HasPrefix(rest, ":") {
		return c, time.Time{}, false
	}
	if c.mm, rest, ok = csvTakeInt(rest[1:], 2, 2); !ok {
		return c, time.Time{}, false
	}
	if strings.HasPrefix(rest, ":") {
		if c.ss, rest, ok = csvTakeInt(rest[1:], 2, 2); !ok {
			return c, time.Time{}, false
		}
		if strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, ",") {
			frac, r2, ok := csvTakeInt(rest[1:], 1, 9)
			if !ok {
				return c, time.Time{}, false
			}
			digits := len(rest) - 1 - len(r2)
			for i := digits; i < 9; i++ {
				frac *= 10
			}
			c.ns, rest = frac, r2
		}
	}
	rest = strings.TrimLeft(rest, " ")
	if rest == "" {
		return csvFinishCivil(c, naive, nil)
	}
	switch strings.ToUpper(rest) {
	case "Z", "UTC", "GMT", "+00", "+0000", "+00:00":
		zero := 0
		return csvFinishCivil(c, naive, &zero)
	}
	if rest[0] != '+' && rest[0] != '-' {
		return c, time.Time{}, false
	}
	sign := 1
	if rest[0] == '-' {
		sign = -1
	}
	oh, r2, ok := csvTakeInt(rest[1:], 2, 2)
	if !ok {
		return c, time.Time{}, false
	}
	om := 0
	if r2 != "" {
		r2 = strings.TrimPrefix(r2, ":")
		if om, r2, ok = csvTakeInt(r2, 2, 2); !ok || r2 != "" {
			return c, time.Time{}, false
		}
	}
	if oh > 14 || om > 59 {
		return c, time.Time{}, false
	}
	off := sign * (oh*3600 + om*60)
	return csvFinishCivil(c, naive, &off)
}

func csvFinishCivil(c csvCivil, naive *time.Location, off *int) (csvCivil, time.Time, bool) {
	if c.y < 1900 || c.y > 2200 || c.mo < 1 || c.mo > 12 || c.d < 1 || c.d > 31 ||
		c.hh > 23 || c.mm > 59 || c.ss > 60 {
		return c, time.Time{}, false
	}
	if c.d > csvDaysIn(c.y, c.mo) {
		return c, time.Time{}, false
	}
	if c.ss == 60 {
		c.ss = 59 // leap second written by some feeds
	}
	loc := naive
	if off != nil {
		loc = time.FixedZone("", *off)
	}
	t := time.Date(c.y, time.Month(c.mo), c.d, c.hh, c.mm, c.ss, c.ns, loc)
	return c, t, true
}

func csvDaysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func csvAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// csvTakeInt reads between min and max leading digits.
func csvTakeInt(s string, min, max int) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i < min {
		return 0, s, false
	}
	return n, s[i:], true
}

// ---------------------------------------------------------------------------
// After one file: interval, bar times, order checks

func (im *csvImporter) finishFile(fi int, rows []csvRow) error {
	name := im.files[fi].name
	if len(rows) == 0 {
		return nil
	}
	// Order within each ticker; report the first backwards step per ticker.
	lastBySym := map[int]int{} // sym -> index into rows
	reported := map[int]bool{}
	for i, r := range rows {
		if j, ok := lastBySym[r.sym]; ok && r.instant.Before(rows[j].instant) {
			im.stats.unsorted++
			if !reported[r.sym] {
				reported[r.sym] = true
				im.problem(fi, r.line, "%s: rows not in time order (%s comes after line %d's %s); sorted",
					im.symbols[r.sym], r.wall, rows[j].line, rows[j].wall)
			}
		}
		if j, ok := lastBySym[r.sym]; !ok || !r.instant.Before(rows[j].instant) {
			lastBySym[r.sym] = i
		}
	}

	interval := im.opt.Interval
	daily := interval == "1d"
	if interval == "" {
		allMidnight := true
		for _, r := range rows {
			if !r.wall.midnight() {
				allMidnight = false
				break
			}
		}
		if allMidnight {
			if gap := csvModeGap(rows, false); gap >= 6*24*time.Hour {
				return fmt.Errorf("%s: the dates are %d days apart: weekly or monthly bars are not imported (daily and intraday only)", name, int(gap.Hours()/24))
			}
			interval, daily = "1d", true
		} else {
			gap := csvModeGap(rows, true)
			if gap <= 0 {
				return fmt.Errorf("%s: cannot infer the bar interval (one bar per ticker per day); set the interval", name)
			}
			var err error
			if interval, err = csvFormatInterval(gap); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	loc := Location()
	for _, r := range rows {
		t := r.instant
		if daily {
			t = time.Date(r.wall.y, time.Month(r.wall.mo), r.wall.d, 0, 0, 0, 0, loc)
		} else {
			t = t.In(loc)
		}
		im.bars = append(im.bars, impBar{
			Bar:  Bar{Time: t, Symbol: im.symbols[r.sym], Interval: interval, Open: r.o, High: r.h, Low: r.l, Close: r.c, Volume: r.vol},
			at:   t.UnixNano(),
			sym:  r.sym,
			file: fi,
			line: r.line,
		})
		acc := &im.symInfo[r.sym]
		if r.adjusted {
			acc.adjusted = true
		} else {
			acc.printed = true
		}
	}
	im.files[fi].intervals = []string{interval}
	return nil
}

// csvModeGap is the most common positive spacing between consecutive time
// stamps of one ticker (within one exchange date when sameDay), smallest
// first on ties. It returns 0 when there is no such pair.
func csvModeGap(rows []csvRow, sameDay bool) time.Duration {
	bySym := map[int][]time.Time{}
	for _, r := range rows {
		bySym[r.sym] = append(bySym[r.sym], r.instant)
	}
	count := map[time.Duration]int{}
	loc := Location()
	for _, ts := range bySym {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		for i := 1; i < len(ts); i++ {
			d := ts[i].Sub(ts[i-1])
			if d <= 0 {
				continue
			}
			if sameDay {
				a, b := ts[i-1].In(loc), ts[i].In(loc)
				if a.YearDay() != b.YearDay() || a.Year() != b.Year() {
					continue
				}
			}
			count[d]++
		}
	}
	var best time.Duration
	bestN := 0
	for d, n := range count {
		if n > bestN || (n == bestN && d < best) {
			best, bestN = d, n
		}
	}
	return best
}

func csvFormatInterval(d time.Duration) (string, error) {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour), nil
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute), nil
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second), nil
	}
	return "", fmt.Errorf("bar spacing %v is not a whole number of seconds", d)
}

// ---------------------------------------------------------------------------
// Building the snapshot

var csvKnownETFs = map[string]string{
	"SPY": "SPDR S&P 500 ETF Trust", "QQQ": "Invesco QQQ Trust", "SMH": "VanEck Semiconductor ETF",
	"SOXX": "iShares Semiconductor ETF", "DIA": "SPDR Dow Jones Industrial Average ETF",
	"IWM": "iShares Russell 2000 ETF", "VOO": "Vanguard S&P 500 ETF", "VTI": "Vanguard Total Stock Market ETF",
	"IVV": "iShares Core S&P 500 ETF", "XLK": "Technology Select Sector SPDR Fund",
	"XLF": "Financial Select Sector SPDR Fund", "XLE": "Energy Select Sector SPDR Fund",
	"XLU": "Utilities Select Sector SPDR Fund", "XLV": "Health Care Select Sector SPDR Fund",
	"XLY": "Consumer Discretionary Select Sector SPDR Fund", "XLP": "Consumer Staples Select Sector SPDR Fund",
	"XLI": "Industrial Select Sector SPDR Fund", "XLC": "Communication Services Select Sector SPDR Fund",
	"VGT": "Vanguard Information Technology ETF", "TQQQ": "ProShares UltraPro QQQ",
	"SQQQ": "ProShares UltraPro Short QQQ", "SOXL": "Direxion Daily Semiconductor Bull 3X",
	"SOXS": "Direxion Daily Semiconductor Bear 3X", "ARKK": "ARK Innovation ETF",
	"GLD": "SPDR Gold Shares", "TLT": "iShares 20+ Year Treasury Bond ETF", "EEM": "iShares MSCI Emerging Markets ETF",
}

var csvKnownIndices = map[string]string{
	"^GSPC": "S&P 500", "^IXIC": "Nasdaq Composite", "^SOX": "PHLX Semiconductor Index",
	"^DJI": "Dow Jones Industrial Average", "^NDX": "Nasdaq-100", "^VIX": "CBOE Volatility Index",
	"^RUT": "Russell 2000",
	"SPX":  "S&P 500", "IXIC": "Nasdaq Composite", "SOX": "PHLX Semiconductor Index", "NDX": "Nasdaq-100",
	"DJI": "Dow Jones Industrial Average", "VIX": "CBOE Volatility Index", "RUT": "Russell 2000",
}

func csvGuessKind(sym string) (kind, name string) {
	if n, ok := csvKnownIndices[sym]; ok {
		return KindIndex, n
	}
	if strings.HasPrefix(sym, "^") {
		return KindIndex, sym
	}
	if n, ok := csvKnownETFs[sym]; ok {
		return KindETF, n
	}
	return KindEquity, sym
}

func (im *csvImporter) build() (*Snapshot, error) {
	// Time, then symbol order, then interval, then input order (file, then
	// line) so the first of repeated rows wins. Sorting indices keeps the
	// big structs still.
	order := make([]int32, len(im.bars))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &im.bars[i], &im.bars[j]
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		if a.sym != b.sym {
			return cmp.Compare(a.sym, b.sym)
		}
		if a.Interval != b.Interval {
			return strings.Compare(a.Interval, b.Interval)
		}
		return cmp.Compare(i, j) // bars were appended in file, then line order
	})
	bars := make([]Bar, 0, len(im.bars))
	keptFrom := make([]*impBar, 0, len(im.bars))
	for _, i := range order {
		b := &im.bars[i]
		if n := len(keptFrom); n > 0 {
			p := keptFrom[n-1]
			if p.sym == b.sym && p.Interval == b.Interval && p.at == b.at {
				differ := ""
				if p.Open != b.Open || p.High != b.High || p.Low != b.Low || p.Close != b.Close || p.Volume != b.Volume {
					differ = ", values differ"
				}
				where := fmt.Sprintf("line %d", p.line)
				if p.file != b.file {
					where = fmt.Sprintf("%s:%d", im.fileName(p.file), p.line)
				}
				im.problem(b.file, b.line, "%s %s %s: duplicate of %s%s; dropped", b.Symbol, b.Interval,
					b.Time.In(Location()).Format("2006-01-02 15:04"), where, differ)
				im.stats.duplicates++
				continue
			}
		}
		keptFrom = append(keptFrom, b)
		bars = append(bars, b.Bar)
		acc := &im.symInfo[b.sym]
		acc.bars++
		if acc.volByInterval == nil {
			acc.volByInterval = map[string]bool{}
		}
		if b.Volume > 0 {
			acc.volume = true
			acc.volByInterval[b.Interval] = true
		} else if !acc.volByInterval[b.Interval] {
			acc.volByInterval[b.Interval] = false
		}
		im.files[b.file].bars++
	}
	if len(bars) == 0 {
		return nil, fmt.Errorf("import: no bars left to import (%d rows read, %d problems)", im.stats.rows, len(im.problems))
	}

	h := Header{
		Provenance:  Imported,
		TimeZone:    ExchangeZone,
		Title:       im.opt.Title,
		Description: im.opt.Description,
		Created:     im.opt.Created,
	}
	if h.Created.IsZero() {
		h.Created = time.Now().UTC().Truncate(time.Second)
	}
	var mixed []string
	for i, sym := range im.symbols {
		acc := im.symInfo[i]
		if acc.bars == 0 {
			if im.filter[sym] {
				im.problem(-1, 0, "%s: asked for but no bars found", sym)
			}
			continue
		}
		kind, name := csvGuessKind(sym)
		s := Symbol{Symbol: sym, Name: name, Kind: kind, Currency: "USD", PriceBasis: BasisPrinted}
		if acc.adjusted {
			s.PriceBasis = BasisAdjusted
			if acc.printed {
				mixed = append(mixed, sym)
				im.problem(-1, 0, "%s: some rows are printed prices and some adjusted; basis marked adjusted", sym)
			}
		}
		if !acc.volume {
			s.NoVolume = true
		}
		h.Symbols = append(h.Symbols, s)
	}
	h.Sessions = im.sessions(bars)
	if im.opt.MainDay != "" {
		found := false
		for _, s := range h.Sessions {
			if s.Date == im.opt.MainDay {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("import: main day %s is not among the imported sessions (%s to %s)",
				im.opt.MainDay, h.Sessions[0].Date, h.Sessions[len(h.Sessions)-1].Date)
		}
		h.MainDay = im.opt.MainDay
	} else {
		h.MainDay = h.Sessions[len(h.Sessions)-1].Date
	}
	if h.Title == "" {
		h.Title = im.title(h)
	}
	h.Source = im.source(h, mixed)
	return &Snapshot{Header: h, Bars: bars}, nil
}

// sessions lists the exchange dates that have bars. A session's PrevClose
// for a symbol is its daily close, else its last intraday close before
// 16:00, on the date before — where the dates before include those of
// dropped rows, so a day whose rows were all dropped leaves the next day's
// previous close missing rather than a stale one.
func (im *csvImporter) sessions(bars []Bar) []Session {
	loc := Location()
	type day struct {
		date  int                // YYYYMMDD
		bars  bool               // has kept bars (a session)
		daily map[string]float64 // daily closes on this date
		intra map[string]float64 // last intraday close before 16:00
	}
	byDate := map[int]*day{}
	get := func(date int) *day {
		d := byDate[date]
		if d == nil {
			d = &day{date: date, daily: map[string]float64{}, intra: map[string]float64{}}
			byDate[date] = d
		}
		return d
	}
	for _, b := range bars { // in time order: the last intraday bar wins
		t := b.Time.In(loc)
		y, m, dd := t.Date()
		d := get(y*10000 + int(m)*100 + dd)
		d.bars = true
		if b.Interval == "1d" {
			d.daily[b.Symbol] = b.Close
		} else if t.Hour() < 16 {
			d.intra[b.Symbol] = b.Close
		}
	}
	for date := range im.droppedDates {
		get(date)
	}
	days := make([]*day, 0, len(byDate))
	for _, d := range byDate {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b *day) int { return cmp.Compare(a.date, b.date) })
	var kept []string
	for i, s := range im.symbols {
		if im.symInfo[i].bars > 0 {
			kept = append(kept, s)
		}
	}
	out := make([]Session, 0, len(days))
	for i, dd := range days {
		if !dd.bars {
			continue
		}
		y, m, d := dd.date/10000, time.Month(dd.date/100%100), dd.date%100
		s := Session{
			Date:  fmt.Sprintf("%04d-%02d-%02d", y, m, d),
			Open:  time.Date(y, m, d, 9, 30, 0, 0, loc),
			Close: time.Date(y, m, d, 16, 0, 0, 0, loc),
		}
		if i > 0 {
			prev := days[i-1]
			for _, sym := range kept {
				v, ok := prev.daily[sym]
				if !ok {
					v, ok = prev.intra[sym]
				}
				if ok {
					if s.PrevClose == nil {
						s.PrevClose = map[string]float64{}
					}
					s.PrevClose[sym] = v
				}
			}
		}
		out = append(out, s)
	}
	return out
}

func (im *csvImporter) title(h Header) string {
	ivs := map[string]bool{}
	var list []string
	for _, f := range im.files {
		for _, iv := range f.intervals {
			if !ivs[iv] {
				ivs[iv] = true
				list = append(list, iv)
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return csvIntervalLess(list[i], list[j]) })
	for i, iv := range list {
		if iv == "1d" {
			list[i] = "daily"
		}
	}
	what := fmt.Sprintf("%d symbols", len(h.Symbols))
	if len(h.Symbols) <= 3 {
		names := make([]string, len(h.Symbols))
		for i, s := range h.Symbols {
			names[i] = s.Symbol
		}
		what = strings.Join(names, ", ")
	}
	span := h.Sessions[0].Date
	if n := len(h.Sessions); n > 1 {
		span += " to " + h.Sessions[n-1].Date
	}
	return fmt.Sprintf("Imported %s bars: %s, %s", strings.Join(list, " + "), what, span)
}

func csvIntervalLess(a, b string) bool {
	da, _ := ParseInterval(a)
	db, _ := ParseInterval(b)
	return da < db
}

// source is the header's free text: the inputs and what was dropped or
// assumed, so a reader of the file knows what it holds.
func (im *csvImporter) source(h Header, mixed []string) string {
	var b strings.Builder
	b.WriteString("Imported by selloff from ")
	for i, f := range im.files {
		if i > 0 {
			b.WriteString("; ")
		}
		iv := strings.Join(f.intervals, ",")
		if iv == "" {
			iv = "no bars"
		}
		fmt.Fprintf(&b, "%s (%d rows, %d %s bars", path.Base(strings.ReplaceAll(f.name, `\`, "/")), f.rows, f.bars, iv)
		if im.naiveUTC[i] {
			b.WriteString(", times without offset read as UTC")
		}
		b.WriteString(")")
	}
	b.WriteString(". ")
	st := im.stats
	dropped := st.missing + st.bad + st.outOfRange + st.duplicates
	if dropped == 0 {
		b.WriteString("No rows dropped.")
	} else {
		fmt.Fprintf(&b, "Dropped %d rows: %d with a price missing, %d with a bad value, %d outside [low, high], %d duplicates.",
			dropped, st.missing, st.bad, st.outOfRange, st.duplicates)
	}
	if st.unsorted > 0 {
		fmt.Fprintf(&b, " %d rows were out of time order and were sorted.", st.unsorted)
	}
	if st.filtered > 0 {
		fmt.Fprintf(&b, " %d rows of other symbols skipped.", st.filtered)
	}
	if len(st.unknownVol) > 0 {
		syms := make([]string, 0, len(st.unknownVol))
		total := 0
		for s, n := range st.unknownVol {
			if _, kept := im.symIndex[s]; kept && im.symInfo[im.symIndex[s]].bars > 0 {
				syms = append(syms, s)
				total += n
			}
		}
		if total > 0 {
			sort.Slice(syms, func(i, j int) bool { return im.symIndex[syms[i]] < im.symIndex[syms[j]] })
			parts := make([]string, len(syms))
			for i, s := range syms {
				parts[i] = fmt.Sprintf("%s %d", s, st.unknownVol[s])
			}
			fmt.Fprintf(&b, " Volume unknown (stored as 0) on %d rows: %s.", total, strings.Join(parts, ", "))
		}
	}
	var novol, adj []string
	for _, s := range h.Symbols {
		if s.NoVolume {
			novol = append(novol, s.Symbol)
		}
		if s.PriceBasis == BasisAdjusted {
			adj = append(adj, s.Symbol)
		}
	}
	if len(novol) > 0 {
		fmt.Fprintf(&b, " No volume recorded for %s.", strings.Join(novol, ", "))
	}
	// Symbols with volume in some intervals only (an index's daily volume
	// but zero on its intraday bars): NoVolume cannot say that.
	partial := map[string][]string{} // interval -> symbols
	var ivs []string
	for i, sym := range im.symbols {
		acc := im.symInfo[i]
		if !acc.volume {
			continue
		}
		for iv, has := range acc.volByInterval {
			if !has {
				if partial[iv] == nil {
					ivs = append(ivs, iv)
				}
				partial[iv] = append(partial[iv], sym)
			}
		}
	}
	slices.SortFunc(ivs, func(a, b string) int {
		if csvIntervalLess(a, b) {
			return -1
		}
		if csvIntervalLess(b, a) {
			return 1
		}
		return 0
	})
	for _, iv := range ivs {
		fmt.Fprintf(&b, " No volume on the %s bars of %s.", iv, strings.Join(partial[iv], ", "))
	}
	if len(adj) > 0 {
		fmt.Fprintf(&b, " Dividend-adjusted prices for %s.", strings.Join(adj, ", "))
	}
	if len(mixed) > 0 {
		fmt.Fprintf(&b, " Mixed printed and adjusted rows for %s.", strings.Join(mixed, ", "))
	}
	b.WriteString(" Sessions assumed 09:30-16:00 exchange time.")
	return b.String()
}
