// Package deepseek builds the embedded "deepseek-week" snapshot: the regular
// sessions of 24, 27 and 28 January 2025 at 1-minute bars, daily bars for
// 17–31 January and the news timeline, reconstructed deterministically from
// the published facts typed into facts.go and events.go.
//
// The 1-minute bars are not a recording. Every path is pinned to the facts
// (daily open, high, low and close; half-hour checkpoint closes; the 5-minute
// bar of each session's high and low where known; the whole first 5-minute
// bar of 27 Jan; the prices and moves the timeline's events quote, within
// their own precision, quotes.go) and filled in between with seeded random
// bridges, so the same bytes come out on every run. The header's per-symbol
// notes (notes.go) say how far each kind of figure is from the truth.
package deepseek

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/selloff/selloff/snapshots"
)

const (
	// Name is the snapshot's name as selloff lists it.
	Name = "deepseek-week"
	// FileName is the file the generator writes, under snapshots/data.
	FileName = Name + ".jsonl.gz"
	// MainDay is the session the snapshot is about.
	MainDay = "2025-01-27"
	// Title is the header title.
	Title = "DeepSeek week (reconstructed): 24–28 Jan 2025"
)

// SessionDays are the trading days covered at 1-minute resolution.
var SessionDays = []string{"2025-01-24", "2025-01-27", "2025-01-28"}

// created is the header's creation time: fixed, so the file is reproducible.
var created = time.Date(2026, time.November, 28, 0, 0, 0, 0, time.UTC)

const (
	sessionMinutes = 390 // 09:30..15:59 bar starts
	// lastTradeMinute is the 15:58 bar. Its close carries the 15:55
	// checkpoint (the last trade before 16:00); the 15:59 bar then moves to
	// the official close, so 16:00 shows the closing-auction price.
	lastTradeMinute = sessionMinutes - 2
	// proxyFallback is the shape distance above which a series' preferred
	// proxies are abandoned for the best-matching series of the day. 0.40
	// came out best when the series with real bars were rebuilt as if they
	// had none (TestProxyMethodLeaveOneOut: mean 5-minute error 0.47%,
	// against 0.54% at 0.30 and 0.63% with no fallback).
	proxyFallback = 0.40
)

// Description and Source are the header texts.
const (
	Description = "The DeepSeek R1 selloff, Fri 24 to Tue 28 January 2025: NVDA fell 17% on Monday 27 January, " +
		"taking about $593B off its market value. Regular sessions of 24, 27 and 28 Jan at 1-minute bars, " +
		"daily bars for 17–31 Jan, and the news timeline from DeepSeek-V3 (26 Dec 2024) to Nvidia's results " +
		"(26 Feb 2025). RECONSTRUCTED: the 1-minute bars are a faithful-to-the-facts reconstruction, not a recording."
	Source = "Reconstructed by the deterministic generator in snapshots/deepseek (make snapshot) from published facts only. " +
		"Daily bars 17–31 Jan: consolidated daily OHLCV as typed from the project's fact sheet (yfinance printed prices via " +
		"growwanalysis/nasdaq100, IBKR daily bars via heliar-k/market-base; ORCL and VST dividend-adjusted via 0Ustinian0/Project0; " +
		"index volumes as stored by the source; no volume for ^SOX). " +
		"1-minute bars: for NVDA, TSM, MU, MSFT, META, AMZN, AAPL, QQQ, SPY, ^IXIC, ^GSPC and ^SOX each path opens at the daily open, " +
		"passes exactly through the half-hour checkpoint closes of real IBKR 5-minute bars (a checkpoint at ET X is the close of the " +
		"1-minute bar starting at X+4 min; the 15:55 checkpoint, the last trade before the close, is the close of the 15:58 bar), " +
		"touches the daily high and low inside the 5-minute bar where the real session high and low fell, and ends at the official " +
		"daily close on the 15:59 bar; 27 Jan also uses the fact sheet's extra checkpoints (09:55, 10:25, ... 15:25) and the whole " +
		"first 5-minute bar (09:30-09:35: its high, low and close; NVDA's early low 123.64). " +
		"A price or move that a timeline event quotes at a time inside a session (see the timeline) is a checkpoint too, " +
		"met within the quote's own precision; " +
		"a borrowed shape bends towards it. The generator checks every quoted figure against the path. " +
		"AVGO, ASML, AMD, ARM, MRVL, SMCI, ORCL, VST, CEG and GOOGL have no intraday facts: each borrows the normalised checkpoint " +
		"shape and high/low bar times of a proxy series for that day (GOOGL: GOOG; the others: ^SOX, NVDA, TSM or MU, whichever " +
		"matches the day's open and close positions in its range best, or the best-matching series of the day when none of those " +
		"fits), mapped onto its own daily range so that open, high, low and close land exactly. Between anchors the path is a " +
		"seeded Brownian bridge kept inside [low, high]; prices are rounded to cents. Each day's volume is the consolidated daily " +
		"volume spread over a U-shaped intraday profile (heavy open, heavier closing auction) in integers that sum exactly to it. " +
		"Minute-level wiggles, intrabar highs and lows and minute volumes are therefore invented; the anchors are real."
)

