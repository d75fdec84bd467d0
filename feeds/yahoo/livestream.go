package yahoo

import (
	"context"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/yahoo/stream"
	"github.com/selloff/selloff/snapshots"
)

// DefaultStreamPollInterval is the poll interval while the price stream is
// healthy: the poll then only keeps the previous close, names, shares and
// the market state current.
const DefaultStreamPollInterval = 30 * time.Second

// Streamer pushes prices between polls; *stream.Client is one. Run sends
// ticks and state changes to out until ctx ends.
type Streamer interface {
	Run(ctx context.Context, out chan<- stream.Event) error
}

// liveStream is the live source's view of its stream.
type liveStream struct {
	st      stream.Status
	has     bool // a status has arrived
	wake    chan struct{}
	ticks   int // ticks applied
	ignored int // ticks for other symbols, before the session is known, or out of hours
}

// streamHealthy reports whether streamed prices are flowing.
func (l *Live) streamHealthyLocked() bool {
	return l.opt.Stream != nil && l.stream.has && l.stream.st.Healthy()
}

// pollWaitLocked stretches the wait before the next poll while the
// stream is healthy (never shortens a back-off).
func (l *Live) pollWaitLocked(wait time.Duration) time.Duration {
	if l.streamHealthyLocked() {
		return max(wait, l.opt.StreamPollInterval)
	}
	return wait
}

// freshnessLocked is the interval a quote's age is measured against: the
// poll interval, or the slower poll's while the stream carries prices.
func (l *Live) freshnessLocked() time.Duration {
	if l.streamHealthyLocked() {
		return max(l.interval, l.opt.StreamPollInterval)
	}
	return l.interval
}

// streamHealthLocked is the stream's part of the health.
func (l *Live) streamHealthLocked() feeds.StreamHealth {
	if l.opt.Stream == nil {
		return feeds.StreamHealth{}
	}
	st := l.stream.st
	h := feeds.StreamHealth{State: string(st.State), LastErr: st.LastErr, Bad: st.Bad}
	switch st.State {
	case stream.StateDown:
		h.RetryAt = st.RetryAt
	case "", stream.StateStopped:
		h.State = string(stream.StateConnecting)
	}
	return h
}

// runStream runs the streamer and applies what it sends until ctx ends.
// Ticks that arrive together are applied together and published once.
func (l *Live) runStream(ctx context.Context) {
	out := make(chan stream.Event, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = l.opt.Stream.Run(ctx, out)
	}()
	defer func() { <-done }()
	watch := make(map[string]bool, len(l.syms))
	for _, s := range l.syms {
		watch[s] = true
	}
	for {
		batch, ok := feeds.NextBatch(ctx, out)
		if !ok {
			return
		}
		l.applyStream(batch, watch)
	}
}

// applyStream applies a batch of stream events and publishes once.
func (l *Live) applyStream(batch []stream.Event, watch map[string]bool) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	wasHealthy := l.streamHealthyLocked()
	var recs []snapshots.Record
	for _, e := range batch {
		if e.Status != nil {
			l.stream.st, l.stream.has = *e.Status, true
			continue
		}
		if !watch[e.Tick.Symbol] {
			l.stream.ignored++
			continue
		}
		if r, ok := l.tickRecordLocked(e.Tick, now); ok {
			recs = append(recs, snapshots.QuoteRecord(r))
		}
	}
	l.appendLocked(recs)
	if wasHealthy && !l.streamHealthyLocked() {
		// the stream dropped: poll now, and at the poll interval after
		select {
		case l.stream.wake <- struct{}{}:
		default:
		}
	}
	l.publishLocked()
}

// tickRecordLocked turns a streamed price into a quote record, stamped
// now like the polled ones: a regular-session price while the session
// runs, a pre-market price before the open, a post-market one once the
// official close is known. Anything else (before the session is known,
// overnight prices, a trade time from an earlier day) is ignored: the
// poll covers those.
func (l *Live) tickRecordLocked(tk stream.Tick, now time.Time) (snapshots.Quote, bool) {
	if !l.started {
		l.stream.ignored++
		return snapshots.Quote{}, false
	}
	sess := l.session
	if tk.Time.Year() < 2000 {
		tk.Time = time.Time{} // absent, or in a unit Yahoo never used: unknown, not a reason to drop the price
	}
	if !tk.Time.IsZero() && tk.Time.Before(sess.Open.Add(-12*time.Hour)) {
		l.stream.ignored++ // a price from an earlier session
		return snapshots.Quote{}, false
	}
	prev, had := l.lastApp[tk.Symbol]
	// the day volume is cumulative: never let a tick without one (or one
	// counted a little behind the poll's) take it back, which would read
	// as a spike in the next minute's bar
	vol := tk.DayVolume
	if had && prev.State == snapshots.StateRegular {
		vol = max(vol, prev.Volume)
	}
	q := snapshots.Quote{Time: now, Symbol: tk.Symbol, Price: tk.Price, Volume: vol}
	inRegular := !now.Before(sess.Open) && now.Before(sess.Close)
	switch {
	case inRegular && tk.Hours == stream.HoursRegular && (tk.Time.IsZero() || !tk.Time.Before(sess.Open)):
		q.State = snapshots.StateRegular
	case now.Before(sess.Open) && tk.Hours == stream.HoursPre:
		q.State = snapshots.StatePre
	case !now.Before(sess.Close) && tk.Hours == stream.HoursPost && l.closeDone[tk.Symbol]:
		q.State = snapshots.StatePost
	default:
		l.stream.ignored++
		return snapshots.Quote{}, false
	}
	l.lastSeen[tk.Symbol] = now
	l.stream.ticks++
	if had && prev.Price == q.Price && prev.Volume == q.Volume && prev.State == q.State {
		return snapshots.Quote{}, false // nothing new
	}
	l.lastApp[tk.Symbol] = q
	return q, true
}
