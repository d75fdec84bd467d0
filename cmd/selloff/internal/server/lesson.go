package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// The watch party's lesson (issue 13) on the server's side. The state
// lives in a party.Backend (Config.Party); the server checks who may do
// what (the presenter's ops), names the sender of an op (its viewer id,
// user name and anonymous number), reports how many of its viewers watch
// and follow, and gives a viewer who leaves following a private clock
// that may not pass the no-peeking limit while a question is open.

// Party is the watch party's backend (nil: not a watch party): what a
// tour presenting the party drives, besides the SSH viewers.
func (s *Server) Party() party.Backend { return s.party }

// defaultNode names this process among a party's serve nodes.
func defaultNode() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "selloff"
	}
	return clip(h, 40) + "-" + strconv.Itoa(os.Getpid())
}

// feedSel is the clock a party viewer's feed reads: the shared one (ctl
// nil), or its private replay. A switch stores a new one and closes the
// old one's swapped.
type feedSel struct {
	updates <-chan feeds.Update // the private clock's (nil: the shared one)
	ctl     feeds.Controller
	cancel  context.CancelFunc // stops the private clock
	swapped chan struct{}      // closed when this selection is replaced
}

// limiter is a private clock that stops at the no-peeking limit itself
// (replay.Replay.SetLimit).
type limiter interface{ SetLimit(time.Time) }

// recount reports this node's party viewers to the backend: watching (not
// presenting) and how many of them follow.
func (s *Server) recount() {
	if s.party == nil {
		return
	}
	s.countMu.Lock() // reports reach the backend in the order they were counted
	defer s.countMu.Unlock()
	watching, following := 0, 0
	s.mu.Lock()
	for o := range s.sessions {
		if o.party && !o.presenter {
			watching++
			if o.follow {
				following++
			}
		}
	}
	s.mu.Unlock()
	s.party.Counts(s.node, watching, following)
}

// leaveParty is the party's side of a viewer's end: its seat is released
// (with --presenter-key, heir, another session of the key, takes it) and
// the counts go down.
func (s *Server) leaveParty(ss *session, presented bool, heir *session) {
	if presented {
		s.party.Release(ss.viewer)
		if heir != nil {
			if _, _, err := s.party.Claim(heir.viewer, displayName(heir.sess.User())); err != nil {
				heir.log.Warn("presenter seat", "err", err)
			}
		}
	}
	if sel := ss.sel.Load(); sel != nil && sel.cancel != nil {
		sel.cancel()
	}
	s.recount()
}

// opBucket bounds a viewer's lesson ops: opBurst at once, then
// opPerSecond (guarded by Server.mu).
type opBucket struct {
	tokens float64
	last   time.Time
}

const (
	opBurst     = 10
	opPerSecond = 2
)