type anchor struct {
	min int   // bar index 0..389; the anchor is that bar's close
	v   int64 // cents
}

// facts indexes the tables. Maps are only looked up, never ranged over, so
// no iteration order leaks into the output.
type facts struct {
	daily  map[string]dailyRow               // sym+" "+date
	dates  []string                          // trading dates, ascending
	cps    map[string]map[string][]anchor    // day -> series -> checkpoint anchors
	ext    map[string]map[string]extremeRow  // day -> series -> extremes
	series map[string][]string               // day -> series with checkpoints, table order
	first  map[string]map[string]firstBarRow // day -> series -> real first 5-minute bar
	events []snapshots.Event                 // the timeline
	pins   map[string]map[string][]pin       // day -> symbol -> event quotes that pin a close
}

func loadFacts() (*facts, error) {
	f := &facts{
		daily:  make(map[string]dailyRow, len(dailyRows)),
		cps:    map[string]map[string][]anchor{},
		ext:    map[string]map[string]extremeRow{},
		series: map[string][]string{},
		first:  map[string]map[string]firstBarRow{},
	}
	for _, r := range dailyRows {
		key := r.sym + " " + r.date
		if _, dup := f.daily[key]; dup {
			return nil, fmt.Errorf("daily table: duplicate row %s", key)
		}
		if !(r.l <= r.o && r.o <= r.h && r.l <= r.c && r.c <= r.h && r.l > 0) {
			return nil, fmt.Errorf("daily table: %s: open/close outside [low, high]", key)
		}
		f.daily[key] = r
		if !slices.Contains(f.dates, r.date) {
			f.dates = append(f.dates, r.date)
		}
	}
	sort.Strings(f.dates)
	add := func(t checkpointTable) error {
		if f.cps[t.day] == nil {
			f.cps[t.day] = map[string][]anchor{}
			f.ext[t.day] = map[string]extremeRow{}
		}
		for _, row := range t.closes {
			m, err := checkpointMinute(row.et)
			if err != nil {
				return err
			}
			if len(row.closes) != len(t.series) {
				return fmt.Errorf("checkpoints %s %s: %d values for %d series", t.day, row.et, len(row.closes), len(t.series))
			}
			for i, s := range t.series {
				if !slices.Contains(f.series[t.day], s) {
					f.series[t.day] = append(f.series[t.day], s)
				}
				f.cps[t.day][s] = append(f.cps[t.day][s], anchor{m, row.closes[i]})
			}
		}
		for _, e := range t.extremes {
			f.ext[t.day][e.series] = e
		}
		return nil
	}
	for _, t := range checkpointTables {
		if err := add(t); err != nil {
			return nil, err
		}
	}
	for _, fb := range firstBars {
		f.first[fb.day] = map[string]firstBarRow{}
		for _, r := range fb.rows {
			if !(r.l <= r.o && r.o <= r.h && r.l <= r.c && r.c <= r.h) {
				return nil, fmt.Errorf("first bar %s %s: open/close outside [low, high]", fb.day, r.series)
			}
			f.first[fb.day][r.series] = r
		}
	}
	if err := add(extraCheckpoints27); err != nil {
		return nil, err
	}
	// Sort and merge duplicate minutes (the two 27 Jan tables share 09:30
	// and 15:55); a disagreement is a transcription error.
	for _, day := range SessionDays {
		for _, s := range f.series[day] {
			as := f.cps[day][s]
			sort.SliceStable(as, func(i, j int) bool { return as[i].min < as[j].min })
			out := as[:0]
			for _, a := range as {
				if n := len(out); n > 0 && out[n-1].min == a.min {
					if out[n-1].v != a.v {
						return nil, fmt.Errorf("checkpoints %s %s minute %d: %d and %d disagree", day, s, a.min, out[n-1].v, a.v)
					}
					continue
				}
				out = append(out, a)
			}
			f.cps[day][s] = out
			if _, ok := f.ext[day][s]; !ok {
				return nil, fmt.Errorf("checkpoints %s %s: no high/low bar times", day, s)
			}
			if fb, ok := f.first[day][s]; ok && (len(out) == 0 || out[0].min != 4 || out[0].v != fb.c) {
				return nil, fmt.Errorf("first bar %s %s: close %d is not the 09:30 checkpoint", day, s, fb.c)
			}
		}
	}
	var err error
	if f.events, err = timeline(); err != nil {
		return nil, err
	}
	if f.pins, err = f.loadPins(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *facts) row(sym, date string) (dailyRow, bool) {
	r, ok := f.daily[sym+" "+date]
	return r, ok
}

// minuteOf turns "HH:MM" (ET) into a bar index from 09:30.
func minuteOf(hhmm string) (int, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, fmt.Errorf("bad time %q", hhmm)
	}
	m := t.Hour()*60 + t.Minute() - (9*60 + 30)
	if m < 0 || m >= sessionMinutes {
		return 0, fmt.Errorf("time %q outside the regular session", hhmm)
	}
	return m, nil
}

