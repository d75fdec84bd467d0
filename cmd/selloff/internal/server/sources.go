package server

import (
	"context"
	"errors"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/replay"
)

// Sources is the data plane the server fans out. There is exactly one
// upstream however many sessions connect: cmd builds it once (one Yahoo
// poller, or one decoded snapshot) and the server only subscribes to it.
//
//   - Live: Shared is the live source; PerSession is nil. Nobody gets a
//     Controller.
//   - Replay: PerSession makes a new replay (own clock) over the one decoded
//     dataset for each session; it must stop when ctx ends.
//   - Watch party (Config.WatchParty): Shared is the one shared replay and
//     SharedControl its controller, given to the presenter only. One-shot
//     commands (render, summary) read the party's clock for "now"; for
//     another time (--at) they use PerSession, when set, so that they never
//     move the party's clock.
type Sources struct {
	Shared        feeds.Source
	SharedControl feeds.Controller
	PerSession    func(ctx context.Context) (feeds.Source, feeds.Controller, error)
	// Truth reads a watch party's number questions' true values (the
	// default party's; nil: only questions that give their Answer reveal
	// one). ReplaySources sets it from the dataset.
	Truth party.TruthFunc
}

func (s Sources) validate(watchParty bool) error {
	switch {
	case watchParty && s.Shared == nil:
		return errors.New("server: watch party needs a shared replay source")
	case s.Shared == nil && s.PerSession == nil:
		return errors.New("server: no source (set Sources.Shared or Sources.PerSession)")
	}
	return nil
}

// ReplaySources builds the data plane for replay mode over one decoded
// dataset, shared read-only by every replay made from it.
//
// Without watchParty each session (and each one-shot command) gets its own
// replay, with its own clock, that stops when the session ends. With
// watchParty one shared replay is started on ctx (it stops when ctx ends)
// and its controller goes to the presenter; commands still use private
// replays so they never move the party's clock.
func ReplaySources(ctx context.Context, ds *market.Dataset, clock feeds.Clock, opt replay.Options, watchParty bool) (Sources, error) {
	if ds == nil || clock == nil {
		return Sources{}, errors.New("server: replay needs a dataset and a clock")
	}
	per := func(sctx context.Context) (feeds.Source, feeds.Controller, error) {
		r, err := replay.New(ds, clock, opt)
		if err != nil {
			return nil, nil, err
		}
		r.Start(sctx)
		return r, r, nil
	}
	src := Sources{PerSession: per, Truth: DatasetTruth(ds)}
	if watchParty {
		o := opt
		if o.ID == "" {
			o.ID = "watch-party"
		}
		r, err := replay.New(ds, clock, o)
		if err != nil {
			return Sources{}, err
		}
		r.Start(ctx)
		src.Shared, src.SharedControl = r, r
	}
	return src, nil
}

// DatasetTruth reads a number question's true value from ds: the
// symbol's price (feeds.MeasurePrice) or its % change on the day
// (feeds.MeasureChange) in the frame at the replay time asked. ok false
// when the frame has no such figure.
func DatasetTruth(ds *market.Dataset) party.TruthFunc {
	if ds == nil {
		return nil
	}
	return party.FrameTruth(ds.At)
}

// LiveSources is the data plane for live mode: the one upstream source
// (one poller) that every session subscribes to. Nobody gets a controller.
func LiveSources(src feeds.Source) Sources { return Sources{Shared: src} }
