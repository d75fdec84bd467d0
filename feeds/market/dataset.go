package market

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Dataset is the decoded market data of one snapshot (or of a live feed),
// indexed for fast random access. It is built once and shared read-only by
// any number of replays: At never copies bar arrays, it hands out prefix
// slices of the shared ones.
//
// A Dataset may grow: Append adds records (the live Yahoo source backfills
// chart bars and adds polled quotes). Growth is copy-on-write of small
// headers plus append-only arrays, so frames built earlier keep seeing
// exactly what they saw, and readers never take a lock.
//
// Bars derived from quotes: for each symbol, a regular-session minute
// (open <= minute start < close) with quotes and no recorded intraday bar
// overlapping it (no bar shown: see resolveBars) gets a 1-minute bar made
// from those quotes: open the minute's first quote price, high and low the
// highest and lowest, close the last, volume the last quote's cumulative day
// volume minus that of the quote before the minute (the same date; without
// one, the minute's first quote), never negative. It is the same rule
// whether the quotes came from a file (NewDataset) or one by one (Append),
// so a live dataset and the replay of its recording give the same frames.
// Such a bar is revealed like a recorded one, complete at the minute's end,
// except that its open is known when its first quote was observed, not at
// the minute's start: a frame never shows a price before it was seen.
type Dataset struct {
	source     string
	staleAfter time.Duration

	mu sync.Mutex // serialises writers (Append, AddSession)
	st atomic.Pointer[state]
}

// Option configures a Dataset.
type Option func(*Dataset)

// WithSource sets the Quote.Source name of frames ("replay" by default).
func WithSource(name string) Option { return func(d *Dataset) { d.source = name } }

// WithStaleAfter sets how old a symbol's last observation may get during the
// regular session before its quote is marked Stale (default 10 minutes;
// 0 disables).
func WithStaleAfter(dur time.Duration) Option { return func(d *Dataset) { d.staleAfter = dur } }

// DefaultStaleAfter is the default of WithStaleAfter.
const DefaultStaleAfter = 10 * time.Minute

// state is one immutable version of the dataset.
type state struct {
	title    string
	source   string // the header's source: how and from what the file was made
	prov     snapshots.Provenance
	mainDay  string
	symbols  []snapshots.Symbol
	index    map[string]int // symbol -> position; never modified after build
	sessions []snapshots.Session
	sess     []sessTimes // index-aligned with sessions
	series   []*series   // index-aligned with symbols
	events   []snapshots.Event
	// w is the latest instant the data reaches (the latest quote time or
	// intraday bar end; minInt64 when none). A symbol's derived bar whose
	// minute ends after w may still grow: it is kept out of the shared
	// arrays (series.tail) so that appending in time order stays cheap.
	w int64
}

type sessTimes struct {
	day   int64 // 00:00 of the date, exchange time (unix ns)
	next  int64 // 00:00 of the next date
	pre   int64 // 04:00
	open  int64
	close int64
	post  int64 // 20:00
}

// series is everything known about one symbol, in time order. The arrays
// are only ever appended to in place; any other change makes new arrays.
type series struct {
	bars []snapshots.Bar // intraday bars (any interval but 1d), by start time
	// start is when the bar's open is known (unix ns): its start, or for a
	// bar derived from quotes the time of its first quote (never earlier
	// than observed). Sorted like the bars.
	start []int64
	end   []int64 // bar end (unix ns): when the bar is complete
	// Running regular-session statistics over the bars of the same exchange
	// date up to and including i (hi/lo 0 and vol 0 when none yet).
	rhi, rlo []float64
	rvol     []int64
	ropen    []float64 // the date's first regular bar open up to i (0: none)
	preg     []int32   // index of the last regular-session bar at or before i (-1: none)

	daily    []snapshots.Bar // "1d" bars by date
	dOpen    []int64         // when the daily open is known (session open)
	dEnd     []int64         // when the daily bar is complete (session close)
	quotes   []snapshots.Quote
	qt       []int64
	qhi, qlo []float64 // running regular-hours high/low of the quote's date
	qreg     []int32   // index of the last regular-hours quote at or before i (-1: none)

	// drv is index-aligned with bars: the bar was derived from quotes (a
	// regular-session minute with quotes and no recorded bar), not recorded.
	drv []bool
	// hidden are the recorded intraday bars that the overlap rule (see
	// resolveBars) leaves out, sorted by start. They are kept because a
	// later record may bring them back (a shorter bar replacing the one that
	// hid them), so that the result never depends on which records had
	// arrived when. Never modified in place: a new version gets new arrays.
	hidden []snapshots.Bar
	// tail is the symbol's latest derived bar while its minute may still get
	// quotes (it ends after the dataset's w). It is not in bars: it follows
	// every bar there, and readers treat it as bars[len(bars)]. Changing it
	// changes only this per-version header, never a shared array.
	tail     snapshots.Bar
	hasTail  bool
	tailM    int64 // tail minute start (unix ns)
	tailS    int64 // when its open is known: its first quote's time
	tailReg  bool  // regularBar(tailS), as for a bar in the arrays
	tailE    int64 // tail end
	tailBase int64 // cumulative volume the tail's volume is counted from
}