// checkpointMinute is the 1-minute bar whose close is the close of the
// 5-minute bar starting at hhmm.
func checkpointMinute(hhmm string) (int, error) {
	m, err := minuteOf(hhmm)
	if err != nil {
		return 0, err
	}
	if m+4 >= lastTradeMinute {
		return lastTradeMinute, nil
	}
	return m + 4, nil
}

// CheckpointMinute exposes the checkpoint rule for tests and tools: the
// bar index (0 = 09:30) whose 1-minute close equals the checkpoint "ET hhmm".
func CheckpointMinute(hhmm string) (int, error) { return checkpointMinute(hhmm) }

// plan is what a day's path must obey.
type plan struct {
	row          dailyRow
	anchors      []anchor // checkpoint closes (real or mapped from a proxy)
	hiWin, loWin int      // first bar of the 5-minute bar holding the high / low
	proxy        string   // shape donor, "" when the series has its own facts
	windows      []window // whole 5-minute bars known from the facts
}

// window is a known 5-minute bar: the 1-minute bars start..start+4 stay
// inside [lo, hi] and touch both (the close is a checkpoint anchor).
type window struct {
	start  int
	hi, lo int64
}

func (f *facts) plan(info symbolInfo, day string) (plan, error) {
	row, ok := f.row(info.sym, day)
	if !ok {
		return plan{}, fmt.Errorf("%s %s: no daily bar", info.sym, day)
	}
	p := plan{row: row}
	if e, ok := f.ext[day][info.sym]; ok {
		var err error
		if p.hiWin, err = minuteOf(e.highBar); err != nil {
			return plan{}, err
		}
		if p.loWin, err = minuteOf(e.lowBar); err != nil {
			return plan{}, err
		}
		p.anchors = slices.Clone(f.cps[day][info.sym])
		if fb, ok := f.first[day][info.sym]; ok {
			w := window{start: 0, hi: min(fb.h, row.h), lo: max(fb.l, row.l)}
			// The consolidated open is the first price; where it lies
			// outside the IBKR bar (a few cents apart) the bar widens to it.
			w.hi, w.lo = max(w.hi, row.o), min(w.lo, row.o)
			if (w.hi == row.h) != (p.hiWin == 0) || (w.lo == row.l) != (p.loWin == 0) {
				return plan{}, fmt.Errorf("%s %s: first bar %d..%d disagrees with the day's extremes", info.sym, day, w.lo, w.hi)
			}
			p.windows = append(p.windows, w)
		}
		return p, f.applyQuotes(&p, info.sym, day, false)
	}
	proxy := f.chooseProxy(info, row, day, "")
	if proxy == "" {
		return plan{}, fmt.Errorf("%s %s: no proxy series with intraday facts", info.sym, day)
	}
	p = f.proxyPlan(row, day, proxy)
	return p, f.applyQuotes(&p, info.sym, day, true)
}

