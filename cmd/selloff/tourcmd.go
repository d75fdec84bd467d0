package main

import (
	"context"
	"errors"
	"flag"

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
