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
				pt.price = prevClose * (1 + *q.ChangePct/100)
				pt.label = common.ReportedPct(*q.ChangePct)
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
// (left of the open's column), each with its label beside it.
func (d *drawer) drawPre(p *plot, pts []prePoint, k int) {
	n := len(pts)
	for j, pt := range pts {
		col := common.Clamp((j+1)*k/(n+1), 0, max(0, k-2))
		row := p.row(pt.price)
		d.g.set(col, p.top+row, d.pick('◆', '*'), stEvent)
		d.extremeLabel(p, d.txt(pt.label), col, row, row > p.h/2, stEvent)
	}
}
