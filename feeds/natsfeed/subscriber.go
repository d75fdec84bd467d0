package natsfeed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// SubscriberOptions configure a Subscriber. The zero value is usable.
type SubscriberOptions struct {
	ID string // source id; default "nats:<feed>"
	// Silence is how long without a state (the relay heartbeats every
	// Heartbeat) before the last frame is marked stale (DefaultSilence).
	Silence time.Duration
	// MaxRecords bounds the records a node holds for one run
	// (DefaultMaxRecords); past it, record messages are refused and the
	// health says so, rather than memory growing without end.
	MaxRecords int
	// OnError, if set, hears every problem (for a log); it must not block.
	OnError func(error)
	// Retry is the wait between attempts to reach the feed's streams
	// (default 1s).
	Retry time.Duration
	// ReplayEvents, if set, is asked once per replay run, when the run's
	// dataset is built (its records all read), for events to add to it:
	// serve's alerts, fired as a replay of that dataset fires them, so
	// they follow the relay's clock, seeks included. It runs on the
	// subscriber's loop (frames wait for it) and must not keep ds.
	ReplayEvents func(ds *market.Dataset) []snapshots.Event
	// ChangedNote is how long frames carry RelayChangedText after a relay
	// change (RelayChangedNote when 0).
	ChangedNote time.Duration
}

// RelayChangedNote is how long a node's frames carry RelayChangedText in
// their health detail after another relay run replaced the one it showed
// (a standby relay took over, or the relay restarted): a note, not an
// error.
const RelayChangedNote = 10 * time.Second

// RelayChangedText is that note.
const RelayChangedText = "relay changed"

// DefaultMaxRecords is SubscriberOptions.MaxRecords's default: a live
// day of 100 symbols quoted every second is under 2.5 million.
const DefaultMaxRecords = 5_000_000

// Subscriber is a serve node's half: a feeds.Source fed by a relay over
// NATS. It reads the feed's records from the start of the stream (the day
// so far), rebuilds the dataset, and publishes a frame per relay state to
// its own hub. When NATS or the relay goes quiet it keeps the last frame,
// marks its health offline, and recovers by itself when messages flow
// again.
type Subscriber struct {
	nc    *nats.Conn
	feed  string
	clock feeds.Clock
	opt   SubscriberOptions
	hub   *feeds.Hub
	ev    chan event
	// seq numbers the updates published, across runs (the run loop's
	// alone): a viewer drops an update whose Seq it has passed, so a new
	// run, or a frame after a wait, must not start again from 1.
	seq uint64

	mu      sync.Mutex
	stat    SubscriberStats
	onState []func(State) // hooks (OnState)
}

// OnState adds f, called with every state of the current run as it
// arrives (before its frame, which waits for its records): a watch
// party's client reads the lesson and the seat there. f runs on the
// subscriber's loop and must not block.
func (s *Subscriber) OnState(f func(State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onState = append(s.onState, f)
}

// SubscriberStats counts what a subscriber received.
type SubscriberStats struct {
	Frames  uint64 // updates published
	Records int    // records applied in the current run
	Runs    int    // runs seen (a relay restart starts a new one)
}

type evKind int

const (
	evHead evKind = iota
	evRec
	evState
)

type event struct {
	kind evKind
	gen  int // records consumer generation (evRec)
	run  string
	seq  uint64
	data []byte
	hdr  nats.Header
}

// NewSubscriber makes a subscriber on nc (which should reconnect forever:
// see Connect). Start it with Start.
func NewSubscriber(nc *nats.Conn, feed string, clock feeds.Clock, opt SubscriberOptions) (*Subscriber, error) {
	if err := CheckFeed(feed); err != nil {
		return nil, err
	}
	if nc == nil || clock == nil {
		return nil, errors.New("natsfeed: nil connection or clock")
	}
	if opt.ID == "" {
		opt.ID = "nats:" + feed
	}
	if opt.Silence <= 0 {
		opt.Silence = DefaultSilence
	}
	if opt.MaxRecords <= 0 {
		opt.MaxRecords = DefaultMaxRecords
	}
	if opt.ChangedNote <= 0 {
		opt.ChangedNote = RelayChangedNote
	}
	if opt.Retry <= 0 {
		opt.Retry = time.Second
	}
	return &Subscriber{nc: nc, feed: feed, clock: clock, opt: opt, hub: feeds.NewHub(), ev: make(chan event, 64)}, nil
}

// ID is the source id.
func (s *Subscriber) ID() string { return s.opt.ID }

// Subscribe returns the node's updates (feeds.Source).
func (s *Subscriber) Subscribe(ctx context.Context) <-chan feeds.Update { return s.hub.Subscribe(ctx) }

// Stats returns the counters.
func (s *Subscriber) Stats() SubscriberStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stat
}

