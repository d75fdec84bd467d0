package alpaca

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// Source defaults.
const (
	DefaultInterval       = 15 * time.Second // snapshot poll while the stream is down
	DefaultStreamInterval = time.Minute      // while the stream is up
	MaxFailWait           = 5 * time.Minute
)

// Recorder receives every record the source appends, in time order.
type Recorder interface {
	Write(snapshots.Record) error
}

// Options configures a Source.
type Options struct {
	ID         string // default "alpaca"
	Key        Key
	BaseURL    string // REST (default DefaultBaseURL)
	StreamURL  string // websocket (default DefaultStreamURL)
	NoStream   bool
	Symbols    []snapshots.Symbol
	Interval   time.Duration // default DefaultInterval (at least 1s)
	Clock      feeds.Clock
	HTTPClient *http.Client
	// Record, when set, is called once the session is known with the
	// header of a recording; the Recorder then gets every record.
	Record func(snapshots.Header) (Recorder, error)
	// Jitter for the stream's reconnect backoff (default random).
	Jitter func() float64
	// StreamTimeout bounds the stream's handshake, auth and pings (default 10s).
	StreamTimeout time.Duration
}

// Source is the Alpaca feeds.Source. Create with New, run with Run.
type Source struct {
	opt    Options
	client *Client
	stream *Streamer // nil: no stream
	hub    *feeds.Hub
	syms   []string          // watchlist symbols, in order
	alp    map[string]string // watchlist symbol -> Alpaca symbol (supported ones)
	back   map[string]string // Alpaca symbol -> watchlist symbol
	notes  map[string]string // watchlist symbol -> why it has no price

	mu       sync.Mutex
	ds       *market.Dataset
	started  bool
	session  snapshots.Session
	lastSeen map[string]time.Time
	lastRec  map[string]snapshots.Quote
	rec      Recorder
	early    []snapshots.Record
	recErr   error
	written  time.Time
	health   feeds.Health
	streamSt StreamStatus
	streamOK bool
	fails    int
	seq      uint64
	wake     chan struct{}
	stats    Stats
}

// Stats counts what the source did.
type Stats struct {
	Polls, Failed, Trades, Recorded int
}

// New checks the options and publishes an empty frame.
func New(opt Options) (*Source, error) {
	if opt.Clock == nil {
		return nil, errors.New("alpaca: needs a clock")
	}
	if opt.Key.Empty() {
		return nil, errors.New("alpaca: no API key: set APCA_API_KEY_ID and APCA_API_SECRET_KEY (or alpaca_key_id and alpaca_secret_key in the config)")
	}
	if len(opt.Symbols) == 0 {
		return nil, errors.New("alpaca: needs at least one symbol")
	}
	if opt.ID == "" {
		opt.ID = "alpaca"
	}
	if opt.Interval <= 0 {
		opt.Interval = DefaultInterval
	}
	opt.Interval = max(opt.Interval, time.Second)
	s := &Source{
		opt: opt, client: NewClient(opt.BaseURL, opt.Key, opt.HTTPClient), hub: feeds.NewHub(),
		alp: map[string]string{}, back: map[string]string{}, notes: map[string]string{},
		lastSeen: map[string]time.Time{}, lastRec: map[string]snapshots.Quote{}, wake: make(chan struct{}, 1),
	}
	var alpSyms []string
	for i := range opt.Symbols {
		sym := &s.opt.Symbols[i]
		s.syms = append(s.syms, sym.Symbol)
		sym.NoVolume = true // IEX volume is a sliver of the day's: unknown, not small
		if sym.PriceBasis == "" {
			sym.PriceBasis = snapshots.BasisPrinted
		}
		sym.Notes = append(slices.Clone(sym.Notes), snapshots.FigureNote{Figure: snapshots.FigurePrice, Basis: snapshots.BasisSourced,
			Source: "Alpaca free plan: trades on the IEX exchange only", Detail: "IEX last trade; may differ from the consolidated last price"})
		if ok, why := Supported(sym.Symbol); !ok {
			s.notes[sym.Symbol] = why
			continue
		}
		a := toAlpaca(sym.Symbol)
		s.alp[sym.Symbol], s.back[a] = a, sym.Symbol
		alpSyms = append(alpSyms, a)
	}
	if len(alpSyms) == 0 {
		return nil, fmt.Errorf("alpaca: none of the symbols is a US equity Alpaca quotes (%s)", strings.Join(s.syms, ", "))
	}
	if !opt.NoStream {
		st, err := NewStreamer(StreamOptions{URL: opt.StreamURL, Key: opt.Key, Symbols: alpSyms, Clock: opt.Clock, HTTPClient: opt.HTTPClient, Jitter: opt.Jitter, Timeout: opt.StreamTimeout})
		if err != nil {
			return nil, err
		}
		s.stream = st
	}
	ds, err := s.newDataset()
	if err != nil {
		return nil, err
	}
	s.ds = ds
	s.health = feeds.Health{State: feeds.HealthReauth, Detail: "connecting to Alpaca"}
	s.mu.Lock()
	s.publishLocked()
	s.mu.Unlock()
	return s, nil
}

