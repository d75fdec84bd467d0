package chart

import (
	"math"
	"time"

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
	case d.m.Range() == RangeWeek:
		d.week(1)
		if d.m.autoWeek() {
			d.tagMode = "daily bars only" // the title says why the week shows
			d.hint(1, "d: the day chart")
		}
	default:
		d.day(1)
	}
	d.title()
}

// hint writes the first of forms that fits right-aligned on row y over
// blank cells, faint.
func (d *drawer) hint(y int, forms ...string) {
	for _, s := range forms {
		s = d.txt(s)
		if x := d.g.w - len([]rune(s)); x >= 0 && d.g.fits(x, y, s) {
			d.g.text(x, y, s, stFaint)
			return
		}
	}
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

// minTitleName is the least room a shortened company name gets in the
// chart's title ("Taiwan Semi…"); a name that fits whole always shows.
const minTitleName = 8

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
		// A long name is shortened with an ellipsis rather than left out
		// (at 160 columns "Taiwan Semiconductor Manufacturing" vanished).
		room := g.w - x - 2 - n - 2
		tail := "…"
		if d.ascii() {
			tail = "."
		}
		full := d.frame().Symbols[i].Name
		if name := common.ShortName(common.Text(full, d.gl), room, tail); name != "" && room > 0 &&
			(name == full || room >= minTitleName) {
			g.text(x+2, 0, name, stLabel)
		}
	}
	if g.w-x < n+2 && d.tagMode != "" {
		tag = d.tagMode // the mode alone before nothing
		n = len([]rune(tag))
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

// seriesStyle is series k's colour and character. Without colour every
// series is drawn with its character (mark), distinct for 12 series; in
// colour the lines stay braille or blocks (a 9th series was drawn with "="
// over the braille) and a colour may repeat past the palette's: the label
// at each line's end names it (endLabels).
func (d *drawer) seriesStyle(k int) (st uint8, ch rune, mark bool) {
	n := max(1, len(d.m.c.Styles.Series))
	return stSeries + uint8(k%n), asciiSeries[k%len(asciiSeries)], d.monochrome()
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