// Start runs the subscriber until ctx ends; then its hub closes.
func (s *Subscriber) Start(ctx context.Context) {
	go s.run(ctx)
}

// post hands an event to the loop; it blocks (records must not be
// dropped) until the loop takes it or ctx ends.
func (s *Subscriber) post(ctx context.Context, e event) {
	select {
	case s.ev <- e:
	case <-ctx.Done():
	}
}

func msgEvent(kind evKind, m jetstream.Msg) event {
	e := event{kind: kind, data: m.Data(), hdr: m.Headers()}
	if e.hdr != nil {
		e.run = e.hdr.Get(HdrRun)
	}
	if md, err := m.Metadata(); err == nil {
		e.seq = md.Sequence.Stream
	}
	return e
}

// run is the loop: it alone touches the rebuild state.
func (s *Subscriber) run(ctx context.Context) {
	defer s.hub.Close()
	js, err := jetstream.New(s.nc)
	if err != nil {
		s.publishErr(err)
		return
	}
	// connection state (a listener, so the connection's own handlers stay)
	status := s.nc.StatusChanged(nats.DISCONNECTED, nats.RECONNECTING, nats.CONNECTED)
	defer s.nc.RemoveStatusListener(status)
	var (
		stateCC jetstream.ConsumeContext
		recCC   jetstream.ConsumeContext
		gen     int
		r       *rebuild
		retry   <-chan time.Time = s.clock.After(0)
		silence <-chan time.Time
	)
	defer func() {
		if stateCC != nil {
			stateCC.Stop()
		}
		if recCC != nil {
			recCC.Stop()
		}
	}()
	startRecs := func(run string) error {
		if recCC != nil {
			recCC.Stop()
			recCC = nil
		}
		gen++
		g := gen
		c, err := js.OrderedConsumer(ctx, streamRecs(s.feed), jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{subjectRec(s.feed)},
			DeliverPolicy:  jetstream.DeliverAllPolicy,
		})
		if err != nil {
			return err
		}
		cc, err := c.Consume(func(m jetstream.Msg) {
			e := msgEvent(evRec, m)
			e.gen = g
			s.post(ctx, e)
		})
		if err != nil {
			return err
		}
		recCC = cc
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-retry:
			retry = nil
			c, err := js.OrderedConsumer(ctx, streamState(s.feed), jetstream.OrderedConsumerConfig{
				FilterSubjects: []string{subjectHead(s.feed), subjectState(s.feed)},
				DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
			})
			if err == nil {
				stateCC, err = c.Consume(func(m jetstream.Msg) {
					k := evState
					if m.Subject() == subjectHead(s.feed) {
						k = evHead
					}
					s.post(ctx, msgEvent(k, m))
				})
			}
			if err != nil {
				s.stale(r, fmt.Errorf("feed %s not reachable on NATS: %w", s.feed, err))
				retry = s.clock.After(s.opt.Retry)
			}
		case <-silence:
			silence = nil
			s.stale(r, fmt.Errorf("no word from the relay of feed %s for %s", s.feed, s.opt.Silence))
		case st := <-status:
			if st == nats.CONNECTED {
				// Read the head and state afresh: a server that came back
				// without its store has new streams (the relay publishes
				// its run again, as a new run), where resuming at the old
				// sequence would wait for messages that never come. The
				// same run's records consumer resumes by itself.
				if stateCC != nil {
					stateCC.Stop()
					stateCC = nil
				}
				retry = s.clock.After(0)
				continue
			}
			msg := "NATS connection lost (reconnecting)"
			if err := s.nc.LastError(); err != nil {
				msg += ": " + err.Error()
			}
			s.stale(r, errors.New(msg))
		case e := <-s.ev:
			switch e.kind {
			case evHead:
				if r != nil && e.run == r.run {
					continue
				}
				nr, err := newRebuild(e)
				if err != nil {
					s.stale(r, err)
					continue
				}
				if r != nil && r.hasLast {
					// another run after frames were shown: a relay took
					// over (or restarted). Keep the last frame and the
					// sequence, and say so for a while.
					nr.last, nr.hasLast = r.last, true
					nr.changed = true
				}
				r = nr
				s.mu.Lock()
				s.stat.Runs++
				s.stat.Records = 0
				s.mu.Unlock()
				if err := startRecs(r.run); err != nil {
					s.stale(r, err)
					r = nil
					retry = s.clock.After(s.opt.Retry) // try the head again
					if stateCC != nil {
						stateCC.Stop()
						stateCC = nil
					}
				}
			case evRec:
				if r == nil || e.gen != gen || e.run != r.run {
					continue // another run's, or an old consumer's
				}
				if r.held >= s.opt.MaxRecords {
					r.recSeq = e.seq // refused, but read: frames go on
					r.lastErr = fmt.Errorf("feed holds more than %d records: later ones refused", s.opt.MaxRecords)
					s.maybePublish(r)
					continue
				}
				n, err := r.add(e)
				r.held += n
				s.mu.Lock()
				s.stat.Records += n
				s.mu.Unlock()
				if err != nil {
					r.lastErr = err
				}
				s.maybePublish(r)
			case evState:
				st, err := decodeState(e.data)
				if err != nil {
					s.publishErr(err) // logged; the next good state carries on
					continue
				}
				if r == nil || st.Run != r.run {
					continue // its head comes first; a stale state of an old run
				}
				r.state, r.hasState, r.fresh = st, true, true
				silence = s.clock.After(s.opt.Silence)
				s.mu.Lock()
				hooks := s.onState
				s.mu.Unlock()
				for _, f := range hooks {
					f(st)
				}
				s.maybePublish(r)
			}
		}
	}
}

