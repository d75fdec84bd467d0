package csvimport

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/selloff/selloff/snapshots"
)

// ---------------------------------------------------------------------------
// Reading one file

// row is a parsed, checked row before the interval is known.
type row struct {
	sym      int
	line     int
	wall     civil
	instant  time.Time
	o, h, l  float64
	c        float64
	vol      int64
	adjusted bool
}

func (im *importer) readFile(fi int, f NamedReader) error {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("input%d", fi+1)
	}
	im.files = append(im.files, fileSummary{name: name})
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
	// The limiter stops encoding/csv from reading more than MaxRow bytes
	// past the end of the last row: an unclosed quote would otherwise make
	// it buffer the rest of the file as one field.
	lim := &rowLimiter{r: br, max: int64(im.maxRow), limit: int64(im.maxRow) + csvReadAhead}
	cr := csv.NewReader(lim)
	cr.Comma = sniffDelimiter(br)
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
				if errors.Is(err, errRowTooLong) {
					where := fmt.Sprintf("the row after line %d", lastLine)
					if lastLine == 0 {
						where = "the header row"
					}
					return nil, 0, stopError(fmt.Sprintf("%s is longer than %d bytes: a quote that is never closed? Import stopped", where, im.maxRow))
				}
				if errors.Is(err, io.ErrUnexpectedEOF) {
					// a gzip stream cut short: say so, and where
					return nil, 0, fmt.Errorf("truncated: the gzip stream ends after line %d", lastLine)
				}
				return nil, 0, err
			}
			lim.rowEnded(cr.InputOffset())
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

	var lay *layout
	var pending [][]string // rows read ahead while sniffing a yfinance header
	var pendingLines []int
	if normHeader(header[0]) == "price" {
		r2, l2, err2 := next()
		if err2 == nil && len(r2) > 0 && normHeader(r2[0]) == "ticker" {
			tickers := append([]string(nil), r2...)
			r3, l3, err3 := next()
			var dateRow []string
			if err3 == nil && len(r3) > 0 && headerOnlyRow(r3) {
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
		if g.col[colVol] < 0 {
			im.problem(fi, hline, "no volume column; volume stored as 0 (unknown)")
			break
		}
	}
	// A table without a ticker column is one ticker's file, named after it.
	if lay.symCol < 0 && len(lay.groups) == 1 && lay.groups[0].symbol == "" {
		sym, ok := tickerFromFileName(f.Name)
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
			naive = snapshots.Location()
		}
	}

	var rows []row
	// seen finds a repeated ticker+time within the file as it is read, so
	// a file of one row repeated millions of times holds one row (a file
	// has one interval, so ticker and time are the bar's key here; repeats
	// across files are found when the snapshot is built).
	seen := map[rowKey]int{} // -> index in rows
	handle := func(rec []string, line int) {
		swallowed := false // said once per row
		for gi := range lay.groups {
			r, ok := im.parseRow(fi, lay, &lay.groups[gi], rec, line, naive)
			if !ok {
				if n := quotedLineBreaks(rec); n > 0 && !swallowed {
					// most often a quote never closed: the lines after it
					// were read into this row's cell and are not rows
					swallowed = true
					over := fmt.Sprintf("lines %d–%d: a quote that is never closed? They were", line+1, line+n)
					if n == 1 {
						over = fmt.Sprintf("line %d: a quote that is never closed? It was", line+1)
					}
					im.problem(fi, line, "a quoted cell runs on over %s read as part of this row", over)
				}
				continue
			}
			k := rowKey{r.sym, r.instant.UnixNano()}
			if i, dup := seen[k]; dup {
				p := &rows[i]
				differ := ""
				if p.o != r.o || p.h != r.h || p.l != r.l || p.c != r.c || p.vol != r.vol {
					differ = ", values differ"
				}
				im.problem(fi, line, "%s %s: duplicate of line %d%s; dropped", im.symbols[r.sym], r.wall, p.line, differ)
				im.stats.duplicates++
				continue
			}
			seen[k] = len(rows)
			rows = append(rows, r)
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
		var stop stopError
		if errors.As(err, &stop) {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err != nil {
			return fmt.Errorf("%s: read error after %d rows: %w", name, im.files[fi].rows, err)
		}
		handle(rec, line)
	}
	return im.finishFile(fi, rows)
}

// quotedLineBreaks counts the line breaks inside the cells of rec (only a
// quoted cell can hold one), not counting one that ends the file.
func quotedLineBreaks(rec []string) int {
	n := 0
	for _, c := range rec {
		n += strings.Count(strings.TrimRight(c, "\r\n"), "\n")
	}
	return n
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func isNull(s string) bool {
	switch strings.ToLower(s) {
	case "", "null", "nan", "none", "nil", "na", "n/a", "#n/a", "-", "–", "—", "--":
		return true
	}
	return false
}

func (im *importer) parseRow(fi int, lay *layout, g *colGroup, rec []string, line int, naive *time.Location) (row, bool) {
	im.files[fi].rows++
	im.stats.rows++
	// Ticker first: rows of other tickers are skipped quietly.
	sym := g.symbol
	if sym == "" {
		raw := cell(rec, lay.symCol)
		if isNull(raw) {
			im.problem(fi, line, "ticker missing; row dropped")
			im.stats.bad++
			return row{}, false
		}
		sym = strings.ToUpper(raw)
		if !validTicker(sym) {
			im.problem(fi, line, "bad ticker %s; row dropped", quote(raw))
			im.stats.bad++
			return row{}, false
		}
	}
	if im.filter != nil && !im.filter[sym] {
		im.stats.filtered++
		return row{}, false
	}
	ts := cell(rec, lay.timeCol)
	if lay.clockCol >= 0 {
		if c := cell(rec, lay.clockCol); !isNull(c) {
			ts += " " + c
		}
	}
	if isNull(ts) {
		im.problem(fi, line, "%s: time missing; row dropped", sym)
		im.stats.bad++
		return row{}, false
	}
	wall, instant, ok := parseTime(ts, naive)
	if !ok {
		im.problem(fi, line, "%s: bad time %s; row dropped", sym, quote(ts))
		im.stats.bad++
		return row{}, false
	}
	if naive == time.UTC && im.opt.TimeZone == nil && instant.Location() == time.UTC {
		im.naiveUTC[fi] = true // a value without offset was read as UTC
	}
	r := row{line: line, wall: wall, instant: instant}
	dropped := func() {
		date := wall.y*10000 + wall.mo*100 + wall.d
		if !wall.midnight() {
			y, m, d := instant.In(snapshots.Location()).Date()
			date = y*10000 + int(m)*100 + d
		}
		if im.droppedDates == nil {
			im.droppedDates = map[int]bool{}
		}
		im.droppedDates[date] = true
	}
	var px [4]float64
	closeCol := g.col[colClose]
	usingAdj := false
	if closeCol < 0 {
		closeCol, usingAdj = g.col[colAdj], true
	}
	cols := [4]int{g.col[colOpen], g.col[colHigh], g.col[colLow], closeCol}
	var missing []string
	for k, c := range cols {
		v := cell(rec, c)
		if isNull(v) {
			missing = append(missing, colNames[k])
			continue
		}
		f, ok := parsePrice(v, lay.decimalComma)
		if !ok {
			im.problem(fi, line, "%s %s: bad %s %s; row dropped", sym, wall, colNames[k], quote(v))
			im.stats.bad++
			dropped()
			return row{}, false
		}
		if !(f > 0) {
			im.problem(fi, line, "%s %s: %s %s is not a positive price; row dropped", sym, wall, colNames[k], gnum(f))
			im.stats.bad++
			dropped()
			return row{}, false
		}
		if f > snapshots.MaxPrice {
			im.problem(fi, line, "%s %s: %s %s is above %s, the largest price a snapshot holds; row dropped", sym, wall, colNames[k], gnum(f), gnum(snapshots.MaxPrice))
			im.stats.bad++
			dropped()
			return row{}, false
		}
		px[k] = f
	}
	if len(missing) > 0 {
		im.problem(fi, line, "%s %s: %s missing; row dropped", sym, wall, strings.Join(missing, ", "))
		im.stats.missing++
		dropped()
		return row{}, false
	}
	r.adjusted = usingAdj
	if b := strings.ToLower(cell(rec, g.col[colBasis])); b != "" && basisAdjusted(b) {
		r.adjusted = true
	}
	if im.opt.Adjusted && !usingAdj && g.col[colAdj] >= 0 {
		v := cell(rec, g.col[colAdj])
		a, ok := parsePrice(v, lay.decimalComma)
		if isNull(v) || !ok || !(a > 0) {
			im.problem(fi, line, "%s %s: adj close %s missing or bad, needed for adjusted prices; row dropped", sym, wall, quote(v))
			im.stats.missing++
			dropped()
			return row{}, false
		}
		k := a / px[3]
		for i := range px {
			px[i] *= k
		}
		px[3] = a
		r.adjusted = true
		if slices.Max(px[:]) > snapshots.MaxPrice {
			im.problem(fi, line, "%s %s: adjusted prices above %s, the largest price a snapshot holds; row dropped", sym, wall, gnum(snapshots.MaxPrice))
			im.stats.bad++
			dropped()
			return row{}, false
		}
	}
	r.o, r.h, r.l, r.c = px[0], px[1], px[2], px[3]
	if r.l > r.h || r.o > r.h || r.o < r.l || r.c > r.h || r.c < r.l {
		im.problem(fi, line, "%s %s: prices outside [low, high] (open %s high %s low %s close %s); row dropped",
			sym, wall, num(r.o), num(r.h), num(r.l), num(r.c))
		im.stats.outOfRange++
		dropped()
		return row{}, false
	}
	r.sym = im.symbolIdx(sym)
	if g.col[colVol] >= 0 {
		v := cell(rec, g.col[colVol])
		switch n, ok := parseVolume(v, lay.decimalComma); {
		case isNull(v):
			im.problem(fi, line, "%s %s: volume missing; stored as 0 (unknown)", sym, wall)
			im.stats.unknownVol[sym]++
		case !ok:
			im.problem(fi, line, "%s %s: bad volume %s; stored as 0 (unknown)", sym, wall, quote(v))
			im.stats.unknownVol[sym]++
		case n > snapshots.MaxVolume:
			im.problem(fi, line, "%s %s: volume %d is above %d, the largest a snapshot holds; stored as 0 (unknown)", sym, wall, n, int64(snapshots.MaxVolume))
			im.stats.unknownVol[sym]++
		default:
			r.vol = n
		}
	} else {
		im.stats.unknownVol[sym]++ // reported once, at the header
	}
	return r, true
}

func basisAdjusted(b string) bool {
	if strings.HasPrefix(b, "raw") || strings.HasPrefix(b, "printed") || strings.Contains(b, "unadjusted") {
		return false
	}
	return strings.Contains(b, "adjusted")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// gnum formats a number that may be huge or tiny (1e+300) short.
func gnum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func validTicker(s string) bool {
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

// tickerFromFileName turns "bars/NVDA.csv", "nvda_5m.csv.gz" or
// "^GSPC-daily.csv" into the ticker.
func tickerFromFileName(name string) (string, bool) {
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
		if suffixWord(suffix) {
			base = base[:i]
		}
	}
	sym := strings.ToUpper(strings.TrimSpace(base))
	return sym, validTicker(sym)
}

func suffixWord(s string) bool {
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

type rowKey struct {
	sym int
	at  int64
}

// MaxRow is the longest row Import reads: 1 MiB, counting the line breaks
// inside quoted fields. A longer row (most often a quote that is never
// closed, which makes the rest of the file one field) stops the import
// with an error naming the line, in bounded memory.
const MaxRow = 1 << 20

// csvReadAhead is how far encoding/csv reads ahead of the row it parses
// (the bufio.Reader it wraps its input in).
const csvReadAhead = 4096

var errRowTooLong = errors.New("csv row too long")

// stopError is a reason to stop reading a file that is not a read error.
type stopError string

func (e stopError) Error() string { return string(e) }

// rowLimiter hands encoding/csv at most limit bytes in all; rowEnded moves
// the limit to MaxRow past the end of each row read.
type rowLimiter struct {
	r     io.Reader
	max   int64 // MaxRow
	read  int64
	limit int64
}

func (l *rowLimiter) Read(p []byte) (int, error) {
	if l.read >= l.limit {
		return 0, errRowTooLong
	}
	if rest := l.limit - l.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

func (l *rowLimiter) rowEnded(offset int64) { l.limit = offset + l.max + csvReadAhead }

// quote quotes a cell for a message, cut to its first 40 bytes when longer
// (a bad cell can be a megabyte of garbage).
func quote(s string) string { return quoteMax(s, 40) }

// quoteLong is quote for a header row: up to 200 bytes.
func quoteLong(s string) string { return quoteMax(s, 200) }

// quoteMax quotes s in at most about max bytes of quoted text: bytes that
// are not UTF-8 quote as four (\xe4), so the cut is made on the quoted
// length, not on the input's (200 such bytes made an 800-byte message).
func quoteMax(s string, max int) string {
	cut := min(len(s), max)
	q := ""
	for {
		for cut > 0 && cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut--
		}
		q = strconv.Quote(s[:cut])
		if len(q) <= max+2 || cut == 0 {
			break
		}
		cut = cut * 3 / 4
	}
	if cut == len(s) {
		return q
	}
	return fmt.Sprintf("%s… (%d bytes)", q, len(s))
}
