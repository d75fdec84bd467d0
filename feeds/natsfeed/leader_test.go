package natsfeed

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// replayStart is a StartFunc of the embedded replay, playing at speed,
// continuing last when given.
func replayStart(t testing.TB, speed float64) StartFunc {
	return replayStartWith(t, replay.Options{Speed: speed})
}

// replayStartWith is replayStart from options o.
func replayStartWith(t testing.TB, o replay.Options) StartFunc {
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return func(ctx context.Context, last *State) (feeds.Source, snapshots.Header, []snapshots.Record, error) {
		ds, err := market.NewDataset(snap)
		if err != nil {
			return nil, snapshots.Header{}, nil, err
		}
		opt := o
		if last != nil {
			opt.Start = last.Time
			if last.Clock != nil {
				opt.Speed, opt.Paused, opt.Loop = last.Clock.Speed, last.Clock.Paused, last.Clock.Loop
			}
		}
		rp, err := replay.New(ds, feeds.RealClock{}, opt)
		if err != nil {
			return nil, snapshots.Header{}, nil, err
		}
		rp.Start(ctx)
		return rp, snap.Header, SnapshotRecords(snap), nil
	}
}

// leadRig is one relay of a feed running Lead, with what it said.
type leadRig struct {
	nc     *nats.Conn
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	said   []string
}

