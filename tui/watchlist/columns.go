package watchlist

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

type colKind int

const (
	colSym colKind = iota
	colName
	colLast
	colChg
	colPct
	colDVal
	colMVal
	colRange
	colSpark
	colVol
	colAge
	colExt
	// the user's position in the symbol (positions.go): only when
	// positions are given
	colPosVal
	colPosDay
	colPosDayPct
	colPosTot
)

type column struct {
	kind  colKind
	title string
	width int
	right bool
}

// Column catalogue in display order, with the order in which columns are
// dropped when the pane is narrow (drop: lower goes first; 0 never).
// Widths hold the widest value of each column (Dollars never exceeds
// "−$999.9B", DollarsAbs "$999.9B", Volume "999.99M"), so a number is never
// cut.
var columnSpecs = []struct {
	column
	drop int
	live bool
	pos  bool // a position column: only with positions
}{
	{column{colSym, "SYM", 6, false}, 0, false, false},
	{column{colName, "NAME", nameMin, false}, 2, false, false},
	{column{colLast, "LAST", 9, true}, 0, false, false},
	{column{colChg, "CHG", 8, true}, 9, false, false},
	{column{colPct, "%CHG", 8, true}, 0, false, false},
	{column{colDVal, "ΔVALUE", 9, true}, 11, false, false},
	{column{colMVal, "VALUE", 8, true}, 3, false, false},
	{column{colRange, "DAY RANGE", 11, false}, 1, false, false},
	{column{colSpark, "SESSION", 12, false}, 6, false, false}, // one name at every width (it was INTRADAY when wide)
	{column{colVol, "VOLUME", 7, true}, 4, false, false},
	{column{colAge, "AGE", 5, true}, 7, true, false},
	// Pre- and post-market prices, marked as such, next to the regular
	// session's last (live sources, and replays whose frame has some).
	{column{colExt, "PRE/POST", 14, true}, 7, true, false},
	// The position: its value, today's P&L ($ and %), total P&L against
	// cost. Today's P&L in dollars is the last to go.
	{column{colPosVal, "HOLDING", 10, true}, 5, false, true},
	{column{colPosDay, "DAY P&L", 10, true}, 12, false, true},
	{column{colPosDayPct, "DAY P&L%", 8, true}, 8, false, true},
	{column{colPosTot, "TOTAL P&L", 10, true}, 10, false, true},
}

// maxDrop is the highest drop level in columnSpecs.
const maxDrop = 12

const (
	nameMin   = 12 // "Taiwan Semi…"
	nameWant  = 20 // spare room goes to the sparkline up to sparkWant, the name up to this, then the sparkline
	nameMax   = 30
	sparkMin  = 7 // the sparkline is elastic: it counts this much when columns are dropped
	sparkWant = 12
	sparkMax  = 28
)

