package yahoo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// Live defaults.
const (
	DefaultInterval       = 5 * time.Second
	DefaultClosedInterval = time.Minute
	DefaultOfflineAfter   = 3
	// MinInterval is the shortest poll interval accepted: Yahoo rate-limits
	// clients that ask faster.
	MinInterval = time.Second
	// MaxFailWait caps the wait between polls that keep failing (each
	// failed poll doubles the wait, from the poll interval).
	MaxFailWait = 5 * time.Minute
	// StaleIntervals is how many poll intervals a quote may age before it
	// is marked stale.
	StaleIntervals = 3
	// LimitedInterval is the shortest poll interval while quotes are
	// limited (Yahoo refused the crumb) and prices come from one chart
	// request per symbol.
	LimitedInterval = 15 * time.Second
)

// minInterval is MinInterval; tests that run against the local fake lower it.
var minInterval = MinInterval

// Recorder receives every record the live source appends to its dataset,
// in time order, as soon as it is appended. *snapshots.Writer is one (it
// gets each record to disk within 2 seconds).
type Recorder interface {
	Write(snapshots.Record) error
}

// LiveOptions configures a Live source.
type LiveOptions struct {
	ID    string // source id (default "yahoo")
	Title string // frame title (default "Live · Yahoo Finance")
	// Symbols is the watchlist. Kind, name, groups, company and shares come
	// from here; Yahoo fills in what is empty and its share count (when it
	// sends one) replaces the configured one, except on a share class whose
	// company count is carried by another class.
	Symbols []snapshots.Symbol
	// KeepShares names the symbols whose share count in Symbols is the
	// user's (a config override): Yahoo's count never replaces it.
	KeepShares     map[string]bool
	Interval       time.Duration // poll interval while a market is open (default 5s)
	ClosedInterval time.Duration // poll interval while closed (default 1m)
	NoBackfill     bool          // skip the v8 1-minute backfill on start
	OfflineAfter   int           // failed polls in a row before "offline" (default 3)
	// Record, when set, is called once, when the first poll ends, with the
	// header of a recording (provenance recorded). The returned Recorder
	// then gets, once the backfill is in, the backfilled
	// chart bars and the first poll's quotes, in time order, and after that
	// each poll's new quotes as the poll ends: only observed data, nothing
	// held back (readers derive the 1-minute bars after the backfill from
	// the quotes, as the live dataset does). The caller owns and closes it
	// after Run returns.
	//
	// The header is written when the first poll ends (answered or not):
	// with the session when Yahoo answered, without one when it did not.
	Record func(snapshots.Header) (Recorder, error)
	// Annotate, when set with Record, is called with each frame the
	// source publishes; the events it returns (fired alerts, the basket's
	// new lows and highs: alert.Annotator) are written into the recording
	// with the records, so a recorded day replays already annotated. They
	// go to the file only: the live frames are not changed.
	Annotate func(*market.Frame) []snapshots.Event
	// Logf, when set, gets every change of the feed's state and every
	// error, one line each (for --log-file). Never the terminal.
	Logf func(format string, args ...any)
	// Stream, when set, pushes prices between polls (livestream.go).
	// While it is healthy the poll slows to StreamPollInterval (default
	// 30s); when it drops, polling alone carries on at Interval.
	Stream             Streamer
	StreamPollInterval time.Duration
}

// Live is the live Yahoo feeds.Source: it polls all symbols in one batched
// request per interval, backfills today's 1-minute chart on start, and
// publishes frames built by a market.Dataset (the same Frame type replay
// gives). Create with NewLive; run with Run or Start.
type Live struct {
	c     *Client
	clock feeds.Clock
	opt   LiveOptions
	hub   *feeds.Hub
	syms  []string

	mu        sync.Mutex
	ds        *market.Dataset
	symbols   []snapshots.Symbol
	started   bool
	session   snapshots.Session
	lastSeen  map[string]time.Time
	lastApp   map[string]snapshots.Quote
	early     []snapshots.Record // records appended before the recorder opened (the first poll's)
	rec       Recorder
	recording bool
	written   time.Time // time of the last record written
	closeDone map[string]bool
	recErr    error
	health    feeds.Health
	interval  time.Duration
	fails     int
	last      pollResult
	backErrs  []string
	// A backfill that failed for some symbols is tried again for them,
	// after 30 s, 1, 2, 4 and 8 min (then the errors stay on screen).
	backFailed []string
	backTries  int
	backRetry  time.Time
	seq        uint64
	stats      LiveStats
	// prefetched holds the full-day charts a limited poll fetched for the
	// session day, so the backfill does not ask again.
	prefetched    map[string]Chart
	prefetchedDay string
	stream        liveStream
}