func (s *Source) header(created time.Time) snapshots.Header {
	h := snapshots.Header{
		Title:      "Live · Alpaca (IEX)",
		Provenance: snapshots.Recorded,
		Source:     fmt.Sprintf("Alpaca market data, free plan (IEX exchange trades only, not the consolidated tape): snapshots polled every %s and streamed IEX trades, recorded live by selloff; volume not recorded", s.opt.Interval),
		TimeZone:   snapshots.ExchangeZone,
		Created:    created,
		Symbols:    slices.Clone(s.opt.Symbols),
	}
	if s.session.Date != "" {
		h.MainDay = s.session.Date
		h.Sessions = []snapshots.Session{s.session}
	}
	return h
}

func (s *Source) newDataset() (*market.Dataset, error) {
	return market.NewDataset(&snapshots.Snapshot{Header: s.header(time.Time{})}, market.WithSource("alpaca"), market.WithStaleAfter(0))
}

// ID returns the source id.
func (s *Source) ID() string { return s.opt.ID }

// Subscribe returns the update channel (see feeds.Source).
func (s *Source) Subscribe(ctx context.Context) <-chan feeds.Update { return s.hub.Subscribe(ctx) }

// Health returns the current health.
func (s *Source) Health() feeds.Health {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.health
}

// Stats returns the counters.
func (s *Source) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Run polls and streams until ctx ends.
func (s *Source) Run(ctx context.Context) error {
	defer s.hub.Close()
	defer func() {
		s.mu.Lock()
		s.health.State = feeds.HealthStopped
		s.publishLocked()
		s.mu.Unlock()
	}()
	if s.stream != nil {
		sctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.runStream(sctx) }()
		defer func() { stop(); <-done }()
	}
	for {
		wait := s.Poll(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.opt.Clock.After(wait):
		case <-s.wake:
		}
	}
}

// Poll asks for the snapshots once, applies them and returns the wait
// before the next poll.
func (s *Source) Poll(ctx context.Context) time.Duration {
	alpSyms := make([]string, 0, len(s.alp))
	for _, sym := range s.syms {
		if a, ok := s.alp[sym]; ok {
			alpSyms = append(alpSyms, a)
		}
	}
	snaps, err := s.client.Snapshots(ctx, alpSyms)
	if ctx.Err() != nil {
		return 0
	}
	now := s.opt.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Polls++
	wait := s.opt.Interval
	if s.streamOK {
		wait = max(wait, DefaultStreamInterval)
	}
	h := feeds.Health{State: feeds.HealthOK}
	if err != nil {
		s.stats.Failed++
		s.fails++
		wait = max(min(s.opt.Interval<<min(s.fails-1, 10), MaxFailWait), wait)
		if IsKind(err, KindAuth) {
			wait = MaxFailWait // a refused key: do not hammer
		}
		h = feeds.Health{State: feeds.HealthRetrying, LastErr: s.opt.Key.scrub(err.Error()), ErrAt: now, RetryAt: now.Add(wait)}
		if s.fails >= 3 && IsKind(err, KindNetwork) {
			h.State = feeds.HealthOffline
		}
		if s.started {
			h.Detail = "showing the last good values"
		} else {
			h.Detail = "no data yet"
		}
	} else {
		s.fails = 0
		seed := !s.started
		if seed {
			s.setupLocked(snaps, now)
		} else {
			s.maybeRollLocked(snaps, now)
		}
		s.applyLocked(snaps, now, seed)
		var missing []string
		for _, sym := range s.syms {
			if a, ok := s.alp[sym]; ok {
				if _, got := snaps[a]; !got {
					missing = append(missing, sym)
					s.notes[sym] = "Alpaca IEX has no data for " + sym
				} else {
					delete(s.notes, sym)
				}
			}
		}
		var parts []string
		if len(missing) > 0 {
			h.State = feeds.HealthDegraded
			parts = append(parts, "no data for "+strings.Join(missing, ", "))
		}
		switch n := len(s.syms) - len(s.alp); {
		case n == 1:
			parts = append(parts, "1 symbol Alpaca does not quote")
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d symbols Alpaca does not quote", n))
		}
		h.Detail = strings.Join(parts, "; ")
	}
	if s.recErr != nil {
		h.State = feeds.HealthDegraded
		h.LastErr = "recording stopped: " + s.recErr.Error()
	}
	s.health = h
	s.publishLocked()
	return wait
}

