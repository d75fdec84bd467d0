package natsfeed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/selloff/selloff/feeds"
)

// DefaultLeaseTTL is how long a leader's lease lives without a renewal:
// a relay that dies without a word is replaced within about this long
// plus one LeaseTTL/3 poll.
const DefaultLeaseTTL = 3 * time.Second

const leaseKey = "leader"

// bucketLease is the feed's key-value bucket: one key, "leader", whose
// value is the leading relay's id. The bucket's TTL is the lease.
func bucketLease(feed string) string { return "SELLOFF_" + feed + "_LEASE" }

// Lease elects one relay of a feed as its leader with a JetStream
// key-value lease: the leader holds the key "leader" of the feed's bucket
// (whose entries expire after the TTL) and renews it every TTL/3 with a
// compare-and-set on its revision; the others watch the key and try to
// create it every TTL/3 (creating succeeds only once the key expired or
// was deleted). Only the leader publishes.
type Lease struct {
	js    jetstream.JetStream
	cfg   jetstream.KeyValueConfig
	kv    jetstream.KeyValue
	id    string
	ttl   time.Duration
	clock feeds.Clock
}

// NewLease creates (or opens) the feed's lease bucket. id names this
// relay (in logs and in the key's value); ttl <= 0 means DefaultLeaseTTL.
func NewLease(ctx context.Context, nc *nats.Conn, feed, id string, ttl time.Duration, clock feeds.Clock) (*Lease, error) {
	if err := CheckFeed(feed); err != nil {
		return nil, err
	}
	if id == "" || clock == nil {
		return nil, errors.New("natsfeed: lease without an id or a clock")
	}
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	cfg := jetstream.KeyValueConfig{
		Bucket:      bucketLease(feed),
		Description: "selloff feed " + feed + ": which relay leads",
		History:     1,
		TTL:         ttl,
		Storage:     jetstream.MemoryStorage,
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("NATS key-value bucket %s: %w", bucketLease(feed), err)
	}
	return &Lease{js: js, cfg: cfg, kv: kv, id: id, ttl: ttl, clock: clock}, nil
}

// rebind creates the lease bucket again when it is gone: it lives in the
// NATS server's memory, so a restarted server has none, and without this
// no relay could take the lease again (every create failed, for ever).
// Idempotent when the bucket is there.
func (l *Lease) rebind(ctx context.Context) {
	if kv, err := l.js.CreateOrUpdateKeyValue(ctx, l.cfg); err == nil {
		l.kv = kv
	}
}

// Leader returns the id of the relay holding the lease ("" none).
func (l *Lease) Leader(ctx context.Context) (string, error) {
	e, err := l.kv.Get(ctx, leaseKey)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(e.Value()), nil
}

// Lead waits until this relay holds the lease, then returns a context
// that ends when the lease is lost (a renewal refused, or none accepted
// for two thirds of the TTL, so the relay stops publishing before
// another can take over) or when ctx ends. wait, if set, hears each
// leader seen while waiting. release gives the lease up (a goodbye: the
// others take over at once); call it when done leading.
func (l *Lease) Lead(ctx context.Context, wait func(leader string)) (lead context.Context, release func(), err error) {
	rev, err := l.acquire(ctx, wait)
	if err != nil {
		return nil, nil, err
	}
	lctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.renew(lctx, rev, cancel)
	}()
	release = func() {
		cancel(errors.New("lease released"))
		<-done
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer dcancel()
		// delete only our own lease (the revision must still be the one
		// read with our id)
		if e, err := l.kv.Get(dctx, leaseKey); err == nil && string(e.Value()) == l.id {
			_ = l.kv.Delete(dctx, leaseKey, jetstream.LastRevision(e.Revision()))
		}
	}
	return lctx, release, nil
}

// acquire tries to create the key every TTL/3, and at once when a watch
// sees it deleted, until it succeeds or ctx ends.
func (l *Lease) acquire(ctx context.Context, wait func(string)) (uint64, error) {
	var updates <-chan jetstream.KeyValueEntry
	if w, err := l.kv.Watch(ctx, leaseKey, jetstream.UpdatesOnly()); err == nil {
		defer func() { _ = w.Stop() }()
		updates = w.Updates()
	}
	last := "\x00"
	for {
		rev, err := l.kv.Create(ctx, leaseKey, []byte(l.id))
		if err == nil {
			return rev, nil
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			// not someone else's lease: the bucket may be gone with a
			// restarted server (or NATS is down, and this fails too)
			l.rebind(ctx)
		}
		if wait != nil {
			who, gerr := l.Leader(ctx)
			if gerr != nil {
				who = "(unknown: " + gerr.Error() + ")"
			}
			if who != last {
				wait(who)
				last = who
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-l.clock.After(l.ttl / 3):
		case e, ok := <-updates:
			if !ok {
				updates = nil
			}
			_ = e // any change: try again at once
		}
	}
}

// renew keeps the lease until it is lost or ctx ends.
func (l *Lease) renew(ctx context.Context, rev uint64, lost context.CancelCauseFunc) {
	lastOK := l.clock.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.clock.After(l.ttl / 3):
		}
		// a renewal stuck in a reconnect must not outlive the lead
		wait := min(l.ttl/3, lastOK.Add(2*l.ttl/3).Sub(l.clock.Now()))
		rctx, cancel := context.WithTimeout(ctx, max(wait, time.Millisecond))
		n, err := l.kv.Update(rctx, leaseKey, []byte(l.id), rev)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			rev, lastOK = n, l.clock.Now()
			continue
		}
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) || errors.Is(err, jetstream.ErrKeyNotFound) {
			lost(fmt.Errorf("lease lost: %w", err))
			return
		}
		if l.clock.Now().Sub(lastOK) >= 2*l.ttl/3 {
			lost(fmt.Errorf("lease not renewed for %s: %w", l.clock.Now().Sub(lastOK).Round(time.Millisecond), err))
			return
		}
	}
}
