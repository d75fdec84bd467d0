package natsfeed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// StartFunc starts this relay's upstream when it becomes the leader: it
// runs the source on ctx (which ends when the lead is lost) and returns
// it with the header and records to publish. last is the feed's last
// published state when this relay takes over from another leader (its
// time, speed and paused state to continue from), nil when it starts the
// feed.
type StartFunc func(ctx context.Context, last *State) (src feeds.Source, h snapshots.Header, recs []snapshots.Record, err error)

// RelayOptions configure Lead.
type RelayOptions struct {
	ID       string        // this relay's name in the lease (required)
	LeaseTTL time.Duration // DefaultLeaseTTL when 0
	// OnState hears leadership changes in words; OnError hears publish
	// failures. Either may be nil; neither may block.
	OnState func(string)
	OnError func(error)
	// Party, if set, has the leader host the feed's watch party
	// (party_host.go): requests on selloff.<feed>.party drive the
	// source's clock (when it is a feeds.Controller) and the lesson.
	Party *PartyOptions
}

// Lead runs one relay of a feed until ctx ends: it waits for the feed's
// lease (another relay may hold it), then starts its upstream with start
// and publishes it with pub until the lease is lost, then waits again.
// Only the lease holder publishes. On ctx's end it gives the lease up,
// so a standby takes over at once; a relay that dies without that is
// replaced when its lease expires.
func Lead(ctx context.Context, nc *nats.Conn, pub *Publisher, clock feeds.Clock, opt RelayOptions, start StartFunc) error {
	say := func(s string) {
		if opt.OnState != nil && ctx.Err() == nil {
			opt.OnState(s)
		}
	}
	lease, err := NewLease(ctx, nc, pub.feed, opt.ID, opt.LeaseTTL, clock)
	if err != nil {
		return err
	}
	// Every relay, leading or standing by, keeps the feed's last state
	// in memory: if the NATS server loses its store, whichever relay
	// leads next continues from it rather than from the start.
	if sub, err := nc.Subscribe(subjectState(pub.feed), func(m *nats.Msg) { pub.observe(m.Data) }); err == nil {
		defer func() { _ = sub.Unsubscribe() }()
	}
	standby := false
	for {
		lctx, release, err := lease.Lead(ctx, func(leader string) {
			if leader != "" && leader != opt.ID {
				standby = true
				say("standing by: relay " + leader + " leads")
			}
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		err = lead(lctx, nc, pub, clock, opt, standby, start, say)
		release()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		standby = true // the next lead continues whoever led meanwhile
		say("lost the lead (" + context.Cause(lctx).Error() + "): standing by")
	}
}

// lead publishes one leadership term; it returns nil when the lease was
// lost, an error when the upstream could not start.
func lead(ctx context.Context, nc *nats.Conn, pub *Publisher, clock feeds.Clock, opt RelayOptions, standby bool, start StartFunc, say func(string)) error {
	var last *State
	if standby {
		st, ok, err := pub.LastState(ctx)
		if !ok {
			// the stream lost it (a NATS server restarted without its
			// store): the last state this relay heard or sent, rather
			// than the start of the replay
			st, ok = pub.ownLast()
		}
		if err != nil && !ok && ctx.Err() == nil {
			say("leading, but the last state could not be read (" + err.Error() + "): starting afresh")
		}
		if ok {
			last = &st
		}
	}
	src, h, recs, err := start(ctx, last)
	if err != nil {
		if ctx.Err() != nil {
			return nil // the lead was lost while the upstream started
		}
		return fmt.Errorf("starting the upstream: %w", err)
	}
	if opt.Party != nil {
		if _, stop, err := hostParty(ctx, nc, pub, clock, *opt.Party, src, last); err != nil {
			say("leading without the watch party: " + err.Error())
		} else {
			defer stop()
		}
	}
	if last != nil {
		say("leading: continuing the feed from " + last.Time.In(snapshots.Location()).Format("Mon 2 Jan 15:04:05 MST"))
	} else {
		say("leading")
	}
	if err := pub.Begin(ctx, h, recs); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("relay: %w", err)
	}
	err = pub.Run(ctx, src, clock, opt.OnError)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// LastState reads the feed's last published state (ok false when there
// is none, or it cannot be used).
func (p *Publisher) LastState(ctx context.Context) (State, bool, error) {
	st, err := p.js.Stream(ctx, streamState(p.feed))
	if err != nil {
		return State{}, false, err
	}
	m, err := st.GetLastMsgForSubject(ctx, subjectState(p.feed))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, err
	}
	s, err := decodeState(m.Data)
	if err != nil {
		return State{}, false, err
	}
	return s, true, nil
}
