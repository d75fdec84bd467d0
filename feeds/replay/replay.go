// Package replay plays a market.Dataset back as a feeds.Source, on a
// virtual clock driven by an injected feeds.Clock: speeds from 0.25x to
// 3600x, pause, step, seek, event and day navigation, optional loop. Many
// replays may share one dataset; many viewers may share one replay.
package replay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// Speeds are the speed steps OpFaster and OpSlower move through.
var Speeds = []float64{0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}

// DefaultSpeed plays a 6.5-hour session in about 3 minutes.
const DefaultSpeed = 120

// DefaultCadence is how often a playing replay publishes (wall time).
const DefaultCadence = 250 * time.Millisecond

// Options configure a replay. The zero value is usable.
type Options struct {
	ID      string    // source id; default "replay"
	Start   time.Time // first virtual time; zero: the open of the main session
	Speed   float64   // default DefaultSpeed; clamped to [0.25, 3600]
	Paused  bool      // start paused
	Loop    bool      // at the end, start again from Start
	Skipped int       // bad records the lenient reader skipped (shown in Health)
	// Note is a remark shown with the health, e.g. that records of a kind
	// this version does not know were skipped.
	Note    string
	Cadence time.Duration // wall time between frames while playing; default DefaultCadence
	// KeepGaps plays nights, weekends and other stretches without data in
	// full. By default, when nothing at all (no bar, quote or event of any
	// symbol) is observed for more than MaxGap, playing jumps to one wall
	// second before the next observation.
	KeepGaps bool
}

// MaxGap is the longest stretch without any observation that playing
// crosses at the set speed (unless Options.KeepGaps).
const MaxGap = 15 * time.Minute

// Replay is a replay source. Create it with New, then Start or Run it.
// Control and Subscribe are safe from any goroutine.
type Replay struct {
	ds    *market.Dataset
	clock feeds.Clock
	opt   Options
	hub   *feeds.Hub
	wake  chan struct{}

	running atomic.Bool

	mu        sync.Mutex
	base      time.Time // virtual time at wallBase
	wallBase  time.Time
	speed     float64
	paused    bool
	loop      bool
	atEnd     bool
	loopFrom  time.Time
	start     time.Time // data span
	end       time.Time
	seq       uint64
	stopped   bool      // Run has ended
	published time.Time // virtual time of the last published frame (to the second)
	lastVT    time.Time // virtual time at the last tick, seek or publish
	limit     time.Time // SetLimit: the clock stops there (zero: none)
}

// Errors.
var (
	ErrEmpty   = errors.New("replay: dataset has no data")         // New: nothing to play
	ErrRunning = errors.New("replay: already running")             // Run called twice
	ErrStopped = errors.New("replay: stopped (its Run has ended)") // Control after the end
)

// LimitError is Control's refusal of a command that would move the clock
// past the limit SetLimit set.
type LimitError struct{ Limit time.Time }

func (e *LimitError) Error() string {
	return "replay: the clock may not go past " + e.Limit.In(snapshots.Location()).Format("Mon 2 Jan 15:04")
}

// New makes a replay of ds. It does not start any goroutine; the initial
// frame is published at once, so a subscriber gets it immediately.
func New(ds *market.Dataset, clock feeds.Clock, opt Options) (*Replay, error) {
	if ds == nil || clock == nil {
		return nil, errors.New("replay: nil dataset or clock")
	}
	start, end, ok := ds.Span()
	if !ok {
		return nil, ErrEmpty
	}
	if opt.ID == "" {
		opt.ID = "replay"
	}
	if opt.Cadence <= 0 {
		opt.Cadence = DefaultCadence
	}
	if opt.Speed == 0 {
		opt.Speed = DefaultSpeed
	}
	r := &Replay{
		ds:     ds,
		clock:  clock,
		opt:    opt,
		hub:    feeds.NewHub(),
		wake:   make(chan struct{}, 1),
		speed:  clampSpeed(opt.Speed),
		paused: opt.Paused,
		loop:   opt.Loop,
		start:  start,
		end:    end,
	}
	from := opt.Start
	if from.IsZero() {
		if open, _, ok := ds.SessionTimes(ds.MainSession()); ok {
			from = open
		} else {
			from = start
		}
	}
	r.loopFrom = r.clamp(from)
	r.mu.Lock()
	r.setLocked(r.loopFrom)
	r.publishLocked()
	r.mu.Unlock()
	return r, nil
}