// rebuild is one run's dataset being rebuilt.
type rebuild struct {
	run      string
	headLine []byte
	opts     []market.Option
	pending  *snapshots.Snapshot // records before the dataset is built
	ds       *market.Dataset
	recSeq   uint64
	held     int // records applied
	skipped  int
	state    State
	hasState bool
	fresh    bool // state not yet published
	lastErr  error
	// changed: this run replaced one whose frames were shown (a relay
	// changed); its frames say so for ChangedNote from changedAt, its
	// first frame (not the head's arrival: reading a big run's records
	// can outlast the note, which then never showed).
	changed   bool
	changedAt time.Time
	last      feeds.Update
	hasLast   bool
}

func newRebuild(e event) (*rebuild, error) {
	if e.run == "" {
		return nil, errors.New("head message without a run id")
	}
	h, err := decodeHead(e.data)
	if err != nil {
		return nil, fmt.Errorf("head message: %w", err)
	}
	r := &rebuild{run: e.run, headLine: e.data, pending: &snapshots.Snapshot{Header: h}}
	if src := e.hdr.Get(HdrQuoteSource); src != "" {
		r.opts = append(r.opts, market.WithSource(src))
	}
	if v := e.hdr.Get(HdrStaleAfter); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("head message: bad %s %q", HdrStaleAfter, v)
		}
		r.opts = append(r.opts, market.WithStaleAfter(d))
	}
	return r, nil
}

// add applies one record batch.
func (r *rebuild) add(e event) (int, error) {
	recs, skipped, err := decodeBatch(r.headLine, e.data)
	r.skipped += skipped
	r.recSeq = e.seq
	if r.ds == nil {
		for _, rec := range recs {
			switch rec.Kind {
			case snapshots.RecBar:
				r.pending.Bars = append(r.pending.Bars, rec.Bar)
			case snapshots.RecQuote:
				r.pending.Quotes = append(r.pending.Quotes, rec.Quote)
			case snapshots.RecEvent:
				r.pending.Events = append(r.pending.Events, rec.Event)
			}
		}
		return len(recs), err
	}
	if aerr := r.ds.AppendAll(recs); aerr != nil && err == nil {
		err = aerr
	}
	return len(recs), err
}

