package csvimport

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// ---------------------------------------------------------------------------
// Header layout

const (
	colOpen = iota
	colHigh
	colLow
	colClose
	colAdj
	colVol
	colBasis
	nCols
)

var colNames = [nCols]string{"open", "high", "low", "close", "adj close", "volume", "price basis"}

// colGroup is one ticker's columns: a long table has one group whose ticker
// comes from the ticker column; a yfinance multi-ticker file has one group
// per ticker.
type colGroup struct {
	symbol string // fixed ticker, or "" to read symCol
	col    [nCols]int
}

type layout struct {
	decimalComma              bool // the file is delimited by ';': "141,50" is 141.5
	timeCol, clockCol, symCol int
	timeName                  string
	groups                    []colGroup
	width                     int
}

// normHeader lowercases and keeps only letters and digits: "Adj Close",
// "adj_close" and "ADJ-CLOSE" all become "adjclose".
func normHeader(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var timeAliases = []string{
	"datetime", "timestamp", "datetimeutc", "timestamputc",
	"timeutc", "dateutc", "starttime", "begintime", "ts", "date", "time",
}

var (
	symAliases   = []string{"ticker", "symbol", "sym", "tickersymbol"}
	fieldAliases = [nCols][]string{
		colOpen:  {"open", "o", "openprice"},
		colHigh:  {"high", "h", "highprice"},
		colLow:   {"low", "l", "lowprice"},
		colClose: {"close", "closelast", "last", "c", "closeprice", "lastprice"},
		colAdj:   {"adjclose", "adjustedclose", "adjclosing", "adjustedclosingprice"},
		colVol:   {"volume", "vol", "v"},
		colBasis: {"pricebasis", "basis"},
	}
)

func findAlias(names []string, aliases []string) int {
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
func (im *importer) buildLayout(fi int, header []string, line int) (*layout, error) {
	names := make([]string, len(header))
	seen := map[string]int{}
	for i, h := range header {
		n := normHeader(h)
		if j, dup := seen[n]; dup && n != "" {
			im.problem(fi, line, "duplicate column %s (columns %d and %d); using the first", quote(strings.TrimSpace(header[i])), j+1, i+1)
			n = "" // never matched
		} else {
			seen[n] = i
		}
		names[i] = n
	}
	lay := &layout{clockCol: -1, symCol: -1, width: len(header)}
	lay.timeCol = findAlias(names, timeAliases)
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
		return nil, fmt.Errorf("%s:%d: no date or time column in header %s", im.fileName(fi), line, quoteLong(strings.Join(header, ",")))
	}
	lay.timeName = names[lay.timeCol]
	if lay.timeName == "date" {
		if c := findAlias(names, []string{"time"}); c >= 0 {
			lay.clockCol = c
		}
	}
	lay.symCol = findAlias(names, symAliases)
	var g colGroup
	for f := range nCols {
		g.col[f] = findAlias(names, fieldAliases[f])
	}
	if err := im.checkGroup(fi, line, header, g); err != nil {
		return nil, err
	}
	lay.groups = []colGroup{g}
	return lay, nil
}

func (im *importer) checkGroup(fi, line int, header []string, g colGroup) error {
	var missing []string
	for _, f := range []int{colOpen, colHigh, colLow} {
		if g.col[f] < 0 {
			missing = append(missing, colNames[f])
		}
	}
	if g.col[colClose] < 0 && g.col[colAdj] < 0 {
		missing = append(missing, colNames[colClose])
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s:%d: no %s column in header %s (selloff imports open/high/low/close bars)",
			im.fileName(fi), line, strings.Join(missing, ", "), quoteLong(strings.Join(header, ",")))
	}
	return nil
}

// buildWideLayout handles yfinance's header: "Price,Close,High,…" then
// "Ticker,NVDA,NVDA,…" then an optional "Date,,,…" row.
func (im *importer) buildWideLayout(fi int, fields, tickers []string, dateRow []string, line int) (*layout, error) {
	lay := &layout{timeCol: 0, clockCol: -1, symCol: -1, timeName: "date", width: len(fields)}
	if dateRow != nil {
		lay.timeName = normHeader(dateRow[0])
	}
	byTicker := map[string]int{}
	for i := 1; i < len(fields) && i < len(tickers); i++ {
		sym := strings.ToUpper(strings.TrimSpace(tickers[i]))
		n := normHeader(fields[i])
		f := -1
		for k := range nCols {
			for _, a := range fieldAliases[k] {
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
			g := colGroup{symbol: sym}
			for k := range g.col {
				g.col[k] = -1
			}
			lay.groups = append(lay.groups, g)
		}
		if lay.groups[gi].col[f] >= 0 {
			im.problem(fi, line, "duplicate column %s for %s; using the first", quote(strings.TrimSpace(fields[i])), sym)
			continue
		}
		lay.groups[gi].col[f] = i
	}
	if len(lay.groups) == 0 {
		return nil, fmt.Errorf("%s:%d: yfinance-style header without price columns", im.fileName(fi), line)
	}
	for _, g := range lay.groups {
		if !validTicker(g.symbol) {
			return nil, fmt.Errorf("%s:%d: bad ticker %s in the Ticker row", im.fileName(fi), line, quote(g.symbol))
		}
		if err := im.checkGroup(fi, line, fields, g); err != nil {
			return nil, err
		}
	}
	return lay, nil
}

func headerOnlyRow(rec []string) bool {
	if normHeader(rec[0]) == "" {
		return false
	}
	if findAlias([]string{normHeader(rec[0])}, timeAliases) < 0 {
		return false
	}
	for _, c := range rec[1:] {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func sniffDelimiter(br *bufio.Reader) rune {
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
