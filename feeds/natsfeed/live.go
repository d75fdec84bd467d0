package natsfeed

// A live source on the wire: the relay learns records as it polls, and its
// frames carry per-quote freshness (quote times, stale marks, source,
// notes) that a dataset rebuilt from records does not; the state message
// carries them (State.Quotes, State.Sessions).

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// MaxPendingRecords bounds the records a LiveRecorder holds while NATS
// does not take them; past it the oldest are dropped (and counted), so a
// long outage costs bounded memory.
const MaxPendingRecords = 1_000_000

// LiveRecorder is where a relay's live source records: pass its Open as
// the source's Record option (yahoo.LiveOptions.Record,
// alpaca.Options.Record). It keeps the header the source opens with (the
// symbols as the provider filled them in, the session) and holds the
// records the source appends until Publisher.Run sends them, just before
// the state of the frame they belong to.
type LiveRecorder struct {
	headc chan struct{} // closed when the header is in

	mu      sync.Mutex
	head    snapshots.Header
	opened  bool
	pending []snapshots.Record
	wrote   bool // a record was written (the source's records flow)
	dropped int
}

// NewLiveRecorder returns an empty recorder.
func NewLiveRecorder() *LiveRecorder { return &LiveRecorder{headc: make(chan struct{})} }

// Open takes the recording's header (the first call's; a source calls it
// once) and returns the recorder itself.
func (r *LiveRecorder) Open(h snapshots.Header) (*LiveRecorder, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.opened {
		r.head, r.opened = h, true
		close(r.headc)
	}
	return r, nil
}

// Write holds one record for the next publish.
func (r *LiveRecorder) Write(rec snapshots.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wrote = true
	if len(r.pending) >= MaxPendingRecords {
		r.pending = r.pending[1:]
		r.dropped++
	}
	r.pending = append(r.pending, rec)
	return nil
}

// Header waits for the source's header (it comes when the first poll
// ends, answered or not) or ctx's end.
func (r *LiveRecorder) Header(ctx context.Context) (snapshots.Header, error) {
	select {
	case <-r.headc:
	case <-ctx.Done():
		return snapshots.Header{}, context.Cause(ctx)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.head, nil
}

// take returns the held records and whether any record was ever written.
func (r *LiveRecorder) take() ([]snapshots.Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	recs := r.pending
	r.pending = nil
	return recs, r.wrote
}

// putBack returns records a failed publish did not send, ahead of newer
// ones.
func (r *LiveRecorder) putBack(recs []snapshots.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = append(recs, r.pending...)
	if n := len(r.pending) - MaxPendingRecords; n > 0 {
		r.pending = r.pending[n:]
		r.dropped += n
	}
}

// Dropped is how many records were dropped because NATS did not take them
// for too long.
func (r *LiveRecorder) Dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// LiveSource wraps a live source whose Record option is rec.Open, for
// Publisher.Run: before each update's state it publishes the records the
// source wrote; it holds back states of frames with prices until the
// source's records flow (a live source writes its first records once its
// backfill is in), so no node shows a frame it could not rebuild; and it
// publishes the update as live (the relay's recording is not the node's).
func LiveSource(src feeds.Source, rec *LiveRecorder) feeds.Source {
	return &liveSource{Source: src, rec: rec}
}

type liveSource struct {
	feeds.Source
	rec *LiveRecorder
}

// prepare publishes the update's records and says whether its state may
// go out.
func (l *liveSource) prepare(ctx context.Context, p *Publisher, u *feeds.Update) (bool, error) {
	recs, wrote := l.rec.take()
	if len(recs) > 0 {
		if err := p.Records(ctx, recs); err != nil {
			l.rec.putBack(recs)
			return false, err
		}
	}
	if u.Mode == feeds.ModeRecording {
		u.Mode = feeds.ModeLive
	}
	if !wrote && u.Frame != nil {
		for _, q := range u.Frame.Quotes {
			if q.HasPrice || q.HasExt {
				return false, nil // prices the records do not carry yet
			}
		}
	}
	return true, nil
}

// QuoteMark is a live frame's freshness of one quote: what the live
// source sets on top of its dataset's frame (market.Quote's Source,
// Updated, Stale and Note).
type QuoteMark struct {
	Symbol  string    `json:"s"`
	Source  string    `json:"src,omitempty"`
	Updated time.Time `json:"u,omitzero"`
	Stale   bool      `json:"stale,omitempty"`
	Note    string    `json:"note,omitempty"`
}

// Bounds of a state's live fields.
const (
	maxMarks    = 10_000
	maxSessions = 1_000
)

// marks returns a frame's quote marks.
func marks(f *market.Frame) []QuoteMark {
	out := make([]QuoteMark, len(f.Quotes))
	for i, q := range f.Quotes {
		out[i] = QuoteMark{Symbol: q.Symbol, Source: q.Source, Updated: q.Updated, Stale: q.Stale, Note: q.Note}
	}
	return out
}

// applyMarks sets the marks on a frame rebuilt from the dataset.
func applyMarks(f *market.Frame, ms []QuoteMark) {
	by := make(map[string]*QuoteMark, len(ms))
	for i := range ms {
		by[ms[i].Symbol] = &ms[i]
	}
	loc := snapshots.Location()
	for i := range f.Quotes {
		q := &f.Quotes[i]
		m, ok := by[q.Symbol]
		if !ok {
			continue
		}
		q.Source, q.Stale, q.Note = m.Source, m.Stale, m.Note
		q.Updated = time.Time{}
		if !m.Updated.IsZero() {
			q.Updated = m.Updated.In(loc)
		}
	}
}

// checkLive bounds a state's live fields.
func checkLive(s State) error {
	if len(s.Quotes) > maxMarks || len(s.Sessions) > maxSessions {
		return fmt.Errorf("state with %d quote marks and %d sessions (limits %d, %d)", len(s.Quotes), len(s.Sessions), maxMarks, maxSessions)
	}
	for _, se := range s.Sessions {
		if _, err := time.Parse(time.DateOnly, se.Date); err != nil {
			return errors.New("state with a bad session")
		}
	}
	return nil
}

// sameSession compares sessions by value (decoded times carry another
// location than the relay's).
func sameSession(a, b snapshots.Session) bool {
	return a.Date == b.Date && a.Open.Equal(b.Open) && a.Close.Equal(b.Close) && maps.Equal(a.PrevClose, b.PrevClose)
}

// addSessions adds to ds the sessions it lacks or has otherwise (each add
// rebuilds the dataset's series, so only changes are applied).
func addSessions(ds *market.Dataset, ss []snapshots.Session) {
	have := ds.Sessions()
	for _, s := range ss {
		found := false
		for _, h := range have {
			if h.Date == s.Date {
				found = sameSession(h, s)
				break
			}
		}
		if !found {
			s.Open, s.Close = s.Open.In(snapshots.Location()), s.Close.In(snapshots.Location())
			ds.AddSession(s)
		}
	}
}
