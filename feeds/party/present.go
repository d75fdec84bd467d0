package party

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots/tour"
)

// The seat a presenting tour takes (Backend.Claim): its viewer id and the
// name viewers see.
const (
	TourViewer = "tour"
	TourName   = "tour"
)

// Question is the lesson's question a tour step asks.
func Question(q *tour.Question) feeds.Question {
	fq := feeds.Question{
		Text:    q.Text,
		Kind:    feeds.QuestionKind(q.Kind),
		Unit:    q.Unit,
		Choices: append([]string(nil), q.Choices...),
		Symbol:  q.Symbol,
		Measure: q.Measure,
		Correct: q.Correct,
		LockAt:  q.LockTime,
		Names:   q.Names,
	}
	if q.Answer != nil {
		a := *q.Answer
		fq.Answer = &a
	}
	return fq
}

// ViewOps are the lesson ops of a step's view (select, focus, chart,
// range) and caption, in that order.
func ViewOps(s tour.Step) []feeds.LessonOp {
	var ops []feeds.LessonOp
	if s.Select != "" || s.Focus != "" || s.Chart != "" || s.Range != "" {
		ops = append(ops, feeds.LessonOp{Kind: feeds.LessonSetView,
			View: &feeds.LessonView{Symbol: s.Select, Focus: s.Focus, Chart: s.Chart, Range: s.Range}})
	}
	if s.Caption != nil {
		ops = append(ops, feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: *s.Caption})
	}
	return ops
}

// StepCommands are a step's clock commands, in the order a tour sends
// them (the dashboard's and a presenting party's alike): before, the seek
// and speed; run, after the step's lesson ops (an ask locks by the clock
// the seek set), a resume for a step that plays or unpauses, or a pause.
func StepCommands(s tour.Step) (before, run []feeds.Command) {
	if !s.AtTime.IsZero() {
		before = append(before, feeds.Command{Op: feeds.OpSeek, At: s.AtTime})
	}
	if s.Speed > 0 {
		before = append(before, feeds.Command{Op: feeds.OpSetSpeed, Speed: s.Speed})
	}
	switch {
	case !s.PlayToTime.IsZero() || (s.Pause != nil && !*s.Pause):
		run = append(run, feeds.Command{Op: feeds.OpResume})
	case s.Pause != nil:
		run = append(run, feeds.Command{Op: feeds.OpPause})
	}
	return before, run
}

// StopAt stops a step that plays at its play_to: paused, and at the exact
// time (the last frame may have gone a little past it).
func StopAt(t time.Time) []feeds.Command {
	return []feeds.Command{{Op: feeds.OpPause}, {Op: feeds.OpSeek, At: t}}
}

// QuestionOps are the lesson ops of a step's question steps, in the order
// close_question, question, lock, reveal.
func QuestionOps(s tour.Step) []feeds.LessonOp {
	var ops []feeds.LessonOp
	if s.CloseQuestion {
		ops = append(ops, feeds.LessonOp{Kind: feeds.LessonClose})
	}
	if s.Question != nil {
		q := Question(s.Question)
		ops = append(ops, feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q})
	}
	if s.Lock {
		ops = append(ops, feeds.LessonOp{Kind: feeds.LessonLock})
	}
	if s.Reveal {
		ops = append(ops, feeds.LessonOp{Kind: feeds.LessonReveal})
	}
	return ops
}

// FrameTruth reads a number question's truth from the market as it was
// at a time (a Dataset's At): the symbol's last price, or its % change on
// the previous close. No price, or no previous close for a change: no
// figure (never a zero).
func FrameTruth(at func(time.Time) *market.Frame) TruthFunc {
	return func(symbol, measure string, t time.Time) (float64, bool) {
		f := at(t)
		if f == nil {
			return 0, false
		}
		i := f.Index(strings.ToUpper(symbol))
		if i < 0 {
			return 0, false
		}
		q := f.Quotes[i]
		if !q.HasPrice {
			return 0, false
		}
		switch measure {
		case feeds.MeasurePrice, "":
			return q.Price, true
		case feeds.MeasureChange:
			_, pct, ok := q.Change() // the watchlist's own % change
			return pct, ok
		}
		return 0, false
	}
}

