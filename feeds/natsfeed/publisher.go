package natsfeed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// PublisherOptions configure a Publisher. The zero value is usable.
type PublisherOptions struct {
	// MaxAge bounds how long the streams keep messages (DefaultMaxAge).
	MaxAge time.Duration
	// QuoteSource and StaleAfter are the dataset options a node must use
	// to rebuild the relay's frames (market.WithSource,
	// market.WithStaleAfter); "" and 0 mean the dataset defaults.
	QuoteSource string
	StaleAfter  time.Duration
	// Replicas for the streams (1 unless the NATS cluster has more).
	Replicas int
}

// Publisher is the relay's half: it owns a feed's subjects and streams.
// Begin starts a run; Records and State may then be called from any
// goroutine; Run does both for a feeds.Source.
type Publisher struct {
	js   jetstream.JetStream
	feed string
	opt  PublisherOptions

	mu       sync.Mutex // orders records before the states that name them
	run      string
	recSeq   uint64
	last     State // the last state sent (heartbeats repeat it)
	head     snapshots.Header
	sent     []snapshots.Record // every record of the run, to publish again if the server lost the streams
	has      bool
	bytes    uint64
	msgs     uint64
	restored int
	decorate func(*State) // adds the watch party to each state (party_host.go)

	seenMu  sync.Mutex // apart from mu, which is held while a publish waits
	seen    State      // the feed's last state heard on NATS (Lead watches it)
	hasSeen bool
}

// NewPublisher creates (or updates) the feed's two streams.
func NewPublisher(ctx context.Context, nc *nats.Conn, feed string, opt PublisherOptions) (*Publisher, error) {
	if err := CheckFeed(feed); err != nil {
		return nil, err
	}
	if opt.MaxAge <= 0 {
		opt.MaxAge = DefaultMaxAge
	}
	if opt.Replicas <= 0 {
		opt.Replicas = 1
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	p := &Publisher{js: js, feed: feed, opt: opt}
	if err := p.createStreams(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// createStreams creates or updates the feed's two streams.
func (p *Publisher) createStreams(ctx context.Context) error {
	if _, err := p.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        streamRecs(p.feed),
		Description: "selloff feed " + p.feed + ": record batches of the current run",
		Subjects:    []string{subjectRec(p.feed)},
		MaxAge:      p.opt.MaxAge,
		Storage:     jetstream.FileStorage,
		Replicas:    p.opt.Replicas,
		Discard:     jetstream.DiscardOld,
	}); err != nil {
		return fmt.Errorf("NATS stream %s: %w", streamRecs(p.feed), err)
	}
	if _, err := p.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:              streamState(p.feed),
		Description:       "selloff feed " + p.feed + ": the last header and clock state",
		Subjects:          []string{subjectHead(p.feed), subjectState(p.feed)},
		MaxAge:            p.opt.MaxAge,
		MaxMsgsPerSubject: 1,
		Storage:           jetstream.FileStorage,
		Replicas:          p.opt.Replicas,
		Discard:           jetstream.DiscardOld,
	}); err != nil {
		return fmt.Errorf("NATS stream %s: %w", streamState(p.feed), err)
	}
	return nil
}

// newRun returns a random run id.
func newRun() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Begin starts a new run: it drops the previous run's records, then
// publishes the header and the records known at the start.
//
// When the server has lost the feed's streams (a NATS server restarted
// without its store, while no relay led), it creates them again: a relay
// taking the lead then would otherwise stop with "stream not found".
func (p *Publisher) Begin(ctx context.Context, h snapshots.Header, recs []snapshots.Record) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.beginLocked(ctx, h, recs)
	if !errors.Is(err, jetstream.ErrStreamNotFound) && !errors.Is(err, jetstream.ErrNoStreamResponse) {
		return err
	}
	if err := p.createStreams(ctx); err != nil {
		return err
	}
	return p.beginLocked(ctx, h, recs)
}

// ownLast is the feed's last state this relay heard (from whichever relay
// led) or, failing that, sent itself (ok false if none): what a relay
// continues from when it leads and the feed's stream lost it.
func (p *Publisher) ownLast() (State, bool) {
	p.seenMu.Lock()
	st, ok := p.seen, p.hasSeen
	p.seenMu.Unlock()
	if ok {
		return st, true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.has
}

// observe keeps a state heard on the feed's state subject.
func (p *Publisher) observe(data []byte) {
	st, err := decodeState(data)
	if err != nil {
		return // a bad message is the nodes' concern; nothing kept
	}
	p.seenMu.Lock()
	p.seen, p.hasSeen = st, true
	p.seenMu.Unlock()
}

func (p *Publisher) beginLocked(ctx context.Context, h snapshots.Header, recs []snapshots.Record) error {
	head, err := snapshots.MarshalHeader(h)
	if err != nil {
		return err
	}
	st, err := p.js.Stream(ctx, streamRecs(p.feed))
	if err != nil {
		return err
	}
	if err := st.Purge(ctx); err != nil {
		return fmt.Errorf("NATS purge %s: %w", streamRecs(p.feed), err)
	}
	p.run, p.recSeq, p.has = newRun(), 0, false
	p.head, p.sent = h, nil
	m := nats.NewMsg(subjectHead(p.feed))
	m.Header.Set(HdrRun, p.run)
	if p.opt.QuoteSource != "" {
		m.Header.Set(HdrQuoteSource, p.opt.QuoteSource)
	}
	if p.opt.StaleAfter != 0 {
		m.Header.Set(HdrStaleAfter, p.opt.StaleAfter.String())
	}
	m.Data = head
	if err := p.send(ctx, m); err != nil {
		return err
	}
	return p.recordsLocked(ctx, recs)
}

// Records publishes records learnt after Begin (a live poll's quotes).
func (p *Publisher) Records(ctx context.Context, recs []snapshots.Record) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.recordsLocked(ctx, recs)
}