// maybePublish publishes the current state's frame once the records it
// names have been read.
func (s *Subscriber) maybePublish(r *rebuild) {
	if !r.hasState || !r.fresh || r.recSeq < r.state.RecSeq {
		return
	}
	if r.ds == nil {
		ds, err := market.NewDataset(r.pending, r.opts...)
		if err != nil {
			r.lastErr = err
			return
		}
		r.ds, r.pending = ds, nil
		if r.state.Mode == feeds.ModeReplay && s.opt.ReplayEvents != nil {
			s.addEvents(r, s.opt.ReplayEvents(ds))
		}
	}
	if len(r.state.Sessions) > 0 {
		addSessions(r.ds, r.state.Sessions)
	}
	r.fresh = false
	st := r.state
	h := st.Health
	h.Skipped += r.skipped
	if r.lastErr != nil && h.State == feeds.HealthOK {
		// the relay is fine, but this node could not use all it sent
		h.State, h.LastErr = feeds.HealthDegraded, r.lastErr.Error()
	}
	if r.changed && r.changedAt.IsZero() {
		r.changedAt = s.clock.Now()
	}
	if r.changed && s.clock.Now().Sub(r.changedAt) < s.opt.ChangedNote {
		if h.Detail == "" {
			h.Detail = RelayChangedText
		} else {
			h.Detail = RelayChangedText + "; " + h.Detail
		}
	}
	var clk *feeds.ClockStatus
	if st.Clock != nil {
		c := *st.Clock
		c.Follows = true // the relay's clock, not this viewer's
		// A watch party's seat and lesson are per viewer: the node's
		// server fills them from its PartyClient, never from here.
		c.Party, c.Presenter, c.Presenting, c.Watchers, c.Lesson = false, "", false, 0, nil
		clk = &c
	}
	s.seq++
	f := r.ds.At(st.Time.In(snapshots.Location()))
	if st.Quotes != nil {
		applyMarks(f, st.Quotes)
	}
	u := feeds.Update{Source: s.opt.ID, Seq: s.seq, Mode: st.Mode, Frame: f, Health: h, Clock: clk}
	r.last, r.hasLast = u, true
	s.hub.Publish(u)
	s.mu.Lock()
	s.stat.Frames++
	s.mu.Unlock()
}

// addEvents puts evs on r's timeline (ReplayEvents).
func (s *Subscriber) addEvents(r *rebuild, evs []snapshots.Event) {
	if len(evs) == 0 {
		return
	}
	recs := make([]snapshots.Record, len(evs))
	for i, e := range evs {
		recs[i] = snapshots.Record{Kind: snapshots.RecEvent, Event: e}
	}
	if err := r.ds.AppendAll(recs); err != nil && r.lastErr == nil {
		r.lastErr = err
	}
}

// stale republishes the last frame with its health marked offline, so
// viewers keep the figures and see that they are not current.
func (s *Subscriber) stale(r *rebuild, err error) {
	if s.opt.OnError != nil {
		s.opt.OnError(err)
	}
	s.seq++
	if r == nil || !r.hasLast {
		// No frame yet: viewers get an empty one (no prices, nothing
		// invented) that says why they wait, as a live feed's first
		// poll does, rather than "waiting for data" with no word.
		s.hub.Publish(feeds.Update{Source: s.opt.ID, Seq: s.seq, // no mode: not known yet
			Frame: &market.Frame{}, // no time, no prices: a dashboard keeps waiting, and says why
			Health: feeds.Health{State: feeds.HealthOffline, LastErr: err.Error(), ErrAt: s.clock.Now(),
				Detail: "no frame from the relay yet"}})
		return
	}
	u := r.last
	u.Seq = s.seq
	u.Health.State = feeds.HealthOffline
	u.Health.LastErr = err.Error()
	u.Health.ErrAt = s.clock.Now()
	u.Health.Detail = "stale: the last frame from the relay, kept"
	s.hub.Publish(u)
}

// publishErr is for before any frame exists: viewers need a frame, so
// nothing is published (the UI shows its waiting state); the hub keeps no
// invented prices.
func (s *Subscriber) publishErr(err error) {
	if s.opt.OnError != nil {
		s.opt.OnError(err)
	}
}
