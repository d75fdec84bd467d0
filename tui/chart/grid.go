package chart

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
)

// style ids of grid cells; the table is built from the theme per render.
const (
	stNone uint8 = iota
	stAxis
	stLabel
	stLine
	stBaseline
	stEvent
	stHigh
	stLow
	stUp
	stDown
	stVolume
	stFuture
	stTitle
	stFaint
	stEventCol // a faint event column
	stSeries   // stSeries+k is compare series k
)

// grid is a w x h cell buffer of runes with a style id per cell. ntcharts'
// canvas renders every cell through lipgloss on its own; the grid renders
// runs of equal style instead, which keeps View cheap and the output small
// (it matters over SSH).
type grid struct {
	w, h int
	r    []rune
	s    []uint8
}

func newGrid(w, h int) *grid {
	if w < 0 {
		w = 0
	}
	if h < 0 {
		h = 0
	}
	g := &grid{w: w, h: h, r: make([]rune, w*h), s: make([]uint8, w*h)}
	for i := range g.r {
		g.r[i] = ' '
	}
	return g
}

func (g *grid) in(x, y int) bool { return x >= 0 && y >= 0 && x < g.w && y < g.h }

func (g *grid) set(x, y int, r rune, s uint8) {
	if g.in(x, y) {
		g.r[y*g.w+x] = r
		g.s[y*g.w+x] = s
	}
}

func (g *grid) at(x, y int) rune {
	if !g.in(x, y) {
		return 0
	}
	return g.r[y*g.w+x]
}

func (g *grid) empty(x, y int) bool { return g.in(x, y) && g.r[y*g.w+x] == ' ' }

func (g *grid) style(x, y int) uint8 {
	if !g.in(x, y) {
		return stNone
	}
	return g.s[y*g.w+x]
}

// text writes s from (x, y), clipped to the grid. It returns the column
// after the text.
func (g *grid) text(x, y int, s string, st uint8) int {
	for _, r := range s {
		g.set(x, y, r, st)
		x++
	}
	return x
}

// fits reports whether s can be written at (x, y) over empty cells only.
func (g *grid) fits(x, y int, s string) bool {
	n := 0
	for range s {
		if !g.empty(x+n, y) {
			return false
		}
		n++
	}
	return true
}

// wrapper is the escape sequences a style puts around plain text, found by
// rendering a marker once, so runs are styled without a Render call each.
// ok is false when the style does more than wrap (padding, width, ...).
type wrapper struct {
	pre, post string
	ok        bool
}

func wrappers(styles []lipgloss.Style) []wrapper {
	out := make([]wrapper, len(styles))
	for i, st := range styles {
		r := st.Render("X")
		if k := strings.IndexByte(r, 'X'); k >= 0 && strings.Count(r, "X") == 1 && !strings.Contains(r, "\n") {
			out[i] = wrapper{pre: r[:k], post: r[k+1:], ok: true}
		}
	}
	return out
}

// renderWith turns the grid into h lines of exactly w cells, with the
// wrappers of styles already found.
func (g *grid) renderWith(styles []lipgloss.Style, wr []wrapper) []string {
	lines := make([]string, g.h)
	var b strings.Builder
	var run []byte // reused: a run's text is copied into the line
	for y := 0; y < g.h; y++ {
		b.Reset()
		b.Grow(4*g.w + 64) // braille is 3 bytes a cell, plus a few escapes
		row := g.r[y*g.w : (y+1)*g.w]
		sty := g.s[y*g.w : (y+1)*g.w]
		for x := 0; x < g.w; {
			id := sty[x]
			run = run[:0]
			// spaces keep the surrounding run's style unless they carry one
			for x < g.w && sty[x] == id {
				run = utf8.AppendRune(run, row[x])
				x++
			}
			switch {
			case id == stNone || int(id) >= len(styles):
				b.Write(run)
			case wr[id].ok:
				b.WriteString(wr[id].pre)
				b.Write(run)
				b.WriteString(wr[id].post)
			default:
				b.WriteString(styles[id].Render(string(run)))
			}
		}
		lines[y] = b.String()
	}
	return lines
}