// layoutColumns picks the columns that fit in w cells (one leading cell is
// reserved for the cursor marker, one trailing cell keeps the last column
// off the border), then gives spare room to the sparkline and the name.
// Columns are dropped by level (drop 1 first), the sparkline counted at
// its narrowest; afterwards the dropped ones are tried again, most
// important first, so room left by a dropped level is not wasted.
func layoutColumns(w int, live, ext, pos bool) []column {
	w -= 2 // the cursor marker, and a cell before the right border
	drop := map[colKind]bool{}
	width := map[colKind]int{}
	used := func(k colKind) bool {
		for _, c := range columnSpecs {
			if c.kind == k {
				if k == colExt && ext {
					return !drop[k] // a replay of recorded pre/post quotes shows them too
				}
				return !drop[k] && (!c.live || live) && (!c.pos || pos)
			}
		}
		return false
	}
	total := func() int {
		n, k := 0, 0
		for _, c := range columnSpecs {
			if !used(c.kind) {
				continue
			}
			n += width[c.kind]
			k++
		}
		return n + max(k-1, 0)
	}
	for _, c := range columnSpecs {
		width[c.kind] = c.width
	}
	width[colSpark] = sparkMin
	maxLevel := 0
	for level := 1; total() > w && level <= maxDrop; level++ {
		for _, c := range columnSpecs {
			if c.drop == level {
				drop[c.kind] = true
				maxLevel = level
			}
		}
	}
	for level := maxLevel; level >= 1; level-- {
		for _, c := range columnSpecs {
			if c.drop != level || (c.live && !live) || (c.pos && !pos) || !drop[c.kind] {
				continue
			}
			if spare := w - total(); spare >= width[c.kind]+1 {
				drop[c.kind] = false
			}
		}
	}
	spare := w - total()
	grow := func(k colKind, upTo int) {
		if spare > 0 && used(k) && width[k] < upTo {
			add := min(spare, upTo-width[k])
			width[k] += add
			spare -= add
		}
	}
	grow(colSpark, sparkWant)
	grow(colName, nameWant)
	grow(colSpark, sparkMax)
	grow(colName, nameMax)
	var cols []column
	for _, c := range columnSpecs {
		if !used(c.kind) {
			continue
		}
		col := c.column
		col.width = width[c.kind]
		cols = append(cols, col)
	}
	return cols
}

func headerLine(cols []column, g common.Glyphs) string {
	var b strings.Builder
	b.WriteByte(' ')
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		title := c.title
		if g == common.GlyphsASCII && c.kind == colDVal {
			title = "dVALUE"
		}
		if c.kind == colSpark && c.width < len(title) {
			title = "DAY" // a sparkline narrower than its name
		}
		b.WriteString(cell(common.Text(title, g), c.width, c.right))
	}
	return b.String()
}

// cell pads or truncates s (which may hold ANSI styles) to w cells.
func cell(s string, w int, right bool) string {
	sw := theme.Width(s)
	if sw > w {
		return truncate(s, w)
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "")
}

// groupLine renders a group header: its name and the subtotal of
// market-value change placed in the ΔVALUE column.
func (m Model) groupLine(g string) string {
	st := m.c.Styles
	gl := m.c.Glyphs
	var syms []string
	for _, s := range m.frame.Symbols {
		if groupOf(s.Groups) == g {
			syms = append(syms, s.Symbol)
		}
	}
	b := m.frame.Basket(syms)
	sub := common.Missing
	subStyle := st.P.Muted
	if len(b.Items) > 0 {
		sub = common.Dollars(b.Delta)
		subStyle = st.MovePaint(b.Delta, math.Inf(1))
	}
	sub = common.Text(sub, gl)
	name := strings.ToUpper(g)
	// Find the ΔVALUE column's offset.
	off, w := -1, 0
	pos := 1
	for i, c := range m.cols {
		if i > 0 {
			pos++
		}
		if c.kind == colDVal {
			off, w = pos, c.width
			break
		}
		pos += c.width
	}
	iw := m.innerWidth()
	if off < 0 || theme.Width(name)+1 >= off {
		return fit(st.P.GroupHdr.Render(name)+" "+subStyle.Render(sub), iw)
	}
	left := st.P.GroupHdr.Render(name) + strings.Repeat(" ", off-theme.Width(name))
	return fit(left+subStyle.Render(cell(sub, w, true)), iw)
}