// ErrUnknownSymbol is returned by Append for a symbol the header does not list.
var ErrUnknownSymbol = errors.New("symbol not in the dataset")

// NewDataset indexes a decoded snapshot. The snapshot is not modified and
// need not be kept: the dataset holds its own arrays.
func NewDataset(s *snapshots.Snapshot, opts ...Option) (*Dataset, error) {
	if s == nil {
		return nil, errors.New("market: nil snapshot")
	}
	d := &Dataset{source: "replay", staleAfter: DefaultStaleAfter}
	for _, o := range opts {
		o(d)
	}
	h := s.Header
	st := &state{
		title:   h.Title,
		source:  h.Source,
		prov:    h.Provenance,
		mainDay: h.MainDay,
		symbols: slices.Clone(h.Symbols),
		index:   make(map[string]int, len(h.Symbols)),
		w:       minInt64,
	}
	for i, sym := range st.symbols {
		if _, dup := st.index[sym.Symbol]; dup {
			return nil, fmt.Errorf("market: symbol %s listed twice", sym.Symbol)
		}
		st.index[sym.Symbol] = i
	}
	sessions := slices.Clone(h.Sessions)
	// Weekdays with intraday data but no session in the header get a default
	// 09:30-16:00 session, so that state and day statistics work.
	seen := map[string]bool{}
	for _, x := range sessions {
		seen[x.Date] = true
	}
	addDate := func(t time.Time) {
		day := t.In(snapshots.Location()).Format(time.DateOnly)
		if !seen[day] && !weekend(t) {
			seen[day] = true
			sessions = append(sessions, defaultSession(day))
		}
	}
	for _, b := range s.Bars {
		if b.Interval != "1d" {
			addDate(b.Time)
		}
	}
	for _, q := range s.Quotes {
		addDate(q.Time)
	}
	st.setSessions(sessions)

	perSym := make([][]snapshots.Bar, len(st.symbols))
	perDaily := make([][]snapshots.Bar, len(st.symbols))
	perQuote := make([][]snapshots.Quote, len(st.symbols))
	for _, b := range s.Bars {
		i, ok := st.index[b.Symbol]
		if !ok {
			continue // the reader rejects these; be lenient here too
		}
		if b.Interval == "1d" {
			perDaily[i] = append(perDaily[i], b)
		} else {
			perSym[i] = append(perSym[i], b)
			st.w = max(st.w, b.End().UnixNano())
		}
	}
	for _, q := range s.Quotes {
		if i, ok := st.index[q.Symbol]; ok {
			perQuote[i] = append(perQuote[i], q)
			st.w = max(st.w, q.Time.UnixNano())
		}
	}
	st.series = make([]*series, len(st.symbols))
	for i := range st.symbols {
		st.series[i] = st.buildSeries(perSym[i], perDaily[i], perQuote[i])
		// a file is complete: its last derived bars go in the arrays too,
		// so that every frame shares them (appending into their minute
		// later costs a rebuild of the symbol, once per quote)
		st.settleTail(st.series[i])
	}
	st.events = slices.Clone(s.Events)
	snapshots.SortEvents(st.events, st.sessions) // by placement: the one rule of chart, timeline and [ ]
	d.st.Store(st)
	return d, nil
}

// weekend reports whether t falls on a Saturday or Sunday, exchange time:
// data stamped then (a poll on a Sunday) gets no default session.
func weekend(t time.Time) bool {
	wd := t.In(snapshots.Location()).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func defaultSession(day string) snapshots.Session {
	loc := snapshots.Location()
	t, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return snapshots.Session{Date: day}
	}
	return snapshots.Session{
		Date:  day,
		Open:  time.Date(t.Year(), t.Month(), t.Day(), 9, 30, 0, 0, loc),
		Close: time.Date(t.Year(), t.Month(), t.Day(), 16, 0, 0, 0, loc),
	}
}

