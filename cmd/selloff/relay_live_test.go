package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
)

// movedClock is the wall clock moved to another instant: it runs at
// real speed (a live source's poll waits real seconds).
type movedClock struct{ off time.Duration }

func newMovedClock(to time.Time) movedClock { return movedClock{off: time.Until(to)} }

func (c movedClock) Now() time.Time                         { return time.Now().Add(c.off) }
func (c movedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// tcpProxy forwards loopback connections to a server; Kill cuts them all
// and refuses new ones: for the process behind it, the server is gone.
type tcpProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, to string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln}
	t.Cleanup(p.Kill)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *tcpProxy) URL() string { return "nats://" + p.ln.Addr().String() }

func (p *tcpProxy) Kill() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// frameLog keeps, per frame time, what one node showed: each quote's
// price, stale mark and quote time.
type frameLog struct {
	mu      sync.Mutex
	frames  map[time.Time]string
	details []string
	stale   bool // a stale AVGO was shown
}

func sig(u feeds.Update) string {
	var b strings.Builder
	for _, q := range u.Frame.Quotes {
		fmt.Fprintf(&b, "%s %.2f stale=%v upd=%s src=%s; ", q.Symbol, q.Price, q.Stale, q.Updated.Format(time.TimeOnly), q.Source)
	}
	return b.String()
}

func (l *frameLog) follow(ch <-chan feeds.Update) {
	for u := range ch {
		if u.Frame == nil || u.Health.State == feeds.HealthOffline {
			continue
		}
		l.mu.Lock()
		l.frames[u.Frame.Time] = sig(u)
		l.details = append(l.details, u.Health.Detail)
		if i := u.Frame.Index("AVGO"); i >= 0 && u.Frame.Quotes[i].Stale {
			l.stale = true
		}
		l.mu.Unlock()
	}
}

// quoteRequests counts the fake's quote requests per User-Agent.
func quoteRequests(f *fakeyahoo.Server) map[string]int {
	n := map[string]int{}
	for _, r := range f.Requests() {
		if strings.HasPrefix(r.Path, "/v7/finance/quote") {
			n[r.UA]++
		}
	}
	return n
}

