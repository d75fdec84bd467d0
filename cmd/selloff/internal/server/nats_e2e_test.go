package server

import (
	"context"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/natsfeed"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// Issue 16's "Done when" at the serve-node level: an embedded JetStream
// server, two relays of one replay feed (one leads and hosts the watch
// party, the other stands by), serve nodes with the relay's party as
// their backend, and real SSH clients on the real dashboard.

const e2eFeed = "e2e"

// e2eRelay is one `selloff relay --source replay --watch-party`.
type e2eRelay struct {
	id     string
	nc     *nats.Conn
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	said []string
}

func (r *e2eRelay) saw(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.said {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// e2eRig is the NATS side of the test: the embedded server and the relays.
type e2eRig struct {
	t    *testing.T
	opts natsserver.Options
	url  string
	ctx  context.Context

	mu sync.Mutex
	ns *natsserver.Server
}

func newE2ERig(t *testing.T) *e2eRig {
	t.Helper()
	g := &e2eRig{t: t, opts: natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true}}
	g.start()
	g.url = g.ns.ClientURL()
	g.opts.Port = g.ns.Addr().(*net.TCPAddr).Port // a restart comes back there
	ctx, cancel := context.WithCancel(context.Background())
	g.ctx = ctx
	t.Cleanup(func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.ns.Shutdown()
	})
	t.Cleanup(cancel) // first: the relays and nodes stop, then the server
	return g
}

func (g *e2eRig) start() {
	g.t.Helper()
	o := g.opts
	ns, err := natsserver.NewServer(&o)
	if err != nil {
		g.t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		g.t.Fatal("embedded NATS server not ready")
	}
	g.mu.Lock()
	g.ns = ns
	g.mu.Unlock()
}

// restart stops the NATS server, waits down, and starts it again on the
// same port and store (what a NATS upgrade or crash looks like).
func (g *e2eRig) restart(down time.Duration, freshStore bool) {
	g.t.Helper()
	g.mu.Lock()
	g.ns.Shutdown()
	g.ns.WaitForShutdown()
	g.mu.Unlock()
	if freshStore {
		g.opts.StoreDir = g.t.TempDir() // its streams lost with the old disk
	}
	time.Sleep(down) // the outage being simulated, not a wait for a result
	g.start()
}

func (g *e2eRig) conn(url, name string) *nats.Conn {
	g.t.Helper()
	nc, err := natsfeed.Connect(url, natsfeed.ConnectOptions{Name: name})
	if err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(nc.Close)
	return nc
}

// relay starts one relay of the feed: it leads when it holds the lease
// (TTL ttl), continuing the last published state's clock when it takes
// over, and hosts the watch party while it leads.
func (g *e2eRig) relay(id string, ttl time.Duration) *e2eRelay {
	t := g.t
	t.Helper()
	ds, err := realDataset()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(g.ctx)
	r := &e2eRelay{id: id, nc: g.conn(g.url, "relay "+id), cancel: cancel, done: make(chan struct{})}
	pub, err := natsfeed.NewPublisher(ctx, r.nc, e2eFeed, natsfeed.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	start := func(ctx context.Context, last *natsfeed.State) (feeds.Source, snapshots.Header, []snapshots.Record, error) {
		opt := replay.Options{Speed: 60, Start: etAt(10, 0)}
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
		return rp, snap.Header, natsfeed.SnapshotRecords(snap), nil
	}
	go func() {
		defer close(r.done)
		err := natsfeed.Lead(ctx, r.nc, pub, feeds.RealClock{}, natsfeed.RelayOptions{
			ID:       id,
			LeaseTTL: ttl,
			OnState: func(s string) {
				r.mu.Lock()
				r.said = append(r.said, s)
				r.mu.Unlock()
			},
			Party: &natsfeed.PartyOptions{OnError: func(err error) { t.Logf("relay %s party: %v", id, err) }},
		}, start)
		if err != nil {
			t.Errorf("relay %s: %v", id, err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
		if t.Failed() {
			r.mu.Lock()
			t.Logf("relay %s said %q", id, r.said)
			r.mu.Unlock()
		}
	})
	return r
}

// node starts a serve node (serve --source nats://.../e2e --watch-party)
// named name, on the real dashboard, reaching NATS at url.
func (g *e2eRig) node(name, url string) *testServer {
	t := g.t
	t.Helper()
	nc := g.conn(url, "node "+name)
	sub, err := natsfeed.NewSubscriber(nc, e2eFeed, feeds.RealClock{}, natsfeed.SubscriberOptions{
		Silence: 2 * time.Second, Retry: 200 * time.Millisecond, ChangedNote: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := natsfeed.NewPartyClient(nc, sub, feeds.RealClock{}, natsfeed.PartyClientOptions{Node: name})
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(g.ctx)
	pc.Start(g.ctx)
	// serve's viewers come once the relay's feed is there (a viewer
	// before it has no frame, and its claim of the seat finds no relay)
	fctx, stop := context.WithCancel(g.ctx)
	defer stop()
	ch := sub.Subscribe(fctx)
	for u := range ch {
		if u.Frame != nil {
			break
		}
	}
	return startServer(t, func(c *Config) {
		c.WatchParty = true
		c.Node = name
		c.Sources = Sources{Shared: sub, SharedControl: pc}
		c.Party = pc
		c.Model, c.Render = nil, nil // the real dashboard
	})
}

// cutProxy is a TCP proxy in front of the NATS server for one node, so
// the test can cut that node's link (and only its) and mend it.
type cutProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			if down {
				_ = c.Close()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
			go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) url() string { return "nats://" + p.ln.Addr().String() }

// cut closes the node's connections and refuses new ones until mend.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) mend() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// e2eScreen is what a viewer's terminal shows: the body (every line above
// the status bar, the ticker's scrolling movers cut) and the status bar,
// trailing blanks cut.
func e2eScreen(v *term) (body, status string) {
	lines := strings.Split(v.screenText(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return "", ""
	}
	for i, l := range lines {
		// the ticker's movers scroll on each viewer's own animation
		// clock; its total is the frame's
		if strings.HasPrefix(l, "AI basket") {
			lines[i], _, _ = strings.Cut(l, "│")
		}
	}
	return strings.Join(lines[:len(lines)-1], "\n"), lines[len(lines)-1]
}

// e2eClock is the replay time on a status bar ("Mon 27 Jan 14:50 ET").
var e2eClock = regexp.MustCompile(`Mon 27 Jan (2025 )?\d\d:\d\d ET`)

func clockOf(status string) string {
	return strings.Replace(e2eClock.FindString(status), "2025 ", "", 1)
}

// sameFrame waits until every viewer shows the same body at the same
// replay time, and each status bar passes ok; it returns that body.
func sameFrame(t *testing.T, what string, views []*term, ok func(i int, status string) bool) string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	var bodies, statuses []string
	for {
		bodies, statuses = bodies[:0], statuses[:0]
		same := true
		for i, v := range views {
			b, s := e2eScreenLocked(v)
			bodies, statuses = append(bodies, b), append(statuses, s)
			if b == "" || clockOf(s) == "" || b != bodies[0] || clockOf(s) != clockOf(statuses[0]) || (ok != nil && !ok(i, s)) {
				same = false
			}
		}
		if same {
			return bodies[0]
		}
		if time.Now().After(deadline) {
			for i := range views {
				t.Logf("viewer %d:\n%s\n%s", i, bodies[i], statuses[i])
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// firstSeen waits until every viewer's status bar has passed ok, and
// returns when each first did, polling them together
// so that a passing mark is not missed on one while waiting for another.
func firstSeen(t *testing.T, what string, views []*term, ok func(status string) bool) []time.Time {
	t.Helper()
	seen := make([]time.Time, len(views))
	deadline := time.Now().Add(waitLimit)
	for left := len(views); left > 0; {
		for i, v := range views {
			if seen[i].IsZero() {
				if _, s := e2eScreenLocked(v); ok(s) {
					seen[i] = time.Now()
					left--
				}
			}
		}
		if left > 0 && time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, bounded by the deadline
	}
	return seen
}

// waitStatus waits until a viewer's status bar passes ok.
func waitStatus(t *testing.T, v *term, what string, ok func(status string) bool) {
	t.Helper()
	v.waitFor(t, what, func(_, _ string, _ bool) bool {
		_, s := e2eScreen(v)
		return ok(s)
	})
}

func has(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, x := range subs {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	}
}

// Issue 16, done when: two relays and three serve nodes on an embedded
// JetStream server; viewers on every node see the same frames; a
// presenter on node A drives followers on B and C; killing the leading
// relay hands over within 10 s with the replay time continuous and the
// gap marked; a late node gets the day so far; a node that loses NATS
// marks its frame stale and recovers by itself.
func TestNATSEndToEnd(t *testing.T) {
	t.Parallel() // the family's tests wait on leases and silences, not the CPU
	g := newE2ERig(t)
	const ttl = 2 * time.Second
	ra := g.relay("a", ttl)
	waitUntil(t, "relay a leads", func() bool { return ra.saw("leading") })
	rb := g.relay("b", ttl)
	waitUntil(t, "relay b stands by", func() bool { return rb.saw("standing by: relay a leads") })
	cut := newCutProxy(t, strings.TrimPrefix(g.url, "nats://"))
	env := map[string]string{"NO_COLOR": "1"}
	const w, h = 120, 30
	var views []*term
	for _, n := range []struct{ name, url string }{{"A", g.url}, {"B", g.url}, {"C", cut.url()}} {
		ts := g.node(n.name, n.url)
		v := openTerm(t, mustDial(t, ts.addr), w, h, env)
		v.waitText(t, "NVDA")
		views = append(views, v)
	}
	p, followers := views[0], views[1:]

	// 1. the same frame at the same replay time on every node; the
	// first-comer on A presents, B and C follow
	waitStatus(t, p, "A presents", has("PRESENTING"))
	sameFrame(t, "the same frame on A, B and C", views, func(i int, s string) bool {
		return i == 0 || strings.Contains(s, "following")
	})

	// 2. the presenter pauses, seeks, moves the selection and the chart
	// mode; B and C show the same
	p.send(t, " ")
	sameFrame(t, "paused everywhere", views, func(_ int, s string) bool { return strings.Contains(s, "paused") })
	p.send(t, "g")
	p.send(t, "14:50\r")
	sameFrame(t, "14:50 everywhere", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 14:50 ET" && strings.Contains(s, "paused")
	})
	p.send(t, "j")
	for _, v := range views {
		v.waitText(t, "▸AVGO")
	}
	p.send(t, "c")
	for _, v := range views {
		v.waitFor(t, "candles", func(_, _ string, _ bool) bool {
			b, _ := e2eScreen(v)
			return strings.Contains(b, "candles")
		})
	}
	sameFrame(t, "candles everywhere", views, func(_ int, s string) bool { return strings.Contains(s, "paused") })

	// 3. the leading relay dies without a goodbye: relay b leads within
	// 10 s, from 14:50 paused; the viewers see the gap marked, then clear
	killed := time.Now()
	ra.nc.Close()
	ra.cancel()
	for i, at := range firstSeen(t, "the relay change marked", followers, has(natsfeed.RelayChangedText)) {
		d := at.Sub(killed)
		t.Logf("handover: relay a killed, follower %d's status bar says %q %s later", i, natsfeed.RelayChangedText, d.Round(10*time.Millisecond))
		if d > 10*time.Second {
			t.Errorf("the handover took %s, want at most 10 s", d)
		}
	}
	if !rb.saw("leading: continuing the feed from Mon 27 Jan 14:50") {
		rb.mu.Lock()
		t.Errorf("relay b said %q, want it to continue from 14:50", rb.said)
		rb.mu.Unlock()
	}
	sameFrame(t, "the same frame at 14:50, still paused, the note gone", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 14:50 ET" && strings.Contains(s, "paused") && !strings.Contains(s, natsfeed.RelayChangedText) && !strings.Contains(s, "offline")
	})
	// the presenter keeps the seat, and the view (AVGO, candles) stays
	waitStatus(t, p, "A still presents", has("PRESENTING"))
	for _, v := range views {
		if b, _ := e2eScreenLocked(v); !strings.Contains(b, "▸AVGO") || !strings.Contains(b, "candles") {
			t.Errorf("after the hand-over a viewer lost the presenter's view:\n%s", b)
		}
	}
	// the presenter still drives, through relay b
	p.send(t, "j")
	for _, v := range views {
		v.waitText(t, "▸TSM")
	}

	// 4. a node started now gets the day so far at once: its viewer's
	// chart and watchlist are the others'
	lateAt := time.Now()
	late := g.node("D", g.url)
	vd := openTerm(t, mustDial(t, late.addr), w, h, env)
	views = append(views, vd)
	sameFrame(t, "the late node's frame", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 14:50 ET"
	})
	t.Logf("late node D: the day so far on its viewer %s after it started", time.Since(lateAt).Round(10*time.Millisecond))

	// 5. node C loses NATS: its frame is kept, marked stale; meanwhile the
	// presenter seeks; NATS back, C catches up by itself
	cut.cut()
	vc := views[2]
	waitStatus(t, vc, "C offline", has("offline"))
	p.send(t, "g")
	p.send(t, "15:30\r")
	waitStatus(t, views[1], "B at 15:30", func(s string) bool { return clockOf(s) == "Mon 27 Jan 15:30 ET" })
	if _, s := e2eScreenLocked(vc); clockOf(s) != "Mon 27 Jan 14:50 ET" || !strings.Contains(s, "offline") {
		t.Errorf("C while cut off: %q, want the 14:50 frame kept, offline", s)
	}
	cut.mend()
	mended := time.Now()
	sameFrame(t, "C back at 15:30", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 15:30 ET" && !strings.Contains(s, "offline")
	})
	t.Logf("node C back %s after NATS came back", time.Since(mended).Round(10*time.Millisecond))
}

// e2eScreenLocked is e2eScreen for callers not holding the term's lock.
func e2eScreenLocked(v *term) (body, status string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return e2eScreen(v)
}

// Issue 16: the NATS server itself restarts (every relay and node loses
// it at once), with its store kept or lost. The nodes keep their last
// frame marked offline, a relay leads again, and the party carries on
// from where it was: same time, paused, the presenter's seat and keys.
func TestNATSEndToEndServerRestart(t *testing.T) { natsServerRestart(t, false) }

func TestNATSEndToEndServerLosesItsStore(t *testing.T) { natsServerRestart(t, true) }

func natsServerRestart(t *testing.T, freshStore bool) {
	t.Parallel()
	g := newE2ERig(t)
	const ttl = 2 * time.Second
	ra := g.relay("a", ttl)
	waitUntil(t, "relay a leads", func() bool { return ra.saw("leading") })
	rb := g.relay("b", ttl)
	waitUntil(t, "relay b stands by", func() bool { return rb.saw("standing by: relay a leads") })
	env := map[string]string{"NO_COLOR": "1"}
	var views []*term
	for _, name := range []string{"A", "B"} {
		ts := g.node(name, g.url)
		v := openTerm(t, mustDial(t, ts.addr), 120, 30, env)
		v.waitText(t, "NVDA")
		views = append(views, v)
	}
	p, f := views[0], views[1]
	waitStatus(t, p, "A presents", has("PRESENTING"))
	p.send(t, " ")
	p.send(t, "g")
	p.send(t, "11:00\r")
	sameFrame(t, "11:00 paused everywhere", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 11:00 ET" && strings.Contains(s, "paused")
	})

	g.restart(300*time.Millisecond, freshStore)
	restarted := time.Now()
	// The gap is marked: offline while the node has no NATS, or, when the
	// restart is quicker than the node's notice of it, relay changed (the
	// relay that leads after it starts a new run).
	waitStatus(t, f, "B marks the gap", func(s string) bool {
		return strings.Contains(s, "offline") || strings.Contains(s, "relay changed")
	})
	back := firstSeen(t, "B back", []*term{f}, func(s string) bool { return !strings.Contains(s, "offline") && strings.Contains(s, "feed ok") })
	t.Logf("NATS restarted: B's frame current again %s later", back[0].Sub(restarted).Round(10*time.Millisecond))
	// The lease lived in the old server's memory: the leader loses it
	// within 2/3 of a TTL, and a relay (either: a gap, marked, is fair)
	// must hold a new one. Once the old lease is over, the feed must be
	// current (before the lease fix it stayed offline for good).
	time.Sleep(time.Until(restarted.Add(2 * ttl))) // past the old lease, not an assertion
	sameFrame(t, "11:00 paused everywhere after the restart", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 11:00 ET" && strings.Contains(s, "paused") && !strings.Contains(s, "offline")
	})
	p.send(t, "j")
	for _, v := range views {
		v.waitText(t, "▸AVGO")
	}
	p.send(t, "g")
	p.send(t, "11:30\r")
	sameFrame(t, "the presenter drives after the restart", views, func(_ int, s string) bool {
		return clockOf(s) == "Mon 27 Jan 11:30 ET"
	})
	for _, r := range []*e2eRelay{ra, rb} {
		r.mu.Lock()
		t.Logf("relay %s said %q", r.id, r.said)
		r.mu.Unlock()
	}
}
