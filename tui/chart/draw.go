package chart

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// drawer draws one render of the chart into a grid.
type drawer struct {
	m         *Model
	g         *grid
	gl        common.Glyphs
	lineStyle lipgloss.Style
	lineID    uint8 // the table id of lineStyle's style (lineAccent: Accent, outside the table)

	tagMode, tagRange string // right side of the title line
}

// plot is the geometry of a chart body.
type plot struct {
	top, h   int // plot rows
	w        int // plot columns (the axis is at column w)
	marker   int // marker row (-1: none)
	legend   int // legend row (-1: none)
	volTop   int // first volume row
	vh       int // volume rows
	xlab     int // x label row (-1: none)
	lo, hi   float64
	sx, sy   int
	t0, t1   time.Time
	open     time.Time // the session's open when a pre-market area is left of it (else zero: t0)
	pct      bool      // values are percentages
	tickStep float64
}

func (p *plot) py(v float64) int {
	n := p.h*p.sy - 1
	if p.hi <= p.lo || n <= 0 {
		return 0
	}
	return common.Clamp(int(math.Round((p.hi-v)/(p.hi-p.lo)*float64(n))), 0, n)
}

func (p *plot) row(v float64) int { return p.py(v) / p.sy }

func (p *plot) frac(t time.Time) float64 {
	span := p.t1.Sub(p.t0)
	if span <= 0 {
		return 0
	}
	return float64(t.Sub(p.t0)) / float64(span)
}

func (p *plot) px(t time.Time) int {
	n := p.w*p.sx - 1
	if n <= 0 {
		return 0
	}
	return common.Clamp(int(math.Round(p.frac(t)*float64(n))), 0, n)
}

func (p *plot) col(t time.Time) int { return p.px(t) / p.sx }

func (d *drawer) ascii() bool { return d.gl == common.GlyphsASCII }

// monochrome reports whether series can only differ by character: ASCII
// glyphs, or a renderer without colour (NO_COLOR, --color never).
func (d *drawer) monochrome() bool {
	return d.ascii() || (d.m.c.Styles != nil && d.m.c.Styles.R != nil && d.m.c.Styles.R.ColorProfile() == termenv.Ascii)
}
func (d *drawer) txt(s string) string  { return common.Text(s, d.gl) }
func (d *drawer) frame() *market.Frame { return d.m.frame }
func (d *drawer) pick(u, a rune) rune {
	if d.ascii() {
		return a
	}
	return u
}

func (d *drawer) quote(sym string) (int, market.Quote, bool) {
	f := d.frame()
	if f == nil || sym == "" {
		return -1, market.Quote{}, false
	}
	i := f.Index(sym)
	if i < 0 || i >= len(f.Quotes) {
		return -1, market.Quote{}, false
	}
	return i, f.Quotes[i], true
}

func (d *drawer) draw() {
	switch {
	case d.g.h < 2:
	case d.frame() == nil:
		d.message(1, d.g.h-1, "waiting for data")
	case d.m.rng == RangeWeek:
		d.week(1)
	default:
		d.day(1)
	}
	d.title()
}

// message centres a faint line in rows [y0, y1).
func (d *drawer) message(y0, y1 int, s string) {
	if y1 <= y0 {
		return
	}
	s = d.txt(s)
	y := y0 + (y1-y0-1)/2
	x := max(0, (d.g.w-len([]rune(s)))/2)
	d.g.text(x, y, s, stFaint)
}

func (d *drawer) moveStyle(v float64) (uint8, lipgloss.Style) {
	s := d.m.c.Styles
	switch {
	case v > 0:
		return stUp, s.Up
	case v < 0:
		return stDown, s.Down
	}
	return stLabel, s.Muted
}

