package watchlist

import (
	"math"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/sparkline"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
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
}{
	{column{colSym, "SYM", 6, false}, 0, false},
	{column{colName, "NAME", nameMin, false}, 2, false},
	{column{colLast, "LAST", 9, true}, 0, false},
	{column{colChg, "CHG", 8, true}, 7, false},
	{column{colPct, "%CHG", 8, true}, 0, false},
	{column{colDVal, "ΔVALUE", 9, true}, 8, false},
	{column{colMVal, "VALUE", 8, true}, 3, false},
	{column{colRange, "DAY RANGE", 11, false}, 1, false},
	{column{colSpark, "INTRADAY", 12, false}, 5, false},
	{column{colVol, "VOLUME", 7, true}, 4, false},
	{column{colAge, "AGE", 5, true}, 6, true},
}

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
func layoutColumns(w int, live bool) []column {
	w -= 2 // the cursor marker, and a cell before the right border
	drop := map[colKind]bool{}
	width := map[colKind]int{}
	used := func(k colKind) bool {
		for _, c := range columnSpecs {
			if c.kind == k {
				return !drop[k] && (!c.live || live)
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
	for level := 1; total() > w && level <= 8; level++ {
		for _, c := range columnSpecs {
			if c.drop == level {
				drop[c.kind] = true
				maxLevel = level
			}
		}
	}
	for level := maxLevel; level >= 1; level-- {
		for _, c := range columnSpecs {
			if c.drop != level || (c.live && !live) || !drop[c.kind] {
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
			title = "SESSION" // a narrow sparkline
			if c.width < len(title) {
				title = "DAY"
			}
		}
		b.WriteString(cell(common.Text(title, g), c.width, c.right))
	}
	return b.String()
}

// cell pads or truncates s (which may hold ANSI styles) to w cells.
func cell(s string, w int, right bool) string {
	sw := lipgloss.Width(s)
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
	subStyle := st.Muted
	if len(b.Items) > 0 {
		sub = common.Dollars(b.Delta)
		subStyle = st.Move(b.Delta, math.Inf(1))
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
	if off < 0 || lipgloss.Width(name)+1 >= off {
		return fit(st.GroupHeader.Render(name)+" "+subStyle.Render(sub), iw)
	}
	left := st.GroupHeader.Render(name) + strings.Repeat(" ", off-lipgloss.Width(name))
	return fit(left+subStyle.Render(cell(sub, w, true)), iw)
}

// symbolLine renders symbol i's cells (without the cursor marker) and says
// whether the quote is stale.
func (m Model) symbolLine(i int) (string, bool) {
	f := m.frame
	st := m.c.Styles
	gl := m.c.Glyphs
	s := f.Symbols[i]
	q := f.Quotes[i]
	abs, pct, hasChg := q.Change()
	moveStyle := st.Flat
	if hasChg {
		moveStyle = st.Move(pct, StrongMove)
	}
	stale := q.Stale
	var age time.Duration
	if m.live && !q.Updated.IsZero() && !m.now.IsZero() {
		age = m.now.Sub(q.Updated)
		if age > StaleAfter {
			stale = true
		}
	}
	missing := st.Faint.Render(common.Text(common.Missing, gl))
	var b strings.Builder
	for ci, c := range m.cols {
		if ci > 0 {
			b.WriteByte(' ')
		}
		var v string
		switch c.kind {
		case colSym:
			v = st.Bold.Render(s.Symbol)
		case colName:
			tail := "…"
			if gl == common.GlyphsASCII {
				tail = "."
			}
			v = st.Muted.Render(common.ShortName(common.Text(s.Name, gl), c.width, tail))
		case colLast:
			if q.HasPrice {
				v = st.Base.Render(common.Price(q.Price))
			} else {
				v = missing
			}
		case colChg:
			if hasChg {
				v = moveStyle.Render(common.Text(common.Change(abs), gl))
			} else {
				v = missing
			}
		case colPct:
			if hasChg {
				v = moveStyle.Render(common.Text(common.Pct(pct), gl))
			} else {
				v = missing
			}
		case colDVal:
			if vc, ok := f.MarketValue(i); ok {
				v = moveStyle.Render(common.Text(common.Dollars(vc.Delta), gl))
			} else {
				v = missing
			}
		case colMVal:
			if vc, ok := f.MarketValue(i); ok {
				v = st.Muted.Render(common.Text(common.DollarsAbs(vc.Value), gl))
			} else {
				v = missing
			}
		case colRange:
			v = m.rangeBar(q.Low, q.High, q.Price, q.HasPrice, c.width, moveStyle)
		case colSpark:
			v = m.spark(i, c.width, moveStyle)
		case colVol:
			if s.NoVolume || q.Volume <= 0 {
				v = missing
			} else {
				v = st.Muted.Render(common.Volume(q.Volume))
			}
		case colAge:
			switch {
			case q.Updated.IsZero() || m.now.IsZero():
				v = missing
			case stale:
				v = st.Warn.Render("!" + common.Age(age))
			default:
				v = st.Faint.Render(common.Age(age))
			}
		}
		b.WriteString(cell(v, c.width, c.right))
	}
	return b.String(), stale
}

// rangeBar draws the day's low-high range with the last price marked.
func (m Model) rangeBar(lo, hi, last float64, ok bool, w int, mark lipgloss.Style) string {
	if !ok || !(hi > 0) || !(lo > 0) || w < 3 {
		return ""
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
	faint := m.c.Styles.Faint
	return faint.Render(strings.Repeat(line, pos)) + mark.Render(dot) + faint.Render(strings.Repeat(line, w-1-pos))
}

// spark draws the day so far across the whole session (open to close), one
// cell per time bucket, scaled between the day's low and high.
func (m Model) spark(i, w int, style lipgloss.Style) string {
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
	vals := make([]float64, w)
	has := make([]bool, w)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range bars {
		if b.Close <= 0 {
			continue
		}
		k := 0
		if span > 0 {
			k = int(float64(b.Time.Sub(open)) / float64(span) * float64(w))
		}
		if k < 0 || k >= w {
			continue // pre- or post-market bars
		}
		vals[k], has[k] = b.Close, true
		lo, hi = math.Min(lo, b.Close), math.Max(hi, b.Close)
	}
	last := -1
	for k := range vals {
		if has[k] {
			last = k
		} else if last >= 0 && anyAfter(has, k) {
			vals[k], has[k] = vals[last], true // fill gaps inside the day
		}
	}
	if math.IsInf(lo, 0) {
		return ""
	}
	// Heights in (0,1]: the day's low still shows as the lowest block.
	h := make([]float64, w)
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
	var out string
	if m.c.Glyphs == common.GlyphsASCII {
		const ramp = "_.-=^"
		var b strings.Builder
		for k := range h {
			if !has[k] {
				b.WriteByte(' ')
				continue
			}
			b.WriteByte(ramp[min(len(ramp)-1, int(h[k]*float64(len(ramp))))])
		}
		out = b.String()
	} else {
		sl := sparkline.New(w, 1, sparkline.WithNoAutoMaxValue(), sparkline.WithMaxValue(1),
			sparkline.WithStyle(m.c.Styles.R.NewStyle()))
		sl.PushAll(h)
		sl.Draw()
		out = ansi.Strip(sl.View())
	}
	return style.Render(out)
}

func anyAfter(has []bool, k int) bool {
	for j := k + 1; j < len(has); j++ {
		if has[j] {
			return true
		}
	}
	return false
}
