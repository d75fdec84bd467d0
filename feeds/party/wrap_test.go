package party

import (
	"context"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
)

// chanSource is a source the test feeds.
type chanSource chan feeds.Update

func (c chanSource) ID() string                                    { return "replay" }
func (c chanSource) Subscribe(context.Context) <-chan feeds.Update { return c }

type targetClock struct{ cmds []feeds.Command }

func (c *targetClock) Control(cmd feeds.Command) error { c.cmds = append(c.cmds, cmd); return nil }
func (c *targetClock) Target(cmd feeds.Command) (time.Time, bool) {
	return cmd.At, cmd.Op == feeds.OpSeek
}

func next(t *testing.T, ch <-chan feeds.Update) feeds.Update {
	t.Helper()
	select {
	case u, ok := <-ch:
		if !ok {
			t.Fatal("closed")
		}
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update")
	}
	return feeds.Update{}
}

// A wrapped replay is a party of one: every update carries the lesson
// (following), a lesson change is told again as a new update, frames tick
// the room (the question locks at its time), and the controller drives
// the clock and answers as the viewer.
func TestWrap(t *testing.T) {
	in := make(chanSource, 1)
	clk := &targetClock{}
	l := NewLocal(clk, func(string, string, time.Time) (float64, bool) { return 118.42, true })
	src, ctl := Wrap(in, l, "me", "you")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := src.Subscribe(ctx)
	clock := &feeds.ClockStatus{Speed: 60}
	in <- feeds.Update{Source: "replay", Seq: 7, Frame: &market.Frame{Time: at("15:00")}, Clock: clock}
	u := next(t, out)
	if u.Clock.Lesson == nil || !u.Clock.Lesson.Follow || u.Clock.Lesson.Watching != 1 || clock.Lesson != nil {
		t.Fatalf("lesson %+v (source's clock %+v)", u.Clock.Lesson, clock)
	}
	seq := u.Seq

	if _, ok := ctl.(feeds.Targeter); !ok {
		t.Fatal("the replay's Targeter is lost")
	}
	if err := ctl.Control(feeds.Command{Op: feeds.OpPause}); err != nil || len(clk.cmds) != 1 {
		t.Fatalf("control: %v %v", err, clk.cmds)
	}
	// the tour asks (as the tour would, through the room)
	if err := l.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{
		Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA", LockAt: at("16:00")}}); err != nil {
		t.Fatal(err)
	}
	u = next(t, out)
	if q := u.Clock.Lesson.Question; q == nil || q.Locked || u.Seq <= seq {
		t.Fatalf("the ask was not told again as news: seq %d, %+v", u.Seq, q)
	}
	if err := ctl.Lesson(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "$120"}); err != nil {
		t.Fatal(err)
	}
	if u = next(t, out); u.Clock.Lesson.MyAnswer != "$120.00" || u.Clock.Lesson.Answered != 1 {
		t.Fatalf("answer: %+v", u.Clock.Lesson)
	}
	in <- feeds.Update{Source: "replay", Seq: 8, Frame: &market.Frame{Time: at("16:00")}, Clock: clock}
	if u = next(t, out); !u.Clock.Lesson.Question.Locked {
		// the tick's own retelling may come first
		if u = next(t, out); !u.Clock.Lesson.Question.Locked {
			t.Fatalf("not locked at 16:00: %+v", u.Clock.Lesson.Question)
		}
	}
	if err := ctl.Lesson(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "1"}); err != ErrLocked {
		t.Fatalf("answer after the lock: %v", err)
	}
	if err := l.Apply(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	for u = next(t, out); u.Clock.Lesson.Result == nil; u = next(t, out) {
	}
	if r := u.Clock.Lesson.Result; r.Truth != "$118.42" || r.Answers != 1 || len(r.Closest) != 1 || r.Closest[0].Who != "you" {
		t.Fatalf("result %+v", r)
	}
	cancel()
	for range out {
	}
	if l.Status("").Watching != 0 {
		t.Fatal("the viewer was not counted out")
	}
}
