package main

import (
	"context"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/snapshots"
)

// serve --source nats://.../FEED --watch-party: the node's shared
// controller and party backend is a client of the relay's party, so the
// presenter's seek moves the relay's clock and the seat is the relay's.
func TestNATSWatchPartyNode(t *testing.T) {
	ns := natsServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	a := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"relay", "--nats", ns.ClientURL(), "--feed", "party", "--at", "2025-01-27T10:00", "--paused"})
	}()
	src := ns.ClientURL() + "/party"
	node := func() (<-chan feeds.Update, feeds.Controller, party.Backend) {
		n := newApp(nil, &stderr, &stderr, func(string) string { return "" })
		srcs, err := n.natsSources(ctx, flagSet(t, serveFlags, "--source", src, "--watch-party"), src, money{})
		if err != nil {
			t.Fatal(err)
		}
		if srcs.Shared == nil || srcs.SharedControl == nil || partyBackend(srcs) == nil {
			t.Fatalf("nats party sources %+v: want the feed, and the party client as controller and backend", srcs)
		}
		return srcs.Shared.Subscribe(ctx), srcs.SharedControl, partyBackend(srcs)
	}
	chA, ctlA, pa := node()
	chB, _, pb := node()
	want := time.Date(2025, 1, 27, 10, 0, 0, 0, snapshots.Location())
	wait := func(ch <-chan feeds.Update, at time.Time) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case u := <-ch:
				if u.Frame != nil && u.Frame.Time.Equal(at) {
					return
				}
			case <-deadline:
				t.Fatalf("no frame at %v; log:\n%s", at, stderr.String())
			}
		}
	}
	wait(chA, want)
	wait(chB, want)
	to := want.Add(90 * time.Minute)
	if err := ctlA.Control(feeds.Command{Op: feeds.OpSeek, At: to}); err != nil {
		t.Fatalf("seek through the relay: %v; log:\n%s", err, stderr.String())
	}
	wait(chA, to)
	wait(chB, to)
	if ok, _, err := pa.Claim("1", "alice"); !ok || err != nil {
		t.Fatalf("claim on node A: %v %v", ok, err)
	}
	if ok, holder, err := pb.Claim("1", "bob"); ok || holder != "alice" || err != nil {
		t.Fatalf("claim on node B: %v %q %v, want alice holds the seat", ok, holder, err)
	}
	cancel()
	if rc := <-done; rc != exitOK {
		t.Fatalf("relay exit %d; log:\n%s", rc, stderr.String())
	}
}
