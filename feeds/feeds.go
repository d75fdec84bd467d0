// Package feeds is the one contract behind live polling and replay: a Source
// publishes Updates (a market Frame plus health and clock status), a Hub fans
// them out to many subscribers, and a Controller drives a replay clock.
// Nothing here imports a UI package.
package feeds

import (
	"context"
	"time"

	"github.com/selloff/selloff/feeds/market"
)

// Mode says what kind of source produced an update.
type Mode string

const (
	ModeReplay    Mode = "replay"
	ModeLive      Mode = "live"
	ModeRecording Mode = "recording" // live, and writing a snapshot file
)

// HealthState is the coarse state of a source.
type HealthState string

const (
	HealthOK       HealthState = "ok"
	HealthRetrying HealthState = "retrying" // waiting until RetryAt
	HealthReauth   HealthState = "reauth"   // refreshing cookie and crumb
	HealthOffline  HealthState = "offline"  // given up for now
	HealthDegraded HealthState = "degraded" // running, but some data was bad or missing
	HealthStopped  HealthState = "stopped"  // the source ended
)

// Health travels with every update so the UI can show it.
type Health struct {
	State   HealthState
	RetryAt time.Time // wall time of the next try (HealthRetrying)
	LastErr string    // the last error, in words ("" when none)
	ErrAt   time.Time // when LastErr happened
	Skipped int       // bad records skipped (replay, lenient reading)
	Detail  string    // short extra text, e.g. "3 symbols unknown"
	// StaleAfter is how old a live quote may get before it is stale (three
	// poll intervals); 0 when the source does not say. Between updates
	// (a long back-off) the UI measures ages against its own clock.
	StaleAfter time.Duration
	// Stream is the state of a push stream beside the polls (zero when
	// the source has none).
	Stream StreamHealth
}

// StreamHealth is the state of a source's price stream. While it is down
// the source falls back to polling alone.
type StreamHealth struct {
	State   string    // "connecting", "streaming" or "down" ("" no stream)
	RetryAt time.Time // down: the next reconnect
	LastErr string    // why the last connection ended
	Bad     int       // frames that were not a price (counted, not fatal)
}

// ClockStatus describes a replay clock (nil for live sources).
type ClockStatus struct {
	Speed   float64 // virtual seconds per wall second
	Paused  bool
	Loop    bool
	Start   time.Time // first instant of the data
	End     time.Time // last instant of the data
	AtEnd   bool      // reached End and stopped
	Follows bool      // this viewer follows someone else's clock (watch party)
	// Watch party (SSH): the seat as this viewer sees it. Party is set in a
	// watch party; Presenter names who drives the shared clock ("": nobody
	// now); Presenting is set for the viewer who drives it, with Watchers
	// the number of others watching.
	Party      bool
	Presenter  string
	Presenting bool
	Watchers   int
	// Board is the leaderboard the presenter shows every viewer, ranked
	// (nil: not shown). Rows are shared: never change them in place.
	Board []BoardRow
	// Lesson is the watch party's shared view, caption and question as
	// this viewer sees it (nil: not a party, or no lesson state).
	Lesson *Lesson
}

// Update is one message from a source. Frame is never nil.
type Update struct {
	Source string // the source's id
	Seq    uint64 // increases by one per update from that source
	Mode   Mode
	Frame  *market.Frame
	Health Health
	Clock  *ClockStatus
}

// Source produces updates. Subscribe returns a channel that receives the
// latest state at once and every update after it; a slow reader gets the
// newest update, not a backlog. The channel is closed when ctx ends or the
// source stops.
type Source interface {
	ID() string
	Subscribe(ctx context.Context) <-chan Update
}

// Op is a replay control operation.
type Op int

const (
	OpTogglePause Op = iota
	OpPause
	OpResume
	OpSetSpeed  // Arg: speed
	OpFaster    // next speed step up
	OpSlower    // next speed step down
	OpStep      // N bars forward (negative: back)
	OpSeek      // At
	OpSeekBy    // By (may be negative)
	OpNextEvent // seek to the next event
	OpPrevEvent
	OpOpen    // the current session's open
	OpClose   // the current session's close
	OpNextDay // the next session's open
	OpPrevDay
	OpToggleLoop
)

// Command is one control request to a replay.
type Command struct {
	Op    Op
	Speed float64
	N     int
	At    time.Time
	By    time.Duration
}

// Controller accepts replay commands. Live sources do not implement it.
type Controller interface {
	Control(Command) error
}

// Targeter is implemented by controllers that can say, without moving the
// clock, the time a command would move it to (ok false: the command does
// not move it, or would be refused). The dashboard asks before a seek that
// would go back past a paper trade.
type Targeter interface {
	Target(Command) (t time.Time, ok bool)
}

// Clock is the time source injected into feeds: the real clock in the
// program, a fake one in tests.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once, d after now.
	After(d time.Duration) <-chan time.Time
}