// proxyPlan maps proxy's checkpoint shape and high/low bar times onto row.
func (f *facts) proxyPlan(row dailyRow, day, proxy string) plan {
	p := plan{row: row}
	pr, _ := f.row(proxy, day)
	pe := f.ext[day][proxy]
	p.proxy = proxy
	p.hiWin, _ = minuteOf(pe.highBar)
	p.loWin, _ = minuteOf(pe.lowBar)
	uO, uC := position(row, row.o), position(row, row.c)
	pO, pC := position(pr, pr.o), position(pr, pr.c)
	rng := float64(row.h - row.l)
	for _, a := range f.cps[day][proxy] {
		s := float64(a.min+1) / sessionMinutes
		u := position(pr, a.v) + float64((uO-pO)*(1-s)*(1-s)) + float64((uC-pC)*s*s)
		v := row.l + int64(math.Round(u*rng))
		v = min(max(v, row.l+1), row.h-1)
		p.anchors = append(p.anchors, anchor{a.min, v})
	}
	return p
}

// position is where v sits in the day's range: 0 at the low, 1 at the high.
func position(r dailyRow, v int64) float64 {
	if r.h == r.l {
		return 0.5
	}
	return float64(v-r.l) / float64(r.h-r.l)
}

func shapeDistance(a, b dailyRow) float64 {
	return math.Abs(position(a, a.o)-position(b, b.o)) + math.Abs(position(a, a.c)-position(b, b.c))
}

// chooseProxy picks the shape donor: the preferred proxy whose day best
// matches where the series opened and closed in its range; when none is
// close (ASML on 27 Jan opened at its low and closed at its high, unlike
// every chip series), the best-matching series of the day.
// exclude names a series that may not be chosen ("" for none).
func (f *facts) chooseProxy(info symbolInfo, row dailyRow, day, exclude string) string {
	best, bestD := "", math.Inf(1)
	consider := func(cands []string) {
		for _, c := range cands {
			if c == exclude {
				continue
			}
			if _, ok := f.ext[day][c]; !ok {
				continue
			}
			pr, ok := f.row(c, day)
			if !ok {
				continue
			}
			if d := shapeDistance(row, pr); d < bestD {
				best, bestD = c, d
			}
		}
	}
	consider(info.proxies)
	if len(info.proxies) > 1 && bestD > proxyFallback {
		consider(f.series[day])
	}
	return best
}

// bar is one 1-minute bar in cents.
type bar struct {
	o, h, l, c int64
	vol        int64
}

// dayPath is a generated session.
type dayPath struct {
	bars         [sessionMinutes]bar
	hiBar, loBar int
	proxy        string
}

func seedFor(sym, day string) *rand.Rand {
	h := fnv.New64a()
	io.WriteString(h, "selloff/deepseek-week/"+sym+"/"+day)
	return rand.New(rand.NewPCG(h.Sum64(), 0x5e110ff_2025_0127))
}

func roundCents(x float64) int64 { return int64(math.Round(x)) }

// reflectInto folds x back into [lo, hi].
func reflectInto(x, lo, hi float64) float64 {
	for i := 0; i < 8 && (x < lo || x > hi); i++ {
		if x > hi {
			x = 2*hi - x
		}
		if x < lo {
			x = 2*lo - x
		}
	}
	return min(max(x, lo), hi)
}

