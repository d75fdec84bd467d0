package csvimport

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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
	cr := csv.NewReader(br)
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
			im.problem(fi, line, "bad ticker %q; row dropped", raw)
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
		im.problem(fi, line, "%s: bad time %q; row dropped", sym, ts)
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
			im.problem(fi, line, "%s %s: bad %s %q; row dropped", sym, wall, colNames[k], v)
			im.stats.bad++
			dropped()
			return row{}, false
		}
		if !(f > 0) {
			im.problem(fi, line, "%s %s: %s %s is not a positive price; row dropped", sym, wall, colNames[k], v)
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
			im.problem(fi, line, "%s %s: adj close %q missing or bad, needed for adjusted prices; row dropped", sym, wall, v)
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

func basisAdjusted(b string) bool {
	if strings.HasPrefix(b, "raw") || strings.HasPrefix(b, "printed") || strings.Contains(b, "unadjusted") {
		return false
	}
	return strings.Contains(b, "adjusted")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

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
