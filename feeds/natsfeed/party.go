package natsfeed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
)

// # Watch party across nodes
//
// A watch party that spans serve nodes lives in the leading relay: it
// holds the party's Room, the replay's controller (the one clock every
// node shows) and the presenter's seat (PartyHost). Nodes reach it with
// NATS request/reply on
//
//	selloff.<feed>.party  one JSON PartyRequest per request (at most
//	                      MaxPartyRequest bytes), one JSON PartyReply back
//
// and read it from the feed's state messages: State.Clock.Lesson (the
// shared part of the lesson), State.Clock.Presenter (who presents) and
// State.Seat (which node's viewer holds the seat). A node's PartyClient is
// the party.Backend its SSH server drives. Only the leading relay
// subscribes to the subject; a node's request when no relay leads fails
// with "relay not answering".
//
// A relay that takes the lead over restores the caption, the presenter's
// view, the open question (and its result when revealed) and the seat
// from the last state; the answers to a question still open are not in a
// state, so they are lost unless the nodes send them again (a PartyClient
// does, for its viewers, when it sees the relay change).

// MaxPartyRequest bounds a party request a relay will read.
const MaxPartyRequest = 16 << 10

// MaxPartyNodes bounds the nodes one party hears from (a node is
// forgotten PartyNodeSilence after its last request).
const MaxPartyNodes = 1024

// DefaultPartyTimeout is how long a node waits for the relay's reply.
const DefaultPartyTimeout = 2 * time.Second

// PartyNodeSilence is how long a node may stay silent before the relay
// forgets its counts and frees a seat its viewer held: three heartbeats
// (a node sends its counts every Heartbeat).
const PartyNodeSilence = 3 * Heartbeat

func subjectParty(feed string) string { return "selloff." + feed + ".party" }

// Party request ops.
const (
	PartyControl = "control" // drive the clock: Command
	PartyLesson  = "lesson"  // a lesson op: Lesson (Viewer, Name, Anon filled by the node)
	PartyClaim   = "claim"   // take the seat for Viewer (Name shown)
	PartyRelease = "release" // give Viewer's seat up
	PartyCounts  = "counts"  // the node's Watching and Following (also its keep-alive)
)

// PartyRequest is the body of a request on selloff.<feed>.party.
type PartyRequest struct {
	Op        string          `json:"op"`
	Node      string          `json:"node"`             // the sending node's id
	Viewer    string          `json:"viewer,omitempty"` // the viewer's id on that node
	Name      string          `json:"name,omitempty"`
	Command   *feeds.Command  `json:"command,omitempty"`
	Lesson    *feeds.LessonOp `json:"lesson,omitempty"`
	Watching  int             `json:"watching,omitempty"`
	Following int             `json:"following,omitempty"`
}

// PartyReply answers a PartyRequest. Error is set when the op was
// refused (then the other fields are empty).
type PartyReply struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Claim: whether the seat is the viewer's, and the holder's name.
	Holder string `json:"holder,omitempty"`
	// Lesson answer: the answer as the room keeps it, and the question.
	MyAnswer string `json:"my_answer,omitempty"`
	Question int    `json:"question,omitempty"`
}

// Seat names who holds a party's presenter seat, in a state message
// (State.Seat; nil: vacant, or no party).
type Seat struct {
	Node   string `json:"node"`
	Viewer string `json:"viewer"`
	Name   string `json:"name"`
}

// Bounds of a party request's fields.
const (
	maxNodeID   = 64
	maxViewerID = 128
	maxName     = 64
	maxCount    = 1_000_000
)

// decodePartyRequest reads and checks a request.
func decodePartyRequest(b []byte) (PartyRequest, error) {
	var r PartyRequest
	if len(b) > MaxPartyRequest {
		return r, fmt.Errorf("party request of %d bytes (limit %d)", len(b), MaxPartyRequest)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return PartyRequest{}, fmt.Errorf("party request: %w", err)
	}
	switch {
	case r.Node == "" || len(r.Node) > maxNodeID:
		return r, errors.New("party request: node id missing or too long")
	case len(r.Viewer) > maxViewerID || len(r.Name) > maxName:
		return r, errors.New("party request: viewer id or name too long")
	}
	switch r.Op {
	case PartyControl:
		if r.Command == nil {
			return r, errors.New("control: no command")
		}
		c := r.Command
		if c.Op < feeds.OpTogglePause || c.Op > feeds.OpToggleLoop {
			return r, fmt.Errorf("control: unknown op %d", c.Op)
		}
		if math.IsNaN(c.Speed) || math.IsInf(c.Speed, 0) || c.N > 1e6 || c.N < -1e6 {
			return r, errors.New("control: speed or step out of range")
		}
	case PartyLesson:
		if r.Lesson == nil {
			return r, errors.New("lesson: no op")
		}
	case PartyClaim, PartyRelease:
		if r.Viewer == "" {
			return r, errors.New(r.Op + ": no viewer")
		}
	case PartyCounts:
		if r.Watching < 0 || r.Following < 0 || r.Watching > maxCount || r.Following > maxCount {
			return r, errors.New("counts out of range")
		}
	default:
		return r, fmt.Errorf("party request: unknown op %q", party.CleanText(r.Op, 16))
	}
	return r, nil
}