func buildPath(sym, day string, p plan, noVolume bool) (*dayPath, error) {
	r := p.row
	o, h, l, c := r.o, r.h, r.l, r.c
	if h-l < 4 {
		return nil, fmt.Errorf("%s %s: range too narrow to reconstruct", sym, day)
	}
	rng := seedFor(sym, day)
	sigma := 0.4 * float64(h-l) / math.Sqrt(sessionMinutes) // cents per √minute

	fixed := map[int]int64{sessionMinutes - 1: c}
	for _, a := range p.anchors {
		if a.v < l || a.v > h {
			return nil, fmt.Errorf("%s %s: checkpoint at bar %d (%d) outside [%d, %d]", sym, day, a.min, a.v, l, h)
		}
		if a.min < 0 || a.min >= sessionMinutes-1 {
			return nil, fmt.Errorf("%s %s: checkpoint bar %d out of range", sym, day, a.min)
		}
		fixed[a.min] = a.v
	}
	// designate picks the bar that touches an extreme: the open or a fixed
	// close already at it, else a free minute of its 5-minute bar whose close
	// is pinned just inside the extreme (the wick reaches it).
	designate := func(ext int64, win int, sign int64) (int, error) {
		if o == ext {
			return 0, nil
		}
		for m := 0; m < sessionMinutes; m++ {
			if v, ok := fixed[m]; ok && v == ext {
				return m, nil
			}
		}
		var free []int
		for m := win; m < win+5 && m < sessionMinutes-1; m++ {
			if _, ok := fixed[m]; !ok {
				free = append(free, m)
			}
		}
		if len(free) == 0 {
			return 0, fmt.Errorf("%s %s: no free minute for the extreme in bar %d", sym, day, win)
		}
		m := free[rng.IntN(len(free))]
		d := roundCents(math.Abs(rng.NormFloat64()) * 0.3 * sigma)
		d = min(d, (h-l)/4)
		fixed[m] = ext - sign*d
		return m, nil
	}
	hiBar, err := designate(h, p.hiWin, 1)
	if err != nil {
		return nil, err
	}
	loBar, err := designate(l, p.loWin, -1)
	if err != nil {
		return nil, err
	}
	if hiBar == loBar {
		return nil, fmt.Errorf("%s %s: high and low in the same minute", sym, day)
	}
	// Per-minute bounds of the closes: the day's range, narrowed inside a
	// known 5-minute bar to that bar's range.
	var loB, hiB [sessionMinutes]float64
	for i := range sessionMinutes {
		loB[i], hiB[i] = float64(l+1), float64(h-1)
	}
	winHi := map[int]int64{} // bar index -> the known bar's high it touches
	winLo := map[int]int64{}
	inWin := map[int]window{}
	for _, w := range p.windows {
		if w.start < 0 || w.start+5 > sessionMinutes-1 {
			return nil, fmt.Errorf("%s %s: known bar at %d out of range", sym, day, w.start)
		}
		for m := w.start; m < w.start+5; m++ {
			inWin[m] = w
			if v, ok := fixed[m]; ok {
				fixed[m] = min(max(v, w.lo), w.hi)
			}
			if w.hi-w.lo >= 2 {
				loB[m], hiB[m] = float64(w.lo+1), float64(w.hi-1)
			} else {
				loB[m], hiB[m] = float64(w.lo), float64(w.hi)
			}
		}
		// touch picks the bar reaching the known bar's extreme ext: the
		// open, a fixed close or the day's extreme bar already at it, else a
		// free minute whose close is pinned just inside.
		touch := func(ext int64, sign int64, dayBar int, dayExt int64) (int, error) {
			if w.start == 0 && o == ext {
				return 0, nil
			}
			if dayExt == ext && dayBar >= w.start && dayBar < w.start+5 {
				return dayBar, nil
			}
			var free []int
			for m := w.start; m < w.start+5; m++ {
				v, ok := fixed[m]
				if ok && v == ext {
					return m, nil
				}
				// Bar 0 already touches the other extreme when it opens there.
				if !ok && !(m == 0 && (o == w.hi || o == w.lo)) {
					free = append(free, m)
				}
			}
			if len(free) == 0 {
				return 0, fmt.Errorf("%s %s: no free minute for the known bar at %d", sym, day, w.start)
			}
			m := free[rng.IntN(len(free))]
			d := roundCents(math.Abs(rng.NormFloat64()) * 0.3 * sigma)
			d = min(d, (w.hi-w.lo)/4)
			fixed[m] = ext - sign*d
			return m, nil
		}
		mh, err := touch(w.hi, 1, hiBar, h)
		if err != nil {
			return nil, err
		}
		ml, err := touch(w.lo, -1, loBar, l)
		if err != nil {
			return nil, err
		}
		if mh == ml {
			return nil, fmt.Errorf("%s %s: known bar's high and low in the same minute", sym, day)
		}
		winHi[mh], winLo[ml] = w.hi, w.lo
	}

	// Closes: Brownian bridges between consecutive fixed points, starting
	// from the open just before bar 0.
	mins := make([]int, 0, len(fixed))
	for m := range fixed {
		mins = append(mins, m)
	}
	sort.Ints(mins)
	// The float64() conversions below stop fused multiply-adds (allowed on
	// some architectures) from changing a rounding and hence the bytes.
	var closes [sessionMinutes]int64
	prevM, prevV := -1, o
	var walk [sessionMinutes + 1]float64
	for _, m := range mins {
		v := fixed[m]
		n := m - prevM
		walk[0] = 0
		for k := 1; k <= n; k++ {
			walk[k] = walk[k-1] + float64(rng.NormFloat64()*sigma)
		}
		for k := 1; k < n; k++ {
			frac := float64(k) / float64(n)
			x := float64(prevV) + float64(frac*float64(v-prevV)) + walk[k] - float64(frac*walk[n])
			closes[prevM+k] = roundCents(reflectInto(x, loB[prevM+k], hiB[prevM+k]))
		}
		closes[m] = v
		prevM, prevV = m, v
	}

	dp := &dayPath{hiBar: hiBar, loBar: loBar, proxy: p.proxy}
	wick := 0.5 * sigma
	for i := range sessionMinutes {
		b := bar{o: o, c: closes[i]}
		if i > 0 {
			b.o = closes[i-1]
		}
		top, bot := max(b.o, b.c), min(b.o, b.c)
		b.h = top + roundCents(math.Abs(rng.NormFloat64())*wick)
		b.l = bot - roundCents(math.Abs(rng.NormFloat64())*wick)
		// Only the designated bars (or bars already at an extreme) touch it.
		b.h = min(b.h, max(h-1, top))
		b.l = max(b.l, min(l+1, bot))
		if w, ok := inWin[i]; ok {
			b.h = min(b.h, max(w.hi-1, top))
			b.l = max(b.l, min(w.lo+1, bot))
		}
		if v, ok := winHi[i]; ok {
			b.h = v
		}
		if v, ok := winLo[i]; ok {
			b.l = v
		}
		if i == hiBar {
			b.h = h
		}
		if i == loBar {
			b.l = l
		}
		dp.bars[i] = b
	}
	if !noVolume {
		spreadVolume(dp, r.vol, rng, sigma)
	}
	return dp, nil
}

