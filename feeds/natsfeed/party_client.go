package natsfeed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
)

// PartyClientOptions configure a PartyClient. The zero value is usable.
type PartyClientOptions struct {
	// Node is this serve node's id among the party's nodes (default: a
	// random one); at most 64 bytes.
	Node string
	// Timeout bounds each request (DefaultPartyTimeout).
	Timeout time.Duration
	// OnError, if set, hears failures of the background sends (counts,
	// answers sent again); it must not block.
	OnError func(error)
}

// PartyClient is a serve node's party.Backend when the party lives in the
// feed's leading relay: its ops are NATS requests to the relay, and what
// it reports (Status, Presenter, Limit) is read from the latest state the
// node's Subscriber received. Start it with Start.
type PartyClient struct {
	nc    *nats.Conn
	feed  string
	clock feeds.Clock
	opt   PartyClientOptions
	kick  chan struct{}

	mu        sync.Mutex
	has       bool
	run       string
	lesson    feeds.Lesson // the shared part, from the last state
	lessonKey []byte       // lesson as JSON, to tell a change
	presenter string
	wake      chan struct{}
	answers   map[string]sentAnswer // viewer -> its answer to the open question
	counts    map[string][2]int     // Counts' node -> watching, following
	resend    bool                  // the relay changed: send answers again
	failing   bool                  // the last counts request failed
}

type sentAnswer struct {
	question int
	text     string
	op       feeds.LessonOp
}

// NewPartyClient makes the party client of a serve node that follows the
// feed with sub (on the same connection nc).
func NewPartyClient(nc *nats.Conn, sub *Subscriber, clock feeds.Clock, opt PartyClientOptions) (*PartyClient, error) {
	if nc == nil || sub == nil || clock == nil {
		return nil, errors.New("natsfeed: party client without a connection, subscriber or clock")
	}
	if opt.Node == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		opt.Node = "node-" + hex.EncodeToString(b[:])
	}
	if len(opt.Node) > maxNodeID {
		return nil, fmt.Errorf("party node id of %d bytes (limit %d)", len(opt.Node), maxNodeID)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultPartyTimeout
	}
	c := &PartyClient{nc: nc, feed: sub.feed, clock: clock, opt: opt, kick: make(chan struct{}, 1),
		wake: make(chan struct{}), answers: map[string]sentAnswer{}, counts: map[string][2]int{}}
	sub.OnState(c.onState)
	return c, nil
}

// Node is this node's id in the party.
func (c *PartyClient) Node() string { return c.opt.Node }

// partyCountsGap is the least time between two counts requests.
const partyCountsGap = 100 * time.Millisecond

// Start sends the node's counts every Heartbeat (the relay forgets a node
// silent for PartyNodeSilence) until ctx ends.
func (c *PartyClient) Start(ctx context.Context) {
	go func() {
		beat := c.clock.After(0)
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.kick:
			case <-beat:
				beat = c.clock.After(Heartbeat)
			}
			c.sendCounts()
			c.sendAnswersAgain()
			select { // at most partyCountsGap apart, however fast viewers come and go
			case <-ctx.Done():
				return
			case <-c.clock.After(partyCountsGap):
			}
		}
	}()
}

func (c *PartyClient) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *PartyClient) report(err error) {
	if c.opt.OnError != nil && err != nil {
		c.opt.OnError(err)
	}
}

// onState takes a state the subscriber received.
func (c *PartyClient) onState(st State) {
	var l feeds.Lesson
	presenter := ""
	if st.Clock != nil {
		presenter = party.CleanText(st.Clock.Presenter, maxName)
		if st.Clock.Lesson != nil {
			l = *st.Clock.Lesson
		}
	}
	l.Follow, l.MyAnswer = false, ""
	c.mu.Lock()
	defer c.mu.Unlock()
	newRun := c.run != "" && st.Run != c.run
	if newRun {
		c.resend = true // a relay took over: answers may be lost there
		c.poke()
	}
	c.run = st.Run
	// Keep only the answers to the open question. A state of the same run
	// may be older than an answer's reply (the states come through the
	// stream, the reply directly), so there only a later question drops
	// an answer; a new run's first state is current.
	for v, a := range c.answers {
		q := l.Question
		if (newRun && (q == nil || q.ID != a.question)) || (q != nil && q.ID > a.question) {
			delete(c.answers, v)
		}
	}
	// compared as JSON: decoded times carry a fresh zone each time, so a
	// deep comparison would see a change in every state
	key, _ := json.Marshal(l)
	if c.has && presenter == c.presenter && bytes.Equal(key, c.lessonKey) {
		return
	}
	c.has, c.lesson, c.lessonKey, c.presenter = true, l, key, presenter
	c.changedLocked()
}

func (c *PartyClient) changedLocked() {
	close(c.wake)
	c.wake = make(chan struct{})
}

// ErrRelayNotAnswering is wrapped by a request's error when no relay
// replied.
var ErrRelayNotAnswering = errors.New("relay not answering")