// Presentation is a tour that presents a party by itself.
type Presentation struct {
	Tour    *tour.Tour // resolved against the party's data
	Backend Backend
	// Source is the party's shared replay: a play_to step watches its
	// frames' time.
	Source feeds.Source
	// After is the wall clock's timer for holds (time.After; a fake
	// clock's in tests).
	After func(time.Duration) <-chan time.Time
	// Warn hears of a step's command or op the party refused (the tour
	// goes on); nil: not told.
	Warn func(step tour.Step, err error)
}

// ErrSourceEnded is returned when the party's source stops mid-tour.
var ErrSourceEnded = errors.New("tour: the party's replay stopped")

// Present runs p's tour on its party from the first step to the last, as
// the presenter: it takes the presenter's seat (TourViewer) so viewers
// follow it, and gives it up when it returns (a person may then take
// it). Each step seeks and sets the speed, sets the view, caption and
// question, then runs or pauses the clock; a play_to runs it until a
// frame reaches that time (or the data's end) and stops it there, exactly
// at play_to; then the step's hold is waited. It returns when ctx ends
// (ctx's error), the tour ends (nil), or the source stops.
func Present(ctx context.Context, p Presentation) error {
	b := p.Backend
	ok, holder, err := b.Claim(TourViewer, TourName)
	if err != nil {
		return fmt.Errorf("tour: taking the presenter's seat: %w", err)
	}
	if !ok {
		return fmt.Errorf("tour: %s holds the presenter's seat", holder)
	}
	defer b.Release(TourViewer)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	updates := p.Source.Subscribe(ctx)
	for _, s := range p.Tour.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		// What came before this step (a frame of the clock it stopped) is
		// no news of this step's play.
		if !drain(updates) {
			return ErrSourceEnded
		}
		warn := func(err error) {
			if err != nil && p.Warn != nil {
				p.Warn(s, err)
			}
		}
		before, run := StepCommands(s)
		for _, c := range before {
			warn(b.Control(c))
		}
		if !s.AtTime.IsZero() {
			tick(b, s.AtTime)
		}
		for _, op := range append(ViewOps(s), QuestionOps(s)...) {
			op.Viewer, op.Name, op.Anon = TourViewer, TourName, TourName
			warn(b.Apply(op))
		}
		for _, c := range run {
			warn(b.Control(c))
		}
		if !s.PlayToTime.IsZero() {
			if err := playTo(ctx, updates, s.PlayToTime); err != nil {
				return err
			}
			for _, c := range StopAt(s.PlayToTime) {
				warn(b.Control(c))
			}
			tick(b, s.PlayToTime)
		}
		if s.Hold > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-p.After(s.Hold):
			}
		}
	}
	return nil
}

// Ticker is a Backend whose room is told the clock's time (Local). The
// party's own watcher ticks it too, but a step right after a play_to (a
// reveal at the close) must not race it: Present ticks the time it stopped
// the clock at, so a question locks there exactly.
type Ticker interface {
	Tick(time.Time)
}

func tick(b Backend, t time.Time) {
	if tk, ok := b.(Ticker); ok {
		tk.Tick(t)
	}
}

// playTo waits for a frame of the running clock at or past t (or at the
// data's end). A frame of a paused clock is one from before the step
// resumed it, not its play.
func playTo(ctx context.Context, updates <-chan feeds.Update, t time.Time) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case u, ok := <-updates:
			if !ok {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return ErrSourceEnded
			}
			if u.Frame == nil {
				continue
			}
			if c := u.Clock; c != nil && c.AtEnd {
				return nil
			}
			if c := u.Clock; c != nil && c.Paused {
				continue
			}
			if !u.Frame.Time.Before(t) {
				return nil
			}
		}
	}
}

// drain takes what updates holds now (false: it is closed).
func drain(updates <-chan feeds.Update) bool {
	for {
		select {
		case _, ok := <-updates:
			if !ok {
				return false
			}
		default:
			return true
		}
	}
}
