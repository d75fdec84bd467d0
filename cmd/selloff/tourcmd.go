package main

import (
	"context"
	"errors"
	"flag"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots/tour"
)

// tourParty makes a tour in the terminal a watch party of one: the tour
// asks, locks and reveals its questions in a room over the replay (number
// questions' truth read from the snapshot at the lock time), and the one
// viewer sees the lesson in every update and answers through the
// controller.
func (d *replayData) tourParty(rp *replay.Replay) (feeds.Source, party.LessonController) {
	return party.Wrap(rp, party.NewLocal(rp, party.FrameTruth(d.ds.At)), "you", "you")
}

// tourLesson gives u the lesson a tour's first step steps leave (its open
// question, locked or revealed as the steps say), as `selloff tour` would
// show it there: a picture of a tour shows its question too.
func (d *replayData) tourLesson(u feeds.Update, t *tour.Tour, step int) feeds.Update {
	if u.Clock == nil || u.Frame == nil {
		return u
	}
	l := party.NewLocal(nil, party.FrameTruth(d.ds.At))
	l.Tick(u.Frame.Time)
	for i := 0; i < step && i < len(t.Steps); i++ {
		for _, op := range party.QuestionOps(t.Steps[i]) {
			_ = l.Apply(op) // a refused op leaves the lesson as it was, as in the tour
		}
	}
	lesson := l.Status("you")
	lesson.Follow = true
	c := *u.Clock
	c.Lesson = &lesson
	u.Clock = &c
	return u
}

// loadTour reads the tour --tour (or `selloff tour`) names and checks it
// against the replay's data: every time resolves inside it and every
// selected symbol is in it. Any problem ends the command before the
// dashboard starts (nil, nil: no tour).
func (d *replayData) loadTour(spec string) (*tour.Tour, error) {
	if spec == "" {
		return nil, nil
	}
	t, err := tour.Load(spec)
	if err != nil {
		return nil, err
	}
	start, end, _ := d.ds.Span()
	err = errors.Join(t.Resolve(d.snap.Header, start, end), t.CheckSymbols(func(s string) bool {
		_, ok := d.snap.Symbol(s)
		return ok
	}))
	if err != nil {
		return nil, err
	}
	return t, nil
}

func tourFlags(fs *flag.FlagSet) {
	replayFlags(fs)
	fs.String("snapshot", "", "the snapshot the tour replays (default: deepseek-week)")
}

// runTour is `selloff tour [NAME|FILE]`: the replay with a tour, by default
// the embedded "deepseek" tour over the embedded snapshot.
func runTour(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	name, err := oneArg(args, "tour")
	if err != nil {
		return err
	}
	if name == "" {
		name = "deepseek"
	}
	if fstr(fs, "tour") != "" {
		return usagef("selloff tour takes the tour as its argument, not --tour")
	}
	if err := fs.Set("tour", name); err != nil {
		return err
	}
	var snap []string
	if s := fstr(fs, "snapshot"); s != "" {
		snap = []string{s}
	}
	return runReplay(ctx, a, fs, snap)
}

func tourFrameFlags(fs *flag.FlagSet) {
	fs.String("tour", "", "draw a moment of a tour (`NAME` or FILE): the dashboard as --tour-step leaves it, at its clock (instead of --at)")
	fs.Int("tour-step", 1, "with --tour: the step (1-based) whose end is drawn")
}

// renderedFrame is the frame render draws: at --at, or, with --tour,
// where step --tour-step of the tour leaves the clock (tr and step set:
// the dashboard is drawn as the tour leaves it there).
func (d *replayData) renderedFrame(fs *flag.FlagSet) (u feeds.Update, tr *tour.Tour, step int, err error) {
	spec := fstr(fs, "tour")
	if spec == "" {
		u, err = d.still(fstr(fs, "at"))
		return u, nil, 0, err
	}
	if isSet(fs, "at") {
		return u, nil, 0, usagef("--tour draws where its step leaves the clock: it takes no --at")
	}
	if tr, err = d.loadTour(spec); err != nil {
		return u, nil, 0, err
	}
	step = get[int](fs, "tour-step")
	if step < 1 || step > len(tr.Steps) {
		return u, nil, 0, usagef("--tour-step %d: the tour has steps 1 to %d", step, len(tr.Steps))
	}
	at := "now" // where the replay starts by itself
	if t, ok := tr.FrameTime(step); ok {
		at = t.Format(time.RFC3339Nano)
	}
	u, err = d.still(at)
	return u, tr, step, err
}