func clampSpeed(s float64) float64 {
	return min(max(s, Speeds[0]), Speeds[len(Speeds)-1])
}

// ID returns the source id.
func (r *Replay) ID() string { return r.opt.ID }

// Dataset returns the shared dataset.
func (r *Replay) Dataset() *market.Dataset { return r.ds }

// Subscribe returns a channel that gets the current frame at once and then
// every published one (coalesced for a slow reader). It is closed when ctx
// ends or the replay stops.
func (r *Replay) Subscribe(ctx context.Context) <-chan feeds.Update { return r.hub.Subscribe(ctx) }

// HubStats returns the fan-out counters.
func (r *Replay) HubStats() feeds.HubStats { return r.hub.Stats() }

// Start runs the replay in a new goroutine until ctx ends.
func (r *Replay) Start(ctx context.Context) { go r.Run(ctx) }

// Run plays until ctx ends, then closes every subscriber channel. While
// playing it publishes at most once per Cadence (wall time), and only when
// the virtual time moved to another second; while paused or at the end it
// arms no timer at all.
func (r *Replay) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer func() {
		r.mu.Lock()
		r.stopped = true
		r.mu.Unlock()
		r.hub.Close()
	}()
	var tick <-chan time.Time
	for {
		if tick == nil && r.playing() {
			tick = r.clock.After(r.opt.Cadence)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.wake:
		case <-tick:
			tick = nil
			r.advance()
		}
	}
}

func (r *Replay) playing() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.paused && !r.atEnd
}

// advance moves the virtual clock to the wall clock's reading and publishes
// when the frame changed.
func (r *Replay) advance() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused || r.atEnd {
		return
	}
	vt := r.nowLocked()
	if !vt.Before(r.end) {
		if r.loop {
			r.setLocked(r.loopFrom)
		} else {
			r.setLocked(r.end)
			r.atEnd = true
		}
		r.publishLocked()
		return
	}
	if !r.limit.IsZero() && !vt.Before(r.limit) {
		// playing stops at the limit (nowLocked never reads past it)
		r.setLocked(r.limit)
		r.paused = true
		r.publishLocked()
		return
	}
	if !r.opt.KeepGaps {
		// nothing observed since the last tick and nothing for a while:
		// skip to a moment before the next observation
		if next, ok := r.ds.NextObservation(r.lastVT); ok && next.Sub(vt) > MaxGap {
			lead := time.Duration(r.speed * float64(time.Second))
			if t := next.Add(-lead); t.After(vt) {
				if !r.limit.IsZero() && t.After(r.limit) {
					t = r.limit // the next tick pauses there
				}
				r.setLocked(r.clamp(t))
				vt = r.base
			}
		}
	}
	r.lastVT = vt
	if vt.Truncate(time.Second).Equal(r.published) {
		return
	}
	r.publishLocked()
}

// nowLocked is the virtual time.
func (r *Replay) nowLocked() time.Time {
	if r.paused || r.atEnd {
		return r.base
	}
	wall := r.clock.Now().Sub(r.wallBase)
	vt := r.base.Add(time.Duration(float64(wall) * r.speed))
	if !r.limit.IsZero() && vt.After(r.limit) && !r.base.After(r.limit) {
		vt = r.limit // playing: the clock waits at the limit for the next tick to pause it
	}
	return vt
}

// SetLimit bounds the clock at t (zero: no bound), for a watch party's
// question whose answers lock at t (no peeking): playing pauses when it
// reaches t, and Control refuses, with a *LimitError, a command that
// would move the clock past t (as Target reads it) or resume it at t. A
// clock already past t moves back to it, paused.
func (r *Replay) SetLimit(t time.Time) {
	r.mu.Lock()
	if r.limit.Equal(t) {
		r.mu.Unlock()
		return
	}
	r.limit = t
	if !t.IsZero() && r.nowLocked().After(t) {
		r.setLocked(r.clamp(t))
		r.paused = true
		r.publishLocked()
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Limit is the bound SetLimit set (zero: none).
func (r *Replay) Limit() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.limit
}

// setLocked moves the virtual clock to t (already clamped).
func (r *Replay) setLocked(t time.Time) {
	r.base = t
	r.wallBase = r.clock.Now()
	r.atEnd = false
}

func (r *Replay) clamp(t time.Time) time.Time {
	if t.Before(r.start) {
		return r.start
	}
	if t.After(r.end) {
		return r.end
	}
	return t
}

// Now returns the virtual time.
func (r *Replay) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nowLocked()
}