// LiveStats counts what a live source did.
type LiveStats struct {
	Polls    int // polls attempted
	Failed   int // polls that ended with an error
	Requests int // quote requests sent by polls
	Charts   int // chart requests (backfill, and polls while quotes are limited)
	Limited  int // polls that took prices from the chart because Yahoo refused the crumb
	Appended int // records appended to the dataset
	Recorded int // records written to the recorder
	Late     int // records too late for the file's time order (kept live only; a clock stepping back)
	// BadFields counts quote fields left out because Yahoo sent them in a
	// shape that does not decode (each a missing value for one symbol).
	BadFields int
	Streamed  int // streamed prices taken (Stream)
}

// NewLive returns a live source for c. It publishes an empty frame at once
// (health "re-authenticating", detail "connecting").
func NewLive(c *Client, clock feeds.Clock, opt LiveOptions) (*Live, error) {
	if c == nil || clock == nil {
		return nil, errors.New("yahoo: live source needs a client and a clock")
	}
	if len(opt.Symbols) == 0 {
		return nil, errors.New("yahoo: live source needs at least one symbol")
	}
	if opt.ID == "" {
		opt.ID = "yahoo"
	}
	if opt.Title == "" {
		opt.Title = "Live · Yahoo Finance"
	}
	if opt.Interval <= 0 {
		opt.Interval = DefaultInterval
	}
	opt.Interval = max(opt.Interval, minInterval)
	if opt.ClosedInterval <= 0 {
		opt.ClosedInterval = DefaultClosedInterval
	}
	opt.ClosedInterval = max(opt.ClosedInterval, opt.Interval)
	if opt.StreamPollInterval <= 0 {
		opt.StreamPollInterval = DefaultStreamPollInterval
	}
	if opt.OfflineAfter <= 0 {
		opt.OfflineAfter = DefaultOfflineAfter
	}
	l := &Live{
		c: c, clock: clock, opt: opt, hub: feeds.NewHub(),
		symbols:   slices.Clone(opt.Symbols),
		lastSeen:  map[string]time.Time{},
		lastApp:   map[string]snapshots.Quote{},
		closeDone: map[string]bool{},
		interval:  opt.Interval,
		stream:    liveStream{wake: make(chan struct{}, 1)},
	}
	seen := map[string]bool{}
	for _, s := range l.symbols {
		if s.Symbol == "" || seen[s.Symbol] {
			return nil, fmt.Errorf("yahoo: symbol %q empty or listed twice", s.Symbol)
		}
		seen[s.Symbol] = true
		l.syms = append(l.syms, s.Symbol)
	}
	ds, err := l.newDataset()
	if err != nil {
		return nil, err
	}
	l.ds = ds
	l.health = feeds.Health{State: feeds.HealthReauth, Detail: "connecting to Yahoo"}
	l.mu.Lock()
	l.publishLocked()
	l.mu.Unlock()
	return l, nil
}

func (l *Live) newDataset() (*market.Dataset, error) {
	h := l.headerLocked(time.Time{})
	return market.NewDataset(&snapshots.Snapshot{Header: h}, market.WithSource("yahoo"), market.WithStaleAfter(0))
}

func (l *Live) headerLocked(created time.Time) snapshots.Header {
	h := snapshots.Header{
		Title:      l.opt.Title,
		Provenance: snapshots.Recorded,
		Source:     fmt.Sprintf("Yahoo Finance v7 quote (polled every %s) and v8 1-minute chart, recorded live by selloff; after the chart backfill only the polled quotes are recorded (readers derive 1-minute bars from them)", l.opt.Interval),
		TimeZone:   snapshots.ExchangeZone,
		Created:    created,
		Symbols:    slices.Clone(l.symbols),
	}
	if l.opt.Stream != nil {
		h.Source += fmt.Sprintf("; between polls (every %s while it is up) prices streamed by Yahoo's websocket are recorded as quotes too", l.opt.StreamPollInterval)
	}
	if l.session.Date != "" {
		h.MainDay = l.session.Date
		h.Sessions = []snapshots.Session{l.session}
	}
	return h
}

// ID returns the source id.
func (l *Live) ID() string { return l.opt.ID }

// Subscribe returns a channel with the latest update at once and every later
// one (coalesced for a slow reader); closed when ctx ends or Run returns.
func (l *Live) Subscribe(ctx context.Context) <-chan feeds.Update { return l.hub.Subscribe(ctx) }

// Dataset returns the live dataset (it grows while Run runs).
func (l *Live) Dataset() *market.Dataset {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ds
}

// Stats returns the counters.
func (l *Live) Stats() LiveStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.stats
	st.Streamed = l.stream.ticks
	return st
}

// Health returns the current health.
func (l *Live) Health() feeds.Health {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.health
}

