package chart

import (
	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/canvas/runes"

	"github.com/selloff/selloff/tui/common"
)

// dots is a sub-cell pixel grid over cw x ch cells: 2x4 pixels per cell
// for braille, 1x2 for block, 1x3 for ascii. Lines are rasterised with
// ntcharts' Bresenham (graph.GetLinePoints) and turned into runes per
// glyph set (braille through ntcharts' runes package).
type dots struct {
	cw, ch int
	sx, sy int
	on     []bool
	cells  []bool // cells with a pixel set, so paint skips empty ones
}

func subCells(g common.Glyphs) (sx, sy int) {
	switch g {
	case common.GlyphsASCII:
		return 1, 3
	case common.GlyphsBlock:
		return 1, 2
	}
	return 2, 4
}

func newDots(cw, ch int, g common.Glyphs) *dots {
	sx, sy := subCells(g)
	if cw < 0 {
		cw = 0
	}
	if ch < 0 {
		ch = 0
	}
	return &dots{cw: cw, ch: ch, sx: sx, sy: sy, on: make([]bool, cw*sx*ch*sy), cells: make([]bool, cw*ch)}
}

// pw and ph are the pixel width and height.
func (d *dots) pw() int { return d.cw * d.sx }
func (d *dots) ph() int { return d.ch * d.sy }

func (d *dots) set(x, y int) {
	if x >= 0 && y >= 0 && x < d.pw() && y < d.ph() {
		d.on[y*d.pw()+x] = true
		d.cells[(y/d.sy)*d.cw+x/d.sx] = true
	}
}

func (d *dots) get(x, y int) bool {
	if x >= 0 && y >= 0 && x < d.pw() && y < d.ph() {
		return d.on[y*d.pw()+x]
	}
	return false
}

// line sets the pixels of a line from (x0, y0) to (x1, y1).
func (d *dots) line(x0, y0, x1, y1 int) {
	if d.pw() == 0 || d.ph() == 0 {
		return
	}
	x0, x1 = common.Clamp(x0, -1, d.pw()), common.Clamp(x1, -1, d.pw())
	y0, y1 = common.Clamp(y0, -1, d.ph()), common.Clamp(y1, -1, d.ph())
	for _, p := range graph.GetLinePoints(canvas.Point{X: x0, Y: y0}, canvas.Point{X: x1, Y: y1}) {
		d.set(p.X, p.Y)
	}
}

// dottedPolyline is polyline with every other pixel along the path left
// out: a line that reads as dotted without colour (the future of a replay).
func (d *dots) dottedPolyline(pts [][2]int) {
	if len(pts) == 1 {
		d.set(pts[0][0], pts[0][1])
	}
	if d.pw() == 0 || d.ph() == 0 {
		return
	}
	n := 0
	for i := 1; i < len(pts); i++ {
		x0, x1 := common.Clamp(pts[i-1][0], -1, d.pw()), common.Clamp(pts[i][0], -1, d.pw())
		y0, y1 := common.Clamp(pts[i-1][1], -1, d.ph()), common.Clamp(pts[i][1], -1, d.ph())
		ps := graph.GetLinePoints(canvas.Point{X: x0, Y: y0}, canvas.Point{X: x1, Y: y1})
		for k, p := range ps {
			if i > 1 && k == 0 {
				continue // the joint was the previous segment's last point
			}
			if n%2 == 0 {
				d.set(p.X, p.Y)
			}
			n++
		}
	}
}

// polyline joins consecutive points; a single point is drawn as a dot.
func (d *dots) polyline(pts [][2]int) {
	if len(pts) == 1 {
		d.set(pts[0][0], pts[0][1])
	}
	for i := 1; i < len(pts); i++ {
		d.line(pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1])
	}
}

// cell returns the rune of cell (cx, cy), or 0 when no pixel is set.
// ascii is the character for ascii lines (0: the shape characters).
func (d *dots) cell(cx, cy int, g common.Glyphs, ascii rune) rune {
	x0, y0 := cx*d.sx, cy*d.sy
	switch g {
	case common.GlyphsASCII:
		top, mid, bot := d.get(x0, y0), d.get(x0, y0+1), d.get(x0, y0+2)
		n := 0
		for _, b := range []bool{top, mid, bot} {
			if b {
				n++
			}
		}
		switch {
		case n == 0:
			return 0
		case ascii != 0:
			return ascii
		case n > 1:
			return '|'
		case top:
			return '\''
		case mid:
			return '-'
		}
		return '.'
	case common.GlyphsBlock:
		top, bot := d.get(x0, y0), d.get(x0, y0+1)
		if ascii != 0 && (top || bot) {
			return ascii // a series mark: without colour, lines differ by character
		}
		switch {
		case top && bot:
			return '█'
		case top:
			return '▀'
		case bot:
			return '▄'
		}
		return 0
	}
	var p runes.PatternDots
	any := false
	// ntcharts' dot order: [0][3] / [1][4] / [2][5] / [6][7]
	idx := [4][2]int{{0, 3}, {1, 4}, {2, 5}, {6, 7}}
	for yy := 0; yy < 4; yy++ {
		for xx := 0; xx < 2; xx++ {
			if d.get(x0+xx, y0+yy) {
				p[idx[yy][xx]] = true
				any = true
			}
		}
	}
	if !any {
		return 0
	}
	if ascii != 0 {
		return ascii // a series mark: without colour, lines differ by character
	}
	return runes.BraillePatternFromPatternDots(p)
}

// paint copies the set cells onto the grid at (ox, oy) with style st.
// Braille cells already holding braille are combined, so crossing lines
// keep both shapes.
func (d *dots) paint(gr *grid, ox, oy int, g common.Glyphs, ascii rune, st uint8) {
	for cy := 0; cy < d.ch; cy++ {
		for cx := 0; cx < d.cw; cx++ {
			if !d.cells[cy*d.cw+cx] {
				continue
			}
			r := d.cell(cx, cy, g, ascii)
			if r == 0 {
				continue
			}
			if old := gr.at(ox+cx, oy+cy); g == common.GlyphsBraille && runes.IsBraillePattern(old) {
				r = runes.CombineBraillePatterns(old, r)
			}
			gr.set(ox+cx, oy+cy, r, st)
		}
	}
}
