package chart

import (
	"sort"

	"github.com/selloff/selloff/tui/common"
)

// lineEnd is where a compare line ends (cells of the grid) and its name.
type lineEnd struct {
	sym  string
	x, y int
	st   uint8
}

// endLabels names each compare line at its end, in its style: right of
// the last point on its row, or the nearest row above or below where the
// name fits over blank cells (event columns and the baseline give way);
// a name that fits nowhere is left to the legend. Series that share a
// colour or a character are told apart by these.
func (d *drawer) endLabels(p *plot, ends []lineEnd) {
	type span struct{ y, a, b int }
	var placed []span
	free := func(x, y int, s string) bool {
		n := len([]rune(s))
		if y < p.top || y >= p.top+p.h || x < 0 || x+n > p.w {
			return false
		}
		for _, o := range placed {
			if o.y == y && x <= o.b && o.a <= x+n { // a cell between two names
				return false
			}
		}
		for i := range n {
			st := d.g.style(x+i, y)
			if !d.g.empty(x+i, y) && st != stEventCol && st != stBaseline {
				return false
			}
		}
		return true
	}
	put := func(x, y int, s string, st uint8) {
		d.g.text(x, y, s, st)
		placed = append(placed, span{y, x, x + len([]rune(s))})
	}
	sort.SliceStable(ends, func(i, j int) bool { return ends[i].y < ends[j].y })
	for _, e := range ends {
		name := d.txt(e.sym)
		for dy := 0; dy < 2*p.h; dy++ {
			y := e.y + (dy+1)/2*(1-2*(dy%2)) // 0, +1, -1, +2, -2, ...
			if x := e.x + 1; free(x, y, name) {
				put(x, y, name, e.st)
				break
			}
			if x := e.x - len([]rune(name)); dy > 0 && free(x, y, name) {
				put(x, y, name, e.st) // left of the end, on another row
				break
			}
		}
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