// Flush asks the recorder to push what it has to disk, when it can
// (*snapshots.Writer can). Live itself holds no records back: each one
// goes to the recorder as it is appended.
func (l *Live) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f, ok := l.rec.(interface{ Flush() error }); ok && l.recording {
		return f.Flush()
	}
	return nil
}

// Start runs the source in a new goroutine until ctx ends.
func (l *Live) Start(ctx context.Context) { go l.Run(ctx) }

// Run polls until ctx ends, then closes the subscribers (the caller then
// closes the recorder).
func (l *Live) Run(ctx context.Context) error {
	l.c.Backend().SetNotify(l.onBackend)
	defer l.c.Backend().SetNotify(nil)
	defer l.hub.Close()
	defer func() {
		l.mu.Lock()
		if l.rec != nil && !l.recording && l.recErr == nil {
			// stopped before the backfill was in: what was observed is
			// still written (without the backfill's bars)
			l.recording = true
			early := l.early
			l.early = nil
			l.recordLocked(early)
		}
		h := l.health
		h.State = feeds.HealthStopped
		l.logHealthLocked(l.health, h)
		l.health = h
		l.publishLocked()
		l.mu.Unlock()
	}()
	if l.opt.Stream != nil {
		sctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); l.runStream(sctx) }()
		defer func() { stop(); <-done }()
	}
	for {
		wait := l.Poll(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.mu.Lock()
		wait = l.pollWaitLocked(wait)
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.clock.After(wait):
		case <-l.stream.wake: // the stream dropped: poll now
		}
	}
}