// setupLocked fixes the session from the first answer: the latest daily
// bar's date (today once a trade of a later date shows up), its previous
// close, and seeds each symbol with its latest trade.
func (s *Source) setupLocked(snaps map[string]Snapshot, now time.Time) {
	s.session = s.sessionFor(snaps, now)
	s.ds.AddSession(s.session)
	s.started = true
	if s.opt.Record != nil {
		rec, err := s.opt.Record(s.header(now))
		if err != nil {
			s.recErr = err
		} else {
			s.rec = rec
		}
	}
}

// maybeRollLocked starts the next session when the answers moved to a
// later date (a source left running overnight).
func (s *Source) maybeRollLocked(snaps map[string]Snapshot, now time.Time) {
	next := s.sessionFor(snaps, now)
	if next.Date <= s.session.Date {
		return
	}
	s.session = next
	s.ds.AddSession(next)
	clear(s.lastRec)
}

// sessionFor works out the session the answers belong to.
func (s *Source) sessionFor(snaps map[string]Snapshot, now time.Time) snapshots.Session {
	loc := snapshots.Location()
	day := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }
	date := ""
	for _, sn := range snaps {
		if sn.Daily != nil && day(sn.Daily.Time) > date {
			date = day(sn.Daily.Time)
		}
		if sn.Latest != nil && day(sn.Latest.Time) > date {
			date = day(sn.Latest.Time)
		}
	}
	if date == "" {
		date = day(now)
	}
	prev := map[string]float64{}
	for a, sn := range snaps {
		sym := s.back[a]
		switch {
		case sn.Daily != nil && day(sn.Daily.Time) < date:
			prev[sym] = sn.Daily.Close // the daily bar is the previous session's
		case sn.PrevDaily != nil:
			prev[sym] = sn.PrevDaily.Close
		}
	}
	d, _ := time.ParseInLocation(time.DateOnly, date, loc)
	y, m, dd := d.Date()
	return snapshots.Session{Date: date, Open: time.Date(y, m, dd, 9, 30, 0, 0, loc), Close: time.Date(y, m, dd, 16, 0, 0, 0, loc), PrevClose: prev}
}

// stateAt is the market state at t for the session.
func (s *Source) stateAt(t time.Time) string {
	switch {
	case t.Before(s.session.Open):
		return snapshots.StatePre
	case !t.After(s.session.Close): // the close itself is the session's last regular price
		return snapshots.StateRegular
	}
	return snapshots.StatePost
}

// applyLocked records each symbol's latest trade when it is new, stamped
// now (so the recording stays in time order whatever the trade times);
// the first answer seeds each symbol at its trade time.
func (s *Source) applyLocked(snaps map[string]Snapshot, now time.Time, seed bool) {
	var recs []snapshots.Record
	for a, sn := range snaps {
		sym := s.back[a]
		if seed && sn.Daily != nil && !now.Before(s.session.Close) &&
			sn.Daily.Time.In(snapshots.Location()).Format(time.DateOnly) == s.session.Date &&
			(sn.Latest == nil || !sn.Latest.Time.Before(s.session.Close)) {
			// started after the bell: the latest trade is an after-hours
			// one; the day's bar closes at the last regular-hours trade,
			// which is the session's (IEX) close
			if r, ok := s.quoteLocked(sym, sn.Daily.Close, s.session.Close); ok {
				recs = append(recs, r)
			}
			s.lastSeen[sym] = now
		}
		if sn.Latest == nil {
			continue
		}
		s.lastSeen[sym] = now
		t := now
		if seed && sn.Latest.Time.Before(now) {
			t = sn.Latest.Time
		}
		if r, ok := s.quoteLocked(sym, sn.Latest.Price, t); ok {
			recs = append(recs, r)
		}
	}
	s.appendLocked(recs)
}