func (st *state) setSessions(sessions []snapshots.Session) {
	sort.SliceStable(sessions, func(a, b int) bool { return sessions[a].Date < sessions[b].Date })
	st.sessions = sessions
	st.sess = make([]sessTimes, len(sessions))
	loc := snapshots.Location()
	for i, x := range sessions {
		t, err := time.ParseInLocation(time.DateOnly, x.Date, loc)
		if err != nil {
			t = x.Open.In(loc)
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		}
		y, m, dd := t.Date()
		open, cls := x.Open, x.Close
		if open.IsZero() {
			open = time.Date(y, m, dd, 9, 30, 0, 0, loc)
		}
		if cls.IsZero() {
			cls = time.Date(y, m, dd, 16, 0, 0, 0, loc)
		}
		st.sess[i] = sessTimes{
			day:   t.UnixNano(),
			next:  time.Date(y, m, dd+1, 0, 0, 0, 0, loc).UnixNano(),
			pre:   time.Date(y, m, dd, 4, 0, 0, 0, loc).UnixNano(),
			open:  open.UnixNano(),
			close: cls.UnixNano(),
			post:  time.Date(y, m, dd, 20, 0, 0, 0, loc).UnixNano(),
		}
	}
}

// dayOf returns the index of the session whose date contains ns, or -1.
func (st *state) dayOf(ns int64) int {
	i := sort.Search(len(st.sess), func(i int) bool { return st.sess[i].next > ns })
	if i < len(st.sess) && st.sess[i].day <= ns {
		return i
	}
	return -1
}

// sessionAtOrBefore returns the latest session whose date is on or before
// the date of ns, or -1.
func (st *state) sessionAtOrBefore(ns int64) int {
	return sort.Search(len(st.sess), func(i int) bool { return st.sess[i].day > ns }) - 1
}

// regularBar reports whether a bar starting at ns belongs to a regular
// session: open <= start < close.
func (st *state) regularBar(ns int64) bool {
	i := st.dayOf(ns)
	return i >= 0 && ns >= st.sess[i].open && ns < st.sess[i].close
}

// buildSeries makes a series from unsorted-safe inputs (they are sorted
// here). bars are the recorded intraday bars only: the derived ones are
// made here from the quotes.
func (st *state) buildSeries(bars, daily []snapshots.Bar, quotes []snapshots.Quote) *series {
	sr := &series{}
	sort.SliceStable(daily, func(a, b int) bool { return daily[a].Time.Before(daily[b].Time) })
	sort.SliceStable(quotes, func(a, b int) bool { return quotes[a].Time.Before(quotes[b].Time) })
	bars, sr.hidden = resolveBars(bars)
	// a later daily bar of the same date replaces an earlier one
	daily = dedupe(daily)
	der := st.derive(bars, quotes)
	// the latest derived bar stays open to change while its minute ends
	// after everything the dataset holds
	if k := len(der) - 1; k >= 0 && der[k].end > st.w &&
		(len(bars) == 0 || bars[len(bars)-1].Time.UnixNano() < der[k].m) {
		d := der[k]
		sr.tail, sr.tailM, sr.tailS, sr.tailE, sr.tailBase, sr.hasTail = d.bar, d.m, d.open, d.end, d.base, true
		sr.tailReg = st.regularBar(d.open)
		der = der[:k]
	}
	n := len(bars) + len(der)
	all, opens := bars, []int64(nil)
	sr.drv = make([]bool, n, n+1)
	if len(der) > 0 {
		all = make([]snapshots.Bar, 0, n)
		opens = make([]int64, 0, n)
		sr.drv = sr.drv[:0]
	}
	for i, j := 0, 0; len(der) > 0 && (i < len(bars) || j < len(der)); {
		if j == len(der) || (i < len(bars) && bars[i].Time.UnixNano() < der[j].m) {
			all = append(all, bars[i])
			opens = append(opens, bars[i].Time.UnixNano())
			sr.drv = append(sr.drv, false)
			i++
		} else {
			all = append(all, der[j].bar)
			opens = append(opens, der[j].open)
			sr.drv = append(sr.drv, true)
			j++
		}
	}
	sr.bars = all[:n:n]
	sr.start = make([]int64, 0, n)
	sr.end = make([]int64, 0, n)
	sr.rhi = make([]float64, 0, n)
	sr.rlo = make([]float64, 0, n)
	sr.rvol = make([]int64, 0, n)
	sr.ropen = make([]float64, 0, n)
	sr.preg = make([]int32, 0, n)
	for i := range all {
		if opens != nil {
			st.extendBar(sr, i, opens[i])
		} else {
			st.extendBar(sr, i, all[i].Time.UnixNano())
		}
	}
	sr.daily = daily[:len(daily):len(daily)]
	for i := range daily {
		st.extendDaily(sr, i)
	}
	sr.quotes = quotes[:len(quotes):len(quotes)]
	for i := range quotes {
		st.extendQuote(sr, i)
	}
	return sr
}