// Status returns the clock status.
func (r *Replay) Status() feeds.ClockStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statusLocked()
}

func (r *Replay) statusLocked() feeds.ClockStatus {
	return feeds.ClockStatus{
		Speed:  r.speed,
		Paused: r.paused,
		Loop:   r.loop,
		Start:  r.start,
		End:    r.end,
		AtEnd:  r.atEnd,
	}
}

func (r *Replay) publishLocked() {
	vt := r.nowLocked()
	r.published = vt.Truncate(time.Second)
	r.lastVT = vt
	r.seq++
	h := feeds.Health{State: feeds.HealthOK, Skipped: r.opt.Skipped}
	if r.opt.Skipped > 0 {
		h.State = feeds.HealthDegraded
		h.Detail = fmt.Sprintf("%d bad records skipped", r.opt.Skipped)
		if r.opt.Skipped == 1 {
			h.Detail = "1 bad record skipped"
		}
	}
	if r.opt.Note != "" {
		if h.Detail != "" {
			h.Detail += "; "
		}
		h.Detail += r.opt.Note
	}
	st := r.statusLocked()
	r.hub.Publish(feeds.Update{
		Source: r.opt.ID,
		Seq:    r.seq,
		Mode:   feeds.ModeReplay,
		Frame:  r.ds.At(vt),
		Health: h,
		Clock:  &st,
	})
}

// Control applies one command and publishes the resulting frame at once
// (even while paused, and before Run has started). Seeks are clamped to the
// data span. OpStep moves by bars (the next or previous instant at which any
// symbol's intraday bar completes, skipping nights) and pauses. OpOpen and
// OpClose go to the regular open or close of the frame's session; OpNextDay
// and OpPrevDay to the open of the next or previous trading session (from a
// weekend: Monday and Friday). Resuming at the end restarts from Start.
func (r *Replay) Control(c feeds.Command) error {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return ErrStopped
	}
	err := r.checkLimitLocked(c)
	if err == nil {
		err = r.controlLocked(c)
	}
	if err == nil {
		r.publishLocked()
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return err
}

// Target implements feeds.Targeter: where c would move the clock now, by
// the same rules as Control, without moving it.
func (r *Replay) Target(c feeds.Command) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.targetLocked(c)
}

// checkLimitLocked refuses a command that would take the clock past the
// limit, or play it on from there.
func (r *Replay) checkLimitLocked(c feeds.Command) error {
	if r.limit.IsZero() {
		return nil
	}
	if t, ok := r.targetLocked(c); ok && t.After(r.limit) {
		return &LimitError{Limit: r.limit}
	}
	resume := c.Op == feeds.OpResume || c.Op == feeds.OpTogglePause && (r.paused || r.atEnd)
	if resume && !r.nowLocked().Before(r.limit) {
		return &LimitError{Limit: r.limit}
	}
	return nil
}

func (r *Replay) targetLocked(c feeds.Command) (time.Time, bool) {
	now := r.nowLocked()
	switch c.Op {
	case feeds.OpTogglePause, feeds.OpResume:
		if c.Op == feeds.OpResume || r.paused || r.atEnd {
			if r.atEnd || !r.base.Before(r.end) {
				return r.loopFrom, true // resuming at the end restarts
			}
		}
		return time.Time{}, false
	case feeds.OpStep:
		n := c.N
		if n == 0 {
			n = 1
		}
		return r.clamp(r.ds.StepBar(now, n)), true
	case feeds.OpSeek:
		return r.clamp(c.At), true
	case feeds.OpSeekBy:
		return r.clamp(now.Add(c.By)), true
	case feeds.OpNextEvent, feeds.OpPrevEvent:
		t, ok := r.ds.EventFrom(now, c.Op == feeds.OpNextEvent)
		if !ok || !r.clamp(t).Equal(t) {
			return time.Time{}, false
		}
		return t, true
	case feeds.OpOpen, feeds.OpClose:
		open, cls, ok := r.ds.SessionTimes(r.ds.SessionIndex(now))
		if !ok {
			return time.Time{}, false
		}
		if c.Op == feeds.OpOpen {
			return r.clamp(open), true
		}
		return r.clamp(cls), true
	case feeds.OpNextDay, feeds.OpPrevDay:
		t, ok := r.ds.DayFrom(now, c.Op == feeds.OpNextDay)
		if !ok {
			return time.Time{}, false
		}
		return r.clamp(t), true
	}
	return time.Time{}, false
}

