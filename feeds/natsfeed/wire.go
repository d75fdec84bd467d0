// Package natsfeed carries a feed over NATS JetStream: a Publisher (the
// relay's half) puts one source's data and clock on subjects under
// selloff.<feed>., and a Subscriber (a serve node's half) rebuilds the
// dataset from them and is a feeds.Source for its own viewers. Nothing
// here imports a UI package.
//
// # Wire format
//
// Messages are small and carry data, never whole frames: a node rebuilds
// each frame from the dataset with market.Dataset.At, the same call the
// relay's source makes, so every node shows the same figures at the same
// time. Every message has the NATS header Selloff-Run, a run id chosen by
// the relay when it starts (a new run replaces the old one).
//
//	selloff.<feed>.head   the snapshot header (one JSON line, snapshots/FORMAT.md
//	                      section 2), plus NATS headers Selloff-Quote-Source
//	                      (market.WithSource) and Selloff-Stale-After (a Go
//	                      duration, market.WithStaleAfter)
//	selloff.<feed>.rec    a batch of records: JSON Lines (FORMAT.md section 3),
//	                      in time order, at most MaxBatchBytes
//	selloff.<feed>.state  the clock and health: one JSON object (State),
//	                      sent per source update and at least once a
//	                      Heartbeat while nothing changes; for a live
//	                      source also each quote's freshness (QuoteMark:
//	                      source, quote time, stale mark, note) and the
//	                      trading sessions
//
// Two JetStream streams hold them, both with a bounded age (MaxAge):
// SELLOFF_<feed>_RECS keeps every record batch of the run, so a node that
// joins late reads the day so far from the start; SELLOFF_<feed>_STATE keeps
// the last head and the last state only. A state names the stream sequence
// of the last record batch published before it (RecSeq); a node shows a
// state's frame only once it has read that far, so it never shows a frame
// with records missing.
//
// Relays of one feed elect a leader (Lease, Lead) in the key-value bucket
// SELLOFF_<feed>_LEASE: the key "leader" holds the leading relay's id and
// expires after the lease TTL unless renewed. Only the leader publishes; a
// relay that takes over continues from the last state and starts a new
// run, which nodes show with a "relay changed" note (RelayChangedText).
//
// Records are sent as the relay learns them: a replay knows its whole file
// at the start (frames show later daily bars and the whole event timeline,
// so a node needs them all to draw the same frame, and the clock may seek
// anywhere); a live source learns them as it polls.
//
// # Live sources
//
// A live relay (LiveSource, LiveRecorder) sends the head once its source
// has answered (or failed) its first poll, with the symbols as the
// provider filled them in; then each poll's records just before the state
// of the frame they belong to. A live frame is the dataset's frame with
// the source's freshness on top (when each quote was last polled, stale
// after three intervals without one, the provider's name, why a symbol
// has no price); a state carries it as one QuoteMark per quote, so a node
// rebuilds exactly the frame a local live viewer sees, stale marks
// included. The relay's health (retrying, "quotes limited", the price
// stream's state) travels in State.Health as for a replay. A relay that
// takes over a live feed starts its own poll (a new run): there is no
// clock to continue.
package natsfeed

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// NATS header names.
const (
	HdrRun         = "Selloff-Run"
	HdrQuoteSource = "Selloff-Quote-Source"
	HdrStaleAfter  = "Selloff-Stale-After"
)

// MaxBatchBytes bounds one record message (NATS's default max_payload is
// 1 MiB).
const MaxBatchBytes = 128 << 10

// MaxStateBytes bounds a state message a subscriber will decode (a live
// state of 1000 symbols, with their marks and previous closes, is under
// 128 KiB).
const MaxStateBytes = 256 << 10

// DefaultMaxAge is how long the streams keep messages: a day and a bit.
const DefaultMaxAge = 26 * time.Hour

// Heartbeat is how often a relay repeats its state while nothing changes
// (a paused replay, say), so nodes can tell a quiet relay from a dead one.
const Heartbeat = time.Second

// DefaultSilence is how long a node waits for a state before it marks its
// frame stale.
const DefaultSilence = 5 * Heartbeat

var feedName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CheckFeed reports whether name can be a feed name: 1 to 64 letters,
// digits, '-' or '_' (it becomes part of subjects and stream names).
func CheckFeed(name string) error {
	if !feedName.MatchString(name) {
		return fmt.Errorf("feed name %q: want 1 to 64 letters, digits, '-' or '_'", name)
	}
	return nil
}

// Subjects and streams of a feed.
func subjectHead(feed string) string  { return "selloff." + feed + ".head" }
func subjectRec(feed string) string   { return "selloff." + feed + ".rec" }
func subjectState(feed string) string { return "selloff." + feed + ".state" }
func streamRecs(feed string) string   { return "SELLOFF_" + feed + "_RECS" }
func streamState(feed string) string  { return "SELLOFF_" + feed + "_STATE" }

// State is the body of a state message.
type State struct {
	Run    string             `json:"run"`
	Seat   *Seat              `json:"seat,omitempty"`
	Seq    uint64             `json:"seq"`     // the relay source's update sequence
	Mode   feeds.Mode         `json:"mode"`    // replay, live, recording
	Time   time.Time          `json:"time"`    // the frame's time: At(Time) rebuilds it
	RecSeq uint64             `json:"rec_seq"` // stream sequence of the last record batch before this state (0: none)
	Sent   time.Time          `json:"sent"`    // relay wall time when sent (latency, heartbeats)
	Health feeds.Health       `json:"health"`
	Clock  *feeds.ClockStatus `json:"clock,omitempty"`
	// Live sources only (nil for a replay): each quote's freshness as
	// the relay's frame has it, applied on top of the rebuilt frame, and
	// the trading sessions the live source set (today's, with its
	// previous closes, learnt after the head was sent), which a node adds
	// to its dataset when they change.
	Quotes   []QuoteMark         `json:"quotes,omitempty"`
	Sessions []snapshots.Session `json:"sessions,omitempty"`
}

func encodeState(s State) ([]byte, error) { return json.Marshal(s) }

// decodeState reads a state message, refusing one that is too big or
// lacks what a frame needs.
func decodeState(b []byte) (State, error) {
	var s State
	if len(b) > MaxStateBytes {
		return s, fmt.Errorf("state message of %d bytes (limit %d)", len(b), MaxStateBytes)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("state message: %w", err)
	}
	if s.Run == "" || s.Time.IsZero() {
		return State{}, errors.New("state message without run or time")
	}
	if y := s.Time.Year(); y < 1900 || y > 2200 {
		return State{}, fmt.Errorf("state time %s out of range", s.Time.Format(time.RFC3339))
	}
	if s.Clock != nil && !(s.Clock.Speed >= 0 && s.Clock.Speed <= 1e6) {
		return State{}, errors.New("state clock speed out of range")
	}
	if err := checkLive(s); err != nil {
		return State{}, err
	}
	return s, nil
}