// derivedBar is a 1-minute bar made from quotes: minute start m, first
// quote time open, end, and the cumulative volume its volume counts from.
type derivedBar struct {
	bar          snapshots.Bar
	m, open, end int64
	base         int64
}

// derive makes the 1-minute bars of the regular-session minutes that have
// quotes and no recorded bar (recorded: sorted, non-overlapping): open is
// the minute's first quote price, high and low the highest and lowest,
// close the last; volume is the last quote's cumulative day volume minus
// the one before the minute (the previous quote of the same date; without
// one, the minute's first quote), never negative.
func (st *state) derive(recorded []snapshots.Bar, quotes []snapshots.Quote) []derivedBar {
	var out []derivedBar
	for i := 0; i < len(quotes); {
		m := minuteOf(quotes[i].Time.UnixNano())
		e := m + int64(time.Minute)
		j := i + 1
		for j < len(quotes) && quotes[j].Time.UnixNano() < e {
			j++
		}
		if st.regularBar(m) && !coveredBy(recorded, m, e) {
			base := quotes[i].Volume
			if i > 0 && sameDay(quotes[i-1].Time.UnixNano(), m) {
				base = quotes[i-1].Volume
			}
			d := derivedBar{bar: newDerived(quotes[i], m, base), m: m, open: quotes[i].Time.UnixNano(), end: e, base: base}
			for _, q := range quotes[i+1 : j] {
				growDerived(&d.bar, q, base)
			}
			out = append(out, d)
		}
		i = j
	}
	return out
}

// minuteOf is the start of the minute holding ns.
func minuteOf(ns int64) int64 {
	m := ns - ns%int64(time.Minute)
	if ns < 0 && ns%int64(time.Minute) != 0 {
		m -= int64(time.Minute)
	}
	return m
}

// coveredBy reports whether a bar of bars (sorted, non-overlapping)
// overlaps [s, e).
func coveredBy(bars []snapshots.Bar, s, e int64) bool {
	k := sort.Search(len(bars), func(i int) bool { return bars[i].Time.UnixNano() >= e }) - 1
	return k >= 0 && bars[k].End().UnixNano() > s
}

// newDerived starts the derived bar of minute m with its first quote.
func newDerived(q snapshots.Quote, m, base int64) snapshots.Bar {
	return snapshots.Bar{Time: time.Unix(0, m).In(snapshots.Location()), Symbol: q.Symbol, Interval: "1m",
		Open: q.Price, High: q.Price, Low: q.Price, Close: q.Price, Volume: max(0, q.Volume-base)}
}

// growDerived adds a later quote of the same minute to a derived bar.
func growDerived(b *snapshots.Bar, q snapshots.Quote, base int64) {
	b.High = max(b.High, q.Price)
	b.Low = min(b.Low, q.Price)
	b.Close = q.Price
	b.Volume = max(0, q.Volume-base)
}

// extendBar appends the derived values for sr.bars[i] (i == len(sr.start)),
// whose open is known at s.
func (st *state) extendBar(sr *series, i int, s int64) {
	b := sr.bars[i]
	e := b.End().UnixNano()
	sr.start = append(sr.start, s)
	sr.end = append(sr.end, e)
	var hi, lo, open float64
	var vol int64
	if i > 0 && sameDay(sr.start[i-1], s) {
		hi, lo, vol, open = sr.rhi[i-1], sr.rlo[i-1], sr.rvol[i-1], sr.ropen[i-1]
	}
	preg := int32(-1)
	if i > 0 {
		preg = sr.preg[i-1]
	}
	if st.regularBar(s) {
		if open == 0 {
			open = b.Open
		}
		hi = maxPos(hi, b.High)
		lo = minPos(lo, b.Low)
		vol += b.Volume
		preg = int32(i)
	}
	sr.preg = append(sr.preg, preg)
	sr.rhi = append(sr.rhi, hi)
	sr.rlo = append(sr.rlo, lo)
	sr.rvol = append(sr.rvol, vol)
	sr.ropen = append(sr.ropen, open)
}

func (st *state) extendDaily(sr *series, i int) {
	b := sr.daily[i]
	t := b.Time.In(snapshots.Location())
	y, m, dd := t.Date()
	loc := snapshots.Location()
	open := time.Date(y, m, dd, 9, 30, 0, 0, loc).UnixNano()
	cls := time.Date(y, m, dd, 16, 0, 0, 0, loc).UnixNano()
	if k := st.dayOf(b.Time.UnixNano()); k >= 0 {
		open, cls = st.sess[k].open, st.sess[k].close
	}
	sr.dOpen = append(sr.dOpen, open)
	sr.dEnd = append(sr.dEnd, cls)
}

