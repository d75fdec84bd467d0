package chart

import (
	"math"
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// Pre-market reports. An event may quote a pre-market figure for a symbol
// ("NVDA −6.9% at 04:06", EventQuote.Session "pre"). The day chart draws
// each one the clock has reached as a reported point with its value, in a
// narrow area left of the open, never joined by a line: nothing says how
// the price went between reports. The area is not a time axis (the
// pre-market is 5½ hours): points sit in time order, each labelled.

// prePoint is one reported pre-market figure.
type prePoint struct {
	at    time.Time
	price float64
	label string
}

// preCols is the width of the pre-market area for a plot w columns wide (0:
// too narrow to have one).
func preCols(w int) int {
	if w < 40 {
		return 0
	}
	return min(10, w/6)
}

// prePoints are the reported pre-market figures for sym on the session
// opening at open, from events placed at or before the frame's time (no
// spoilers), in time order. A quote giving only a move is drawn at the
// level the move implies from the previous close.
func (d *drawer) prePoints(sym string, open time.Time, prevClose float64) []prePoint {
	f := d.frame()
	loc := snapshots.Location()
	oy, om, od := open.In(loc).Date()
	var out []prePoint
	for i, e := range f.Events {
		if len(e.Quotes) == 0 {
			continue
		}
		if y, mo, dd := e.Time.In(loc).Date(); y != oy || mo != om || dd != od || f.Placed(i).After(f.Time) {
			continue
		}
		for _, q := range e.Quotes {
			if q.Symbol != sym || q.Session != snapshots.StatePre {
				continue
			}
			pt := prePoint{at: q.When(e)}
			switch {
			case q.Price != nil && *q.Price > 0:
				pt.price = *q.Price
				pt.label = common.Price(*q.Price)
			case q.ChangePct != nil && prevClose > 0:
				v := *q.ChangePct
				switch { // a bound is drawn where the source put it, not at the range's centre
				case q.Bound == snapshots.BoundOver && v < 0, q.Bound == snapshots.BoundUnder && v >= 0:
					v += q.TolerancePct
				case q.Bound == snapshots.BoundOver, q.Bound == snapshots.BoundUnder:
					v -= q.TolerancePct
				}
				pt.price = prevClose * (1 + v/100)
				pt.label = common.ReportedMove(*q.ChangePct, q.TolerancePct, q.Bound)
			default:
				continue
			}
			if math.IsNaN(pt.price) || math.IsInf(pt.price, 0) || pt.price <= 0 {
				continue
			}
			if e.Precision == snapshots.PrecisionExact {
				pt.label = e.Time.In(loc).Format("15:04") + " " + pt.label
			}
			out = append(out, pt)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at.Before(out[b].at) })
	return out
}

// drawPre draws the reported points in the first k columns of the plot
// (left of the open's column). Their labels come last (labelPre), once the
// line and the session's high and low are drawn, so nothing writes over
// them and they write over nothing.
func (d *drawer) drawPre(p *plot, pts []prePoint, k int) {
	for j, pt := range pts {
		d.g.set(preCol(j, len(pts), k), p.top+p.row(pt.price), d.pick('◆', '*'), stEvent)
	}
}

// preCol is the column of the j-th of n reported points in a k-column area.
func preCol(j, n, k int) int { return common.Clamp((j+1)*k/(n+1), 0, max(0, k-2)) }

// labelPre writes each reported point's label beside it (below, above,
// right or left) where every cell is free: not the line, another label or
// point, or the high and low labels. A label with no room is left out
// (the point stays) rather than drawn broken.
func (d *drawer) labelPre(p *plot, pts []prePoint, k int) {
	free := func(x, y, n int) bool {
		if x < 0 || x+n > p.w {
			return false
		}
		for i := range n {
			if !d.g.in(x+i, y) {
				return false
			}
			if !d.g.empty(x+i, y) {
				if st := d.g.style(x+i, y); st != stBaseline && st != stEventCol {
					return false
				}
			}
		}
		return true
	}
	for j, pt := range pts {
		s := d.txt(pt.label)
		n := len([]rune(s))
		col, row := preCol(j, len(pts), k), p.row(pt.price)
		near, far := row+1, row-1 // below, or above a point in the lower half
		if row > p.h/2 {
			near, far = far, near
		}
		for _, c := range [][2]int{
			{common.Clamp(col-n/2, 0, max(0, p.w-n)), near},
			{common.Clamp(col-n/2, 0, max(0, p.w-n)), far},
			{col + 2, row},
			{col - n - 1, row},
		} {
			if c[1] >= 0 && c[1] < p.h && free(c[0], p.top+c[1], n) {
				d.g.text(c[0], p.top+c[1], s, stEvent)
				break
			}
		}
	}
}