// symbolLine renders symbol i's cells (without the cursor marker), says
// how many cells wide they are and whether the quote is stale. Each cell
// is painted and measured as plain text (no Render or width scan of styled
// text): this runs for every row on every frame.
func (m Model) symbolLine(i int) (string, int, bool) {
	f := m.frame
	st := m.c.Styles
	gl := m.c.Glyphs
	s := f.Symbols[i]
	q := f.Quotes[i]
	abs, pct, hasChg := q.Change()
	move := st.P.Flat
	if hasChg {
		move = st.MovePaint(pct, StrongMove)
	}
	stale := q.Stale
	var age time.Duration
	if m.live && !q.Updated.IsZero() && !m.now.IsZero() {
		age = m.now.Sub(q.Updated)
		limit := StaleAfter
		if m.staleAfter > 0 {
			limit = m.staleAfter
		}
		if age > limit {
			stale = true
		}
	}
	missing := common.Text(common.Missing, gl)
	var lb lineBuilder
	lb.b.Grow(max(m.innerWidth(), 0) * 4)
	if !q.HasPrice && q.Note != "" {
		// no price, and the source says why: the reason across the figures'
		// columns, not a row of bare dashes
		rest := -1
		for ci, c := range m.cols {
			if c.kind != colSym && c.kind != colName {
				rest += c.width + 1
				continue
			}
			if ci > 0 {
				lb.b.WriteByte(' ')
				lb.w++
			}
			if c.kind == colSym {
				lb.cell(st.P.Bold, s.Symbol, c)
			} else {
				lb.cell(st.P.Muted, common.ShortName(common.Text(s.Name, gl), c.width, "."), c)
			}
		}
		if rest > 0 {
			lb.b.WriteByte(' ')
			lb.w++
			lb.cell(st.P.Warn, common.Text(q.Note, gl), column{width: rest})
		}
		return lb.b.String(), lb.w, false
	}
	mrows, vol := m.symbolMarks(), m.volumeModelled()
	for ci, c := range m.cols {
		if ci > 0 {
			lb.b.WriteByte(' ')
			lb.w++
		}
		// a column with a provenance mark on some row keeps its last cell
		// for the mark (marks.go)
		marked, mk := m.markCols[c.kind] && c.width > 1, -1
		if marked {
			mk = m.markOf(mrows, i, c.kind, vol)
			c.width--
		}
		switch c.kind {
		case colSym:
			sym := s.Symbol
			if len(sym) > c.width { // FOOBARX: "FOOBA…", never a silent "FOOBAR"
				sym = ansi.Truncate(sym, c.width, common.Text("…", gl))
			}
			lb.cell(st.P.Bold, sym, c)
		case colName:
			tail := "…"
			if gl == common.GlyphsASCII {
				tail = "."
			}
			lb.cell(st.P.Muted, common.ShortName(common.Text(s.Name, gl), c.width, tail), c)
		case colLast:
			if q.HasPrice {
				last := st.P.Base
				if q.Carried {
					last = st.P.Muted // an earlier session's close: nothing traded yet
				}
				lb.cell(last, common.Price(q.Price), c)
			} else {
				lb.cell(st.P.Faint, missing, c)
			}
		case colChg:
			if hasChg {
				lb.cell(move, common.Text(common.Change(abs, q.Price), gl), c)
			} else {
				lb.cell(st.P.Faint, missing, c)
			}
		case colPct:
			if hasChg {
				lb.cell(move, common.Text(common.Pct(pct), gl), c)
			} else {
				lb.cell(st.P.Faint, missing, c)
			}
		case colDVal:
			if vc, ok := f.MarketValue(i); ok {
				lb.cell(move, common.Text(common.Dollars(vc.Delta), gl), c)
			} else {
				lb.cell(st.P.Faint, missing, c)
			}
		case colMVal:
			if v, ok := f.MarketCap(i); ok {
				lb.cell(st.P.Muted, common.Text(common.DollarsAbs(v), gl), c)
			} else {
				lb.cell(st.P.Faint, missing, c)
			}
		case colRange:
			v, vw := m.rangeBar(q.Low, q.High, q.Price, q.HasPrice, c.width, move)
			lb.styled(v, vw, c)
		case colSpark:
			if out := m.spark(i, c.width); out != "" {
				lb.cell(move, out, c)
			} else {
				lb.styled("", 0, c)
			}
		case colVol:
			if s.NoVolume || q.Volume <= 0 {
				lb.cell(st.P.Faint, missing, c)
			} else {
				lb.cell(st.P.Muted, common.Volume(q.Volume), c)
			}
		case colExt:
			if _, xpct, ok := q.ExtChange(); ok {
				word := "post "
				if q.State == snapshots.StatePre {
					word = "pre "
				}
				lb.cell(st.MovePaint(xpct, StrongMove), word+common.Price(q.ExtPrice), c)
			} else {
				lb.styled("", 0, c)
			}
		case colPosVal, colPosDay, colPosDayPct, colPosTot:
			m.positionCell(&lb, s.Symbol, c)
		case colAge:
			switch {
			case q.Updated.IsZero() || m.now.IsZero():
				lb.cell(st.P.Faint, missing, c)
			case stale:
				lb.cell(st.P.Warn, "!"+common.Age(age), c)
			default:
				lb.cell(st.P.Faint, common.Age(age), c)
			}
		}
		if marked {
			lb.markCell(&m, mk)
		}
	}
	return lb.b.String(), lb.w, stale
}