// request sends r and reads the reply; a refusal is an error, except for
// a claim (the seat taken is an answer).
func (c *PartyClient) request(r PartyRequest) (PartyReply, error) {
	r.Node = c.opt.Node
	b, err := json.Marshal(r)
	if err != nil {
		return PartyReply{}, err
	}
	if len(b) > MaxPartyRequest {
		return PartyReply{}, fmt.Errorf("party request of %d bytes (limit %d)", len(b), MaxPartyRequest)
	}
	m, err := c.nc.Request(subjectParty(c.feed), b, c.opt.Timeout)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return PartyReply{}, fmt.Errorf("%w: no relay hosts the party of feed %s", ErrRelayNotAnswering, c.feed)
	case errors.Is(err, nats.ErrTimeout):
		return PartyReply{}, fmt.Errorf("%w: no reply within %s", ErrRelayNotAnswering, c.opt.Timeout)
	case err != nil:
		return PartyReply{}, fmt.Errorf("%w: %v", ErrRelayNotAnswering, err)
	}
	var rep PartyReply
	if len(m.Data) > MaxPartyRequest {
		return PartyReply{}, errors.New("party reply too big")
	}
	if err := json.Unmarshal(m.Data, &rep); err != nil {
		return PartyReply{}, fmt.Errorf("party reply: %w", err)
	}
	if rep.Error != "" {
		return PartyReply{}, errors.New(party.CleanText(rep.Error, 200))
	}
	return rep, nil
}

// Control implements party.Backend.
func (c *PartyClient) Control(cmd feeds.Command) error {
	_, err := c.request(PartyRequest{Op: PartyControl, Command: &cmd})
	return err
}

// Apply implements party.Backend. An accepted answer is remembered for
// the viewer's status (MyAnswer) and sent again if another relay takes
// the party over while the question is open.
func (c *PartyClient) Apply(op feeds.LessonOp) error {
	rep, err := c.request(PartyRequest{Op: PartyLesson, Lesson: &op})
	if err != nil || op.Kind != feeds.LessonAnswer || op.Viewer == "" {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.answers[op.Viewer]; ok || len(c.answers) < party.MaxAnswers {
		c.answers[op.Viewer] = sentAnswer{question: rep.Question, text: rep.MyAnswer, op: op}
	}
	c.changedLocked()
	return nil
}

// Claim implements party.Backend.
func (c *PartyClient) Claim(viewer, name string) (bool, string, error) {
	rep, err := c.request(PartyRequest{Op: PartyClaim, Viewer: viewer, Name: party.CleanText(name, maxName)})
	if err != nil {
		return false, "", err
	}
	return rep.OK, rep.Holder, nil
}

// Release implements party.Backend; a failure is reported to OnError
// (the relay frees the seat of a node it stops hearing from anyway).
func (c *PartyClient) Release(viewer string) {
	if _, err := c.request(PartyRequest{Op: PartyRelease, Viewer: viewer}); err != nil {
		c.report(fmt.Errorf("releasing the presenter's seat: %w", err))
	}
}

// Counts implements party.Backend: the node's counts (summed over the
// node names given) go to the relay now and every Heartbeat.
func (c *PartyClient) Counts(node string, watching, following int) {
	c.mu.Lock()
	if watching <= 0 && following <= 0 {
		delete(c.counts, node)
	} else if len(c.counts) < 1024 || c.counts[node] != [2]int{} {
		c.counts[node] = [2]int{max(watching, 0), max(following, 0)}
	}
	c.mu.Unlock()
	c.poke()
}

func (c *PartyClient) sendCounts() {
	c.mu.Lock()
	var w, f int
	for _, n := range c.counts {
		w, f = w+n[0], f+n[1]
	}
	c.mu.Unlock()
	_, err := c.request(PartyRequest{Op: PartyCounts, Watching: min(w, maxCount), Following: min(f, maxCount)})
	c.mu.Lock()
	was := c.failing
	c.failing = err != nil
	c.mu.Unlock()
	if err != nil && !was {
		c.report(fmt.Errorf("watch party counts: %w", err))
	}
}

// sendAnswersAgain sends this node's answers to the open question again
// after a relay took over (they were in the old relay's room only).
func (c *PartyClient) sendAnswersAgain() {
	c.mu.Lock()
	if !c.resend {
		c.mu.Unlock()
		return
	}
	c.resend = false
	q := c.lesson.Question
	var ops []feeds.LessonOp
	if q != nil && !q.Locked {
		for _, a := range c.answers {
			if a.question == q.ID {
				ops = append(ops, a.op)
			}
		}
	}
	c.mu.Unlock()
	for _, op := range ops {
		if _, err := c.request(PartyRequest{Op: PartyLesson, Lesson: &op}); err != nil {
			c.report(fmt.Errorf("sending an answer again to the new relay: %w", err))
		}
	}
}

// Status implements party.Backend: the shared lesson of the latest state,
// with viewer's own answer.
func (c *PartyClient) Status(viewer string) feeds.Lesson {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.lesson
	if l.Question != nil {
		q := *l.Question
		q.Choices = append([]string(nil), q.Choices...)
		l.Question = &q
		if a, ok := c.answers[viewer]; ok && viewer != "" && a.question == q.ID {
			l.MyAnswer = a.text
		}
	}
	return l
}

// Presenter implements party.Backend.
func (c *PartyClient) Presenter() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.presenter
}

// Limit implements party.Backend (as party.Room.Limit, on the latest
// state's question).
func (c *PartyClient) Limit() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.lesson.Question
	if q == nil || q.Revealed || q.LockAt.IsZero() {
		return time.Time{}, false
	}
	return q.LockAt, true
}

// Changed implements party.Backend: closed when a state brings another
// lesson or presenter, or an answer of this node's is accepted.
func (c *PartyClient) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wake
}

var _ party.Backend = (*PartyClient)(nil)