// title writes the symbol, last, change and % (or "no data") and the mode.
func (d *drawer) title() {
	g := d.g
	x := 0
	if d.m.mode == ModeCompare {
		x = g.text(0, 0, "compare", stTitle)
		x = g.text(x+2, 0, "% vs prev close", stLabel)
	} else if d.m.sym == "" {
		x = g.text(0, 0, "no symbol selected", stFaint)
	} else {
		x = g.text(0, 0, d.m.sym, stTitle)
		_, q, ok := d.quote(d.m.sym)
		if !ok || !q.HasPrice {
			x = g.text(x+2, 0, common.NoData, stFaint)
		} else {
			x = g.text(x+2, 0, d.txt(common.Price(q.Price)), stNone)
			if abs, pct, ok := q.Change(); ok {
				st, _ := d.moveStyle(abs)
				x = g.text(x+1, 0, d.txt(common.Change(abs, q.Price)), st)
				x = g.text(x+1, 0, d.txt(common.Pct(pct)), st)
			}
		}
		if ok && q.HasExt {
			word := "ext"
			switch q.State {
			case snapshots.StatePre:
				word = "pre"
			case snapshots.StatePost, snapshots.StateClosed:
				word = "post"
			}
			s := word + " " + d.txt(common.Price(q.ExtPrice))
			if x+2+len(s) < g.w {
				x = g.text(x+2, 0, s, stLabel)
			}
		}
	}
	tag := d.tagMode
	if tag == "" {
		tag = d.m.mode.String()
	}
	if d.tagRange != "" {
		tag += d.txt(" · ") + d.tagRange
	}
	n := len([]rune(tag))
	// The company's name when there is room beside the tag: the chart
	// reads on its own (a projector, a screenshot).
	if i, _, ok := d.quote(d.m.sym); ok && d.m.mode != ModeCompare {
		room := g.w - x - 2 - n - 2
		if name := common.ShortName(d.frame().Symbols[i].Name, room, "…"); name != "" && room > 0 && !strings.Contains(name, "…") {
			g.text(x+2, 0, d.txt(name), stLabel)
		}
	}
	if g.w-x >= n+2 {
		g.text(g.w-n, 0, tag, stLabel)
	}
}

// series is one line of values over time.
type series struct {
	sym    string
	pts    []tv
	future []tv // week view: the days after the frame (drawn dim)
	st     uint8
	ch     rune // ascii character of compare lines
	mark   bool // drawn with ch even in colour: the palette's colours ran out
	last   float64
	ok     bool
}

type tv struct {
	t time.Time
	v float64
}

var asciiSeries = []rune{'*', '+', 'o', 'x', '#', '@', '%', '&', '=', '~', '^', 'v'}

// compareSyms is the compare set: the group, or the selected symbol.
func (d *drawer) compareSyms() []string {
	if len(d.m.compare) > 0 {
		return d.m.compare
	}
	if d.m.sym != "" {
		return []string{d.m.sym}
	}
	return nil
}

// seriesStyle is series k's colour and character. Past the palette's
// colours a series would repeat an earlier one's look, so it is drawn
// with its character (mark), which stays distinct for 12 series.
func (d *drawer) seriesStyle(k int) (st uint8, ch rune, mark bool) {
	n := max(1, len(d.m.c.Styles.Series))
	return stSeries + uint8(k%n), asciiSeries[k%len(asciiSeries)], k >= n || d.monochrome()
}

// layout splits rows [top, h) into legend, marker, plot, volume and x label
// rows. ok is false when no plot fits.
func (d *drawer) layout(top int, legend, volume bool) (p plot, ok bool) {
	h := d.g.h - top
	p.marker, p.legend, p.xlab = -1, -1, -1
	y := top
	if legend && h >= 6 {
		p.legend = y
		y++
	}
	if h >= 6 {
		p.marker = y
		y++
	}
	bottom := d.g.h
	if h >= 5 {
		p.xlab = d.g.h - 1
		bottom--
	}
	if volume && h >= 12 {
		p.vh = common.Clamp(h/7, 2, 5)
	}
	p.top = y
	p.h = bottom - y - p.vh
	if p.h < 2 {
		p.vh = 0
		p.h = bottom - y
	}
	p.volTop = p.top + p.h
	p.sx, p.sy = subCells(d.gl)
	return p, p.h >= 1
}