// quoteLocked makes a quote record unless it repeats the last one or
// comes before it.
func (s *Source) quoteLocked(sym string, p float64, t time.Time) (snapshots.Record, bool) {
	prev, had := s.lastRec[sym]
	if had && ((prev.Price == p && prev.State == s.stateAt(t)) || t.Before(prev.Time)) {
		return snapshots.Record{}, false
	}
	q := snapshots.Quote{Time: t, Symbol: sym, Price: p, State: s.stateAt(t)}
	s.lastRec[sym] = q
	return snapshots.QuoteRecord(q), true
}

func (s *Source) appendLocked(recs []snapshots.Record) {
	if len(recs) == 0 {
		return
	}
	slices.SortStableFunc(recs, func(a, b snapshots.Record) int { return a.Time().Compare(b.Time()) })
	if err := s.ds.AppendAll(recs); err != nil {
		s.health.LastErr = err.Error()
	}
	if s.rec == nil || s.recErr != nil {
		return
	}
	for _, r := range recs {
		if r.Time().Before(s.written) {
			continue // the file stays in time order; the screen has it
		}
		if err := s.rec.Write(r); err != nil {
			s.recErr = err
			return
		}
		s.written = r.Time()
		s.stats.Recorded++
	}
}

// runStream applies streamed trades in batches.
func (s *Source) runStream(ctx context.Context) {
	out := make(chan StreamEvent, 256)
	done := make(chan struct{})
	go func() { defer close(done); _ = s.stream.Run(ctx, out) }()
	defer func() { <-done }()
	for {
		batch, ok := feeds.NextBatch(ctx, out)
		if !ok {
			return
		}
		s.applyStream(batch)
	}
}

func (s *Source) applyStream(batch []StreamEvent) {
	now := s.opt.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.streamOK
	var recs []snapshots.Record
	for _, e := range batch {
		if e.Status != nil {
			s.streamSt = *e.Status
			s.streamOK = e.Status.State == StreamStreaming
			continue
		}
		sym, ok := s.back[e.Trade.Symbol]
		if !ok || !s.started {
			continue
		}
		s.stats.Trades++
		s.lastSeen[sym] = now
		if r, ok := s.quoteLocked(sym, e.Trade.Price, now); ok {
			recs = append(recs, r)
		}
	}
	s.appendLocked(recs)
	if was && !s.streamOK {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	s.publishLocked()
}

// publishLocked publishes the frame at now.
func (s *Source) publishLocked() {
	now := s.opt.Clock.Now()
	f := s.ds.At(now)
	fresh := s.opt.Interval
	if s.streamOK {
		fresh = max(fresh, DefaultStreamInterval)
	}
	staleAfter := 3 * fresh
	for i := range f.Quotes {
		q := &f.Quotes[i]
		q.Source = "alpaca-iex"
		if seen, ok := s.lastSeen[q.Symbol]; ok {
			q.Updated = seen.In(snapshots.Location())
			q.Stale = now.Sub(seen) > staleAfter
		}
		if !q.HasPrice {
			q.Note = s.notes[q.Symbol]
		}
	}
	h := s.health
	h.StaleAfter = staleAfter
	if s.stream != nil {
		st := s.streamSt
		h.Stream = feeds.StreamHealth{State: string(st.State), LastErr: st.LastErr, Bad: st.Bad}
		switch st.State {
		case StreamDown:
			h.Stream.RetryAt = st.RetryAt
		case "", StreamStopped:
			h.Stream.State = string(StreamConnecting)
		}
	}
	s.seq++
	mode := feeds.ModeLive
	if s.rec != nil && s.recErr == nil {
		mode = feeds.ModeRecording
	}
	s.hub.Publish(feeds.Update{Source: s.opt.ID, Seq: s.seq, Mode: mode, Frame: f, Health: h})
}

var _ feeds.Source = (*Source)(nil)
