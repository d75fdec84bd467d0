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

// TailOptions configure Tail. OnHead and OnRecords are required.
type TailOptions struct {
	// OnHead hears the header of the first run seen, once, before any
	// record. An error stops Tail.
	OnHead func(snapshots.Header) error
	// OnRecords hears each batch of records in stream order. An error
	// stops Tail.
	OnRecords func([]snapshots.Record) error
	// OnNote, if set, hears what a recorder should tell its user (the
	// feed not there yet, a relay change); it must not block.
	OnNote func(string)
	// Retry is the wait between attempts to reach the feed (default 1s).
	Retry time.Duration
}

// Tail reads a feed as a recording: the current run's header, its records
// from the start of the stream (the day so far), then new ones as the
// relay publishes them, until ctx ends (then it returns nil) or a callback
// fails. When another run replaces the first (a relay took over or
// restarted: it publishes its records again), only that run's records
// later than the last one handed on are passed, so a recording holds no
// record twice.
func Tail(ctx context.Context, nc *nats.Conn, feed string, clock feeds.Clock, opt TailOptions) error {
	if err := CheckFeed(feed); err != nil {
		return err
	}
	if nc == nil || clock == nil || opt.OnHead == nil || opt.OnRecords == nil {
		return errors.New("natsfeed: Tail needs a connection, a clock, OnHead and OnRecords")
	}
	if opt.Retry <= 0 {
		opt.Retry = time.Second
	}
	note := func(s string) {
		if opt.OnNote != nil {
			opt.OnNote(s)
		}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ev := make(chan event, 64)
	post := func(e event) {
		select {
		case ev <- e:
		case <-ctx.Done():
		}
	}
	var (
		headCC, recCC jetstream.ConsumeContext
		gen           int
		run           string
		headLine      []byte
		runs          int
		after         time.Time // later runs: records at or before this were handed on
		last          time.Time // the last record handed on
		retry         = clock.After(0)
		waiting       bool
	)
	stop := func(cc *jetstream.ConsumeContext) {
		if *cc != nil {
			(*cc).Stop()
			*cc = nil
		}
	}
	defer stop(&headCC)
	defer stop(&recCC)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-retry:
			retry = nil
			c, err := js.OrderedConsumer(ctx, streamState(feed), jetstream.OrderedConsumerConfig{
				FilterSubjects: []string{subjectHead(feed)},
				DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
			})
			if err == nil {
				headCC, err = c.Consume(func(m jetstream.Msg) { post(msgEvent(evHead, m)) })
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if !waiting {
					note(fmt.Sprintf("feed %s not on NATS yet (is a relay running?): waiting", feed))
					waiting = true
				}
				retry = clock.After(opt.Retry)
			}
		case e := <-ev:
			switch e.kind {
			case evHead:
				if e.run == "" || e.run == run {
					continue
				}
				h, err := decodeHead(e.data)
				if err != nil {
					note("head message refused: " + err.Error())
					continue
				}
				if runs == 0 {
					if err := opt.OnHead(h); err != nil {
						return err
					}
				} else {
					after = last
					note("relay changed: records already recorded are not written again")
				}
				runs++
				run, headLine = e.run, e.data
				stop(&recCC)
				gen++
				g := gen
				c, err := js.OrderedConsumer(ctx, streamRecs(feed), jetstream.OrderedConsumerConfig{
					FilterSubjects: []string{subjectRec(feed)},
					DeliverPolicy:  jetstream.DeliverAllPolicy,
				})
				if err == nil {
					recCC, err = c.Consume(func(m jetstream.Msg) {
						e := msgEvent(evRec, m)
						e.gen = g
						post(e)
					})
				}
				if err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return fmt.Errorf("reading feed %s's records: %w", feed, err)
				}
			case evRec:
				if e.gen != gen || e.run != run {
					continue
				}
				recs, skipped, err := decodeBatch(headLine, e.data)
				if err != nil || skipped > 0 {
					note(fmt.Sprintf("record message: %d bad records skipped (%v)", skipped, err))
				}
				if !after.IsZero() {
					kept := recs[:0]
					for _, r := range recs {
						if r.Time().After(after) {
							kept = append(kept, r)
						}
					}
					recs = kept
				}
				if len(recs) == 0 {
					continue
				}
				if err := opt.OnRecords(recs); err != nil {
					return err
				}
				for _, r := range recs {
					if r.Time().After(last) {
						last = r.Time()
					}
				}
			}
		}
	}
}