func (st *state) extendQuote(sr *series, i int) {
	q := sr.quotes[i]
	t := q.Time.UnixNano()
	sr.qt = append(sr.qt, t)
	var hi, lo float64
	if i > 0 && sameDay(sr.qt[i-1], t) {
		hi, lo = sr.qhi[i-1], sr.qlo[i-1]
	}
	qreg := int32(-1)
	if i > 0 {
		qreg = sr.qreg[i-1]
	}
	if st.quoteRegular(t, q.State) {
		hi = maxPos(hi, q.Price)
		lo = minPos(lo, q.Price)
		qreg = int32(i)
	}
	sr.qreg = append(sr.qreg, qreg)
	sr.qhi = append(sr.qhi, hi)
	sr.qlo = append(sr.qlo, lo)
}

// quoteRegular reports whether a quote observed at ns with the given state
// is a regular-session price: observed during a regular session [open,
// close], or stamped "regular" later on a session's date (the official
// closing price, which a feed reports a little after the bell).
func (st *state) quoteRegular(ns int64, state string) bool {
	i := st.dayOf(ns)
	if i < 0 || ns < st.sess[i].open {
		return false
	}
	return ns <= st.sess[i].close || state == snapshots.StateRegular
}

func sameDay(a, b int64) bool {
	loc := snapshots.Location()
	ta, tb := time.Unix(0, a).In(loc), time.Unix(0, b).In(loc)
	ya, ma, da := ta.Date()
	yb, mb, db := tb.Date()
	return ya == yb && ma == mb && da == db
}

func maxPos(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

func minPos(a, b float64) float64 {
	if b <= 0 {
		return a
	}
	if a <= 0 || b < a {
		return b
	}
	return a
}

// Append adds one record. Records may arrive in any order; appending in time
// order is the cheap case (a quote then updates its symbol's forming
// derived bar, held in the new version's small header). Which intraday bars
// a symbol shows is the rule of resolveBars, the same as NewDataset's: a
// bar with the same start and interval as an earlier one replaces it; of
// overlapping bars the one starting first (at equal starts, the shorter)
// is shown and the others are hidden, but kept, so the outcome does not
// depend on the order the records arrive in. A daily bar of the same date
// as an earlier one replaces it. A recorded bar replaces the bar derived
// from quotes for the minutes it covers. Frames built before the call are not affected.
// Safe for concurrent use with At and with other Appends. Records with an
// unknown symbol or kind are skipped and reported in the error.
func (d *Dataset) Append(rec snapshots.Record) error {
	return d.AppendAll([]snapshots.Record{rec})
}

// AppendAll adds several records under one new version of the dataset (a
// backfill of chart bars, say). Out-of-order records cost one merge per
// symbol per call, not one per record.
func (d *Dataset) AppendAll(recs []snapshots.Record) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.st.Load()
	st := *old // shallow copy: arrays are shared, headers are ours
	st.series = slices.Clone(old.series)
	var errs []error
	// new dates get a default session first (that rebuilds every series)
	for _, rec := range recs {
		var day time.Time
		switch {
		case rec.Kind == snapshots.RecQuote:
			day = rec.Quote.Time
		case rec.Kind == snapshots.RecBar && rec.Bar.Interval != "1d":
			day = rec.Bar.Time
		}
		if !day.IsZero() && !weekend(day) && st.dayOf(day.UnixNano()) < 0 {
			st.addSessionLocked(defaultSession(day.In(snapshots.Location()).Format(time.DateOnly)))
		}
	}
	owned := make([]bool, len(st.series))
	var pending map[int]*merge
	for _, rec := range recs {
		if err := st.apply(rec, owned, &pending); err != nil {
			errs = append(errs, err)
		}
	}
	for i, m := range pending {
		sr := st.series[i]
		bars := append(sr.recorded(), m.bars...) // arrival order: the batch last
		daily := append(slices.Clone(sr.daily), m.daily...)
		quotes := append(slices.Clone(sr.quotes), m.quotes...)
		st.series[i] = st.buildSeries(bars, daily, quotes)
		owned[i] = true
	}
	// derived bars whose minute is now behind the data cannot grow any more
	for i, sr := range st.series {
		if sr.hasTail && sr.tailE <= st.w {
			if !owned[i] {
				cp := *sr
				st.series[i] = &cp
				owned[i] = true
			}
			st.settleTail(st.series[i])
		}
	}
	d.st.Store(&st)
	return errors.Join(errs...)
}

// recorded returns a new slice of every recorded (not derived) intraday bar
// the series holds, the hidden ones included. No two have the same start
// and end, so their order does not matter to resolveBars.
func (sr *series) recorded() []snapshots.Bar {
	out := make([]snapshots.Bar, 0, len(sr.bars)+len(sr.hidden))
	for i, b := range sr.bars {
		if !sr.drv[i] {
			out = append(out, b)
		}
	}
	return append(out, sr.hidden...)
}