func (p *Publisher) recordsLocked(ctx context.Context, recs []snapshots.Record) error {
	if p.run == "" {
		return errors.New("natsfeed: Records before Begin")
	}
	bodies, err := batches(recs)
	if err != nil {
		return err
	}
	for _, b := range bodies {
		m := nats.NewMsg(subjectRec(p.feed))
		m.Header.Set(HdrRun, p.run)
		m.Data = b
		ack, err := p.js.PublishMsg(ctx, m)
		if err != nil {
			return fmt.Errorf("NATS publish records: %w", err)
		}
		p.recSeq = ack.Sequence
		p.msgs++
		p.bytes += uint64(len(b))
	}
	p.sent = append(p.sent, recs...)
	return nil
}

func (p *Publisher) send(ctx context.Context, m *nats.Msg) error {
	if _, err := p.js.PublishMsg(ctx, m); err != nil {
		return fmt.Errorf("NATS publish %s: %w", m.Subject, err)
	}
	p.msgs++
	p.bytes += uint64(len(m.Data))
	return nil
}

// State publishes one source update's clock and health (not its frame:
// nodes rebuild that from the records). sent is the wall time.
func (p *Publisher) State(ctx context.Context, u feeds.Update, sent time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run == "" {
		return errors.New("natsfeed: State before Begin")
	}
	s := State{Seq: u.Seq, Mode: u.Mode, Sent: sent, Health: u.Health, Clock: u.Clock}
	if u.Frame != nil {
		s.Time = u.Frame.Time
		if u.Mode == feeds.ModeLive || u.Mode == feeds.ModeRecording {
			s.Quotes, s.Sessions = marks(u.Frame), u.Frame.Sessions
		}
	}
	return p.stateLocked(ctx, s)
}

// stateLocked sends s for the current run. When the server has lost the
// feed's streams (a NATS server restarted without its store), it creates
// them again and publishes the run again, as a new run, before the state.
func (p *Publisher) stateLocked(ctx context.Context, s State) error {
	err := p.sendStateLocked(ctx, s)
	if !errors.Is(err, jetstream.ErrNoStreamResponse) && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	if err := p.createStreams(ctx); err != nil {
		return err
	}
	if err := p.beginLocked(ctx, p.head, slices.Clone(p.sent)); err != nil {
		return fmt.Errorf("publishing the feed again: %w", err)
	}
	p.restored++
	return p.sendStateLocked(ctx, s)
}

func (p *Publisher) sendStateLocked(ctx context.Context, s State) error {
	s.Run, s.RecSeq = p.run, p.recSeq
	if p.decorate != nil {
		p.decorate(&s)
	}
	b, err := encodeState(s)
	if err != nil {
		return err
	}
	m := nats.NewMsg(subjectState(p.feed))
	m.Header.Set(HdrRun, p.run)
	m.Data = b
	p.last, p.has = s, true
	return p.send(ctx, m)
}

// heartbeat repeats the last state with a new send time.
func (p *Publisher) heartbeat(ctx context.Context, sent time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.has {
		return nil
	}
	s := p.last
	s.Sent = sent
	return p.stateLocked(ctx, s)
}

// PublisherStats counts what a publisher sent.
type PublisherStats struct {
	Messages uint64
	Bytes    uint64 // payload bytes
	Restored int    // times the streams were found gone and the run published again
}

// Stats returns the counters.
func (p *Publisher) Stats() PublisherStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PublisherStats{Messages: p.msgs, Bytes: p.bytes, Restored: p.restored}
}

// Run publishes every update of src as a state, and the last state again
// every Heartbeat while src is quiet, until ctx ends or src's channel
// closes. Begin must have been called. A src made by LiveSource has its
// records published before each state. A failed publish (NATS down) is
// reported to onErr, if set, and retried with the next update or
// heartbeat; the NATS connection reconnects by itself.
func (p *Publisher) Run(ctx context.Context, src feeds.Source, clock feeds.Clock, onErr func(error)) error {
	ch := src.Subscribe(ctx)
	report := func(err error) {
		if err != nil && onErr != nil && ctx.Err() == nil {
			onErr(err)
		}
	}
	live, _ := src.(*liveSource)
	beat := clock.After(Heartbeat)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case u, ok := <-ch:
			if !ok {
				return nil
			}
			if live != nil {
				send, err := live.prepare(ctx, p, &u)
				report(err)
				if !send {
					continue
				}
			}
			report(p.State(ctx, u, clock.Now()))
			beat = clock.After(Heartbeat)
		case <-beat:
			report(p.heartbeat(ctx, clock.Now()))
			beat = clock.After(Heartbeat)
		}
	}
}

// setDecorate sets (nil: removes) a function that adds to every state
// sent, heartbeats included; it runs with the publisher's lock held and
// must not call the publisher.
func (p *Publisher) setDecorate(f func(*State)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.decorate = f
}

// refresh sends the last state again at once (decorated afresh): a
// change of the party reaches nodes without waiting for a heartbeat.
func (p *Publisher) refresh(ctx context.Context, sent time.Time) error {
	return p.heartbeat(ctx, sent)
}
