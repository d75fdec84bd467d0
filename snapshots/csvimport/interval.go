package csvimport

import (
	"fmt"
	"sort"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// ---------------------------------------------------------------------------
// After one file: interval, bar times, order checks

func (im *importer) finishFile(fi int, rows []row) error {
	name := im.files[fi].name
	if len(rows) == 0 {
		return nil
	}
	// Order within each ticker; report the first backwards step per ticker.
	lastBySym := map[int]int{} // sym -> index into rows
	reported := map[int]bool{}
	for i, r := range rows {
		if j, ok := lastBySym[r.sym]; ok && r.instant.Before(rows[j].instant) {
			im.stats.unsorted++
			if !reported[r.sym] {
				reported[r.sym] = true
				im.problem(fi, r.line, "%s: rows not in time order (%s comes after line %d's %s); sorted",
					im.symbols[r.sym], r.wall, rows[j].line, rows[j].wall)
			}
		}
		if j, ok := lastBySym[r.sym]; !ok || !r.instant.Before(rows[j].instant) {
			lastBySym[r.sym] = i
		}
	}

	interval := im.opt.Interval
	daily := interval == "1d"
	if interval == "" {
		allMidnight := true
		for _, r := range rows {
			if !r.wall.midnight() {
				allMidnight = false
				break
			}
		}
		if allMidnight {
			if gap := modeGap(rows, false); gap >= 6*24*time.Hour {
				return fmt.Errorf("%s: the dates are %d days apart: weekly or monthly bars are not imported (daily and intraday only)", name, int(gap.Hours()/24))
			}
			interval, daily = "1d", true
		} else {
			gap := modeGap(rows, true)
			if gap <= 0 {
				return fmt.Errorf("%s: cannot infer the bar interval (one bar per ticker per day); set the interval", name)
			}
			var err error
			if interval, err = formatInterval(gap); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	loc := snapshots.Location()
	for _, r := range rows {
		t := r.instant
		if daily {
			t = time.Date(r.wall.y, time.Month(r.wall.mo), r.wall.d, 0, 0, 0, 0, loc)
		} else {
			t = t.In(loc)
		}
		im.bars = append(im.bars, keyedBar{
			Bar:  snapshots.Bar{Time: t, Symbol: im.symbols[r.sym], Interval: interval, Open: r.o, High: r.h, Low: r.l, Close: r.c, Volume: r.vol},
			at:   t.UnixNano(),
			sym:  r.sym,
			file: fi,
			line: r.line,
		})
		acc := &im.symInfo[r.sym]
		if r.adjusted {
			acc.adjusted = true
		} else {
			acc.printed = true
		}
	}
	im.files[fi].intervals = []string{interval}
	return nil
}

// modeGap is the most common positive spacing between consecutive time
// stamps of one ticker (within one exchange date when sameDay), smallest
// first on ties. It returns 0 when there is no such pair.
func modeGap(rows []row, sameDay bool) time.Duration {
	bySym := map[int][]time.Time{}
	for _, r := range rows {
		bySym[r.sym] = append(bySym[r.sym], r.instant)
	}
	count := map[time.Duration]int{}
	loc := snapshots.Location()
	for _, ts := range bySym {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		for i := 1; i < len(ts); i++ {
			d := ts[i].Sub(ts[i-1])
			if d <= 0 {
				continue
			}
			if sameDay {
				a, b := ts[i-1].In(loc), ts[i].In(loc)
				if a.YearDay() != b.YearDay() || a.Year() != b.Year() {
					continue
				}
			}
			count[d]++
		}
	}
	var best time.Duration
	bestN := 0
	for d, n := range count {
		if n > bestN || (n == bestN && d < best) {
			best, bestN = d, n
		}
	}
	return best
}

func formatInterval(d time.Duration) (string, error) {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour), nil
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute), nil
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second), nil
	}
	return "", fmt.Errorf("bar spacing %v is not a whole number of seconds", d)
}