// settleTail moves the tail into the bar arrays (appending in place: the
// slots past the old length are seen by no earlier version).
func (st *state) settleTail(sr *series) {
	if !sr.hasTail {
		return
	}
	sr.bars = append(sr.bars, sr.tail)
	sr.drv = append(sr.drv, true)
	st.extendBar(sr, len(sr.bars)-1, sr.tailS)
	sr.tail, sr.hasTail = snapshots.Bar{}, false
}

// merge collects one symbol's out-of-order records of a batch.
type merge struct {
	bars, daily []snapshots.Bar
	quotes      []snapshots.Quote
}

func (m *merge) add(rec snapshots.Record) {
	switch {
	case rec.Kind == snapshots.RecQuote:
		m.quotes = append(m.quotes, rec.Quote)
	case rec.Bar.Interval == "1d":
		m.daily = append(m.daily, rec.Bar)
	default:
		m.bars = append(m.bars, rec.Bar)
	}
}

func (st *state) apply(rec snapshots.Record, owned []bool, pending *map[int]*merge) error {
	var sym string
	switch rec.Kind {
	case snapshots.RecBar:
		sym = rec.Bar.Symbol
	case snapshots.RecQuote:
		sym = rec.Quote.Symbol
	case snapshots.RecEvent:
		ev := rec.Event
		at := snapshots.Placement(ev, st.sessions)
		i := sort.Search(len(st.events), func(i int) bool { return st.placed(i).After(at) })
		if i == len(st.events) {
			st.events = append(st.events[:len(st.events):len(st.events)], ev)
		} else {
			evs := make([]snapshots.Event, 0, len(st.events)+1)
			evs = append(append(append(evs, st.events[:i]...), ev), st.events[i:]...)
			st.events = evs
		}
		return nil
	default:
		return fmt.Errorf("market: unknown record kind %q", rec.Kind)
	}
	i, ok := st.index[sym]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownSymbol, sym)
	}
	if t := rec.Time(); t.IsZero() {
		return fmt.Errorf("market: %s record for %s without time", rec.Kind, sym)
	}
	if rec.Kind == snapshots.RecBar && rec.Bar.Interval != "1d" {
		if _, err := snapshots.ParseInterval(rec.Bar.Interval); err != nil {
			return fmt.Errorf("market: bar for %s: %w", sym, err)
		}
	}
	if m := (*pending)[i]; m != nil {
		// this symbol is being merged: everything else goes with it
		m.add(rec)
		st.see(rec)
		return nil
	}
	if !owned[i] {
		cp := *st.series[i]
		st.series[i] = &cp
		owned[i] = true
	}
	sr := st.series[i]
	switch {
	case rec.Kind == snapshots.RecQuote:
		t := rec.Quote.Time.UnixNano()
		n := len(sr.qt)
		if n > 0 && sr.qt[n-1] > t {
			break // out of order: merge
		}
		plan := st.planQuote(sr, t)
		if plan == planMerge {
			break
		}
		base := rec.Quote.Volume
		if n > 0 && sameDay(sr.qt[n-1], minuteOf(t)) {
			base = sr.quotes[n-1].Volume
		}
		sr.quotes = append(sr.quotes, rec.Quote)
		st.extendQuote(sr, n)
		switch plan {
		case planGrow:
			growDerived(&sr.tail, rec.Quote, sr.tailBase)
		case planNewTail:
			st.settleTail(sr)
			m := minuteOf(t)
			sr.tail, sr.tailM, sr.tailS, sr.tailE, sr.tailBase, sr.hasTail = newDerived(rec.Quote, m, base), m, t, m+int64(time.Minute), base, true
			sr.tailReg = st.regularBar(t)
		}
		st.see(rec)
		return nil
	case rec.Bar.Interval == "1d":
		if n := len(sr.daily); n == 0 || sr.daily[n-1].Time.Before(rec.Bar.Time) {
			sr.daily = append(sr.daily, rec.Bar)
			st.extendDaily(sr, len(sr.daily)-1)
			return nil
		}
	default:
		s := rec.Bar.Time.UnixNano()
		if sr.hasTail && s < sr.tailE {
			break // it may cover the tail's minute: merge
		}
		if n := len(sr.start); n == 0 || sr.end[n-1] <= s {
			st.settleTail(sr)
			sr.bars = append(sr.bars, rec.Bar)
			sr.drv = append(sr.drv, false)
			st.extendBar(sr, len(sr.bars)-1, s)
			st.see(rec)
			return nil
		}
	}
	if *pending == nil {
		*pending = make(map[int]*merge)
	}
	m := &merge{}
	m.add(rec)
	(*pending)[i] = m
	st.see(rec)
	return nil
}

