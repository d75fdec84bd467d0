package chart

import (
	"strconv"
	"strings"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/common"
)

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