// Generated is the whole reconstruction, before encoding.
type Generated struct {
	Header  snapshots.Header
	Records []snapshots.Record
	// Proxies names, per "SYM YYYY-MM-DD", the series whose shape was
	// borrowed (only for series without intraday facts).
	Proxies map[string]string
}

func price(cents int64) float64 { return float64(cents) / 100 }

func dateAt(date string, hh, mm int) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", date, snapshots.Location())
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, snapshots.Location()), nil
}

// Generate builds the snapshot in memory. It is deterministic.
func Generate() (*Generated, error) {
	f, err := loadFacts()
	if err != nil {
		return nil, err
	}
	g := &Generated{Proxies: map[string]string{}}
	h := snapshots.Header{
		Title:       Title,
		Description: Description,
		Provenance:  snapshots.Reconstructed,
		Source:      Source,
		TimeZone:    snapshots.ExchangeZone,
		MainDay:     MainDay,
		Created:     created,
	}
	for _, s := range symbolTable {
		sym := snapshots.Symbol{
			Symbol: s.sym, Name: s.name, Kind: s.kind, Currency: "USD",
			Groups: []string{s.group}, PriceBasis: s.basis, Company: s.company,
			NoVolume: s.noVolume,
		}
		if s.shares != nil {
			sh := *s.shares
			sym.Shares = &sh
		}
		h.Symbols = append(h.Symbols, sym)
	}
	for _, day := range SessionDays {
		i := slices.Index(f.dates, day)
		if i < 1 {
			return nil, fmt.Errorf("session %s: no previous trading day in the daily table", day)
		}
		open, _ := dateAt(day, 9, 30)
		cl, _ := dateAt(day, 16, 0)
		sess := snapshots.Session{Date: day, Open: open, Close: cl, PrevClose: map[string]float64{}}
		for _, s := range symbolTable {
			r, ok := f.row(s.sym, f.dates[i-1])
			if !ok {
				return nil, fmt.Errorf("%s: no daily bar for %s", s.sym, f.dates[i-1])
			}
			sess.PrevClose[s.sym] = price(r.c)
		}
		h.Sessions = append(h.Sessions, sess)
	}
	g.Header = h

	type item struct {
		t    time.Time
		rank int // 0 daily bar, 1 event, 2 minute bar
		sym  int
		seq  int
		rec  snapshots.Record
	}
	evs := f.events
	paths := map[string]*dayPath{} // sym+" "+day
	items := make([]item, 0, len(symbolTable)*(len(f.dates)+len(SessionDays)*sessionMinutes)+len(evs))
	for si, s := range symbolTable {
		for di, date := range f.dates {
			r, ok := f.row(s.sym, date)
			if !ok {
				return nil, fmt.Errorf("%s: no daily bar for %s", s.sym, date)
			}
			t, _ := dateAt(date, 0, 0)
			items = append(items, item{t, 0, si, di, snapshots.BarRecord(snapshots.Bar{
				Time: t, Symbol: s.sym, Interval: "1d",
				Open: price(r.o), High: price(r.h), Low: price(r.l), Close: price(r.c), Volume: r.vol,
			})})
		}
		for _, day := range SessionDays {
			p, err := f.plan(s, day)
			if err != nil {
				return nil, err
			}
			dp, err := buildPath(s.sym, day, p, s.noVolume)
			if err != nil {
				return nil, err
			}
			if dp.proxy != "" {
				g.Proxies[s.sym+" "+day] = dp.proxy
			}
			paths[s.sym+" "+day] = dp
			start, _ := dateAt(day, 9, 30)
			for i, b := range dp.bars {
				t := start.Add(time.Duration(i) * time.Minute)
				items = append(items, item{t, 2, si, 0, snapshots.BarRecord(snapshots.Bar{
					Time: t, Symbol: s.sym, Interval: "1m",
					Open: price(b.o), High: price(b.h), Low: price(b.l), Close: price(b.c), Volume: b.vol,
				})})
			}
		}
	}
	if err := f.checkQuotes(paths); err != nil {
		return nil, err
	}
	for i, s := range symbolTable {
		donors := map[string]string{}
		for _, day := range SessionDays {
			donors[day] = paths[s.sym+" "+day].proxy
		}
		g.Header.Symbols[i].Notes = f.notes(s, donors)
	}
	for i, e := range evs {
		items = append(items, item{e.Time, 1, 0, i, snapshots.EventRecord(e)})
	}
	// (time, rank, symbol, seq) is a total order, so the result does not
	// depend on the sort algorithm. Sort indices: items are large.
	order := make([]int32, len(items))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		x, y := &items[a], &items[b]
		if c := x.t.Compare(y.t); c != 0 {
			return c
		}
		if x.rank != y.rank {
			return x.rank - y.rank
		}
		if x.sym != y.sym {
			return x.sym - y.sym
		}
		return x.seq - y.seq
	})
	g.Records = make([]snapshots.Record, len(items))
	for i, k := range order {
		g.Records[i] = items[k].rec
	}
	return g, nil
}

// Write generates the snapshot and writes it, gzip-compressed, to w. The
// bytes are the same on every run.
func Write(w io.Writer) error {
	g, err := Generate()
	if err != nil {
		return err
	}
	return g.Write(w)
}

// Write encodes g as a gzip snapshot. The background flusher is off so that
// gzip flush points, and hence the bytes, do not depend on timing.
func (g *Generated) Write(w io.Writer) error {
	sw, err := snapshots.NewWriter(w, g.Header, snapshots.WriteOptions{Gzip: true, FlushEvery: -1})
	if err != nil {
		return err
	}
	for _, r := range g.Records {
		if err := sw.Write(r); err != nil {
			sw.Close()
			return err
		}
	}
	return sw.Close()
}

// Bytes returns the encoded snapshot.
func Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// describeProxies lists the borrowed shapes in a fixed order (for logs).
func (g *Generated) describeProxies() string {
	keys := make([]string, 0, len(g.Proxies))
	for k := range g.Proxies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s <- %s\n", k, g.Proxies[k])
	}
	return b.String()
}