// onBackend shows a running cookie/crumb refresh.
func (l *Live) onBackend(st Status) {
	if !st.Reauth {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.health
	h.State = feeds.HealthReauth
	h.RetryAt = time.Time{}
	h.Detail = "re-authenticating with Yahoo (cookie and crumb)"
	l.logHealthLocked(l.health, h)
	l.health = h
	l.publishLocked()
}

// Poll does one poll, publishes, and returns how long to wait before the
// next. The first poll that returns quotes also sets up the session and
// then backfills the 1-minute charts (publishing before and after). Run
// calls it; call it by hand only when Run is not running (tests, tools).
func (l *Live) Poll(ctx context.Context) time.Duration {
	set, err := l.c.Quotes(ctx, l.syms)
	if ctx.Err() != nil {
		return 0
	}
	limited := false
	if err != nil && len(set.Quotes) == 0 && SessionRefused(err) {
		// Yahoo refused the cookie or the crumb: the quote endpoint is out
		// of reach until the handshake's back-off ends, the v8 chart is not.
		set, limited = l.chartPoll(ctx), true
		if ctx.Err() != nil {
			return 0
		}
	}
	now := l.clock.Now()
	l.mu.Lock()
	l.stats.Polls++
	l.stats.Requests += set.Requests
	backfill := false
	if !l.started && len(set.Quotes) > 0 {
		l.setupLocked(set, now)
		backfill = !l.opt.NoBackfill
		if !backfill {
			l.openRecorderLocked(now)
		}
	}
	// The file and its header exist from the end of the first poll,
	// answered or not (with the session when Yahoo answered); records
	// follow once the backfill is in, so they stay in time order.
	l.openFileLocked(now)
	if len(set.Quotes) > 0 {
		l.applyLocked(set, now)
	}
	// interval: slow when every answered symbol says the market is closed
	if len(set.Quotes) > 0 {
		closed, open := false, false
		for _, q := range set.Quotes {
			switch q.State {
			case snapshots.StateClosed:
				closed = true
			case snapshots.StatePre, snapshots.StateRegular, snapshots.StatePost:
				open = true
			}
		}
		l.interval = l.opt.Interval
		if closed && !open {
			l.interval = l.opt.ClosedInterval
		}
	}
	if err != nil && !limited {
		l.stats.Failed++
		l.fails++
	} else if err == nil {
		l.fails = 0
	}
	if limited {
		l.stats.Limited++
		if len(set.Quotes) > 0 {
			l.fails = 0
			l.interval = max(l.interval, LimitedInterval)
		}
	}
	l.stats.BadFields += len(set.BadFields)
	l.last = pollResult{err: err, got: len(set.Quotes), missing: set.Missing, bad: set.BadFields, at: now, limited: limited && len(set.Quotes) > 0}
	var retry []string
	if !backfill && err == nil {
		retry = l.backfillRetryLocked(now)
	}
	wait := l.setHealthLocked(backfill)
	l.publishLocked()
	l.mu.Unlock()

	if backfill {
		l.backfill(ctx, set, now, l.syms)
	} else if retry != nil {
		l.backfill(ctx, set, now, retry)
	}
	return wait
}

// quoteRecordsLocked returns the records a polled quote adds, if it says
// anything new: the regular price during the regular session; after the
// close, the official closing price once (when it is seen, with state
// "regular", so it counts as the session's last regular price) and from
// the next poll the post-market price; the pre-market price before the
// open; nothing while closed. Every record is stamped now, so none comes
// before a record already written.
func (l *Live) quoteRecordsLocked(q Quote, now time.Time) []snapshots.Quote {
	sess := l.session
	inRegular := !now.Before(sess.Open) && now.Before(sess.Close)
	if inRegular {
		if q.HasPrice && q.State == snapshots.StateRegular {
			return []snapshots.Quote{{Time: now, Symbol: q.Symbol, Price: q.Price, Volume: q.Volume, State: snapshots.StateRegular, Bid: q.Bid, Ask: q.Ask}}
		}
		return nil
	}
	var out []snapshots.Quote
	if q.HasPrice && !now.Before(sess.Close) && !l.closeDone[q.Symbol] &&
		!q.Time.Before(sess.Open) && !q.Time.After(sess.Close.Add(10*time.Minute)) && q.State != snapshots.StateRegular {
		l.closeDone[q.Symbol] = true
		// alone: an extended price stamped the same instant would not read
		// as newer than the close; the next poll brings it
		return []snapshots.Quote{{Time: now, Symbol: q.Symbol, Price: q.Price, Volume: q.Volume, State: snapshots.StateRegular}}
	}
	if q.HasExt && (q.ExtState == snapshots.StatePre || q.ExtState == snapshots.StatePost) && (q.State == snapshots.StatePre || q.State == snapshots.StatePost) {
		out = append(out, snapshots.Quote{Time: now, Symbol: q.Symbol, Price: q.ExtPrice, Volume: q.Volume, State: q.ExtState, Bid: q.Bid, Ask: q.Ask})
	}
	return out
}

// applyLocked appends what a poll learned to the dataset and the recorder.
func (l *Live) applyLocked(set QuoteSet, now time.Time) {
	l.maybeRollLocked(set, now)
	var recs []snapshots.Record
	for _, sym := range l.syms {
		q, ok := set.Quotes[sym]
		if !ok {
			continue
		}
		l.lastSeen[sym] = now
		for _, r := range l.quoteRecordsLocked(q, now) {
			prev, had := l.lastApp[sym]
			if had && prev.Price == r.Price && prev.Volume == r.Volume && prev.State == r.State {
				continue // nothing new
			}
			l.lastApp[sym] = r
			recs = append(recs, snapshots.QuoteRecord(r))
		}
	}
	l.appendLocked(recs)
}

// appendLocked adds records to the dataset and hands them to the recorder
// at once (before it opens: when it opens).
func (l *Live) appendLocked(recs []snapshots.Record) {
	if len(recs) == 0 {
		return
	}
	sortRecords(recs)
	if err := l.ds.AppendAll(recs); err != nil {
		l.health.LastErr = err.Error()
	}
	l.stats.Appended += len(recs)
	switch {
	case l.recording:
		l.recordLocked(recs)
	case l.opt.Record != nil && l.recErr == nil:
		l.early = append(l.early, recs...)
	}
}

// sortRecords orders records by time, bars before quotes at the same time.
func sortRecords(recs []snapshots.Record) {
	sort.SliceStable(recs, func(i, j int) bool {
		ti, tj := recs[i].Time(), recs[j].Time()
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return recs[i].Kind == snapshots.RecBar && recs[j].Kind != snapshots.RecBar
	})
}

// publishLocked publishes the frame at the clock's now, with the live
// freshness on top: Updated is when the quote was last polled, Stale after
// StaleIntervals intervals without one.
func (l *Live) publishLocked() {
	now := l.clock.Now()
	f := l.ds.At(now)
	staleAfter := time.Duration(StaleIntervals) * l.freshnessLocked()
	for i := range f.Quotes {
		q := &f.Quotes[i]
		q.Source = "yahoo"
		if seen, ok := l.lastSeen[q.Symbol]; ok {
			q.Updated = seen.In(snapshots.Location())
			q.Stale = now.Sub(seen) > staleAfter
		} else if q.HasPrice || q.HasExt {
			q.Stale = true // only backfilled: not confirmed by a poll
		}
	}
	l.annotateLocked(f)
	l.health.StaleAfter = staleAfter
	l.health.Stream = l.streamHealthLocked()
	l.seq++
	mode := feeds.ModeLive
	if l.opt.Record != nil && l.recErr == nil {
		mode = feeds.ModeRecording // from the start: the file opens at the first poll's end
	}
	l.hub.Publish(feeds.Update{Source: l.opt.ID, Seq: l.seq, Mode: mode, Frame: f, Health: l.health})
}

var _ feeds.Source = (*Live)(nil)
