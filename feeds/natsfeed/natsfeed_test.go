package natsfeed

import (
	"context"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// startServer runs an embedded JetStream server on a random loopback port
// (port 0) or on port, storing in dir.
func startServer(t testing.TB, dir string, port int) *server.Server {
	t.Helper()
	if port == 0 {
		port = -1 // random
	}
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("embedded NATS server not ready")
	}
	return s
}

func connect(t testing.TB, url string) *nats.Conn {
	t.Helper()
	nc, err := Connect(url, ConnectOptions{Name: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// relayRig is a relay of the embedded replay, paused, on a NATS server.
type relayRig struct {
	rp  *replay.Replay
	pub *Publisher
}

func startRelay(t testing.TB, ctx context.Context, url, feed string) *relayRig {
	t.Helper()
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := market.NewDataset(snap)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := replay.New(ds, feeds.RealClock{}, replay.Options{Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	rp.Start(ctx)
	pub, err := NewPublisher(ctx, connect(t, url), feed, PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Begin(ctx, snap.Header, SnapshotRecords(snap)); err != nil {
		t.Fatal(err)
	}
	go func() { _ = pub.Run(ctx, rp, feeds.RealClock{}, func(err error) { t.Log("relay:", err) }) }()
	return &relayRig{rp: rp, pub: pub}
}

func startSub(t testing.TB, ctx context.Context, url, feed string) (*Subscriber, <-chan feeds.Update) {
	t.Helper()
	sub, err := NewSubscriber(connect(t, url), feed, feeds.RealClock{}, SubscriberOptions{Silence: 3 * time.Second, Retry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(ctx)
	return sub, sub.Subscribe(ctx)
}

// waitFor reads ch until ok(u) or the deadline.
func waitFor(t testing.TB, ch <-chan feeds.Update, what string, ok func(feeds.Update) bool) feeds.Update {
	t.Helper()
	deadline := time.After(20 * time.Second)
	var last feeds.Update
	for {
		select {
		case u, open := <-ch:
			if !open {
				t.Fatalf("%s: channel closed", what)
			}
			last = u
			if ok(u) {
				return u
			}
		case <-deadline:
			t.Fatalf("%s: not seen in time; last update: time %v health %+v", what, frameTime(last), last.Health)
		}
	}
}

func frameTime(u feeds.Update) time.Time {
	if u.Frame == nil {
		return time.Time{}
	}
	return u.Frame.Time
}

func at(t time.Time) func(feeds.Update) bool {
	return func(u feeds.Update) bool {
		return u.Frame != nil && u.Frame.Time.Equal(t) && u.Health.State != feeds.HealthOffline
	}
}

// sameFrame fails unless the node's frame is the relay's, figure for figure.
func sameFrame(t *testing.T, who string, want, got *market.Frame) {
	t.Helper()
	if !want.Time.Equal(got.Time) {
		t.Fatalf("%s: frame time %v, relay %v", who, got.Time, want.Time)
	}
	w, g := *want, *got
	w.Time, g.Time = time.Time{}, time.Time{}
	if !reflect.DeepEqual(w.Quotes, g.Quotes) {
		for i := range w.Quotes {
			if !reflect.DeepEqual(w.Quotes[i], g.Quotes[i]) {
				t.Fatalf("%s: quote %d differs:\nrelay %+v\nnode  %+v", who, i, w.Quotes[i], g.Quotes[i])
			}
		}
		t.Fatalf("%s: quotes differ", who)
	}
	if !reflect.DeepEqual(w, g) {
		t.Fatalf("%s: frame differs from the relay's (quotes equal; intraday, daily, events or header fields differ)", who)
	}
}

// seek moves the relay's replay and returns the relay's own frame there.
func (r *relayRig) seek(t *testing.T, ctx context.Context, to time.Time) *market.Frame {
	t.Helper()
	ch := r.rp.Subscribe(ctx)
	if err := r.rp.Control(feeds.Command{Op: feeds.OpSeek, At: to}); err != nil {
		t.Fatal(err)
	}
	return waitFor(t, ch, "relay frame", at(to)).Frame
}

// serverFor runs a NATS server for the test and returns a context and the
// server's URL; when the test ends the context ends, then the server stops.
func serverFor(t *testing.T) (context.Context, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv := startServer(t, t.TempDir(), 0)
	t.Cleanup(srv.Shutdown)
	t.Cleanup(cancel) // cleanups run last first: cancel, then Shutdown
	return ctx, srv.ClientURL()
}

// outage is a relay and one node whose NATS server went down: the node
// showed the relay's frame at at, then marked it stale (stale).
type outage struct {
	relay   *relayRig
	sub     *Subscriber
	updates <-chan feeds.Update
	port    int // the server's port, to start another on
	at      time.Time
	stale   feeds.Update
}

// serverOutage starts a NATS server storing in dir, a relay and a node on
// it, seeks to 10:00 on 27 Jan, checks the node shows the relay's frame,
// then shuts the server down and waits for the node's stale mark.
func serverOutage(t *testing.T, ctx context.Context, dir string) outage {
	t.Helper()
	srv := startServer(t, dir, 0)
	url := srv.ClientURL()
	o := outage{port: srv.Addr().(*net.TCPAddr).Port, at: mustTime(t, "2025-01-27 10:00")}
	o.relay = startRelay(t, ctx, url, "day")
	o.sub, o.updates = startSub(t, ctx, url, "day")
	want := o.relay.seek(t, ctx, o.at)
	sameFrame(t, "before the outage", want, waitFor(t, o.updates, "before the outage", at(o.at)).Frame)
	srv.Shutdown()
	srv.WaitForShutdown()
	o.stale = waitFor(t, o.updates, "stale mark", func(u feeds.Update) bool { return u.Health.State == feeds.HealthOffline })
	return o
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, snapshots.Location())
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// Two nodes on one relay see the relay's frames, figure for figure, at
// the same replay time; a node that joins later gets the day so far.
func TestTwoNodesSameFramesAndLateNode(t *testing.T) {
	ctx, url := serverFor(t)
	relay := startRelay(t, ctx, url, "day")
	_, a := startSub(t, ctx, url, "day")
	_, b := startSub(t, ctx, url, "day")
	for _, s := range []string{"2025-01-27 09:30", "2025-01-27 14:45", "2025-01-24 11:00", "2025-01-28 16:00"} {
		to := mustTime(t, s)
		want := relay.seek(t, ctx, to)
		sameFrame(t, "node A at "+s, want, waitFor(t, a, "node A at "+s, at(to)).Frame)
		sameFrame(t, "node B at "+s, want, waitFor(t, b, "node B at "+s, at(to)).Frame)
	}
	// a late node: the first frame it shows is the relay's current one,
	// with every record of the run behind it
	late, c := startSub(t, ctx, url, "day")
	to := mustTime(t, "2025-01-28 16:00")
	want, _ := relay.rp.Subscribe(ctx), 0
	u := <-want
	sameFrame(t, "late node", u.Frame, waitFor(t, c, "late node", at(to)).Frame)
	if got := late.Stats().Records; got == 0 {
		t.Fatal("late node applied no records")
	}
}

// A node whose NATS server restarts keeps its last frame marked stale,
// then recovers by itself: the relay's next frame reaches it.
func TestNodeRecoversFromServerRestart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	o := serverOutage(t, ctx, dir)
	if u := o.stale; !u.Frame.Time.Equal(o.at) || u.Health.LastErr == "" {
		t.Fatalf("stale update: frame time %v (want the last one, %v), error %q", u.Frame.Time, o.at, u.Health.LastErr)
	}

	srv2 := startServer(t, dir, o.port)
	defer srv2.Shutdown()
	to := mustTime(t, "2025-01-27 15:00")
	want := o.relay.seek(t, ctx, to)
	got := waitFor(t, o.updates, "after restart", at(to))
	sameFrame(t, "after restart", want, got.Frame)
	if got.Health.State != feeds.HealthOK {
		t.Fatalf("health after recovery: %+v", got.Health)
	}
}

// A live-style relay sends records after the start; a node that joins
// late gets every one of them (the day so far) and the frames they make.
func TestLateNodeGetsRecordsSentAfterStart(t *testing.T) {
	ctx, url := serverFor(t)
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs := SnapshotRecords(snap)
	pub, err := NewPublisher(ctx, connect(t, url), "live", PublisherOptions{QuoteSource: "yahoo"})
	if err != nil {
		t.Fatal(err)
	}
	half := len(recs) / 2
	if err := pub.Begin(ctx, snap.Header, nil); err != nil {
		t.Fatal(err)
	}
	_, early := startSub(t, ctx, url, "live")
	for i := 0; i < half; i += 500 { // as polls would: small batches
		if err := pub.Records(ctx, recs[i:min(i+500, half)]); err != nil {
			t.Fatal(err)
		}
	}
	now := recs[half-1].Time()
	if err := pub.State(ctx, feeds.Update{Seq: 1, Mode: feeds.ModeLive, Frame: &market.Frame{Time: now}, Health: feeds.Health{State: feeds.HealthOK}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	ref, err := market.NewDataset(&snapshots.Snapshot{Header: snap.Header}, market.WithSource("yahoo"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.AppendAll(recs[:half]); err != nil {
		t.Fatal(err)
	}
	want := ref.At(now)
	sameFrame(t, "early node", want, waitFor(t, early, "early node", at(now)).Frame)
	late, c := startSub(t, ctx, url, "live")
	sameFrame(t, "late node", want, waitFor(t, c, "late node", at(now)).Frame)
	if got := late.Stats().Records; got != half {
		t.Fatalf("late node applied %d records, the relay sent %d", got, half)
	}
	if want.Quotes[0].Source != "yahoo" {
		t.Fatalf("quote source %q", want.Quotes[0].Source)
	}
}

// A relay that stops while NATS stays up: the node marks its last frame
// stale after the silence, and a new relay run (a restart) replaces the
// old one: the node rebuilds from the new run's records.
func TestRelaySilenceThenNewRun(t *testing.T) {
	ctx, url := serverFor(t)
	rctx, stopRelay := context.WithCancel(ctx)
	relay := startRelay(t, rctx, url, "day")
	sub, a := startSub(t, ctx, url, "day")
	to := mustTime(t, "2025-01-27 11:00")
	want := relay.seek(t, ctx, to)
	sameFrame(t, "first run", want, waitFor(t, a, "first run", at(to)).Frame)
	stopRelay()
	u := waitFor(t, a, "silence", func(u feeds.Update) bool { return u.Health.State == feeds.HealthOffline })
	if !u.Frame.Time.Equal(to) || !strings.Contains(u.Health.LastErr, "no word from the relay") {
		t.Fatalf("silent relay: frame %v, error %q", u.Frame.Time, u.Health.LastErr)
	}
	relay2 := startRelay(t, ctx, url, "day")
	to = mustTime(t, "2025-01-28 10:00")
	want = relay2.seek(t, ctx, to)
	sameFrame(t, "second run", want, waitFor(t, a, "second run", at(to)).Frame)
	st := sub.Stats()
	if st.Runs != 2 || st.Records != len(SnapshotRecords(mustLoad(t))) {
		t.Fatalf("after a new run: %+v (want 2 runs, the records of one)", st)
	}
}

func mustLoad(t testing.TB) *snapshots.Snapshot {
	t.Helper()
	s, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFeedURLAndRedact(t *testing.T) {
	for _, c := range []struct{ in, server, feed, err string }{
		{"nats://127.0.0.1:4222/day", "nats://127.0.0.1:4222", "day", ""},
		{"tls://u:pw@nats.example:4443/day", "tls://u:pw@nats.example:4443", "day", ""},
		{"nats://127.0.0.1:4222", "", "", "feed name is missing"},
		{"nats://127.0.0.1/day", "", "", "host and a port"},
		{"http://127.0.0.1:1/day", "", "", "want nats://"},
		{"nats://127.0.0.1:4222/a.b", "", "", "feed name"},
		{"nats://u:secret@127.0.0.1/day", "", "", "REDACTED"},
	} {
		s, f, err := FeedURL(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: error %v, want one saying %q and no password", c.in, err, c.err)
			}
			continue
		}
		if err != nil || s != c.server || f != c.feed {
			t.Errorf("%s: %q %q %v", c.in, s, f, err)
		}
	}
	if r := Redact("nats://alice:s3cret@h:1"); strings.Contains(r, "s3cret") || strings.Contains(r, "alice") {
		t.Errorf("Redact kept the credentials: %s", r)
	}
	if r := Redact("nats://tok3n@h:1"); strings.Contains(r, "tok3n") {
		t.Errorf("Redact kept a token: %s", r)
	}
}

// A NATS server that comes back without its store (the feed's streams
// gone): the relay creates them again and publishes its run again, and
// the node follows the new run by itself.
func TestServerLosesItsStore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := serverOutage(t, ctx, t.TempDir())
	srv2 := startServer(t, t.TempDir(), o.port) // a new, empty store
	defer srv2.Shutdown()
	to := mustTime(t, "2025-01-27 12:00")
	want := o.relay.seek(t, ctx, to)
	sameFrame(t, "after", want, waitFor(t, o.updates, "after", at(to)).Frame)
	if st := o.relay.pub.Stats(); st.Restored == 0 {
		t.Fatalf("relay stats %+v: the run was not published again", st)
	}
	if st := o.sub.Stats(); st.Runs != 2 {
		t.Fatalf("node stats %+v: want 2 runs", st)
	}
}

// A node holds at most MaxRecords records of a run: past it the rest are
// refused, frames go on, and the health says so.
func TestNodeRecordBound(t *testing.T) {
	ctx, url := serverFor(t)
	relay := startRelay(t, ctx, url, "day")
	sub, err := NewSubscriber(connect(t, url), "day", feeds.RealClock{}, SubscriberOptions{MaxRecords: 1000})
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(ctx)
	to := mustTime(t, "2025-01-27 10:00")
	relay.seek(t, ctx, to)
	u := waitFor(t, sub.Subscribe(ctx), "bounded node", at(to))
	if u.Health.State != feeds.HealthDegraded || !strings.Contains(u.Health.LastErr, "more than 1000 records") {
		t.Fatalf("health %+v: want degraded, saying records were refused", u.Health)
	}
	if n := sub.Stats().Records; n < 1000 || n > 1000+MaxBatchBytes/50 {
		t.Fatalf("node holds %d records (bound 1000, plus at most one batch)", n)
	}
}

// A node whose feed has no relay yet tells its viewers why they wait: an
// empty frame (no prices) whose health names the feed, and the relay's
// first frame after it still reaches them (its Seq comes after).
func TestSubscriberSaysWhyItWaits(t *testing.T) {
	ctx, url := serverFor(t)
	sub, err := NewSubscriber(connect(t, url), "nobody", feeds.RealClock{}, SubscriberOptions{Retry: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(ctx)
	ch := sub.Subscribe(ctx)
	var first feeds.Update
	select {
	case first = <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no word in 10 s")
	}
	if len(first.Frame.Quotes) != 0 || first.Health.State != feeds.HealthOffline || !strings.Contains(first.Health.LastErr, "nobody") {
		t.Fatalf("first update: %d quotes, health %+v", len(first.Frame.Quotes), first.Health)
	}
	startLead(t, ctx, url, "nobody", "r", replayStart(t, 60))
	deadline := time.After(20 * time.Second)
	for {
		select {
		case u := <-ch:
			if len(u.Frame.Quotes) > 0 {
				if u.Seq <= first.Seq {
					t.Fatalf("the relay's first frame has Seq %d, not after the wait's %d", u.Seq, first.Seq)
				}
				return
			}
		case <-deadline:
			t.Fatal("the relay's frame never came")
		}
	}
}