func (r *Replay) controlLocked(c feeds.Command) error {
	now := r.nowLocked()
	seek := func(t time.Time) {
		r.setLocked(r.clamp(t))
	}
	switch c.Op {
	case feeds.OpTogglePause:
		if r.paused || r.atEnd {
			return r.resumeLocked()
		}
		r.setLocked(now)
		r.paused = true
	case feeds.OpPause:
		r.setLocked(now)
		r.paused = true
	case feeds.OpResume:
		return r.resumeLocked()
	case feeds.OpSetSpeed:
		if !(c.Speed > 0) {
			return fmt.Errorf("replay: bad speed %v", c.Speed)
		}
		r.rebase(now)
		r.speed = clampSpeed(c.Speed)
	case feeds.OpFaster, feeds.OpSlower:
		r.rebase(now)
		r.speed = stepSpeed(r.speed, c.Op == feeds.OpFaster)
	case feeds.OpStep:
		n := c.N
		if n == 0 {
			n = 1
		}
		r.paused = true
		seek(r.ds.StepBar(now, n))
	case feeds.OpSeek:
		seek(c.At)
	case feeds.OpSeekBy:
		seek(now.Add(c.By))
	case feeds.OpNextEvent, feeds.OpPrevEvent:
		t, ok := r.ds.EventFrom(now, c.Op == feeds.OpNextEvent)
		if !ok || r.clamp(t).Equal(now) {
			if c.Op == feeds.OpNextEvent {
				return errors.New("replay: no later event within the data")
			}
			return errors.New("replay: no earlier event within the data")
		}
		if !r.clamp(t).Equal(t) {
			// the event is on the timeline but before or after the data:
			// say so rather than land on the data's edge as if it were there
			return fmt.Errorf("replay: the %s event (%s) is outside the data",
				map[bool]string{true: "next", false: "previous"}[c.Op == feeds.OpNextEvent],
				t.In(snapshots.Location()).Format("Mon 2 Jan 2006"))
		}
		seek(t)
	case feeds.OpOpen, feeds.OpClose:
		open, cls, ok := r.ds.SessionTimes(r.ds.SessionIndex(now))
		if !ok {
			return errors.New("replay: no session")
		}
		if c.Op == feeds.OpOpen {
			seek(open)
		} else {
			seek(cls)
		}
	case feeds.OpNextDay, feeds.OpPrevDay:
		t, ok := r.ds.DayFrom(now, c.Op == feeds.OpNextDay)
		if !ok {
			return errors.New("replay: no more trading days")
		}
		seek(t)
	case feeds.OpToggleLoop:
		r.loop = !r.loop
	default:
		return fmt.Errorf("replay: unknown op %d", c.Op)
	}
	if r.base.Equal(r.end) && c.Op != feeds.OpPause && c.Op != feeds.OpTogglePause && !r.paused && !r.loop {
		r.atEnd = true
	}
	return nil
}

// rebase keeps the virtual time continuous across a speed change.
func (r *Replay) rebase(now time.Time) {
	at := r.atEnd
	r.setLocked(now)
	r.atEnd = at
}

func (r *Replay) resumeLocked() error {
	if r.atEnd || !r.base.Before(r.end) {
		r.setLocked(r.loopFrom)
	} else {
		r.setLocked(r.nowLocked())
	}
	r.paused = false
	return nil
}

func stepSpeed(s float64, up bool) float64 {
	if up {
		for _, x := range Speeds {
			if x > s {
				return x
			}
		}
		return Speeds[len(Speeds)-1]
	}
	for i := len(Speeds) - 1; i >= 0; i-- {
		if Speeds[i] < s {
			return Speeds[i]
		}
	}
	return Speeds[0]
}
