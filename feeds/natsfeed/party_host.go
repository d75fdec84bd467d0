package natsfeed

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/party"
)

// PartyOptions configure the watch party a leading relay hosts
// (RelayOptions.Party).
type PartyOptions struct {
	// Truth reads number questions' true values; nil: from the source's
	// dataset when it has one (a replay), else none.
	Truth party.TruthFunc
	// OnError hears refused requests and failures (for a log); it must
	// not block. May be nil.
	OnError func(error)
}

// PartyHost is the watch party of one leadership term of a relay: a
// party.Local (room, the replay's controller, the seat), the nodes heard
// from, and which node's viewer holds the seat. It answers requests on
// selloff.<feed>.party and adds the party to every state the relay sends.
type PartyHost struct {
	local *party.Local
	clock feeds.Clock
	opt   PartyOptions

	mu   sync.Mutex
	seen map[string]time.Time // node -> when last heard
	seat *Seat
}

// viewerKey makes a node's viewer id unique across nodes.
func viewerKey(node, viewer string) string { return node + "/" + viewer }

// newPartyHost makes a party over ctl (nil: a clock nobody can drive),
// restored from last when a relay takes over (nil: a new party).
func newPartyHost(ctl feeds.Controller, clock feeds.Clock, opt PartyOptions, last *State) *PartyHost {
	h := &PartyHost{local: party.NewLocal(ctl, opt.Truth), clock: clock, opt: opt, seen: map[string]time.Time{}}
	if last == nil {
		return h
	}
	h.local.Tick(last.Time)
	if last.Clock != nil && last.Clock.Lesson != nil {
		h.local.Restore(*last.Clock.Lesson)
	}
	if s := last.Seat; s != nil && s.Node != "" && s.Viewer != "" && len(s.Node) <= maxNodeID && len(s.Viewer) <= maxViewerID {
		name := party.CleanText(s.Name, maxName)
		if ok, _, _ := h.local.Claim(viewerKey(s.Node, s.Viewer), name); ok {
			h.seat = &Seat{Node: s.Node, Viewer: s.Viewer, Name: name}
			h.seen[s.Node] = clock.Now() // it has PartyNodeSilence to speak up
		}
	}
	return h
}

// hostParty runs a party for one leadership term until ctx ends or stop
// is called (stop returns once the party is gone): it answers requests
// and adds the party to the publisher's states.
func hostParty(ctx context.Context, nc *nats.Conn, pub *Publisher, clock feeds.Clock, opt PartyOptions, src feeds.Source, last *State) (h *PartyHost, stop func(), err error) {
	ctl, _ := src.(feeds.Controller)
	if d, ok := src.(interface{ Dataset() *market.Dataset }); ok && opt.Truth == nil && d.Dataset() != nil {
		opt.Truth = party.FrameTruth(d.Dataset().At) // a replay's data
	}
	h = newPartyHost(ctl, clock, opt, last)
	sub, err := nc.Subscribe(subjectParty(pub.feed), func(m *nats.Msg) { h.handle(m) })
	if err != nil {
		return nil, nil, fmt.Errorf("NATS subscribe %s: %w", subjectParty(pub.feed), err)
	}
	_ = sub.SetPendingLimits(1024, 16<<20) // bounded backlog of requests
	pub.setDecorate(h.decorate)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	stop = func() { cancel(); <-done }
	go func() {
		defer func() {
			_ = sub.Unsubscribe()
			pub.setDecorate(nil)
			close(done)
		}()
		sweep := clock.After(Heartbeat)
		changed := h.local.Changed()
		for {
			select {
			case <-ctx.Done():
				return
			case <-changed:
				changed = h.local.Changed() // before sending: a change meanwhile is sent too
				if err := pub.refresh(ctx, clock.Now()); err != nil {
					h.report(err)
				}
			case <-sweep:
				h.expire()
				sweep = clock.After(Heartbeat)
			}
		}
	}()
	return h, stop, nil
}

func (h *PartyHost) report(err error) {
	if h.opt.OnError != nil && err != nil {
		h.opt.OnError(err)
	}
}