// Two live relays of one feed on the local fake Yahoo and three serve
// nodes: every node shows the same frames (prices, quote times, stale
// marks); Yahoo is polled once per interval, by the leader only, however
// many nodes run; when the leader dies unheard (its NATS connection cut),
// the standby takes over within 10 s and polls alone from then on.
func TestLiveRelaysPollOnceForEveryNode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about 20 s of live polling")
	}
	ns := natsServer(t)
	f := fakeMarket(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := newMovedClock(tradingNow)
	cfg := emptyConfig(t)
	const uaA, uaB = "Mozilla/5.0 relay-a", "Mozilla/5.0 relay-b"
	relay := func(ctx context.Context, url, id, ua string, log *syncBuffer) chan int {
		a := newApp(nil, log, log, func(string) string { return "" })
		a.clock = clock
		done := make(chan int, 1)
		go func() {
			done <- a.run(ctx, []string{"relay", "--nats", url, "--feed", "live", "--source", "live", "--relay-id", id,
				"--symbols", "NVDA,AVGO,^SOX", "--yahoo-url", f.URL, "--user-agent", ua, "--interval", "1s", "--no-stream", "--config", cfg})
		}()
		return done
	}
	wait := func(what string, within time.Duration, ok func() bool) time.Duration {
		t.Helper()
		t0 := time.Now()
		for deadline := t0.Add(within); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s", what, within)
			}
		}
		return time.Since(t0)
	}
	var logA, logB, logN syncBuffer
	proxy := startProxy(t, strings.TrimPrefix(ns.ClientURL(), "nats://"))
	ctxA, stopA := context.WithCancel(ctx)
	defer stopA()
	doneA := relay(ctxA, proxy.URL(), "a", uaA, &logA)
	wait("relay a relays", 20*time.Second, func() bool { return strings.Contains(logA.String(), "relaying") })
	doneB := relay(ctx, ns.ClientURL(), "b", uaB, &logB)
	wait("relay b stands by", 20*time.Second, func() bool { return strings.Contains(logB.String(), "standing by: relay a leads") })

	nodes := make([]*frameLog, 3)
	for i := range nodes {
		node := newApp(nil, &logN, &logN, func(string) string { return "" })
		src := ns.ClientURL() + "/live"
		srcs, err := node.natsSources(ctx, flagSet(t, serveFlags, "--source", src), src, money{})
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = &frameLog{frames: map[time.Time]string{}}
		go nodes[i].follow(srcs.Shared.Subscribe(ctx))
	}
	// Yahoo's answers move on: a new NVDA price, and no AVGO quote (it
	// goes stale after three intervals)
	time.Sleep(2 * time.Second)
	f.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: 117.05, PrevClose: 142.62, Volume: 830000000, Shares: 24490000000, Time: tradingNow})
	f.Omit("AVGO")
	before, t1 := quoteRequests(f), time.Now()
	time.Sleep(6 * time.Second)
	after, span := quoteRequests(f), time.Since(t1)
	if after[uaB] != 0 {
		t.Fatalf("the standby polled Yahoo: %v", after)
	}
	polls := after[uaA] - before[uaA]
	if want := span.Seconds(); float64(polls) < want-2 || float64(polls) > want+1 {
		t.Fatalf("%d quote requests in %s with three nodes: want one a second", polls, span)
	}
	t.Logf("leader: %d quote requests in %s (interval 1s, 3 nodes, 2 relays)", polls, span.Round(time.Millisecond))

	// kill the leader: no goodbye, its lease expires
	killed := time.Now()
	proxy.Kill()
	took := wait("relay b polls", 10*time.Second, func() bool { return quoteRequests(f)[uaB] > 0 })
	wait("nodes show relay b's frames", 10*time.Second-took, func() bool {
		for _, n := range nodes {
			n.mu.Lock()
			changed := strings.Contains(strings.Join(n.details, "\n"), "relay changed")
			n.mu.Unlock()
			if !changed {
				return false
			}
		}
		return true
	})
	t.Logf("handover: relay b polled %s after relay a was cut off; nodes showed its frames %s after", took.Round(time.Millisecond), time.Since(killed).Round(time.Millisecond))
	if time.Since(killed) > 10*time.Second {
		t.Fatalf("handover took %s", time.Since(killed))
	}
	time.Sleep(time.Second) // relay a stops with its lease, before b can lead
	c1 := quoteRequests(f)
	time.Sleep(4 * time.Second)
	c2 := quoteRequests(f)
	if c2[uaA] != c1[uaA] {
		t.Fatalf("relay a still polls after losing the lead: %d then %d", c1[uaA], c2[uaA])
	}
	if n := c2[uaB] - c1[uaB]; n < 2 || n > 5 {
		t.Fatalf("relay b made %d quote requests in 4s at 1s", n)
	}

	// every node showed the same frames
	common := 0
	for tm, s0 := range nodes[0].snapshot() {
		same := true
		for i, n := range nodes[1:] {
			s, ok := n.snapshot()[tm]
			if !ok {
				same = false
				continue
			}
			if s != s0 {
				t.Fatalf("frame %s: node 1 showed\n%s\nnode %d\n%s", tm.Format(time.TimeOnly), s0, i+2, s)
			}
		}
		if same {
			common++
		}
	}
	for i, n := range nodes {
		n.mu.Lock()
		stale := n.stale
		n.mu.Unlock()
		if !stale {
			t.Fatalf("node %d never showed AVGO stale", i+1)
		}
	}
	if common < 8 {
		t.Fatalf("only %d frames seen by all three nodes", common)
	}
	t.Logf("%d frames seen by all three nodes, all the same", common)
	cancel()
	for _, d := range []chan int{doneA, doneB} {
		select {
		case <-d:
		case <-time.After(15 * time.Second):
			t.Fatalf("a relay did not stop; logs:\n%s\n%s", logA.String(), logB.String())
		}
	}
}

func (l *frameLog) snapshot() map[time.Time]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[time.Time]string, len(l.frames))
	for k, v := range l.frames {
		out[k] = v
	}
	return out
}
