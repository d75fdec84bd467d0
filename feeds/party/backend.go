package party

import (
	"errors"
	"sync"
	"time"

	"github.com/selloff/selloff/feeds"
)

// Backend is where a watch party's shared state lives and its clock is
// driven: Local in the serve process, or (across serve nodes) a client of
// the relay that holds the Room (natsfeed). The SSH server talks to a
// party only through it. Methods may block on the network (remote): call
// them from a goroutine or a Cmd, never from Update or View.
type Backend interface {
	// Control drives the shared clock; the caller checked the sender
	// presents.
	Control(feeds.Command) error
	// Apply carries out a lesson op; the caller checked the sender may.
	Apply(feeds.LessonOp) error
	// Claim takes the presenter's seat for viewer (a unique id; name is
	// shown to the others) when it is vacant or already viewer's. ok false:
	// holder (a name) has it. Release gives viewer's seat up (no-op when
	// it holds none).
	Claim(viewer, name string) (ok bool, holder string, err error)
	Release(viewer string)
	// Counts reports one node's viewers: watching (not presenting), and
	// how many of them follow the presenter's view.
	Counts(node string, watching, following int)
	// Status is the lesson as viewer sees it; Presenter names who holds
	// the seat ("" nobody).
	Status(viewer string) feeds.Lesson
	Presenter() string
	// Limit is the no-peeking limit (Room.Limit).
	Limit() (time.Time, bool)
	// Changed is closed at the next change of the lesson or the seat.
	Changed() <-chan struct{}
}

// Local is a Backend in one process: a Room, the shared replay's
// controller, and the presenter's seat.
type Local struct {
	*Room
	ctl feeds.Controller

	mu     sync.Mutex
	holder string // the seated viewer's id ("" vacant)
	name   string
}

// NewLocal returns a party over the shared clock's controller ctl (nil: a
// party nobody can drive) with truth for number questions (may be nil).
func NewLocal(ctl feeds.Controller, truth TruthFunc) *Local {
	return &Local{Room: New(truth), ctl: ctl}
}

// ErrNoClock is returned by Control when the party has no controller.
var ErrNoClock = errors.New("this party's clock cannot be driven")

// Control implements Backend.
func (l *Local) Control(c feeds.Command) error {
	if l.ctl == nil {
		return ErrNoClock
	}
	return l.ctl.Control(c)
}

// Claim implements Backend.
func (l *Local) Claim(viewer, name string) (bool, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.holder {
	case viewer:
		return true, l.name, nil
	case "":
		l.holder, l.name = viewer, name
		l.poke()
		return true, name, nil
	}
	return false, l.name, nil
}

// Release implements Backend.
func (l *Local) Release(viewer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder == viewer && viewer != "" {
		l.holder, l.name = "", ""
		l.poke()
	}
}

// Presenter implements Backend.
func (l *Local) Presenter() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.name
}

// poke wakes the room's watchers for a change of the seat.
func (l *Local) poke() {
	l.Room.mu.Lock()
	l.Room.changedLocked()
	l.Room.mu.Unlock()
}

var _ Backend = (*Local)(nil)
