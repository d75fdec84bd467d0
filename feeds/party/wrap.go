package party

import (
	"context"
	"time"

	"github.com/selloff/selloff/feeds"
)

// LessonController is a viewer's controller in a party: it drives the
// clock and sends lesson ops.
type LessonController interface {
	feeds.Controller
	feeds.LessonControl
}

// WrapNode is the node name a wrapped source reports its one viewer under
// (Backend.Counts).
const WrapNode = "local"

// Wrap makes a party of one viewer out of a replay, for a tour in the
// terminal: the source's every update carries the lesson as viewer sees
// it (ClockStatus.Lesson, following), and is told again, as a new update,
// when the lesson changes; each frame's time ticks the room (an open
// question locks at its time) when b has one (Local). The controller
// drives b's clock and sends viewer's lesson ops (answers) under name. A
// wrapped update's Clock is a copy: the source's is never changed.
func Wrap(src feeds.Source, b Backend, viewer, name string) (feeds.Source, LessonController) {
	c := lessonCtl{b: b, viewer: viewer, name: name}
	w := &wrapped{src: src, b: b, viewer: viewer}
	if l, ok := b.(*Local); ok {
		w.tick = l.Tick
		if t, ok := l.ctl.(feeds.Targeter); ok {
			return w, targetCtl{c, t}
		}
	}
	return w, c
}

type wrapped struct {
	src    feeds.Source
	b      Backend
	viewer string
	tick   func(time.Time)
}

func (w *wrapped) ID() string { return w.src.ID() }

// Subscribe implements feeds.Source: the newest update wins, as for
// every source.
func (w *wrapped) Subscribe(ctx context.Context) <-chan feeds.Update {
	in := w.src.Subscribe(ctx)
	out := make(chan feeds.Update, 1)
	go func() {
		defer close(out)
		w.b.Counts(WrapNode, 1, 1)
		defer w.b.Counts(WrapNode, 0, 0)
		var (
			last    feeds.Update
			have    bool
			seq     uint64
			changed = w.b.Changed()
		)
		send := func() {
			// the next change is one after the status read here
			changed = w.b.Changed()
			u := last
			seq++
			u.Seq = seq // a retelling is news to the dashboard
			if u.Clock != nil {
				c := *u.Clock
				l := w.b.Status(w.viewer)
				l.Follow = true
				c.Lesson = &l
				u.Clock = &c
			}
			select {
			case out <- u:
			default:
				select { // replace the unread one: the newest wins
				case <-out:
				default:
				}
				out <- u
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case u, ok := <-in:
				if !ok {
					return
				}
				if w.tick != nil && u.Frame != nil {
					w.tick(u.Frame.Time)
				}
				last, have = u, true
				send()
			case <-changed:
				if !have {
					changed = w.b.Changed()
					continue
				}
				send()
			}
		}
	}()
	return out
}

type lessonCtl struct {
	b            Backend
	viewer, name string
}

func (c lessonCtl) Control(cmd feeds.Command) error { return c.b.Control(cmd) }

// Lesson implements feeds.LessonControl: the op is this viewer's.
func (c lessonCtl) Lesson(op feeds.LessonOp) error {
	op.Viewer, op.Name, op.Anon = c.viewer, c.name, c.name
	return c.b.Apply(op)
}

// targetCtl also says where a command would move the clock (the
// dashboard asks before a seek back past a paper trade).
type targetCtl struct {
	lessonCtl
	t feeds.Targeter
}

func (c targetCtl) Target(cmd feeds.Command) (time.Time, bool) { return c.t.Target(cmd) }