// lineBuilder joins cells and counts the cells written.
type lineBuilder struct {
	b strings.Builder
	w int
}

// cell writes text painted by p, padded or cut to c's width as cell does.
func (lb *lineBuilder) cell(p theme.Painter, text string, c column) {
	w := theme.StringWidth(text)
	if w > c.width && c.right {
		text = fitNumber(text, c.width)
		w = theme.StringWidth(text)
	}
	lb.styled(p.Render(text), w, c)
}

// fitNumber fits a number too wide for its column without dropping digits
// in silence ("699,999.9" for 699,999.99 reads as a real figure): first
// without thousands separators, then rounded to fewer decimals, else
// '#'s, as spreadsheets do.
func fitNumber(s string, width int) string {
	if width <= 0 {
		return ""
	}
	plain := strings.ReplaceAll(s, ",", "")
	if theme.StringWidth(plain) <= width {
		return plain
	}
	// sign, digits, unit ("−12345.68", "+1.5%", "$3.41T")
	body := strings.TrimLeft(plain, "+−-$")
	sign := plain[:len(plain)-len(body)]
	num := strings.TrimRight(body, "%BKMT")
	unit := body[len(num):]
	if dot := strings.IndexByte(num, '.'); dot >= 0 {
		if v, err := strconv.ParseFloat(num, 64); err == nil {
			for d := len(num) - dot - 2; d >= 0; d-- {
				r := strconv.FormatFloat(v, 'f', d, 64)
				if v != 0 && strings.Trim(r, "0.") == "" {
					break // rounded to zero: a real value must not read as 0
				}
				if out := sign + r + unit; theme.StringWidth(out) <= width {
					return out
				}
			}
		}
	}
	return strings.Repeat("#", width)
}

// styled writes v (styled text vw cells wide) padded or cut to c's width,
// as cell does.
func (lb *lineBuilder) styled(v string, vw int, c column) {
	if vw > c.width {
		v = truncate(v, c.width)
		lb.b.WriteString(v)
		lb.w += theme.StringWidth(v)
		return
	}
	if c.right {
		writeSpaces(&lb.b, c.width-vw)
	}
	lb.b.WriteString(v)
	if !c.right {
		writeSpaces(&lb.b, c.width-vw)
	}
	lb.w += c.width
}

const spaces = "                                                                "

func writeSpaces(b *strings.Builder, n int) {
	for n > len(spaces) {
		b.WriteString(spaces)
		n -= len(spaces)
	}
	if n > 0 {
		b.WriteString(spaces[:n])
	}
}