func (r *leadRig) saw(sub string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.said {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// startLead runs one relay of feed on Lead until the test ends; opts
// change its options (the party hosted, say).
func startLead(t *testing.T, parent context.Context, url, feed, id string, start StartFunc, opts ...func(*RelayOptions)) *leadRig {
	t.Helper()
	ctx, cancel := context.WithCancel(parent)
	r := &leadRig{nc: connect(t, url), cancel: cancel, done: make(chan struct{})}
	pub, err := NewPublisher(ctx, r.nc, feed, PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		o := RelayOptions{
			ID: id,
			OnState: func(s string) {
				r.mu.Lock()
				r.said = append(r.said, s)
				r.mu.Unlock()
				t.Logf("relay %s: %s", id, s)
			},
		}
		for _, f := range opts {
			f(&o)
		}
		err := Lead(ctx, r.nc, pub, feeds.RealClock{}, o, start)
		if err != nil {
			t.Errorf("relay %s: %v", id, err)
		}
	}()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not in time", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// takeover runs two relays and one node, kills the leader without a
// goodbye, and returns how long the node went without a current frame.
func takeover(t *testing.T) time.Duration {
	srv := startServer(t, t.TempDir(), 0)
	defer srv.Shutdown()
	url := srv.ClientURL()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := replayStart(t, 60)

	a := startLead(t, ctx, url, "lead", "a", start)
	eventually(t, "relay a leads", func() bool { return a.saw("leading") })
	b := startLead(t, ctx, url, "lead", "b", start)
	eventually(t, "relay b stands by", func() bool { return b.saw("standing by: relay a leads") })

	_, ch := startSub(t, ctx, url, "lead")
	first := waitFor(t, ch, "a frame from relay a", func(u feeds.Update) bool {
		return u.Frame != nil && u.Health.State != feeds.HealthOffline
	})
	// let the clock run, so a jump back to the start would show
	u := waitFor(t, ch, "the replay playing", func(u feeds.Update) bool {
		return u.Frame != nil && u.Frame.Time.Sub(first.Frame.Time) >= 2*time.Minute
	})
	before := u.Frame.Time
	if b.saw("leading") {
		t.Fatal("relay b leads while relay a lives")
	}

	// kill a: its connection and context go, no goodbye
	lastGood := time.Now()
	a.nc.Close()
	a.cancel()
	var gapEnd time.Time
	got := waitFor(t, ch, "a frame from relay b", func(u feeds.Update) bool {
		if u.Health.State == feeds.HealthOffline || u.Frame == nil {
			return false
		}
		if !strings.Contains(u.Health.Detail, RelayChangedText) {
			lastGood = time.Now() // a's last frames, still in flight
			return false
		}
		gapEnd = time.Now()
		return true
	})
	gap := gapEnd.Sub(lastGood)
	if gap > 10*time.Second {
		t.Errorf("takeover took %s, want within 10s", gap)
	}
	if got.Frame.Time.Before(before) {
		t.Errorf("replay time went back: %v after %v (the start was %v)", got.Frame.Time, before, first.Frame.Time)
	}
	if got.Clock == nil || got.Clock.Speed != 60 || got.Clock.Paused {
		t.Errorf("clock after takeover %+v, want speed 60 playing", got.Clock)
	}
	if !b.saw("leading: continuing the feed from") {
		t.Errorf("relay b did not continue the feed: %q", b.said)
	}
	// and it keeps playing from there
	waitFor(t, ch, "relay b playing on", func(u feeds.Update) bool {
		return u.Frame != nil && u.Frame.Time.After(got.Frame.Time) && u.Health.State != feeds.HealthOffline
	})
	return gap
}

func TestLeaderTakeoverContinuesTheClock(t *testing.T) {
	gap := takeover(t)
	t.Logf("takeover: node without a current frame for %s", gap.Round(10*time.Millisecond))
}

// TestLeaseHandOver: one holder at a time; a released lease passes at
// once to a waiting relay.
func TestLeaseHandOver(t *testing.T) {
	srv := startServer(t, t.TempDir(), 0)
	defer srv.Shutdown()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	la, err := NewLease(ctx, connect(t, srv.ClientURL()), "f", "a", time.Second, feeds.RealClock{})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := NewLease(ctx, connect(t, srv.ClientURL()), "f", "b", time.Second, feeds.RealClock{})
	if err != nil {
		t.Fatal(err)
	}
	actx, release, err := la.Lead(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		ctx context.Context
		rel func()
		at  time.Time
	}
	got := make(chan res, 1)
	waiting := make(chan string, 8)
	go func() {
		c, r, err := lb.Lead(ctx, func(l string) { waiting <- l })
		if err != nil {
			return
		}
		got <- res{c, r, time.Now()}
	}()
	if l := <-waiting; l != "a" {
		t.Fatalf("b sees leader %q, want a", l)
	}
	// renewals keep a's lease past several TTLs
	select {
	case <-got:
		t.Fatal("b leads while a renews")
	case <-time.After(3 * time.Second):
	}
	if actx.Err() != nil {
		t.Fatalf("a lost its lease: %v", context.Cause(actx))
	}
	t0 := time.Now()
	release()
	r := <-got
	if d := r.at.Sub(t0); d > 500*time.Millisecond {
		t.Errorf("hand-over after a goodbye took %s", d)
	}
	if who, _ := lb.Leader(ctx); who != "b" {
		t.Errorf("leader %q, want b", who)
	}
	r.rel()
}

// A leader cut off from NATS stops leading before its lease can expire
// (so before a standby could take over), even while its renewals hang
// in the client's reconnect.
func TestLeaseLostWhenNATSGoes(t *testing.T) {
	srv := startServer(t, t.TempDir(), 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := NewLease(ctx, connect(t, srv.ClientURL()), "f", "a", DefaultLeaseTTL, feeds.RealClock{})
	if err != nil {
		t.Fatal(err)
	}
	lctx, release, err := l.Lead(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	time.Sleep(1500 * time.Millisecond) // a renewal or two
	down := time.Now()
	srv.Shutdown()
	select {
	case <-lctx.Done():
		if d := time.Since(down); d >= DefaultLeaseTTL {
			t.Errorf("lead ended %s after NATS went, not before the lease (%s) could expire", d, DefaultLeaseTTL)
		}
		t.Logf("lead ended %s after NATS went: %v", time.Since(down).Round(time.Millisecond), context.Cause(lctx))
	case <-time.After(10 * time.Second):
		t.Fatal("still leading 10s after NATS went")
	}
}

// The lease bucket lives in the NATS server's memory: after a restart it
// is gone, and a relay must still be able to lead (it creates it again).
func TestLeaseAfterNATSRestart(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, 0)
	port := srv.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := NewLease(ctx, connect(t, srv.ClientURL()), "f", "a", time.Second, feeds.RealClock{})
	if err != nil {
		t.Fatal(err)
	}
	lctx, release, err := l.Lead(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Shutdown()
	srv.WaitForShutdown()
	srv = startServer(t, dir, port)
	defer srv.Shutdown()
	<-lctx.Done() // the old lease cannot be renewed
	release()
	got := make(chan error, 1)
	go func() {
		_, rel, err := l.Lead(ctx, nil)
		if err == nil {
			rel()
		}
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no lease 10 s after NATS came back")
	}
}

// A NATS server restarted without its store, and the leader gone with
// it: the lease and the streams are lost. The standby leads (it once
// stopped with "stream not found"), continuing from the last state it
// heard from the old leader (which the lost stream no longer holds),
// and a node gets its frames.
func TestStandbyLeadsAfterServerLosesItsStore(t *testing.T) {
	srv := startServer(t, t.TempDir(), 0)
	port := srv.Addr().(*net.TCPAddr).Port
	url := srv.ClientURL()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := replayStart(t, 60)
	a := startLead(t, ctx, url, "lost", "a", start)
	eventually(t, "relay a leads", func() bool { return a.saw("leading") })
	b := startLead(t, ctx, url, "lost", "b", start)
	eventually(t, "relay b stands by", func() bool { return b.saw("standing by: relay a leads") })
	_, ch := startSub(t, ctx, url, "lost")
	first := waitFor(t, ch, "a frame", func(u feeds.Update) bool { return u.Frame != nil && u.Health.State != feeds.HealthOffline })
	u := waitFor(t, ch, "the replay playing", func(u feeds.Update) bool {
		return u.Frame != nil && u.Frame.Time.Sub(first.Frame.Time) >= 2*time.Minute
	})
	a.nc.Close() // relay a dies with the server
	a.cancel()
	srv.Shutdown()
	srv.WaitForShutdown()
	srv = startServer(t, t.TempDir(), port) // a new, empty store
	defer srv.Shutdown()
	eventually(t, "relay b leads, from a's last state", func() bool { return b.saw("leading: continuing the feed from") })
	got := waitFor(t, ch, "a current frame after the restart", func(u feeds.Update) bool {
		return u.Frame != nil && u.Health.State != feeds.HealthOffline && strings.Contains(u.Health.Detail, RelayChangedText)
	})
	if got.Frame.Time.Before(u.Frame.Time) {
		t.Errorf("replay time went back: %v after %v", got.Frame.Time, u.Frame.Time)
	}
}
