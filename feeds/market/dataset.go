package market

import (
	"errors"
	"fmt"
	"slices"
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

// Symbols returns the instruments, in header order. Do not modify.
func (d *Dataset) Symbols() []snapshots.Symbol { return d.st.Load().symbols }

// Events returns the timeline sorted by placement (snapshots.Placement).
// Do not modify.
func (d *Dataset) Events() []snapshots.Event { return d.st.Load().events }

// placed is the instant event i is placed at.
func (st *state) placed(i int) time.Time { return snapshots.Placement(st.events[i], st.sessions) }

// Title is the snapshot's title.
func (d *Dataset) Title() string { return d.st.Load().title }

// Provenance says where the prices came from.
func (d *Dataset) Provenance() snapshots.Provenance { return d.st.Load().prov }

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