// rangeBar draws the day's low-high range with the last price marked, and
// says how many cells wide it is.
func (m Model) rangeBar(lo, hi, last float64, ok bool, w int, mark theme.Painter) (string, int) {
	if !ok || !(hi > 0) || !(lo > 0) || w < 3 {
		return "", 0
	}
	line, dot := "─", "●"
	if m.c.Glyphs == common.GlyphsASCII {
		line, dot = "-", "*"
	}
	pos := (w - 1) / 2
	if hi > lo {
		pos = int(math.Round((last - lo) / (hi - lo) * float64(w-1)))
	}
	pos = max(0, min(w-1, pos))
	faint := m.c.Styles.P.Faint
	return faint.Render(strings.Repeat(line, pos)) + mark.Render(dot) + faint.Render(strings.Repeat(line, w-1-pos)), w
}

// spark draws the day so far across the whole session (open to close), one
// cell per time bucket, scaled between the day's low and high, as plain
// text ("" when there is nothing to draw).
func (m Model) spark(i, w int) string {
	f := m.frame
	if w <= 0 || i >= len(f.Intraday) || len(f.Intraday[i]) == 0 {
		return ""
	}
	bars := f.Intraday[i]
	var open, close time.Time
	if s, ok := f.CurrentSession(); ok {
		open, close = s.Open, s.Close
	}
	if !close.After(open) {
		open, close = bars[0].Time, bars[len(bars)-1].End()
	}
	span := close.Sub(open)
	vals := make([]float64, 2*w)
	h := vals[w:]
	vals = vals[:w]
	has := make([]bool, w)
	lo, hi := math.Inf(1), math.Inf(-1)
	// Offsets from the open in nanoseconds as Sub gives them (bar times
	// come from data and carry no monotonic reading), without Sub's
	// overflow check per bar.
	openNs := open.UnixNano()
	for j := range bars {
		b := &bars[j]
		if b.Close <= 0 {
			continue
		}
		k := 0
		if span > 0 {
			k = int(float64(time.Duration(b.Time.UnixNano()-openNs)) / float64(span) * float64(w))
		}
		if k < 0 || k >= w {
			continue // pre- or post-market bars
		}
		vals[k], has[k] = b.Close, true
		lo, hi = math.Min(lo, b.Close), math.Max(hi, b.Close)
	}
	lastHas := -1
	for k := len(has) - 1; k >= 0; k-- {
		if has[k] {
			lastHas = k
			break
		}
	}
	last := -1
	for k := range vals {
		if has[k] {
			last = k
		} else if last >= 0 && k < lastHas {
			vals[k], has[k] = vals[last], true // fill gaps inside the day
		}
	}
	if math.IsInf(lo, 0) {
		return ""
	}
	// Heights in (0,1]: the day's low still shows as the lowest block.
	for k := range vals {
		if !has[k] {
			continue
		}
		r := 0.5
		if hi > lo {
			r = (vals[k] - lo) / (hi - lo)
		}
		h[k] = 0.125 + 0.875*r
	}
	var b strings.Builder
	if m.c.Glyphs == common.GlyphsASCII {
		const ramp = "_.-=^"
		b.Grow(w)
		for k := range h {
			if !has[k] {
				b.WriteByte(' ')
				continue
			}
			b.WriteByte(ramp[min(len(ramp)-1, int(h[k]*float64(len(ramp))))])
		}
		return b.String()
	}
	b.Grow(3 * w)
	for k := range h {
		if r := sparkRune(h[k]); r != 0 {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// lowerBlocks are the eighth blocks of a one-row column chart.
var lowerBlocks = [9]rune{0, '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// sparkRune is the cell a one-row ntcharts sparkline (maximum 1) draws for
// v: nothing at or below 0, a full block from 1, else the eighth block
// nearest v (rounded at a sixteenth), as graph.DrawColumnBottomToTop does.
func sparkRune(v float64) rune {
	switch {
	case !(v > 0):
		return 0
	case v >= 1:
		return lowerBlocks[8]
	}
	e := int(v / .125)
	if n := v - (float64(e) * .125); n >= 0.0625 {
		e++
	}
	return lowerBlocks[e]
}