// see moves the data's reach w to cover an accepted record.
func (st *state) see(rec snapshots.Record) {
	switch {
	case rec.Kind == snapshots.RecQuote:
		st.w = max(st.w, rec.Quote.Time.UnixNano())
	case rec.Kind == snapshots.RecBar && rec.Bar.Interval != "1d":
		st.w = max(st.w, rec.Bar.End().UnixNano())
	}
}

// What a quote appended in time order does to the derived bars.
const (
	planNone    = iota // no derived bar (not a regular minute, or a recorded bar covers it)
	planGrow           // it joins the tail
	planNewTail        // it starts a new tail (after settling the old one)
	planMerge          // the bars before it must be rebuilt
)

// planQuote says what a quote at ns (not before the series' last quote)
// does to the derived bars.
func (st *state) planQuote(sr *series, ns int64) int {
	m := minuteOf(ns)
	if !st.regularBar(m) {
		return planNone
	}
	if sr.hasTail {
		if sr.tailM == m {
			return planGrow
		}
		// the tail is an earlier minute (quotes come in time order), and
		// every bar in the arrays comes before the tail
		return planNewTail
	}
	e := m + int64(time.Minute)
	k := sort.Search(len(sr.start), func(i int) bool { return sr.start[i] >= e }) - 1
	switch {
	case k >= 0 && sr.end[k] > m && sr.drv[k]:
		return planMerge // a settled derived bar of this minute would change
	case k >= 0 && sr.end[k] > m:
		return planNone // a recorded bar has this minute
	case k < len(sr.start)-1:
		return planMerge // a bar after this minute: the new one goes in between
	}
	return planNewTail
}

// resolveBars decides which of a symbol's recorded intraday bars are shown
// (used: sorted by start, none overlapping another, so that what is known
// at t is a prefix of the array) and which are hidden. bars are in arrival
// order (file order, then append order); the rule depends on that order
// only to replace a bar by a later one with the same start and interval:
//
//  1. Of bars with the same start and the same end (the same interval: a
//     forming live bar sent again), the last to arrive is the bar.
//  2. The rest are taken in (start, end) order, and a bar is used when it
//     starts at or after the end of the last used bar; otherwise it is
//     hidden. So of overlapping bars the one starting first wins, and at
//     equal starts the shorter one (a 1m bar over a 5m bar).
//
// Hidden bars stay in the series: a later record can change which bars are
// used (a 1m bar at the start of a 5m bar that hid later 1m bars), and the
// result is the same whether the records came in one file, one batch or one
// by one, in any order. bars is reordered; used aliases it, hidden is new.
func resolveBars(bars []snapshots.Bar) (used, hidden []snapshots.Bar) {
	if len(bars) == 0 {
		return bars, nil
	}
	type key struct{ s, e int64 }
	keys := make([]key, len(bars))
	sorted := true
	for i, b := range bars {
		keys[i] = key{b.Time.UnixNano(), b.End().UnixNano()}
		if i > 0 && (keys[i].s < keys[i-1].s || keys[i].s == keys[i-1].s && keys[i].e < keys[i-1].e) {
			sorted = false
		}
	}
	if !sorted { // stable: equal keys stay in arrival order
		perm := make([]int, len(bars))
		for i := range perm {
			perm[i] = i
		}
		slices.SortStableFunc(perm, func(a, b int) int {
			if c := cmp.Compare(keys[a].s, keys[b].s); c != 0 {
				return c
			}
			return cmp.Compare(keys[a].e, keys[b].e)
		})
		sb, sk := make([]snapshots.Bar, len(bars)), make([]key, len(bars))
		for i, j := range perm {
			sb[i], sk[i] = bars[j], keys[j]
		}
		copy(bars, sb)
		keys = sk
	}
	used = bars[:0]
	var end int64
	for i, b := range bars {
		k := keys[i]
		if i+1 < len(bars) && keys[i+1] == k {
			continue // replaced by a later arrival
		}
		if len(used) > 0 && k.s < end {
			hidden = append(hidden, b)
			continue
		}
		used = append(used, b)
		end = k.e
	}
	return used, hidden
}