func (b *opBucket) take(now time.Time) bool {
	if b.last.IsZero() {
		b.tokens = opBurst
	} else if d := now.Sub(b.last); d > 0 {
		b.tokens = min(opBurst, b.tokens+d.Seconds()*opPerSecond)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Bounds of what a dashboard may send in one op (the backend may carry it
// over the network before the room cleans it).
const (
	maxOpText   = 1024 // bytes of a caption, question text or choice
	maxOpAnswer = 64   // bytes of an answer
)

// lessonOp carries out a lesson op from ss's dashboard: presenter-only
// ops are refused for the others, and the op is signed with ss's viewer
// id, user name and anonymous number.
func (s *Server) lessonOp(ss *session, op feeds.LessonOp) error {
	if s.party == nil {
		return errors.New("there is no lesson outside a watch party")
	}
	s.mu.Lock()
	inParty, presenting := ss.party, ss.presenter
	anon := "viewer " + strconv.Itoa(s.board.number[ss])
	// Every op wakes every viewer's feed: a viewer pasting answers by the
	// thousand must not make the server republish to all at that rate.
	// The presenter (who leads the view at key-repeat speed) is trusted.
	allowed := presenting || ss.ops.take(time.Now())
	s.mu.Unlock()
	if !inParty {
		return errors.New("you are not in the watch party")
	}
	if !allowed {
		return errors.New("too many answers at once: wait a moment")
	}
	op.Viewer, op.Name, op.Anon = ss.viewer, displayName(ss.sess.User()), anon
	switch op.Kind {
	case feeds.LessonFollow:
		return s.setFollow(ss, op.Follow)
	case feeds.LessonAnswer:
		if len(op.Answer) > maxOpAnswer {
			return errors.New("answer too long")
		}
		op.View, op.Question, op.Caption = nil, nil, ""
	case feeds.LessonSetView, feeds.LessonSetCaption, feeds.LessonAsk,
		feeds.LessonLock, feeds.LessonReveal, feeds.LessonClose:
		if !presenting {
			return notPresenter(op.Kind)
		}
		if err := boundOp(&op); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown lesson op %q", clip(string(op.Kind), 20))
	}
	return s.party.Apply(op)
}

// notPresenter is the refusal of a presenter's op from someone else.
func notPresenter(k feeds.LessonOpKind) error {
	what := map[feeds.LessonOpKind]string{
		feeds.LessonSetView:    "lead the view",
		feeds.LessonSetCaption: "set the caption",
		feeds.LessonAsk:        "ask the room",
		feeds.LessonLock:       "lock the answers",
		feeds.LessonReveal:     "reveal the answers",
		feeds.LessonClose:      "close the question",
	}[k]
	return errors.New("only the presenter can " + what)
}

// boundOp checks a presenter's op is small before it goes to the backend.
func boundOp(op *feeds.LessonOp) error {
	if v := op.View; v != nil && (len(v.Symbol) > 12 || len(v.Focus) > 16 || len(v.Chart) > 16 ||
		len(v.Range) > 16 || len(v.Detail) > 64) {
		return errors.New("view: a field is too long")
	}
	if len(op.Caption) > maxOpText {
		return errors.New("caption too long")
	}
	op.Caption = party.CleanText(op.Caption, feeds.MaxCaption)
	if q := op.Question; q != nil {
		if len(q.Text) > maxOpText || len(q.Unit) > maxOpText || len(q.Symbol) > 12 || len(q.Measure) > 16 ||
			len(q.Choices) > feeds.MaxChoices {
			return errors.New("question too long")
		}
		for _, c := range q.Choices {
			if len(c) > maxOpText {
				return errors.New("question: a choice is too long")
			}
		}
		cq, err := party.CheckQuestion(*q)
		if err != nil {
			return err
		}
		op.Question = &cq
	}
	return nil
}

// errPresenterFollows answers the presenter's f.
var errPresenterFollows = errors.New("you present: there is nobody to follow")

// setFollow makes ss follow the presenter again or leave following. A
// viewer who leaves gets a private clock (when the server can make one)
// at the party's time, paused; one who comes back reads the shared clock
// again.
func (s *Server) setFollow(ss *session, on bool) error {
	ss.selMu.Lock()
	defer ss.selMu.Unlock()
	s.mu.Lock()
	if ss.presenter {
		s.mu.Unlock()
		return errPresenterFollows
	}
	was := ss.follow
	ss.follow = on
	s.mu.Unlock()
	if was == on {
		return nil
	}
	var err error
	if on {
		s.useShared(ss)
	} else if err = s.startPrivate(ss); err != nil {
		s.mu.Lock()
		ss.follow = true
		s.mu.Unlock()
		err = fmt.Errorf("cannot start your own clock: %w", err)
	}
	s.recount()
	return err
}

// useShared switches ss's feed back to the shared clock and stops its
// private one.
func (s *Server) useShared(ss *session) {
	old := ss.sel.Swap(&feedSel{swapped: make(chan struct{})})
	if old != nil {
		close(old.swapped)
		if old.cancel != nil {
			old.cancel()
		}
	}
}

// privateStart bounds how long starting a private clock may take.
const privateStart = 5 * time.Second

// startPrivate gives ss its own replay, at the party's time and speed,
// paused, bounded by the no-peeking limit. Without Sources.PerSession the
// viewer leaves following the view only: its clock stays the party's.
func (s *Server) startPrivate(ss *session) error {
	per := s.cfg.Sources.PerSession
	if per == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(ss.ctx)
	src, ctl, err := per(ctx)
	if err != nil || ctl == nil {
		cancel()
		return err
	}
	nctx, ncancel := context.WithTimeout(ctx, privateStart)
	now, err := next(nctx, s.cfg.Sources.Shared.Subscribe(nctx))
	ncancel()
	if err != nil {
		cancel()
		return err
	}
	at := now.Frame.Time
	lim, limited := s.syncLimit(ctl)
	if limited && at.After(lim) {
		at = lim
	}
	cmds := []feeds.Command{{Op: feeds.OpPause}}
	if now.Clock != nil && now.Clock.Speed > 0 {
		cmds = append(cmds, feeds.Command{Op: feeds.OpSetSpeed, Speed: now.Clock.Speed})
	}
	cmds = append(cmds, feeds.Command{Op: feeds.OpSeek, At: at})
	for _, c := range cmds {
		if err := ctl.Control(c); err != nil {
			cancel()
			return err
		}
	}
	sel := &feedSel{updates: src.Subscribe(ctx), ctl: ctl, cancel: cancel, swapped: make(chan struct{})}
	if old := ss.sel.Swap(sel); old != nil {
		close(old.swapped)
		if old.cancel != nil {
			old.cancel()
		}
	}
	ss.log.Info("private clock", "at", at.In(snapshots.Location()).Format("15:04:05"))
	return nil
}

// syncLimit gives a private clock the party's no-peeking limit (or none).
func (s *Server) syncLimit(ctl feeds.Controller) (time.Time, bool) {
	lim, ok := s.party.Limit()
	if l, can := ctl.(limiter); can {
		if ok {
			// the lock time itself shows the answer (where NVDA closes is
			// the 16:00 frame): a private clock stops a second before it
			l.SetLimit(lim.Add(-peekMargin))
		} else {
			l.SetLimit(time.Time{})
		}
	}
	return lim, ok
}

// peekMargin keeps a private clock short of the lock time: the frame at
// the lock time is the answer.
const peekMargin = time.Second

// noPeeking is the refusal of a move to or past the limit. The time comes
// first: a status bar cuts a note to the room left, and at 100 columns
// "no peeking: answers lock at …" had lost it.
func noPeeking(lim time.Time) error {
	return fmt.Errorf("no peeking at %s or later (answers lock then)", lim.In(snapshots.Location()).Format("15:04"))
}

// privateControl drives a viewer's private clock, never past the
// no-peeking limit.
func (s *Server) privateControl(sel *feedSel, cmd feeds.Command) error {
	if lim, ok := s.syncLimit(sel.ctl); ok {
		if t, can := sel.ctl.(feeds.Targeter); can {
			if at, moves := t.Target(cmd); moves && !at.Before(lim) {
				return noPeeking(lim)
			}
		}
	}
	err := sel.ctl.Control(cmd)
	if le := (*replay.LimitError)(nil); errors.As(err, &le) {
		return noPeeking(le.Limit.Add(peekMargin))
	}
	return err
}

// startPartyTick tells the party the shared clock's time at each of its
// updates (a Local room locks a question's answers at its lock time). It
// reads the shared replay once for the server, not once per viewer. It
// returns the stop.
func (s *Server) startPartyTick() func() {
	t, ok := s.party.(interface{ Tick(time.Time) })
	if !ok || s.cfg.Sources.Shared == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for u := range s.cfg.Sources.Shared.Subscribe(ctx) {
			if u.Frame != nil {
				t.Tick(u.Frame.Time)
			}
		}
	}()
	return func() { cancel(); <-done }
}