// decorate adds the party to a state: the shared lesson, the presenter
// and the seat. It also tells the room the clock's time (a question locks
// at its time).
func (h *PartyHost) decorate(s *State) {
	if !s.Time.IsZero() {
		h.local.Tick(s.Time)
	}
	var c feeds.ClockStatus
	if s.Clock != nil {
		c = *s.Clock // never change the source's status in place
	}
	l := h.local.Status("")
	c.Party, c.Lesson, c.Presenter, c.Presenting, c.Watchers = true, &l, h.local.Presenter(), false, l.Watching
	s.Clock = &c
	h.mu.Lock()
	if h.seat != nil {
		seat := *h.seat
		s.Seat = &seat
	} else {
		s.Seat = nil
	}
	h.mu.Unlock()
}

// expire forgets nodes silent for longer than PartyNodeSilence: their
// counts go, and a seat one of their viewers held is freed.
func (h *PartyHost) expire() {
	now := h.clock.Now()
	var gone []string
	freed := ""
	h.mu.Lock()
	for node, t := range h.seen {
		if now.Sub(t) > PartyNodeSilence {
			delete(h.seen, node)
			gone = append(gone, node)
			if h.seat != nil && h.seat.Node == node {
				h.local.Release(viewerKey(node, h.seat.Viewer))
				freed, h.seat = node, nil
			}
		}
	}
	h.mu.Unlock()
	for _, node := range gone {
		h.local.Counts(node, 0, 0)
		msg := "its counts dropped"
		if node == freed {
			msg += ", the presenter's seat it held freed"
		}
		h.report(fmt.Errorf("watch party: node %s silent for over %s: %s", party.CleanText(node, maxNodeID), PartyNodeSilence, msg))
	}
}

// handle answers one request.
func (h *PartyHost) handle(m *nats.Msg) {
	rep := h.do(m.Data)
	if m.Reply == "" {
		return
	}
	b, err := json.Marshal(rep)
	if err != nil {
		b = []byte(`{"ok":false,"error":"reply not encodable"}`)
	}
	if err := m.Respond(b); err != nil {
		h.report(fmt.Errorf("watch party reply: %w", err))
	}
}

func (h *PartyHost) do(b []byte) PartyReply {
	r, err := decodePartyRequest(b)
	if err != nil {
		h.report(err)
		return PartyReply{Error: err.Error()}
	}
	h.mu.Lock()
	if _, known := h.seen[r.Node]; !known && len(h.seen) >= MaxPartyNodes {
		h.mu.Unlock()
		err := fmt.Errorf("the watch party has %d nodes already", MaxPartyNodes)
		h.report(err)
		return PartyReply{Error: err.Error()}
	}
	h.seen[r.Node] = h.clock.Now()
	h.mu.Unlock()
	switch r.Op {
	case PartyControl:
		err = h.local.Control(*r.Command)
	case PartyLesson:
		op := *r.Lesson
		if op.Viewer != "" {
			op.Viewer = viewerKey(r.Node, op.Viewer)
		}
		if err = h.local.Apply(op); err == nil && op.Kind == feeds.LessonAnswer {
			l := h.local.Status(op.Viewer)
			rep := PartyReply{OK: true, MyAnswer: l.MyAnswer}
			if l.Question != nil {
				rep.Question = l.Question.ID
			}
			return rep
		}
	case PartyClaim:
		name := party.CleanText(r.Name, maxName)
		if name == "" {
			name = "someone" // a seat held is never shown as nobody's
		}
		h.mu.Lock() // the seat and the Local's holder change together
		ok, holder, cerr := h.local.Claim(viewerKey(r.Node, r.Viewer), name)
		if ok && cerr == nil {
			h.seat = &Seat{Node: r.Node, Viewer: r.Viewer, Name: name}
		}
		h.mu.Unlock()
		if cerr != nil {
			return PartyReply{Error: cerr.Error()}
		}
		return PartyReply{OK: ok, Holder: holder}
	case PartyRelease:
		h.mu.Lock()
		if h.seat != nil && h.seat.Node == r.Node && h.seat.Viewer == r.Viewer {
			h.seat = nil
		}
		h.local.Release(viewerKey(r.Node, r.Viewer))
		h.mu.Unlock()
	case PartyCounts:
		h.local.Counts(r.Node, r.Watching, r.Following)
	}
	if err != nil {
		return PartyReply{Error: err.Error()}
	}
	return PartyReply{OK: true}
}