// dedupe keeps the last of daily bars with the same start (bars are sorted
// stably, so the last is the most recently added).
func dedupe(bars []snapshots.Bar) []snapshots.Bar {
	out := bars[:0]
	for i, b := range bars {
		if i+1 < len(bars) && bars[i+1].Time.Equal(b.Time) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// AddSession adds a trading session (or replaces the one with the same
// date). The live source uses it for today's session and its previous
// closes.
func (d *Dataset) AddSession(s snapshots.Session) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.st.Load()
	st := *old
	st.addSessionLocked(s)
	d.st.Store(&st)
}

// addSessionLocked installs a new session list and rebuilds every series
// (their derived values depend on the sessions).
func (st *state) addSessionLocked(s snapshots.Session) {
	sessions := slices.Clone(st.sessions)
	replaced := false
	for i := range sessions {
		if sessions[i].Date == s.Date {
			sessions[i] = s
			replaced = true
		}
	}
	if !replaced {
		sessions = append(sessions, s)
	}
	st.setSessions(sessions)
	// a session's close places date-only and afternoon events: sort again
	st.events = slices.Clone(st.events)
	snapshots.SortEvents(st.events, st.sessions)
	ser := make([]*series, len(st.series))
	for i, sr := range st.series {
		ser[i] = st.buildSeries(sr.recorded(), slices.Clone(sr.daily), slices.Clone(sr.quotes))
	}
	st.series = ser
}

// Symbols returns the instruments, in header order. Do not modify.
func (d *Dataset) Symbols() []snapshots.Symbol { return d.st.Load().symbols }

// Sessions returns the trading sessions sorted by date. Do not modify.
func (d *Dataset) Sessions() []snapshots.Session { return d.st.Load().sessions }

// Events returns the timeline sorted by placement (snapshots.Placement).
// Do not modify.
func (d *Dataset) Events() []snapshots.Event { return d.st.Load().events }

// placed is the instant event i is placed at.
func (st *state) placed(i int) time.Time { return snapshots.Placement(st.events[i], st.sessions) }

// Title is the snapshot's title.
func (d *Dataset) Title() string { return d.st.Load().title }

// Provenance says where the prices came from.
func (d *Dataset) Provenance() snapshots.Provenance { return d.st.Load().prov }

// MainSession returns the index of the header's MainDay session (the first
// session when MainDay is empty or unknown), or -1 without sessions.
func (d *Dataset) MainSession() int {
	st := d.st.Load()
	if len(st.sessions) == 0 {
		return -1
	}
	for i, s := range st.sessions {
		if s.Date == st.mainDay {
			return i
		}
	}
	return 0
}

// SessionTimes returns the regular open and close of session i.
func (d *Dataset) SessionTimes(i int) (open, close time.Time, ok bool) {
	st := d.st.Load()
	if i < 0 || i >= len(st.sess) {
		return time.Time{}, time.Time{}, false
	}
	loc := snapshots.Location()
	return time.Unix(0, st.sess[i].open).In(loc), time.Unix(0, st.sess[i].close).In(loc), true
}

// SessionIndex returns the index of the session t belongs to: the latest
// session whose date is on or before t's exchange date (-1: none).
func (d *Dataset) SessionIndex(t time.Time) int {
	return d.st.Load().sessionAtOrBefore(t.UnixNano())
}

// Span returns the first and last instants at which something is observed
// (a bar opens or completes, a quote arrives). Daily bars count only on the
// header's sessions when it lists any: the others are context for the week
// chart, and a replay that played them would compare their closes with the
// last listed session's previous close. ok is false for an empty dataset.
func (d *Dataset) Span() (start, end time.Time, ok bool) {
	st := d.st.Load()
	lo, hi := int64(0), int64(0)
	first := true
	see := func(a, b int64) {
		if first {
			lo, hi, first = a, b, false
			return
		}
		lo, hi = min(lo, a), max(hi, b)
	}
	for _, sr := range st.series {
		if n := len(sr.start); n > 0 {
			see(sr.start[0], slices.Max(sr.end))
		}
		if sr.hasTail {
			see(sr.tailS, sr.tailE)
		}
		for k := range sr.dOpen {
			if len(st.sess) == 0 || st.dayOf(sr.daily[k].Time.UnixNano()) >= 0 {
				see(sr.dOpen[k], sr.dEnd[k])
			}
		}
		if n := len(sr.qt); n > 0 {
			see(sr.qt[0], sr.qt[n-1])
		}
	}
	if first {
		return time.Time{}, time.Time{}, false
	}
	loc := snapshots.Location()
	return time.Unix(0, lo).In(loc), time.Unix(0, hi).In(loc), true
}

// Len returns the number of intraday bars, daily bars and quotes held.
func (d *Dataset) Len() (bars, daily, quotes int) {
	for _, sr := range d.st.Load().series {
		bars += len(sr.bars)
		if sr.hasTail {
			bars++
		}
		daily += len(sr.daily)
		quotes += len(sr.quotes)
	}
	return
}