// axis sizes the y range and the right axis; it sets p.w.
func (d *drawer) axis(p *plot, lo, hi float64, base float64, hasBase bool) (ticks []float64, labels []string) {
	if hasBase {
		lo, hi = math.Min(lo, base), math.Max(hi, base)
	}
	if !(hi > lo) {
		pad := math.Max(math.Abs(hi)*0.01, 0.01)
		if p.pct {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	if p.h >= 4 {
		pad := (hi - lo) / float64(p.h-2) * 0.75
		lo, hi = lo-pad, hi+pad
	}
	p.lo, p.hi = lo, hi
	ticks, p.tickStep = niceTicks(lo, hi, max(2, p.h/3))
	w := 0
	for _, t := range ticks {
		l := d.tickLabel(t, p)
		labels = append(labels, l)
		w = max(w, len([]rune(l)))
	}
	if hasBase {
		w = max(w, len([]rune(d.baseLabel(base, p))))
	}
	aw := w + 2
	if d.g.w-aw < 16 {
		aw = 0
	}
	p.w = d.g.w - aw
	return ticks, labels
}

func (d *drawer) tickLabel(v float64, p *plot) string {
	dec := 0
	switch {
	case p.tickStep < 0.1:
		dec = 2
	case p.tickStep < 1:
		dec = 1
	}
	if p.pct {
		s := common.Number(v, dec) + "%"
		if v > 0 && s != "0%" {
			s = "+" + s
		}
		return d.txt(s)
	}
	return d.txt(common.Number(v, dec))
}

func (d *drawer) baseLabel(v float64, p *plot) string {
	if p.pct {
		return "0%"
	}
	return d.txt(common.Price(v))
}

// drawAxis draws the right axis with its ticks, the baseline label and the
// volume label.
func (d *drawer) drawAxis(p *plot, ticks []float64, labels []string, base float64, hasBase bool) {
	if p.w >= d.g.w {
		return
	}
	g := d.g
	for r := 0; r < p.h+p.vh; r++ {
		g.set(p.w, p.top+r, d.pick('│', '|'), stAxis)
	}
	baseRow := -1
	if hasBase {
		baseRow = p.row(base)
	}
	for i, t := range ticks {
		r := p.row(t)
		if r == baseRow {
			continue
		}
		g.set(p.w, p.top+r, d.pick('┤', '+'), stAxis)
		g.text(p.w+2, p.top+r, labels[i], stLabel)
	}
	if hasBase {
		g.set(p.w, p.top+baseRow, d.pick('┤', '+'), stBaseline)
		for x := p.w + 1; x < g.w; x++ {
			g.set(x, p.top+baseRow, ' ', stNone)
		}
		g.text(p.w+2, p.top+baseRow, d.baseLabel(base, p), stBaseline)
	}
	if p.vh > 0 {
		g.text(p.w+2, p.volTop+p.vh-1, "vol", stLabel)
	}
}

// baseline draws the dashed previous-close line under everything else.
func (d *drawer) baseline(p *plot, v float64) {
	r := p.top + p.row(v)
	for x := 0; x < p.w; x++ {
		if d.ascii() {
			if x%2 == 0 {
				d.g.set(x, r, '-', stBaseline)
			}
			continue
		}
		d.g.set(x, r, '╌', stBaseline)
	}
}

// writable reports whether a label may cover (x, y): empty, or only a
// baseline dash or an event column.
func (d *drawer) writable(x, y int) bool {
	if !d.g.in(x, y) {
		return false
	}
	if d.g.empty(x, y) {
		return true
	}
	s := d.g.style(x, y)
	return s == stBaseline || s == stEvent || s == stEventCol
}

func (d *drawer) writableRun(x, y, n, limit int) bool {
	if x < 0 || x+n > limit {
		return false
	}
	for i := 0; i < n; i++ {
		if !d.writable(x+i, y) {
			return false
		}
	}
	return true
}

// extremeLabel writes "H 128.40" or "L 116.70" next to the point (col,
// row): above the high, below the low, else beside it.
func (d *drawer) extremeLabel(p *plot, s string, col, row int, above bool, st uint8) {
	n := len([]rune(s))
	vr := row + 1
	if above {
		vr = row - 1
	}
	type cand struct{ x, r int }
	cands := []cand{
		{common.Clamp(col-n/2, 0, max(0, p.w-n)), vr},
		{col + 2, row},
		{col - n - 1, row},
	}
	for _, c := range cands {
		if c.r >= 0 && c.r < p.h && d.writableRun(c.x, p.top+c.r, n, p.w) {
			d.g.text(c.x, p.top+c.r, s, st)
			return
		}
	}
}

// marker places an event label in the marker row near column c.
func (d *drawer) marker(p *plot, c int, s string, st uint8) bool {
	if p.marker < 0 {
		return false
	}
	n := len([]rune(s))
	x := common.Clamp(c, 0, max(0, p.w-n))
	for ; x+n <= p.w; x++ {
		if d.g.fits(x, p.marker, s) && (x == 0 || d.g.empty(x-1, p.marker)) {
			d.g.text(x, p.marker, s, st)
			return true
		}
	}
	return false
}

// eventColumn marks column c of the plot, faintly, where nothing is drawn
// yet: the line, the baseline and labels stay on top.
func (d *drawer) eventColumn(p *plot, c int, st uint8) {
	for r := 0; r < p.h; r++ {
		y := p.top + r
		if d.g.empty(c, y) {
			d.g.set(c, y, d.pick('┊', ':'), st)
		}
	}
}

// evMark is one label of the marker row: one event, or a run of events
// whose labels would overlap ("14-16").
type evMark struct {
	col     int
	nums    []int
	approx  bool // holds an event whose time is only partly known ("~18")
	current bool // holds the current event (the timeline's highlight)
	future  bool // every event is after the frame's time
}

func (e evMark) style() uint8 {
	switch {
	case e.current:
		return stEvent
	case e.future:
		return stFuture
	}
	return stLabel
}

func (e evMark) label() string {
	s := compress(e.nums)
	if e.approx {
		s = "~" + s
	}
	return s
}

func (e *evMark) merge(o evMark) {
	e.nums = append(e.nums, o.nums...)
	e.approx = e.approx || o.approx
	e.current = e.current || o.current
	e.future = e.future && o.future
}

// dayEvents marks the events of the session, quietly, each at its
// placement (snapshots.Placement: the instant the timeline and `[` / `]`
// use too). Events the clock has passed get a faint column there (the
// current one in the event colour); every event gets its number in the
// marker row, future ones dim and without a column, "~N" when its time is
// only partly known (an afternoon or a date-only event sits at the close).
// Labels stay inside the plot and in time order; labels that would overlap
// merge into a range ("14-16").
func (d *drawer) dayEvents(p *plot) {
	f := d.frame()
	current := market.CurrentEvent(f)
	var marks []evMark
	for i, e := range f.Events {
		at := f.Placed(i)
		if at.Before(p.t0) || at.After(p.t1) {
			continue // another day, or outside the session (after hours)
		}
		c := p.col(at)
		fut := at.After(f.Time)
		if !fut {
			st := stEventCol
			if i == current {
				st = stEvent
			}
			d.eventColumn(p, c, st)
		}
		mk := evMark{col: c, nums: []int{i + 1}, approx: e.Approximate(), current: i == current, future: fut}
		if n := len(marks); n > 0 {
			last := &marks[n-1]
			if c <= last.col+len(last.label()) && last.future == fut {
				last.merge(mk)
				continue
			}
		}
		marks = append(marks, mk)
	}
	if p.marker < 0 || len(marks) == 0 {
		return
	}
	xs := layoutMarks(marks, p.w)
	for len(xs) == 0 && len(marks) > 1 {
		// too many labels for the width: merge the last two and try again
		marks[len(marks)-2].merge(marks[len(marks)-1])
		marks = marks[:len(marks)-1]
		xs = layoutMarks(marks, p.w)
	}
	for k, mk := range marks {
		s := mk.label()
		if xs == nil {
			s = ansiCut(s, p.w) // one label wider than the plot
			d.g.text(0, p.marker, s, mk.style())
			break
		}
		d.g.text(xs[k], p.marker, s, mk.style())
	}
}

// layoutMarks places the labels left to right, each at its column or just
// after the one before, then pulls them left where the last would leave the
// plot. nil when they do not fit in w columns.
func layoutMarks(marks []evMark, w int) []int {
	xs := make([]int, len(marks))
	end := -1 // the column after the last label, plus a gap
	for k, mk := range marks {
		x := max(mk.col, end)
		xs[k] = x
		end = x + len(mk.label()) + 1
	}
	limit := w
	for k := len(marks) - 1; k >= 0; k-- {
		n := len(marks[k].label())
		if xs[k]+n > limit {
			xs[k] = limit - n
		}
		if xs[k] < 0 {
			return nil
		}
		limit = xs[k] - 1
	}
	return xs
}

// ansiCut cuts an ASCII label to w cells.
func ansiCut(s string, w int) string {
	if len(s) > w {
		return s[:max(0, w)]
	}
	return s
}

// volume draws per-column volume bars in the volume rows.
func (d *drawer) volume(p *plot, cols []float64, future []bool) {
	if p.vh <= 0 {
		return
	}
	mx := 0.0
	for _, v := range cols {
		mx = math.Max(mx, v)
	}
	if mx <= 0 {
		return
	}
	for c, v := range cols {
		f := v / mx * float64(p.vh)
		st := stVolume
		if future != nil && future[c] {
			st = stFuture
		}
		for r := 0; r < p.vh; r++ {
			fill := math.Min(f-float64(r), 1)
			if fill <= 0 {
				break
			}
			var ch rune
			fut := future != nil && future[c]
			switch {
			case d.ascii():
				switch {
				case fut && fill >= 0.15:
					ch = ':' // after the frame's time: lighter than '#'
				case fill >= 0.5:
					ch = '#'
				case fill >= 0.15:
					ch = '.'
				}
			case fut && d.monochrome():
				ch = '░' // without colour the dim style does not show: a light shade does
			default:
				ch = runes.LowerBlockElementFromFloat64(fill)
			}
			if ch != 0 && ch != runes.Null {
				d.g.set(c, p.volTop+p.vh-1-r, ch, st)
			}
		}
	}
}

// xLabels writes labels at columns, skipping those that would overlap. The
// first and the last label go first (the open and the close are the ones
// a reader looks for), then the others where there is room.
func (d *drawer) xLabels(p *plot, cols []int, labels []string, styles []uint8) {
	if p.xlab < 0 || len(cols) == 0 {
		return
	}
	type span struct{ a, b int }
	var used []span
	place := func(i int) {
		s := labels[i]
		n := len([]rune(s))
		x := common.Clamp(cols[i]-n/2, 0, max(0, p.w-n))
		if x+n > d.g.w {
			return
		}
		for _, u := range used {
			if x < u.b+1 && u.a < x+n+1 {
				return // would touch or overlap a placed label
			}
		}
		st := stLabel
		if styles != nil {
			st = styles[i]
		}
		d.g.text(x, p.xlab, s, st)
		used = append(used, span{x, x + n})
	}
	place(0)
	if len(cols) > 1 {
		place(len(cols) - 1)
	}
	for i := 1; i < len(cols)-1; i++ {
		place(i)
	}
}

// candle is one OHLC bucket at a column.
type candle struct {
	col        int
	o, h, l, c float64
	st         uint8
}

// candles draws candlesticks: ntcharts' candlestick runes, or ASCII
// wicks '|' and bodies 'O' (up) / '#' (down).
func (d *drawer) candles(p *plot, cs []candle) {
	if d.ascii() {
		for _, c := range cs {
			rh, rl := p.row(c.h), p.row(c.l)
			bt, bb := p.row(math.Max(c.o, c.c)), p.row(math.Min(c.o, c.c))
			body := 'O'
			if c.c < c.o {
				body = '#'
			}
			for r := rh; r <= rl; r++ {
				ch := '|'
				if r >= bt && r <= bb {
					ch = body
				}
				d.g.set(c.col, p.top+r, ch, c.st)
			}
		}
		return
	}
	scale := func(v float64) float64 {
		if p.hi <= p.lo {
			return 0
		}
		return math.Min(math.Max((v-p.lo)/(p.hi-p.lo)*float64(p.h), 0), float64(p.h)-0.001)
	}
	col := make([]rune, p.h)
	for _, c := range cs {
		clear(col)
		candleColumn(col, scale(c.l), scale(math.Min(c.o, c.c)), scale(math.Max(c.o, c.c)), scale(c.h))
		for y, r := range col {
			if r != 0 {
				d.g.set(c.col, p.top+y, r, c.st)
			}
		}
	}
}

// candleColumn draws one candlestick into a column of runes (index 0 at
// the top) from heights in rows above the bottom: ntcharts'
// graph.DrawCandlestickBottomToTop, on a rune column instead of a canvas
// (a canvas cell carries a whole lipgloss.Style; a chart of them costs
// 1.6 MB a frame).
func candleColumn(col []rune, l, bl, bh, h float64) {
	n := len(col)
	put := func(row int, r rune) {
		y := n - 1 - row
		if y < 0 || y >= n {
			return
		}
		if runes.IsCandlestick(col[y]) {
			r = runes.CombineCandlesticks(col[y], r)
		}
		col[y] = r
	}
	lf := math.Floor(l)
	lr := rune(runes.LineUp)
	if l-lf < 0.5 {
		lr = runes.LineDown
	}
	put(int(lf), lr)
	blf := math.Floor(bl)
	blr := rune(runes.LineUpHeavy)
	if bl-blf < 0.5 {
		blr = runes.LineDownHeavy
	}
	if lf < blf {
		put(int(lf), runes.LineUp)
		if blr == runes.LineUpHeavy {
			blr = runes.LineUpHeavyDown
		}
	}
	for i := int(lf + 1); i < int(blf); i++ {
		put(i, runes.LineVertical)
	}
	put(int(blf), blr)
	bhf := math.Floor(bh)
	bhr := rune(runes.LineDownHeavy)
	if bh-bhf >= 0.5 {
		bhr = runes.LineUpHeavy
	}
	if blf < bhf {
		put(int(blf), runes.LineUpHeavy)
		if bhr == runes.LineUpHeavy {
			bhr = runes.LineVerticalHeavy
		}
	}
	for i := int(blf + 1); i < int(bhf); i++ {
		put(i, runes.LineVerticalHeavy)
	}
	put(int(bhf), bhr)
	hf := math.Floor(h)
	hr := rune(runes.LineDown)
	if h-hf >= 0.5 {
		hr = runes.LineUp
	}
	if bhf < hf {
		put(int(bhf), runes.LineUp)
		if hr == runes.LineUp {
			hr = runes.LineVertical
		}
	}
	for i := int(bhf + 1); i < int(hf); i++ {
		put(i, runes.LineVertical)
	}
	put(int(hf), hr)
}

// niceTicks returns tick values of a 1-2-2.5-5 step between lo and hi.
func niceTicks(lo, hi float64, n int) ([]float64, float64) {
	if !(hi > lo) || n < 1 {
		return nil, 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9 && len(out) < 100; v += step {
		out = append(out, v)
	}
	return out, step
}

// compress writes numbers as "5" / "5,7" / "5-9".
func compress(nums []int) string {
	var b strings.Builder
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(nums[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(nums[j]))
		}
		i = j + 1
	}
	return b.String()
}
